// The snapshot is refreshed ahead of expiry while viewers ask for it, so no viewer waits for the
// database: the slow database here is real (a lock another connection holds on a table a refresh
// reads), and "without waiting" means answered while that lock is still held.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { createPool } from '../../src/db/pool.js';
import { SECTIONS } from '../../src/sections/index.js';
import { REVENUE_BETWEEN_SQL } from '../../src/sections/revenue.js';
import { DEMAND_WINDOW_INTERVALS, SERVE_EXPIRED_INTERVALS } from '../../src/snapshot/snapshot-service.js';
import { paymentsSection } from '../support/extra-section.js';
import { fixtures } from '../support/fixtures.js';
import { getJson } from '../support/http.js';
import { startTcpProxy } from '../support/tcp-proxy.js';
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
    // A lock one session holds while the exporter's sessions wait: a PostgreSQL server (PGlite is one session).
    db = await createTestDatabase({ needsServer: true });
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

  /** The exporter's custom-range statements waiting for a lock right now (pg_stat_activity keeps the text's first 1 kB). */
  const RANGE_WAITING = `FROM pg_stat_activity
    WHERE datname = current_database() AND application_name = $1 AND wait_event_type = 'Lock' AND starts_with($2, query)`;
  const rangesBlocked = async () =>
    (await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n ${RANGE_WAITING}`, [EXPORTER_APPLICATION, REVENUE_BETWEEN_SQL])).rows[0]!.n;

  /**
   * Asks for Grafana's "this month" (its first and its last millisecond, not the snapshot's
   * exclusive end): a custom range, computed by this first request before `computedBy`.
   */
  async function grafanaMonth(exporter: TestExporter): Promise<{ path: string; first: Awaited<ReturnType<typeof get>>; computedBy: number }> {
    const home = (await get(exporter, '/api/monitoring/dashboard')).body;
    const path = `/api/monitoring/dashboard?from=${Date.parse(home.revenue.from)}&to=${Date.parse(home.revenue.to) - 1}`;
    const first = await get(exporter, path);
    assert.equal(first.status, 200);
    return { path, first, computedBy: Date.now() };
  }

  test('a custom range is computed once per interval; past it, viewers get the figures on hand at once while one recomputation waits', async () => {
    const intervalMs = 5_000;
    const exporter = await start(intervalMs);
    try {
      const { path, first, computedBy } = await grafanaMonth(exporter);
      await fixtures(db.pool).payment(userId, { amount: '10.00', status: 'paid', currency: 'IDR', paidAt: new Date() });
      assert.equal((await get(exporter, path)).body.revenue.amount, first.body.revenue.amount, 'within its interval: computed once');

      const lock = await lockPayments();
      try {
        await sleep(Math.max(0, computedBy + intervalMs - Date.now()));
        const answers: Array<Awaited<ReturnType<typeof get>>> = [];
        for (let viewer = 0; viewer < 20; viewer += 1) void get(exporter, path).then((answer) => answers.push(answer));
        await waitFor('20 answers while the database is locked', () => answers.length === 20);
        assert.deepEqual(new Set(answers.map((answer) => answer.status)), new Set([200]));
        assert.deepEqual(new Set(answers.map((answer) => answer.body.revenue.amount)), new Set([first.body.revenue.amount]), 'the figures on hand');
        assert.equal(await waitFor('the recomputation, waiting behind the lock', rangesBlocked), 1, 'one recomputation for 20 viewers');
      } finally {
        await lock.release();
      }
      const paid = Math.round((first.body.revenue.amount + 10) * 100) / 100;
      await waitFor('the recomputed figures, with the new payment', async () => (await get(exporter, path)).body.revenue.amount === paid);
    } finally {
      await exporter.close();
    }
  });

  test('a range whose recomputation fails while the snapshot is fresh is served flagged stale, until it is computed again', async () => {
    const intervalMs = 5_000;
    const exporter = await start(intervalMs);
    try {
      const { path, first, computedBy } = await grafanaMonth(exporter);
      const lock = await lockPayments();
      try {
        await sleep(Math.max(0, computedBy + intervalMs - Date.now()));
        assert.equal((await get(exporter, path)).body.stale, false, 'past its interval, recomputing: not stale');
        await waitFor('the recomputation, waiting behind the lock', rangesBlocked);
        // That statement alone fails (the snapshot's refresh keeps waiting, and then succeeds).
        await db.pool.query(`SELECT pg_cancel_backend(pid) ${RANGE_WAITING}`, [EXPORTER_APPLICATION, REVENUE_BETWEEN_SQL]);
        const stale = await waitFor('the range flagged stale', async () => {
          const answer = await get(exporter, path);
          return answer.body.stale === true && answer;
        });
        assert.equal((await exporter.exporter.snapshots.current()).stale, false, 'while the snapshot is not stale: the flag is the range’s own');
        assert.equal(stale.status, 200);
        assert.equal(stale.headers.get('warning'), '110 - "stale snapshot: database unavailable"');
        assert.deepEqual(stale.body.revenue, first.body.revenue, 'the last figures of the range');
      } finally {
        await lock.release();
      }
      await waitFor('the range fresh again', async () => (await get(exporter, path)).body.stale === false);
    } finally {
      await exporter.close();
    }
  });

  test('a range unasked for two intervals waits for new figures; when the database fails it is served on, flagged stale, a new range is a 503; both recover', async () => {
    const intervalMs = 1_000;
    const proxy = await startTcpProxy(db.url);
    const proxiedPool = createPool(proxy.url, { max: 4, applicationName: EXPORTER_APPLICATION });
    const exporter = await startTestExporter({ pool: proxiedPool, sections: SECTIONS_READING_PAYMENTS, config: { refreshIntervalMs: intervalMs } });
    const range = (from: string, to: string) => `/api/monitoring/dashboard?from=${from}&to=${to}`;
    const asked = range('2026-01-01', '2026-02-01');
    const fresh = range('2025-01-01', '2025-02-01');
    try {
      const first = await get(exporter, asked);
      assert.equal(first.status, 200);
      await fixtures(db.pool).payment(userId, { amount: '10.00', status: 'paid', currency: 'IDR', paidAt: new Date('2026-01-15T00:00:00Z') });
      await sleep(SERVE_EXPIRED_INTERVALS * intervalMs);
      const before = await get(exporter, asked);
      assert.equal(before.body.revenue.amount, Math.round((first.body.revenue.amount + 10) * 100) / 100, 'figures that old wait for a recomputation');
      assert.equal(before.body.stale, false);
      proxy.cut();
      try {
        const stale = await waitFor('the range served flagged stale', async () => {
          const answer = await get(exporter, asked);
          return answer.body.stale === true && answer;
        });
        assert.equal(stale.status, 200);
        assert.deepEqual(stale.body.revenue, before.body.revenue, 'the last figures of the range');
        const unknown = await get(exporter, fresh);
        assert.equal(unknown.status, 503);
        assert.equal(unknown.body.error.code, 'unavailable');
        assert.equal(unknown.headers.get('retry-after'), '5');
        // Well past the time an unused range is kept: still served while the database fails.
        await sleep(3 * intervalMs);
        assert.deepEqual((await get(exporter, asked)).body.revenue, before.body.revenue);
      } finally {
        proxy.restore();
      }
      await waitFor('fresh figures once the database is back', async () => (await get(exporter, asked)).body.stale === false);
      await waitFor('the new range computed', async () => (await get(exporter, fresh)).status === 200);
    } finally {
      await exporter.close();
      await proxiedPool.end();
      await proxy.close();
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
