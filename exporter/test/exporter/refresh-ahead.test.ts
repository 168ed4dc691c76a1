// The snapshot is refreshed ahead of expiry while viewers ask for it, so no viewer waits for the
// database: the slow database here is real (a lock another connection holds on a table a refresh
// reads), and "without waiting" means answered while that lock is still held.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { createPool } from '../../src/db/pool.js';
import { SECTIONS } from '../../src/sections/index.js';
import { DEMAND_WINDOW_INTERVALS, SERVE_EXPIRED_INTERVALS } from '../../src/snapshot/snapshot-service.js';
import { paymentsSection } from '../support/extra-section.js';
import { fixtures } from '../support/fixtures.js';
import { getJson } from '../support/http.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { startTestExporter, type TestExporter } from '../support/test-exporter.js';
import { waitFor } from '../support/wait-for.js';

/** Every section plus the test-only "payments" one, which reads the "Payment" table the tests lock. */
const SECTIONS_READING_PAYMENTS = [...SECTIONS, paymentsSection];
const EXPORTER_APPLICATION = 'kewhats-refresh-ahead-test';

describe('snapshot refresh ahead (stale-while-revalidate)', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let userId: string;
  before(async () => {
    db = await createTestDatabase();
    pool = createPool(db.url, { max: 4, applicationName: EXPORTER_APPLICATION });
    userId = await fixtures(db.pool).user();
  });
  after(async () => {
    await pool?.end();
    await db?.drop();
  });

  const start = (intervalMs: number) => startTestExporter({ pool, sections: SECTIONS_READING_PAYMENTS, config: { refreshIntervalMs: intervalMs } });
  const get = (exporter: TestExporter, path = '/api/monitoring/payments') => getJson(`${exporter.url}${path}`, { headers: exporter.authHeaders() });

  /** Holds an ACCESS EXCLUSIVE lock on "Payment" from another connection until released. */
  async function lockPayments(): Promise<{ release(): Promise<void> }> {
    const client = await db.pool.connect();
    await client.query('BEGIN');
    await client.query('LOCK TABLE "Payment" IN ACCESS EXCLUSIVE MODE');
    return {
      async release() {
        await client.query('COMMIT');
        client.release();
      },
    };
  }

  /** Whether one of the exporter's statements is waiting for a lock right now. */
  async function refreshBlocked(): Promise<boolean> {
    const { rows } = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1 AND wait_event_type = 'Lock'`,
      [EXPORTER_APPLICATION],
    );
    return rows[0]!.n > 0;
  }

  test('during a refresh the database is slow to answer, viewers get the snapshot on hand at once, however old past its interval', async () => {
    // Long enough that the snapshot is certain to be between one and two intervals old when the
    // viewers come, even on a machine so loaded that answering them takes seconds.
    const intervalMs = 10_000;
    const exporter = await start(intervalMs);
    const { snapshots } = exporter.exporter;
    try {
      const first = await get(exporter);
      assert.equal(first.status, 200);
      const lock = await lockPayments();
      try {
        // No request: the refresh ahead starts on its own, one interval after the first, and waits behind the lock.
        await waitFor('the refresh ahead, waiting behind the lock', refreshBlocked);
        const refreshes = snapshots.refreshCount;
        assert.equal(refreshes, 2);
        await waitFor('the snapshot to be past its interval', () => snapshots.snapshotAgeMs >= intervalMs);
        const paths = SECTIONS_READING_PAYMENTS.map((section) => `/api/monitoring/${section.name}`).concat('/metrics');
        const viewers = await Promise.all(Array.from({ length: 50 }, (_, index) => get(exporter, paths[index % paths.length])));
        assert.deepEqual(new Set(viewers.map((viewer) => viewer.status)), new Set([200]));
        const bodies = viewers.filter((viewer) => typeof viewer.body === 'object');
        assert.deepEqual(new Set(bodies.map((viewer) => viewer.body.generatedAt)), new Set([first.body.generatedAt]), 'the snapshot on hand');
        assert.ok(
          bodies.every((viewer) => viewer.body.stale === false),
          'not stale: the database has not failed',
        );
        assert.ok(await refreshBlocked(), 'answered while the refresh still waits for the database');
        assert.equal(snapshots.refreshCount, refreshes, '50 viewers joined the one refresh running');
      } finally {
        await lock.release();
      }
      await waitFor('the refreshed snapshot', async () => (await get(exporter)).body.generatedAt !== first.body.generatedAt);
    } finally {
      await exporter.close();
    }
  });

  test('viewers polling all the time: one refresh per interval, whatever their number', async () => {
    const intervalMs = 2_000;
    const exporter = await start(intervalMs);
    const { snapshots } = exporter.exporter;
    try {
      const started = Date.now(); // before the cold start: every refresh counted starts after it
      const until = started + 5 * intervalMs;
      const generatedAt = new Set<string>();
      const viewer = async () => {
        while (Date.now() < until) {
          const view = await get(exporter);
          assert.equal(view.status, 200);
          generatedAt.add(view.body.generatedAt);
          await sleep(100); // a dashboard's poll, far more often than any real one
        }
      };
      await Promise.all(Array.from({ length: 20 }, viewer));
      const elapsedMs = Date.now() - started;
      const { refreshCount } = snapshots;
      assert.ok(refreshCount <= 1 + elapsedMs / intervalMs, `${refreshCount} refreshes in ${elapsedMs} ms`);
      assert.ok(generatedAt.size >= 2, 'the viewers saw new snapshots');
    } finally {
      await exporter.close();
    }
  });

  test('a snapshot far past its age (no viewer for a while) makes the next request wait for a refresh', async () => {
    const intervalMs = 300;
    const exporter = await start(intervalMs);
    const { snapshots } = exporter.exporter;
    try {
      const before = (await get(exporter)).body.total as number;
      await waitFor('refreshing ahead to stop without viewers', () => !snapshots.refreshingAhead);
      await waitFor('the snapshot to be far past its age', () => snapshots.snapshotAgeMs >= SERVE_EXPIRED_INTERVALS * intervalMs);
      await fixtures(db.pool).payment(userId, { amount: '10.00', status: 'paid', currency: 'IDR', paidAt: new Date() });
      const refreshes = snapshots.refreshCount;
      const after = await get(exporter);
      assert.equal(after.body.total, before + 1, 'the request waited for a refresh that saw the new payment');
      assert.ok(snapshots.refreshCount > refreshes);
    } finally {
      await exporter.close();
    }
  });

  test('refreshes ahead with no request while there was one recently, stops when they stop and at shutdown', async () => {
    const intervalMs = 500;
    const exporter = await start(intervalMs);
    const { snapshots } = exporter.exporter;
    let closed = false;
    try {
      await get(exporter);
      await waitFor('a refresh with no further request', () => snapshots.refreshCount >= 2);
      await waitFor('refreshing ahead to stop once the demand is old', () => !snapshots.refreshingAhead);
      const refreshes = snapshots.refreshCount;
      assert.ok(refreshes <= 1 + DEMAND_WINDOW_INTERVALS, `${refreshes} refreshes after one request`);
      // Showing that nothing happens takes time: four intervals with no refresh.
      await sleep(4 * intervalMs);
      assert.equal(snapshots.refreshCount, refreshes, 'no viewer, no refresh');

      await get(exporter, '/metrics'); // a scrape is demand too
      await waitFor('refreshing ahead again', () => snapshots.refreshCount >= refreshes + 2);
      await exporter.close();
      closed = true;
      await waitFor('no refresh running or scheduled after shutdown', () => !snapshots.refreshingAhead);
      const atClose = snapshots.refreshCount;
      await sleep(4 * intervalMs);
      assert.equal(snapshots.refreshCount, atClose, 'no refresh after shutdown');
    } finally {
      if (!closed) await exporter.close();
    }
  });
});
