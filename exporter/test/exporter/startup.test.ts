import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readFileSync } from 'node:fs';
import { ConfigError, ENVIRONMENT_VARIABLES, loadConfig } from '../../src/config.js';
import { runExporterToExit } from '../support/exporter-process.js';
import { freePort } from '../support/free-port.js';
import { createTestDatabase } from '../support/test-database.js';

/** Starts the real exporter process and waits for it to exit (it must, with these settings). */
const runExporter = (env: Record<string, string>) => runExporterToExit(env);

function assertOneClearLine(result: { code: number | null; stderr: string }, pattern: RegExp): void {
  assert.equal(result.code, 1);
  const lines = result.stderr.trim().split('\n');
  assert.equal(lines.length, 1, result.stderr);
  assert.match(lines[0]!, pattern);
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
}

describe('configuration', () => {
  test('defaults are the documented ones', () => {
    const config = loadConfig({});
    assert.equal(config.port, 9470);
    assert.equal(config.host, '0.0.0.0');
    assert.equal(config.refreshIntervalMs, 15_000);
    assert.equal(config.reportTimeZone, 'Asia/Jakarta');
    assert.equal(config.currency, 'IDR');
    assert.equal(config.databaseUrl, undefined);
    assert.equal(config.databaseReadUrl, undefined);
    assert.equal(config.grafanaUrl, undefined);
    assert.equal(config.metricsPublic, false);
  });

  test('each malformed setting is named in the error', () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ DATABASE_URL: 'mysql://x' }, /^DATABASE_URL must be a postgres/],
      [{ DATABASE_URL: 'postgresql://db/x', DATABASE_READ_URL: 'replica:5432' }, /^DATABASE_READ_URL must be a postgres/],
      [{ DATABASE_READ_URL: 'postgresql://replica/x' }, /^DATABASE_READ_URL needs DATABASE_URL/],
      [{ PORT: 'eighty' }, /^PORT must be a number/],
      [{ REFRESH_INTERVAL_SECONDS: '0' }, /^REFRESH_INTERVAL_SECONDS must be positive/],
      [{ REPORT_TIMEZONE: 'Mars/Olympus' }, /^REPORT_TIMEZONE must be an IANA time zone/],
      [{ CURRENCY: 'rupiah' }, /^CURRENCY must be a 3-letter/],
      [{ MONITORING_TOKEN: 'short' }, /^MONITORING_TOKEN must be at least 16/],
      [{ GRAFANA_URL: 'grafana:3000' }, /^GRAFANA_URL must be an http/],
      [{ METRICS_PUBLIC: 'maybe' }, /^METRICS_PUBLIC must be true or false/],
      [{ JWT_PUBLIC_KEY: 'not a key' }, /^JWT_PUBLIC_KEY is not a PEM public key/],
      [{ JWT_PUBLIC_KEY_FILE: '/nonexistent/key.pem' }, /^JWT_PUBLIC_KEY_FILE: cannot read/],
    ];
    for (const [env, message] of cases) {
      assert.throws(
        () => loadConfig(env),
        (error: unknown) => error instanceof ConfigError && message.test(error.message),
        JSON.stringify(env),
      );
    }
  });

  test('the README documents every variable the exporter reads', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const configuration = readme.slice(readme.indexOf('## Configuration'));
    const undocumented = ENVIRONMENT_VARIABLES.filter((name) => !configuration.includes(`\`${name}\``));
    assert.deepEqual(undocumented, []);
  });
});

describe('start-up failures end with one clear line and exit code 1', () => {
  test('a malformed DATABASE_URL', async () => {
    assertOneClearLine(await runExporter({ DATABASE_URL: 'not-a-url' }), /^kewhats-exporter: configuration: DATABASE_URL must be a postgres/);
  });

  test('an unreachable database, named without its password', async () => {
    const port = await freePort();
    const result = await runExporter({ DATABASE_URL: `postgresql://kewhats:s3cret@127.0.0.1:${port}/kewhats` });
    assertOneClearLine(
      result,
      new RegExp(`^kewhats-exporter: cannot use database postgresql://kewhats@127\\.0\\.0\\.1:${port}/kewhats: .*ECONNREFUSED`),
    );
    assert.doesNotMatch(result.stderr, /s3cret/);
  });

  test('an unreachable read replica (DATABASE_READ_URL), named without its password', async () => {
    const db = await createTestDatabase();
    const port = await freePort();
    try {
      const result = await runExporter({ DATABASE_URL: db.url, DATABASE_READ_URL: `postgresql://reader:s3cret@127.0.0.1:${port}/kewhats` });
      assertOneClearLine(
        result,
        new RegExp(`^kewhats-exporter: cannot use database postgresql://reader@127\\.0\\.0\\.1:${port}/kewhats: .*ECONNREFUSED`),
      );
      assert.doesNotMatch(result.stderr, /s3cret/);
    } finally {
      await db.drop();
    }
  });

  test('a database without the schema says to migrate', async () => {
    const db = await createTestDatabase({ migrate: false });
    try {
      assertOneClearLine(await runExporter({ DATABASE_URL: db.url }), /schema is missing: run `npm run db:migrate`/);
    } finally {
      await db.drop();
    }
  });
});
