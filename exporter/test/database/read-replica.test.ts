// DATABASE_READ_URL against a real streaming replica: a private primary and a hot standby made
// from it with pg_basebackup, the exporter process started with both URLs. Which server answers
// is shown by what it knows: while the standby's replay is paused, rows written on the primary
// are missing from the aggregates and the exports (read on the standby) while sign-in and its
// session (on the primary) work; once replay resumes they appear.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type pg from 'pg';
import { applyMigrations } from '../../src/db/migrate.js';
import { createPool } from '../../src/db/pool.js';
import { createApiUsageRecorder } from '../../src/tracking/index.js';
import { createAccount, type TestAccount } from '../auth/support/accounts.js';
import { signIn } from '../gateway/support/sessions.js';
import { startExporterProcess, type ExporterProcess } from '../support/exporter-process.js';
import { fixtures } from '../support/fixtures.js';
import { getJson } from '../support/http.js';
import { startPrivatePostgres, startStreamingReplica, type PrivatePostgres } from '../support/private-postgres.js';
import { testKeys } from '../support/test-exporter.js';
import { waitFor } from '../support/wait-for.js';

/** A past year: its revenue is computed on demand (the custom-range route), never part of the snapshot. */
const PAST_YEAR = { from: '2020-01-01T00:00:00.000Z', to: '2021-01-01T00:00:00.000Z' };

/** Waits until the standby has replayed everything the primary has written so far (LSN comparison). */
async function replicaCaughtUp(primary: pg.Pool, standby: pg.Pool): Promise<void> {
  const { rows } = await primary.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
  const target = rows[0]!.lsn;
  await waitFor(`the standby to replay up to ${target}`, async () => {
    const replayed = await standby.query<{ done: boolean }>('SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS done', [target]);
    return replayed.rows[0]!.done;
  });
}

