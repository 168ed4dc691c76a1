// provisioning/prometheus: the scrape config, the alert rules and their unit tests, checked with
// the real promtool (check config, check rules, test rules) and a real Prometheus scraping a
// stand-in exporter that insists on the bearer token.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { documentedMetrics } from '../support/documented-metrics.js';
import { describeRun, mapLimit, readRepoFile, readRepoYaml, repoPath, requireTool, run } from './support.js';

const CONFIG = 'provisioning/prometheus/prometheus.yml';
const RULES = 'provisioning/prometheus/rules/kewhats-alerts.yml';
const RULE_TESTS = 'provisioning/prometheus/tests/kewhats-alerts.test.yml';
const RUNBOOK = 'provisioning/prometheus/RUNBOOK.md';
const TOKEN_FILE = '/etc/prometheus/secrets/monitoring_token';

/** The documented metric names (README), plus Prometheus' own `up`. */
const DOCUMENTED_METRICS = new Set([...documentedMetrics().keys(), 'up']);

/** The alerts the on-call relies on; every one must exist and be unit-tested. */
const EXPECTED_ALERTS = [
  'KeWhatsExporterDown',
  'KeWhatsSnapshotStale',
  'KeWhatsRefreshFailing',
  'KeWhatsDatabaseDown',
  'KeWhatsAggregateDrift',
  'KeWhatsReplicaLagging',
  'KeWhatsOutgoingFailureRatioHigh',
  'KeWhatsConnectedDevicesDrop',
  'KeWhatsBroadcastsFailing',
  'KeWhatsNoIncomingMessages',
];

/**
 * Mutations that make an alert fire on every series it looks at (same labels as the real
 * expression): the not-firing cases of its unit tests must then fail.
 */
const ALWAYS_FIRING: Record<string, string> = {
  KeWhatsExporterDown: 'up{job="kewhats-exporter"}',
  KeWhatsSnapshotStale: 'kewhats_exporter_last_refresh_success_timestamp_seconds',
  KeWhatsRefreshFailing: 'kewhats_exporter_refresh_failures_total',
  KeWhatsDatabaseDown: 'kewhats_exporter_database_up',
  KeWhatsAggregateDrift: 'kewhats_aggregate_drift',
  KeWhatsReplicaLagging: 'kewhats_replica_lag_seconds',
  KeWhatsOutgoingFailureRatioHigh: 'kewhats:messages_failed:ratio15m or kewhats:messages_outgoing:delta15m',
  KeWhatsConnectedDevicesDrop: 'kewhats_devices{status="connected"}',
  KeWhatsBroadcastsFailing: 'kewhats_broadcasts{status="failed"}',
  KeWhatsNoIncomingMessages: 'kewhats_messages{kind="incoming"}',
};
const NEVER_FIRING = 'vector(1) < 0';

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface RuleFile {
  groups: { name: string; rules: Rule[] }[];
}
interface AlertRuleTest {
  eval_time: string;
  alertname: string;
  exp_alerts?: { exp_labels?: Record<string, string>; exp_annotations?: Record<string, string> }[];
}
interface TestGroup {
  name?: string;
  interval?: string;
  input_series?: unknown[];
  alert_rule_test?: AlertRuleTest[];
  promql_expr_test?: unknown[];
}
interface RuleTestFile {
  rule_files: string[];
  evaluation_interval?: string;
  tests: TestGroup[];
}
interface ScrapeConfig {
  job_name: string;
  scrape_interval?: string;
  scrape_timeout?: string;
  metrics_path?: string;
  scheme?: string;
  authorization?: { type?: string; credentials_file?: string; credentials?: string };
  static_configs: { targets: string[] }[];
}
interface PrometheusConfig {
  global: { scrape_interval: string; scrape_timeout?: string; evaluation_interval: string };
  rule_files: string[];
  scrape_configs: ScrapeConfig[];
}

const rules = readRepoYaml<RuleFile>(RULES);
const alertRules = rules.groups.flatMap((group) => group.rules.filter((rule) => rule.alert));
const ruleTests = readRepoYaml<RuleTestFile>(RULE_TESTS);

