// docker-compose.yml, .env.example, exporter/Dockerfile and .dockerignore. There is no Docker
// engine on CI: the compose file is validated and resolved with the real `docker-compose config`
// and the result is checked structurally.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { describeRun, readRepoFile, repoPath, requireTool, run } from './support.js';

const REQUIRED_SECRETS = ['POSTGRES_PASSWORD', 'MONITORING_TOKEN', 'GRAFANA_SECRET_KEY'] as const;
const LONG_RUNNING = ['postgres', 'exporter', 'prometheus', 'grafana'];
const ONE_SHOTS = ['keys', 'migrate', 'seed'];

interface Volume {
  type: string;
  source?: string;
  target: string;
  read_only?: boolean;
}
interface Service {
  image?: string;
  build?: { context: string; dockerfile?: string; target?: string };
  command?: string[] | string;
  entrypoint?: string[] | string;
  environment?: Record<string, string | null>;
  ports?: unknown[];
  expose?: unknown[];
  volumes?: (Volume | string)[];
  healthcheck?: { test: string[] | string; disable?: boolean };
  restart?: string;
  depends_on?: Record<string, { condition: string }>;
  profiles?: string[];
  networks?: Record<string, unknown> | string[];
  network_mode?: string;
  tmpfs?: string[] | string;
  user?: string;
}
interface ComposeFile {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
  networks?: Record<string, { internal?: boolean } | null>;
}

/** A clean environment for docker-compose: nothing from the caller's shell leaks in. */
const composeEnv = (): NodeJS.ProcessEnv => ({ PATH: process.env.PATH, HOME: process.env.HOME ?? tmpdir(), LANG: 'C.UTF-8' });

let workDir: string;
let envFile: string;
const secrets: Record<string, string> = {};
let resolved: ComposeFile;

/** `.env.example` with every required secret filled in, as an operator would. */
function filledEnvExample(): string {
  let text = readRepoFile('.env.example');
  for (const name of REQUIRED_SECRETS) {
    secrets[name] ??= randomBytes(32).toString('hex');
    text = text.replace(new RegExp(`^${name}=.*$`, 'm'), `${name}=${secrets[name]}`);
  }
  return text;
}

/** Volumes in the long form docker-compose resolves them to. */
function volumesOf(service: Service): Volume[] {
  return (service.volumes ?? []).map((volume) => {
    if (typeof volume !== 'string') return volume;
    const [source, target, mode] = volume.split(':');
    return { type: source!.startsWith('/') || source!.startsWith('.') ? 'bind' : 'volume', source, target: target!, read_only: mode === 'ro' };
  });
}
const mountAt = (service: Service, target: string): Volume | undefined => volumesOf(service).find((volume) => volume.target === target);