describe('read replica: aggregates and exports from a streaming standby, sign-in and writes on the primary', () => {
  let primary: PrivatePostgres | undefined;
  let standby: PrivatePostgres | undefined;
  let primaryPool: pg.Pool;
  let standbyPool: pg.Pool;
  let exporter: ExporterProcess | undefined;
  let staff: TestAccount;
  let apiKeyId: string;
  let userId: string;

  before(async () => {
    primary = await startPrivatePostgres();
    await applyMigrations(primary.url);
    standby = await startStreamingReplica(primary);
    primaryPool = createPool(primary.url, { max: 3, applicationName: 'kewhats-test' });
    standbyPool = createPool(standby.url, { max: 3, applicationName: 'kewhats-test' });
    staff = await createAccount(primaryPool, { email: 'replica-noc@kewhats.test', role: 'monitoring' });
    userId = await fixtures(primaryPool).user();
    apiKeyId = await fixtures(primaryPool).apiKey(userId);
    await replicaCaughtUp(primaryPool, standbyPool);
    const keys = testKeys();
    exporter = await startExporterProcess({
      databaseUrl: primary.url,
      env: { DATABASE_READ_URL: standby.url, REFRESH_INTERVAL_SECONDS: '1', JWT_PUBLIC_KEY: keys.publicKey, JWT_PRIVATE_KEY: keys.privateKey },
    });
  });
  after(async () => {
    await exporter?.stop();
    await primaryPool?.end();
    await standbyPool?.end();
    await standby?.destroy();
    await primary?.destroy();
  });

  const get = (path: string) => getJson(`${exporter!.url}${path}`, { headers: exporter!.authHeaders() });
  const csv = async (type: 'email' | 'contact') => {
    const response = await fetch(`${exporter!.url}/api/monitoring/contacts/export?type=${type}`, { headers: exporter!.authHeaders() });
    assert.equal(response.status, 200);
    return response.text();
  };
  const replicaLag = async () => {
    const metrics = await fetch(`${exporter!.url}/metrics`, { headers: exporter!.authHeaders() }).then((response) => response.text());
    const value = /^kewhats_replica_lag_seconds (\S+)$/m.exec(metrics)?.[1];
    assert.ok(value !== undefined, 'kewhats_replica_lag_seconds is exposed');
    return Number(value);
  };
  /** A snapshot made after `moment` (the exporter refreshes every second while asked). */
  const snapshotAfter = (moment: Date) =>
    waitFor(`a snapshot made after ${moment.toISOString()}`, async () => {
      const view = await get('/api/monitoring/dashboard');
      return Date.parse(view.body.generatedAt) > moment.getTime() && view;
    });

  test('the exporter reads the aggregates and exports on the standby, connects to each server with its own pool', async () => {
    assert.equal((await get('/api/monitoring/users')).status, 200);
    await csv('email');
    const connections = async (pool: pg.Pool) =>
      new Set(
        (
          await pool.query<{ name: string }>(
            `SELECT DISTINCT application_name AS name FROM pg_stat_activity WHERE application_name LIKE 'kewhats-exporter%'`,
          )
        ).rows.map((row) => row.name),
      );
    assert.deepEqual(await connections(standbyPool), new Set(['kewhats-exporter-read']), 'only the read pool on the standby');
    // The primary pool's connections may have ended idle by now; the read pool's must never be there.
    assert.ok(!(await connections(primaryPool)).has('kewhats-exporter-read'), 'no read pool on the primary');
    const ready = await get('/readyz');
    assert.equal(ready.status, 200);
    assert.deepEqual(ready.body, { status: 'ready', database: 'up', readReplica: 'up' });
  });

  test('while replay is paused: new rows are missing from the API and exports, sign-in works, lag is reported; then they appear', async () => {
    const users = (await get('/api/monitoring/users')).body.total as number;
    const traffic = (await get('/api/monitoring/dashboard')).body.apiTraffic as { incoming: number; outgoing: number };
    const pastYear = (await get(`/api/monitoring/dashboard?from=${PAST_YEAR.from}&to=${PAST_YEAR.to}`)).body;
    assert.doesNotMatch(await csv('email'), /replica-contact@example\.com/);
    await waitFor('no lag with everything replayed', async () => (await replicaLag()) === 0);

    await standbyPool.query('SELECT pg_wal_replay_pause()');
    try {
      // Writes on the primary: the tracking kit, a user, a contact, a payment of the past year.
      const written = new Date();
      const recorder = createApiUsageRecorder(primaryPool, { flushIntervalMs: 3_600_000 });
      recorder.recordIncoming(apiKeyId, 5);
      await recorder.close();
      const f = fixtures(primaryPool);
      await f.user();
      await f.contact(userId, { email: 'replica-contact@example.com' });
      await f.payment(userId, { amount: '1234.50', status: 'paid', currency: 'IDR', paidAt: new Date('2020-06-15T10:00:00Z') });

      // Sign-in writes a session on the primary; using it reads the session back there: the
      // standby, paused, has neither the account's session nor could it store one.
      const signedIn = await signIn(exporter!.url, staff);
      const asStaff = await fetch(`${exporter!.url}/api/monitoring/users`, { headers: { Cookie: signedIn.cookie } });
      assert.equal(asStaff.status, 200);
      const sessions = await primaryPool.query(`SELECT 1 FROM "StaffSession" s JOIN "User" u ON u."id" = s."userId" WHERE u."email" = $1`, [
        staff.email,
      ]);
      assert.equal(sessions.rowCount, 1, 'the session is on the primary');

      await waitFor('replica lag above 0 while replay is paused', async () => (await replicaLag()) > 0);
      await waitFor('the lag logged once above the refresh interval', () => exporter!.logLines(/read replica is lagging/).length > 0);
      const paused = await snapshotAfter(written);
      assert.deepEqual(paused.body.apiTraffic, traffic, "the tracking kit's write is not on the standby yet");
      assert.equal((await get('/api/monitoring/users')).body.total, users);
      assert.deepEqual((await get(`/api/monitoring/dashboard?from=${PAST_YEAR.from}&to=${PAST_YEAR.to}`)).body.revenue, pastYear.revenue);
      assert.doesNotMatch(await csv('email'), /replica-contact@example\.com/, 'the export reads the standby');
    } finally {
      await standbyPool.query('SELECT pg_wal_replay_resume()');
    }

    await replicaCaughtUp(primaryPool, standbyPool);
    const caughtUp = await snapshotAfter(new Date());
    assert.deepEqual(caughtUp.body.apiTraffic, { incoming: traffic.incoming + 5, outgoing: traffic.outgoing });
    assert.equal((await get('/api/monitoring/users')).body.total, users + 1);
    // A custom range's figures are cached for one interval: the next computation reads the replayed payment.
    await waitFor(
      "the past year's revenue with the payment",
      async () =>
        (await get(`/api/monitoring/dashboard?from=${PAST_YEAR.from}&to=${PAST_YEAR.to}`)).body.revenue.amount === pastYear.revenue.amount + 1234.5,
    );
    assert.match(await csv('email'), /replica-contact@example\.com/);
    await waitFor('no lag once replayed', async () => (await replicaLag()) === 0);
    await waitFor('the catch-up logged', () => exporter!.logLines(/read replica caught up/).length > 0);
  });

  test('an idle primary is no lag: 0 however long ago the last transaction was', async () => {
    await replicaCaughtUp(primaryPool, standbyPool);
    await waitFor('the last replayed transaction to be over 2 s old', async () => {
      const { rows } = await standbyPool.query<{ age: number }>('SELECT extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 AS age');
      return rows[0]!.age > 2;
    });
    await snapshotAfter(new Date());
    assert.equal(await replicaLag(), 0);
  });

  test('/readyz checks the standby too', async () => {
    await standby!.stop();
    try {
      const down = await get('/readyz');
      assert.equal(down.status, 503);
      assert.match(down.body.error.message, /read replica/);
    } finally {
      await standby!.start();
    }
    await waitFor('ready again', async () => (await get('/readyz')).status === 200);
  });
});
