// Drift detection and repair: a count corrupted on purpose is reported (in the result, in the log,
// on /metrics), --repair fixes it, the exporter's schedule verifies and repairs by itself, and two
// verifications never run at once (the second skips on the advisory lock).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { verifyAggregates, VERIFY_LOCK_KEY } from '../../src/aggregates/verify.js';
import { fixtures } from '../support/fixtures.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { startTestExporter } from '../support/test-exporter.js';
import { waitFor } from '../support/wait-for.js';

const EXPORTER = fileURLToPath(new URL('../../', import.meta.url));

/** `npm run aggregates:verify` as the README shows it, run by its script. */
function verifyCli(databaseUrl: string, args: string[] = []): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/aggregates-verify.ts', ...args], {
      cwd: EXPORTER,
      env: { ...process.env, DATABASE_URL: databaseUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Corrupts the maintained counts the way a write bypassing the triggers would. */
async function corrupt(db: TestDatabase): Promise<void> {
  await db.pool.query(`INSERT INTO "AggregateCount" ("figure", "group", "value") VALUES ('users', 'pro/admin', 5)
                       ON CONFLICT ("figure", "group") DO UPDATE SET "value" = "AggregateCount"."value" + 5`);
  await db.pool.query(`INSERT INTO "RevenueDelta" ("currency", "bucketStart", "amount") VALUES ('IDR', '2026-11-01T00:15:00Z', -12.5)`);
}

describe('verification and repair of the maintained counts', () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase();
    const make = fixtures(db.pool);
    const user = await make.user({ plan: 'pro', role: 'admin' });
    await make.payment(user, { amount: '100.00', status: 'paid', paidAt: new Date('2026-11-01T00:20:00Z') });
  });
  after(async () => {
    await db?.drop();
  });

  test('drift is reported per figure and logged (figure names and numbers only); repair fixes it', async () => {
    await corrupt(db);
    const logged: Array<Record<string, unknown>> = [];
    const logger = { warn: (fields: Record<string, unknown>) => logged.push(fields), info: () => {} };
    const found = await verifyAggregates(db.pool, { repair: false, logger: logger as never });
    assert.equal(found.skipped, false);
    assert.equal(found.repaired, false);
    const drift = Object.fromEntries(found.figures.map((figure) => [figure.figure, figure.drift]));
    assert.equal(drift.users, 5);
    assert.equal(drift.revenue, 12.5);
    assert.equal(found.totalDrift, 17.5);
    assert.equal(Object.values(drift).filter((value) => value !== 0).length, 2);
    assert.deepEqual(
      logged.map((fields) => [fields.figure, fields.drift, fields.driftedGroups]),
      [
        ['users', 5, 1],
        ['revenue', 12.5, 1],
      ],
    );
    assert.ok(
      logged.every((fields) => !JSON.stringify(fields).includes('pro/admin')),
      'no group in the log',
    );

    const still = await verifyAggregates(db.pool, { repair: false });
    assert.equal(still.totalDrift, 17.5, 'verifying without repair changes nothing');
    const repaired = await verifyAggregates(db.pool, { repair: true });
    assert.equal(repaired.repaired, true);
    assert.equal((await verifyAggregates(db.pool, { repair: false })).totalDrift, 0, 'repaired');
  });

  test('npm run aggregates:verify exits non-zero on drift, --repair fixes it', async () => {
    await corrupt(db);
    const found = await verifyCli(db.url);
    assert.equal(found.code, 1, found.stderr);
    assert.match(found.stdout, /^users +drift 5 \(1 group\(s\)\)$/m);
    assert.match(found.stdout, /^drift found/m);
    assert.match(found.stderr, /"figure":"users","drift":5/);
    const repair = await verifyCli(db.url, ['--repair']);
    assert.equal(repair.code, 0, repair.stderr);
    assert.match(repair.stdout, /^drift repaired/m);
    assert.equal((await verifyAggregates(db.pool, { repair: false })).totalDrift, 0);
  });

  test('the exporter verifies and repairs, showing the drift on /metrics; its schedule runs by itself', async () => {
    await corrupt(db);
    // A schedule too slow to fire during the test: the verification is the one it would run, called now.
    const exporter = await startTestExporter({ pool: db.pool, config: { aggregateVerifyIntervalMs: 3_600_000 } });
    const metrics = async (url: string, headers: Record<string, string>) => (await fetch(`${url}/metrics`, { headers })).text();
    try {
      assert.match(await metrics(exporter.url, exporter.authHeaders()), /^kewhats_aggregate_last_verification_timestamp_seconds 0$/m, 'none yet');
      await exporter.exporter.aggregateMaintenance.verify();
      const text = await metrics(exporter.url, exporter.authHeaders());
      assert.match(text, /^kewhats_aggregate_last_verification_timestamp_seconds [1-9]/m);
      assert.match(text, /^kewhats_aggregate_drift\{figure="users"\} 5$/m);
      assert.match(text, /^kewhats_aggregate_drift\{figure="revenue"\} 12\.5$/m);
      assert.match(text, /^kewhats_aggregate_drift\{figure="messages"\} 0$/m);
      assert.match(text, /^kewhats_aggregate_drift\{figure="revenue_days"\} 0$/m);
      assert.equal(text.match(/^kewhats_aggregate_drift\{/gm)?.length, 11, 'one series per maintained figure and rollup');
      assert.equal((await verifyAggregates(db.pool, { repair: false })).totalDrift, 0, 'the scheduled verification repairs');
      await exporter.exporter.aggregateMaintenance.verify();
      assert.match(await metrics(exporter.url, exporter.authHeaders()), /^kewhats_aggregate_drift\{figure="users"\} 0$/m);
    } finally {
      await exporter.close();
    }
    await corrupt(db);
    const scheduled = await startTestExporter({ pool: db.pool, config: { aggregateVerifyIntervalMs: 200 } });
    try {
      await waitFor('a scheduled verification on /metrics', async () =>
        /^kewhats_aggregate_last_verification_timestamp_seconds [1-9]/m.test(await metrics(scheduled.url, scheduled.authHeaders())),
      );
    } finally {
      await scheduled.close();
    }
    const afterSchedule = await verifyAggregates(db.pool, { repair: false });
    assert.deepEqual([afterSchedule.skipped, afterSchedule.totalDrift], [false, 0], 'repaired by the schedule');
  });

  test('two verifications never run at once: the second skips', async () => {
    if (db.kind === 'embedded') {
      // PGlite is one database session behind its socket server: there is no second session to
      // hold the lock, and transactions of two connections run one after the other. Two
      // verifications at once therefore both complete, in turn.
      const reports = await Promise.all([verifyAggregates(db.pool, { repair: true }), verifyAggregates(db.pool, { repair: true })]);
      assert.deepEqual(
        reports.map((report) => [report.skipped, report.totalDrift]),
        [
          [false, 0],
          [false, 0],
        ],
      );
      return;
    }
    // Another verification (another replica) holds the lock for the length of its transaction.
    const other = await db.pool.connect();
    try {
      await other.query('BEGIN');
      await other.query('SELECT pg_advisory_xact_lock($1)', [VERIFY_LOCK_KEY]);
      const skipped = await verifyAggregates(db.pool, { repair: true });
      assert.equal(skipped.skipped, true);
      assert.deepEqual(skipped.figures, []);
      const cli = await verifyCli(db.url);
      assert.equal(cli.code, 75, cli.stderr);
      assert.match(cli.stdout, /^skipped: another verification is running$/m);
      await other.query('COMMIT');
    } finally {
      other.release();
    }
    assert.equal((await verifyAggregates(db.pool, { repair: false })).skipped, false, 'the lock is released with its transaction');
  });
});