before(async () => {
  requireTool('docker-compose');
  workDir = mkdtempSync(join(tmpdir(), 'kewhats-compose-'));
  envFile = join(workDir, '.env');
  writeFileSync(envFile, filledEnvExample(), { mode: 0o600 });
  const result = await run('docker-compose', ['--env-file', envFile, '-f', repoPath('docker-compose.yml'), '--profile', 'demo', 'config'], {
    env: composeEnv(),
  });
  assert.equal(result.code, 0, describeRun(result));
  resolved = parseYaml(result.stdout) as ComposeFile;
});
after(() => {
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('docker-compose config', () => {
  test('accepts the file with a .env made from .env.example (config -q)', async () => {
    const result = await run('docker-compose', ['--env-file', envFile, '-f', repoPath('docker-compose.yml'), 'config', '-q'], {
      env: composeEnv(),
    });
    assert.equal(result.code, 0, describeRun(result));
    assert.equal(result.stderr.trim(), '', 'no warnings (e.g. an unset variable)');
  });

  test('refuses to run while a required secret is missing from .env', async () => {
    for (const name of REQUIRED_SECRETS) {
      const partial = join(workDir, `missing-${name}.env`);
      writeFileSync(partial, filledEnvExample().replace(new RegExp(`^${name}=.*$`, 'm'), `${name}=`));
      const result = await run('docker-compose', ['--env-file', partial, '-f', repoPath('docker-compose.yml'), 'config', '-q'], {
        env: composeEnv(),
      });
      assert.notEqual(result.code, 0, `${name} empty: ${describeRun(result)}`);
      assert.match(result.stderr, new RegExp(`set ${name} in \\.env`));
    }
  });

  test('.env.example as shipped (secrets still empty) is refused too', async () => {
    const result = await run('docker-compose', ['--env-file', repoPath('.env.example'), '-f', repoPath('docker-compose.yml'), 'config', '-q'], {
      env: composeEnv(),
    });
    assert.notEqual(result.code, 0, describeRun(result));
  });
});

describe('docker-compose.yml services', () => {
  test('the stack has exactly the expected services', () => {
    assert.deepEqual(Object.keys(resolved.services).sort(), [...LONG_RUNNING, ...ONE_SHOTS].sort());
  });

  test('only the exporter publishes a port (9470)', () => {
    for (const [name, service] of Object.entries(resolved.services)) {
      if (name === 'exporter') continue;
      assert.equal(service.ports, undefined, `${name} must not publish ports`);
      assert.notEqual(service.network_mode, 'host', `${name} must not use the host network`);
    }
    const ports = resolved.services.exporter!.ports as { target: number; published: number | string }[];
    assert.equal(ports.length, 1);
    assert.equal(Number(ports[0]!.target), 9470);
    assert.equal(Number(ports[0]!.published), 9470);
  });

  test('every long-running service has a health check and a restart policy', () => {
    for (const name of LONG_RUNNING) {
      const service = resolved.services[name]!;
      assert.ok(service.healthcheck && !service.healthcheck.disable, `${name}: healthcheck`);
      const probe = Array.isArray(service.healthcheck.test) ? service.healthcheck.test.join(' ') : service.healthcheck.test;
      assert.match(probe, /^(CMD|CMD-SHELL) /, `${name}: healthcheck.test`);
      assert.equal(service.restart, 'unless-stopped', `${name}: restart`);
    }
    assert.match(String(resolved.services.exporter!.healthcheck!.test), /\/healthz/);
    assert.match(String(resolved.services.postgres!.healthcheck!.test), /pg_isready/);
  });

  test('one-shots run once', () => {
    for (const name of ONE_SHOTS) assert.equal(resolved.services[name]!.restart, 'no', `${name}: restart`);
  });

  test('postgres 16 keeps its data in a named volume and stays on the internal db network', () => {
    const postgres = resolved.services.postgres!;
    assert.match(postgres.image ?? '', /^postgres:16(\.\d+)*-alpine$/);
    const data = mountAt(postgres, '/var/lib/postgresql/data');
    assert.equal(data?.type, 'volume');
    assert.ok(data?.source && data.source in (resolved.volumes ?? {}), 'named volume');
    assert.deepEqual(Object.keys(postgres.networks ?? {}), ['db']);
    assert.equal(resolved.networks?.db?.internal, true);
  });

  test('the exporter waits for a healthy database, the migrations and the keys', () => {
    const exporter = resolved.services.exporter!;
    assert.deepEqual(exporter.depends_on, {
      postgres: { condition: 'service_healthy' },
      migrate: { condition: 'service_completed_successfully' },
      keys: { condition: 'service_completed_successfully' },
    });
    const env = exporter.environment ?? {};
    assert.equal(env.JWT_PRIVATE_KEY_FILE, '/keys/jwt-private.pem');
    assert.equal(env.JWT_PUBLIC_KEY_FILE, '/keys/jwt-public.pem');
    assert.equal(env.GRAFANA_URL, 'http://grafana:3000');
    assert.equal(env.MONITORING_TOKEN, secrets.MONITORING_TOKEN, 'MONITORING_TOKEN comes from .env');
    const url = new URL(env.DATABASE_URL ?? '');
    assert.equal(url.hostname, 'postgres');
    assert.equal(decodeURIComponent(url.password), secrets.POSTGRES_PASSWORD, 'the database password comes from .env');
    assert.deepEqual(mountAt(exporter, '/keys'), { type: 'volume', source: 'jwt-keys', target: '/keys', read_only: true });
  });

  test('keys: the one-shot key generator writes into the jwt-keys volume', () => {
    const keys = resolved.services.keys!;
    assert.equal(keys.image, resolved.services.exporter!.image, 'keys runs on the exporter image');
    assert.deepEqual(keys.command, ['node', 'exporter/dist/cli/generate-keys.js', '--out', '/keys', '--public-dir', '/jwt-public']);
    assert.equal(mountAt(keys, '/keys')?.source, 'jwt-keys');
    assert.equal(mountAt(keys, '/jwt-public')?.source, 'jwt-public');
    assert.equal(keys.network_mode, 'none');
  });

  test('migrate runs prisma migrate deploy on the build stage (which has the Prisma CLI)', () => {
    const migrate = resolved.services.migrate!;
    assert.deepEqual(migrate.command, ['npx', 'prisma', 'migrate', 'deploy', '--config', 'prisma.config.ts']);
    assert.equal(migrate.build?.target, 'build');
    assert.deepEqual(migrate.depends_on, { postgres: { condition: 'service_healthy' } });
  });

  test('demo data is an opt-in profile', () => {
    const seed = resolved.services.seed!;
    assert.deepEqual(seed.profiles, ['demo']);
    assert.deepEqual(seed.command, ['npm', 'run', 'db:seed', '-w', 'exporter']);
    assert.equal(seed.depends_on?.migrate?.condition, 'service_completed_successfully');
    assert.equal(resolved.services.exporter!.depends_on?.seed, undefined, 'the exporter must start without the demo profile');
  });

  test('prometheus: config and rules read-only, the token file on a tmpfs, TSDB in a named volume', () => {
    const prometheus = resolved.services.prometheus!;
    const config = mountAt(prometheus, '/etc/prometheus/prometheus.yml');
    assert.equal(config?.source, repoPath('provisioning/prometheus/prometheus.yml'));
    assert.equal(config?.read_only, true);
    const rules = mountAt(prometheus, '/etc/prometheus/rules');
    assert.equal(rules?.source, repoPath('provisioning/prometheus/rules'));
    assert.equal(rules?.read_only, true);
    assert.equal(mountAt(prometheus, '/prometheus')?.type, 'volume');

    const promConfig = parseYaml(readRepoFile('provisioning/prometheus/prometheus.yml')) as {
      scrape_configs: { job_name: string; authorization?: { credentials_file?: string } }[];
    };
    const tokenFile = promConfig.scrape_configs.find((job) => job.job_name === 'kewhats-exporter')!.authorization!.credentials_file!;
    const tmpfs = ([] as string[]).concat(prometheus.tmpfs ?? []);
    assert.ok(
      tmpfs.some((entry) => entry.split(':')[0] === posix.dirname(tokenFile)),
      `a tmpfs at ${posix.dirname(tokenFile)} holds the token file`,
    );
    const script = ([] as string[]).concat(prometheus.command ?? []).join(' ');
    assert.ok(script.includes(`> ${tokenFile}`), 'the entrypoint writes the token file');
    assert.ok(script.includes('exec /bin/prometheus'), 'Prometheus replaces the shell');
    assert.equal(prometheus.environment?.MONITORING_TOKEN, secrets.MONITORING_TOKEN);
    assert.equal(prometheus.user, '65534:65534');
  });

  test('grafana 13: ini, provisioning, dashboards, the plugin dist and only the public JWT key', () => {
    const grafana = resolved.services.grafana!;
    assert.match(grafana.image ?? '', /^grafana\/grafana:13\.\d+\.\d+/);
    const expectMount = (target: string, source: string) => {
      const mount = mountAt(grafana, target);
      assert.equal(mount?.source, source, target);
      assert.equal(mount?.read_only, true, `${target} read-only`);
    };
    expectMount('/etc/grafana/grafana.ini', repoPath('provisioning/grafana/grafana.ini'));
    expectMount('/etc/grafana/provisioning', repoPath('provisioning/grafana/provisioning'));
    expectMount('/var/lib/grafana/dashboards/kewhats', repoPath('provisioning/grafana/dashboards/id'));
    expectMount('/var/lib/grafana/plugins/kewhats-monitoring-app', repoPath('grafana-plugin/dist'));
    expectMount('/etc/grafana/jwt', 'jwt-public');
    assert.ok(!volumesOf(grafana).some((volume) => volume.source === 'jwt-keys'), 'Grafana must never see the private key');
    assert.equal(mountAt(grafana, '/var/lib/grafana')?.type, 'volume');

    const env = grafana.environment ?? {};
    assert.equal(env.MONITORING_TOKEN, secrets.MONITORING_TOKEN, 'for $MONITORING_TOKEN in the data source provisioning');
    assert.equal(env.GF_SECURITY_SECRET_KEY, secrets.GRAFANA_SECRET_KEY);
    assert.equal(grafana.depends_on?.keys?.condition, 'service_completed_successfully');
  });

  test('DASHBOARD_LANGUAGE picks the dashboards Grafana loads: id by default, en on request', async () => {
    assert.match(readRepoFile('.env.example'), /^DASHBOARD_LANGUAGE=id$/m, '.env.example documents the default');
    const mountedFor = async (language: string | undefined) => {
      const env = filledEnvExample().replace(/^DASHBOARD_LANGUAGE=.*$/m, language === undefined ? '' : `DASHBOARD_LANGUAGE=${language}`);
      const file = join(workDir, `.env.${language ?? 'unset'}`);
      writeFileSync(file, env, { mode: 0o600 });
      const result = await run('docker-compose', ['--env-file', file, '-f', repoPath('docker-compose.yml'), 'config'], { env: composeEnv() });
      assert.equal(result.code, 0, describeRun(result));
      return mountAt((parseYaml(result.stdout) as ComposeFile).services.grafana!, '/var/lib/grafana/dashboards/kewhats')?.source;
    };
    assert.equal(await mountedFor(undefined), repoPath('provisioning/grafana/dashboards/id'));
    assert.equal(await mountedFor('en'), repoPath('provisioning/grafana/dashboards/en'));
    assert.equal(await mountedFor('id'), repoPath('provisioning/grafana/dashboards/id'));
    // Every language the compose file can name has its generated folder with the home dashboard.
    for (const language of ['id', 'en']) assert.ok(existsSync(repoPath(`provisioning/grafana/dashboards/${language}/dashboard.json`)), language);
  });

  test('Grafana expects the issuer and audience the exporter signs with', () => {
    const exporterEnv = resolved.services.exporter!.environment ?? {};
    const claims = JSON.parse(resolved.services.grafana!.environment?.GF_AUTH_JWT_EXPECT_CLAIMS ?? 'null') as Record<string, string>;
    assert.deepEqual(claims, { iss: exporterEnv.JWT_ISSUER, aud: exporterEnv.JWT_AUDIENCE });
    // and grafana.ini's own default agrees with the compose defaults
    const iniClaims = /^expect_claims\s*=\s*(.+)$/m.exec(readRepoFile('provisioning/grafana/grafana.ini'))?.[1];
    assert.deepEqual(JSON.parse(iniClaims ?? 'null'), claims);
  });

  test('Grafana and Prometheus sit only on the internal monitoring network', () => {
    for (const name of ['grafana', 'prometheus']) {
      assert.deepEqual(Object.keys(resolved.services[name]!.networks ?? {}), ['monitoring'], name);
    }
    assert.equal(resolved.networks?.monitoring?.internal, true);
    assert.deepEqual(Object.keys(resolved.services.exporter!.networks ?? {}).sort(), ['db', 'edge', 'monitoring']);
  });

  test('named volumes for all state', () => {
    assert.deepEqual(Object.keys(resolved.volumes ?? {}).sort(), ['grafana-data', 'jwt-keys', 'jwt-public', 'postgres-data', 'prometheus-data']);
  });
});

describe('no secret is committed', () => {
  const compose = readRepoFile('docker-compose.yml');

  test('docker-compose.yml takes every secret from the environment', () => {
    for (const name of REQUIRED_SECRETS) {
      const uses = [...compose.matchAll(new RegExp(`\\$\\{${name}(:?[-?][^}]*)?\\}`, 'g'))].map((match) => match[0]);
      assert.ok(uses.length > 0, `${name} is used`);
      for (const use of uses) assert.doesNotMatch(use, new RegExp(`^\\$\\{${name}:?-`), `${name} must have no default: ${use}`);
    }
    for (const line of compose.split('\n')) {
      const match = /^\s*(\w*(?:PASSWORD|TOKEN|SECRET)\w*)\s*:\s*(.+)$/.exec(line);
      if (match) assert.match(match[2]!, /^\$\{[A-Z_]+:\?[^}]*\}$/, `literal value for ${match[1]}`);
    }
    assert.doesNotMatch(compose, /\b[0-9a-f]{32,}\b/i, 'long hex literal');
    assert.doesNotMatch(compose, /-----BEGIN/);
  });

  test('.env.example lists the secrets empty, explains how to generate them, and documents every variable', () => {
    const example = readRepoFile('.env.example');
    for (const name of REQUIRED_SECRETS) assert.match(example, new RegExp(`^${name}=$`, 'm'), `${name} listed and empty`);
    assert.match(example, /openssl rand -hex 32/);
    const documented = new Set([...example.matchAll(/^([A-Z_][A-Z0-9_]*)=/gm)].map((match) => match[1]));
    for (const [, name] of compose.matchAll(/\$\{([A-Z_][A-Z0-9_]*)/g)) {
      assert.ok(documented.has(name), `${name} is used by docker-compose.yml but missing from .env.example`);
    }
  });

  test('.env is git-ignored and kept out of the Docker build context', () => {
    assert.match(readRepoFile('.gitignore'), /^\.env$/m);
    const ignore = readRepoFile('.dockerignore')
      .split('\n')
      .map((line) => line.trim());
    for (const entry of ['.env', '**/node_modules', '**/*.pem', '.git']) assert.ok(ignore.includes(entry), `.dockerignore: ${entry}`);
  });
});

describe('exporter/Dockerfile', () => {
  const dockerfile = readRepoFile('exporter/Dockerfile');
  const instructions = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const stages = instructions.reduce<{ name: string; lines: string[] }[]>((acc, line) => {
    const from = /^FROM\s+\S+(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) acc.push({ name: from[1] ?? '', lines: [] });
    else acc.at(-1)?.lines.push(line);
    return acc;
  }, []);
  const stage = (name: string) => stages.find((item) => item.name === name)?.lines ?? [];

  test('multi-stage on Node 24 LTS slim', () => {
    assert.match(dockerfile, /^ARG NODE_IMAGE=node:24(\.\d+)*-[a-z]+-slim$/m);
    assert.deepEqual(
      stages.map((item) => item.name),
      ['build', 'prod-deps', 'runtime'],
    );
  });

  test('build stage: npm ci for the exporter workspace, tsc build (which generates the Prisma client first)', () => {
    const lines = stage('build').join('\n');
    assert.match(lines, /COPY .*package\.json package-lock\.json/);
    assert.match(lines, /COPY .*grafana-plugin\/package\.json/);
    assert.match(lines, /npm ci .*--workspace exporter/);
    assert.match(lines, /npm run build -w exporter/);
    assert.match(JSON.parse(readRepoFile('exporter/package.json')).scripts.build, /^npm run --silent prisma:generate && /);
  });

  test('runtime stage: production dependencies only, non-root, health check, port 9470', () => {
    assert.match(stage('prod-deps').join('\n'), /npm ci .*--omit=dev/);
    const runtime = stage('runtime');
    const users = runtime.filter((line) => line.startsWith('USER '));
    assert.equal(users.at(-1), 'USER node');
    assert.ok(runtime.includes('EXPOSE 9470'));
    assert.ok(runtime.some((line) => line.startsWith('HEALTHCHECK ') && line.includes('/healthz')));
    assert.equal(runtime.filter((line) => line.startsWith('CMD ')).at(-1), 'CMD ["node", "exporter/dist/main.js"]');
    assert.ok(!runtime.some((line) => /^COPY (?!--from=)/.test(line)), 'runtime copies only from earlier stages');
  });

  test('compose builds the stages it uses', () => {
    assert.equal(resolved.services.exporter!.build?.target, 'runtime');
    assert.equal(resolved.services.exporter!.build?.dockerfile, 'exporter/Dockerfile');
    assert.equal(resolved.services.exporter!.build?.context, repoPath('').replace(/\/$/, ''));
  });
});