let workDir: string;
before(() => {
  requireTool('promtool');
  workDir = mkdtempSync(join(tmpdir(), 'kewhats-prometheus-'));
});
after(() => {
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

/**
 * A copy of prometheus.yml whose container paths point into `dir`: the rules are copied to
 * dir/rules and a dummy token is written where credentials_file expects it.
 */
function writeTempConfig(dir: string, edit: (config: PrometheusConfig) => void = () => {}): string {
  const config = parseYaml(readRepoFile(CONFIG)) as PrometheusConfig;
  mkdirSync(join(dir, 'rules'), { recursive: true });
  mkdirSync(join(dir, 'secrets'), { recursive: true });
  copyFileSync(repoPath(RULES), join(dir, 'rules', 'kewhats-alerts.yml'));
  writeFileSync(join(dir, 'secrets', 'monitoring_token'), 'test-token-0123456789abcdef', { mode: 0o600 });
  config.rule_files = config.rule_files.map((pattern) => pattern.replace('/etc/prometheus/rules', join(dir, 'rules')));
  for (const job of config.scrape_configs) {
    if (job.authorization?.credentials_file) {
      job.authorization.credentials_file = job.authorization.credentials_file.replace('/etc/prometheus/secrets', join(dir, 'secrets'));
    }
  }
  edit(config);
  const path = join(dir, 'prometheus.yml');
  writeFileSync(path, stringifyYaml(config));
  return path;
}

describe('prometheus.yml', () => {
  const config = parseYaml(readRepoFile(CONFIG)) as PrometheusConfig;
  const exporterJob = config.scrape_configs.find((job) => job.job_name === 'kewhats-exporter');

  test('scrapes the exporter every 15 s on /metrics with the bearer token file', () => {
    assert.ok(exporterJob, 'job kewhats-exporter missing');
    assert.deepEqual(exporterJob.static_configs, [{ targets: ['exporter:9470'] }]);
    assert.equal(exporterJob.metrics_path, '/metrics');
    assert.equal(exporterJob.scrape_interval ?? config.global.scrape_interval, '15s');
    assert.deepEqual(exporterJob.authorization, { type: 'Bearer', credentials_file: TOKEN_FILE });
  });

  test('scrapes Prometheus itself', () => {
    const self = config.scrape_configs.find((job) => job.job_name === 'prometheus');
    assert.ok(self, 'job prometheus missing');
    assert.deepEqual(self.static_configs, [{ targets: ['localhost:9090'] }]);
  });

  test('loads the alert rules from the directory the compose file mounts them at', () => {
    assert.deepEqual(config.rule_files, ['/etc/prometheus/rules/*.yml']);
  });

  test('promtool check config accepts it (with the token file and rules in place)', async () => {
    const dir = mkdtempSync(join(workDir, 'check-'));
    const result = await run('promtool', ['check', 'config', writeTempConfig(dir)]);
    assert.equal(result.code, 0, describeRun(result));
    assert.match(result.stdout + result.stderr, /SUCCESS: 1 rule files found/);
    const ruleCount = rules.groups.reduce((sum, group) => sum + group.rules.length, 0);
    assert.match(result.stdout + result.stderr, new RegExp(`SUCCESS: ${ruleCount} rules found`));
  });

  test('promtool check config really reads credentials_file (fails while it is missing)', async () => {
    const result = await run('promtool', ['check', 'config', repoPath(CONFIG)]);
    assert.notEqual(result.code, 0, describeRun(result));
    assert.match(result.stdout + result.stderr, new RegExp(TOKEN_FILE.replaceAll('/', '\\/')));
  });
});

describe('alert rules', () => {
  test('promtool check rules accepts the rule file', async () => {
    const result = await run('promtool', ['check', 'rules', repoPath(RULES)]);
    assert.equal(result.code, 0, describeRun(result));
    assert.match(result.stdout, /SUCCESS/);
  });

  test('every expected alert exists, once', () => {
    assert.deepEqual(alertRules.map((rule) => rule.alert).sort(), [...EXPECTED_ALERTS].sort());
  });

  test('every alert has a severity, a summary, a description and a runbook section', () => {
    const runbook = readRepoFile(RUNBOOK);
    const anchors = new Set(
      [...runbook.matchAll(/^#{1,6}\s+(.+)$/gm)].map((match) =>
        match[1]!
          .trim()
          .toLowerCase()
          .replace(/[^\w\- ]/g, '')
          .replace(/ /g, '-'),
      ),
    );
    for (const rule of alertRules) {
      const name = rule.alert!;
      assert.ok(['critical', 'warning'].includes(rule.labels?.severity ?? ''), `${name}: labels.severity`);
      assert.ok(rule.annotations?.summary?.trim(), `${name}: annotations.summary`);
      assert.ok(rule.annotations?.description?.trim(), `${name}: annotations.description`);
      const url = rule.annotations?.runbook_url ?? '';
      const [path, anchor] = url.split('#');
      assert.equal(path, RUNBOOK, `${name}: runbook_url must point into ${RUNBOOK}`);
      assert.ok(anchor && anchors.has(anchor), `${name}: ${RUNBOOK} has no section #${anchor}`);
    }
  });

  test('rules only use documented metric names', () => {
    for (const group of rules.groups) {
      for (const rule of group.rules) {
        const names = rule.expr.match(/\bkewhats_[a-z_]+\b/g) ?? [];
        for (const name of names) {
          const base = name.replace(/_(bucket|sum|count)$/, '');
          assert.ok(DOCUMENTED_METRICS.has(name) || DOCUMENTED_METRICS.has(base), `${rule.alert ?? rule.record}: unknown metric ${name}`);
        }
      }
    }
  });

  test('the platform gauges are never read with rate() or increase()', () => {
    const gauges = ['kewhats_messages', 'kewhats_devices', 'kewhats_broadcasts'];
    for (const group of rules.groups) {
      for (const rule of group.rules) {
        for (const gauge of gauges) {
          assert.doesNotMatch(rule.expr, new RegExp(`(rate|increase)\\(\\s*${gauge}\\b`), `${rule.alert ?? rule.record}`);
        }
      }
    }
  });
});

describe('alert unit tests (promtool test rules)', () => {
  test('promtool test rules passes', async () => {
    const result = await run('promtool', ['test', 'rules', repoPath(RULE_TESTS)], { cwd: repoPath('provisioning/prometheus/tests') });
    assert.equal(result.code, 0, describeRun(result));
    assert.match(result.stdout, /SUCCESS/);
  });

  test('every alert has a firing and a not-firing case with exact labels and annotations', () => {
    const cases = ruleTests.tests.flatMap((group) => group.alert_rule_test ?? []);
    for (const rule of alertRules) {
      const name = rule.alert!;
      const own = cases.filter((item) => item.alertname === name);
      const firing = own.filter((item) => (item.exp_alerts ?? []).length > 0);
      assert.ok(firing.length > 0, `${name}: no firing case`);
      assert.ok(
        own.some((item) => (item.exp_alerts ?? []).length === 0),
        `${name}: no not-firing case`,
      );
      for (const item of firing) {
        for (const alert of item.exp_alerts!) {
          assert.equal(alert.exp_labels?.severity, rule.labels?.severity, `${name}@${item.eval_time}: exp_labels.severity`);
          assert.deepEqual(
            Object.keys(alert.exp_annotations ?? {}).sort(),
            Object.keys(rule.annotations ?? {}).sort(),
            `${name}@${item.eval_time}: every annotation is asserted`,
          );
        }
      }
    }
  });

  /**
   * Runs the unit tests of one alert against a copy of the rules where that alert's
   * expression is replaced; returns promtool's result.
   */
  async function runMutated(alert: string, expr: string): Promise<ReturnType<typeof run>> {
    const dir = mkdtempSync(join(workDir, 'mutant-'));
    const mutated = structuredClone(rules);
    for (const group of mutated.groups) {
      for (const rule of group.rules) if (rule.alert === alert) rule.expr = expr;
    }
    writeFileSync(join(dir, 'rules.yml'), stringifyYaml(mutated));
    const tests: RuleTestFile = {
      ...ruleTests,
      rule_files: ['rules.yml'],
      tests: ruleTests.tests
        .filter((group) => (group.alert_rule_test ?? []).some((item) => item.alertname === alert))
        .map((group) => ({
          ...group,
          alert_rule_test: group.alert_rule_test!.filter((item) => item.alertname === alert),
          promql_expr_test: [],
        })),
    };
    writeFileSync(join(dir, 'tests.yml'), stringifyYaml(tests));
    return run('promtool', ['test', 'rules', 'tests.yml'], { cwd: dir });
  }

  test('the unit tests catch an alert that never fires and one that always fires', async () => {
    const jobs = EXPECTED_ALERTS.flatMap((alert) => [
      { alert, kind: 'unchanged', expr: alertRules.find((rule) => rule.alert === alert)!.expr },
      { alert, kind: 'never firing', expr: NEVER_FIRING },
      { alert, kind: 'always firing', expr: ALWAYS_FIRING[alert]! },
    ]);
    const results = await mapLimit(jobs, 4, async (job) => ({ ...job, result: await runMutated(job.alert, job.expr) }));
    for (const { alert, kind, result } of results) {
      if (kind === 'unchanged') {
        assert.equal(result.code, 0, `${alert}: its own tests must pass on the real rule\n${describeRun(result)}`);
      } else {
        assert.notEqual(result.code, 0, `${alert}: the unit tests did not notice the rule ${kind}\n${describeRun(result)}`);
        assert.match(result.stdout + result.stderr, new RegExp(`alertname: ${alert}`), describeRun(result));
      }
    }
  });
});

describe('a real Prometheus with this configuration', () => {
  const TOKEN = 'test-token-0123456789abcdef';
  let server: Server;
  let prometheus: ReturnType<typeof spawn> | undefined;
  let prometheusLog = '';
  const authorizations: (string | undefined)[] = [];

  before(async () => {
    requireTool('prometheus');
    server = createServer((request, response) => {
      authorizations.push(request.headers.authorization);
      if (request.url !== '/metrics') return void response.writeHead(404).end();
      if (request.headers.authorization !== `Bearer ${TOKEN}`) return void response.writeHead(401).end();
      response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      response.end(
        [
          '# TYPE kewhats_exporter_database_up gauge',
          'kewhats_exporter_database_up 1',
          '# TYPE kewhats_messages gauge',
          'kewhats_messages{kind="incoming"} 10',
          'kewhats_messages{kind="sent"} 7',
          'kewhats_messages{kind="failed"} 1',
          '',
        ].join('\n'),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  after(async () => {
    prometheus?.kill('SIGTERM');
    await new Promise((resolve) => server?.close(resolve));
  });

  test('scrapes the exporter with the token from credentials_file and loads every rule', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(workDir, 'server-'));
    const exporterPort = (server.address() as AddressInfo).port;
    // A free port for Prometheus: bind, read, release.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const promPort = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));

    const configPath = writeTempConfig(dir, (config) => {
      config.global.scrape_interval = '1s';
      config.global.scrape_timeout = '1s';
      config.global.evaluation_interval = '1s';
      for (const job of config.scrape_configs) {
        job.scrape_interval = '1s';
        job.scrape_timeout = '1s';
        job.static_configs = [{ targets: [job.job_name === 'kewhats-exporter' ? `127.0.0.1:${exporterPort}` : `127.0.0.1:${promPort}`] }];
      }
    });
    prometheus = spawn(
      'prometheus',
      [`--config.file=${configPath}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${promPort}`],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    prometheus.stdout!.on('data', (chunk: Buffer) => (prometheusLog += chunk.toString()));
    prometheus.stderr!.on('data', (chunk: Buffer) => (prometheusLog += chunk.toString()));

    const api = async <T>(path: string): Promise<T> => {
      const response = await fetch(`http://127.0.0.1:${promPort}${path}`);
      return (await response.json()) as T;
    };
    type QueryResponse = { data?: { result?: { value?: [number, string] }[] } };
    type RulesResponse = { data: { groups: { rules: { name: string; type: string; health: string; lastError?: string }[] }[] } };
    const deadline = Date.now() + 45_000;
    let up: string | undefined;
    while (Date.now() < deadline) {
      try {
        const body = await api<QueryResponse>(`/api/v1/query?query=${encodeURIComponent('up{job="kewhats-exporter"}')}`);
        up = body.data?.result?.[0]?.value?.[1];
        if (up === '1') break;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    assert.equal(up, '1', `the exporter target never came up\n${prometheusLog}`);
    assert.ok(authorizations.includes(`Bearer ${TOKEN}`), 'Prometheus did not send the bearer token');

    // Rules: all loaded, all evaluating without error.
    let groups: RulesResponse['data']['groups'] = [];
    while (Date.now() < deadline) {
      groups = (await api<RulesResponse>('/api/v1/rules')).data.groups;
      const all = groups.flatMap((group) => group.rules);
      if (all.length > 0 && all.every((rule) => rule.health === 'ok')) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const all = groups.flatMap((group) => group.rules);
    assert.deepEqual(
      all
        .filter((rule) => rule.type === 'alerting')
        .map((rule) => rule.name)
        .sort(),
      [...EXPECTED_ALERTS].sort(),
    );
    for (const rule of all) assert.equal(rule.health, 'ok', `${rule.name}: ${rule.lastError}`);
    // The recording rule against the Jakarta wall clock (UTC+7) at the sample's own timestamp.
    const hours = await api<QueryResponse>(`/api/v1/query?query=${encodeURIComponent('kewhats:jakarta_business_hours')}`);
    const [at, value] = hours.data?.result?.[0]?.value ?? [];
    assert.ok(at !== undefined, 'kewhats:jakarta_business_hours has no sample');
    const local = new Date(at * 1000 + 7 * 3600_000);
    const weekday = local.getUTCDay() >= 1 && local.getUTCDay() <= 5;
    const expected = weekday && local.getUTCHours() >= 8 && local.getUTCHours() < 20 ? '1' : '0';
    assert.equal(value, expected, `kewhats:jakarta_business_hours at ${local.toISOString()} (Jakarta wall clock)`);
  });
});

// The token file Prometheus reads must stay out of the repository.
test('no token file is committed next to the config', () => {
  assert.throws(() => readFileSync(repoPath('provisioning/prometheus/secrets/monitoring_token')), /ENOENT/);
});
