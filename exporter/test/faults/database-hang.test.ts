// A database that stops answering without an error: a network path that stops forwarding bytes
// (TCP stays up, so no error ever comes) and a statement stuck behind a lock.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { createApiUsageRecorder } from '../../src/tracking/index.js';
import { startExporterProcess, type ExporterProcess } from '../support/exporter-process.js';
import { fixtures } from '../support/fixtures.js';
import { startTcpProxy } from '../support/tcp-proxy.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { waitFor } from '../support/wait-for.js';
import { fetchOrHang, HANG_MS } from './support/serving.js';

let db: TestDatabase;
before(async () => {
  db = await createTestDatabase();
});
after(async () => {
  await db?.drop();
});

async function section(exporter: ExporterProcess): Promise<{ status: number; body: any }> {
  const response = await fetchOrHang(`${exporter.url}/api/monitoring/connections`, { headers: exporter.authHeaders() });
  return { status: response.status, body: await response.json() };
}

async function readiness(exporter: ExporterProcess): Promise<{ status: number; body: any }> {
  const response = await fetchOrHang(`${exporter.url}/readyz`);
  return { status: response.status, body: await response.json() };
}

/**
 * Waits for /readyz to answer 200. Its database ping is bounded by READYZ_TIMEOUT_MS (kept short
 * here so the hung case answers quickly), so on a loaded machine a single probe of a healthy
 * database may still time out: the state meant is "ready again", not "ready on the first probe".
 */
function becomesReady(exporter: ExporterProcess): Promise<unknown> {
  return waitFor('/readyz 200', async () => (await readiness(exporter)).status === 200);
}

/** Rejects when `promise` has not settled after HANG_MS: the hang detector for promises. */
function settlesOrHangs<Value>(promise: Promise<Value>, what: string): Promise<Value> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} never settled (${HANG_MS} ms)`)), HANG_MS);
  });
  return Promise.race([promise, hang]).finally(() => clearTimeout(timer));
}

describe('fault: the database connection hangs (bytes stop, no error)', () => {
  test('requests answer within their bounds (/readyz 503, sections stale), and the pool recovers when the path resumes', async () => {
    const proxy = await startTcpProxy(db.url);
    const exporter = await startExporterProcess({
      databaseUrl: proxy.url,
      env: { REFRESH_INTERVAL_SECONDS: '1', QUERY_TIMEOUT_MS: '1000', READYZ_TIMEOUT_MS: '500' },
    });
    try {
      const fresh = await section(exporter);
      assert.equal(fresh.body.stale, false);
      await becomesReady(exporter);

      proxy.hang();
      const hung = await readiness(exporter);
      assert.equal(hung.status, 503);
      assert.equal(hung.body.error.code, 'unavailable');
      const stale = await waitFor('a stale snapshot', async () => {
        const view = await section(exporter);
        return view.body.stale === true && view;
      });
      assert.equal(stale.status, 200);
      assert.equal(stale.body.generatedAt, fresh.body.generatedAt, 'the last good numbers, flagged stale');

      proxy.resume();
      await waitFor('fresh numbers again', async () => {
        const view = await section(exporter);
        return view.body.stale === false && view.body.generatedAt > fresh.body.generatedAt;
      });
      await becomesReady(exporter);
      assert.ok(exporter.isRunning());
    } finally {
      await exporter.stop();
      await proxy.close();
    }
  });

  test('a statement stuck behind a lock: the statement timeout fires, the stale snapshot is served, the pool recovers', async () => {
    const exporter = await startExporterProcess({
      databaseUrl: db.url,
      env: { REFRESH_INTERVAL_SECONDS: '1', STATEMENT_TIMEOUT_MS: '1000' },
    });
    const locker = await db.pool.connect();
    try {
      const fresh = await section(exporter);
      await locker.query('BEGIN');
      // The sections read the counts the database maintains (docs/aggregates.md), not "Device".
      await locker.query('LOCK TABLE "AggregateCount" IN ACCESS EXCLUSIVE MODE');
      const stale = await waitFor('a stale snapshot', async () => {
        const view = await section(exporter);
        return view.body.stale === true && view;
      });
      assert.equal(stale.body.generatedAt, fresh.body.generatedAt);
      if (db.kind === 'server') {
        // The log travels on another pipe than the response: wait for it rather than race it.
        await waitFor('the refresh failure to be logged as the server cancelling the statement (57014, query_canceled)', () =>
          exporter.logLines(/snapshot refresh failed/).some((line) => (line.err as { code?: string }).code === '57014'),
        );
      }
      await locker.query('COMMIT');
      await waitFor('fresh numbers again', async () => (await section(exporter)).body.stale === false);
      await becomesReady(exporter);
    } finally {
      await locker.query('ROLLBACK').catch(() => {});
      locker.release();
      await exporter.stop();
    }
  });

  test('the tracking kit reports a hung flush through onFlushError, keeps the counts, and writes them once the database answers again', async () => {
    const make = fixtures(db.pool);
    const key = await make.apiKey(await make.user());
    const proxy = await startTcpProxy(db.url);
    // The platform's own pool, without any timeout of its own.
    const platformPool = new pg.Pool({ connectionString: proxy.url, max: 2 });
    platformPool.on('error', () => {});
    const errors: Error[] = [];
    const recorder = createApiUsageRecorder(platformPool, {
      flushIntervalMs: 3_600_000,
      flushTimeoutMs: 500,
      onFlushError: (error) => errors.push(error as Error),
    });
    const total = async () =>
      Number((await db.pool.query('SELECT coalesce(sum("requestsIn"), 0) AS n FROM "ApiKeyUsage" WHERE "apiKeyId" = $1', [key])).rows[0].n);
    try {
      recorder.recordIncoming(key, 3);
      await recorder.flush();
      recorder.recordIncoming(key, 2);
      proxy.hang();
      await assert.rejects(settlesOrHangs(recorder.flush(), 'a flush on a hung connection'), /did not finish within 500 ms/);
      assert.equal(errors.length, 1, 'reported once through onFlushError');
      assert.equal(recorder.stats().pendingRequestsIn, 2, 'the counts are kept');
      assert.equal(recorder.stats().failedFlushes, 1);

      // The stalled path dies, as stalls end (a reset, a failover), and a new one works. (Were the
      // held statement delivered late instead, it would count twice: flushes are at-least-once.)
      proxy.cut();
      proxy.restore();
      await recorder.flush();
      assert.equal(await total(), 5, 'written once the database answers again, nothing lost or doubled');
    } finally {
      proxy.resume();
      await recorder.close().catch(() => {});
      await platformPool.end();
      await proxy.close();
    }
  });
});
