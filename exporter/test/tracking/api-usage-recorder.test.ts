import assert from 'node:assert/strict';
import { EventEmitter, once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { createApiUsageRecorder, type ApiUsageRecorder, type Queryable, type UsageFlushResult } from '../../src/tracking/index.js';
import { fixtures } from '../support/fixtures.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { REJECTED_KEY, sendRequests, startApiApp } from './support/api-app.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

// Recorders in these tests flush when the test says so, not on their own.
const MANUAL = { flushIntervalMs: 3_600_000 };
// Tests that wait for an event fail after this instead of hanging when the event never comes.
const HANG_GUARD = { timeout: 60_000 };

let db: TestDatabase;
let userId: string;

before(async () => {
  db = await createTestDatabase();
  userId = await fixtures(db.pool).user();
});
after(async () => {
  await db.drop();
});

async function newKeys(count: number): Promise<string[]> {
  const make = fixtures(db.pool);
  const keys: string[] = [];
  for (let index = 0; index < count; index += 1) keys.push(await make.apiKey(userId));
  return keys;
}

/** Every usage row of these keys as `key|day|in|out`, sorted. */
async function usageRows(keys: readonly string[]): Promise<string[]> {
  const { rows } = await db.pool.query<{ row: string }>(
    `SELECT "apiKeyId" || '|' || "day"::text || '|' || "requestsIn" || '|' || "requestsOut" AS row
     FROM "ApiKeyUsage" WHERE "apiKeyId" = ANY($1::text[])`,
    [keys],
  );
  return rows.map(({ row }) => row).sort(); // sorted here: the database's collation may differ
}

async function usageTotals(keys: readonly string[]): Promise<{ incoming: number; outgoing: number }> {
  const { rows } = await db.pool.query<{ incoming: number; outgoing: number }>(
    `SELECT coalesce(sum("requestsIn"), 0)::int AS incoming, coalesce(sum("requestsOut"), 0)::int AS outgoing
     FROM "ApiKeyUsage" WHERE "apiKeyId" = ANY($1::text[])`,
    [keys],
  );
  return rows[0]!;
}

/** The test database's pool, counting the statements sent through it. */
function countingPool(): Queryable & { statements: number } {
  const counting = {
    statements: 0,
    query: ((...args: Parameters<pg.Pool['query']>) => {
      counting.statements += 1;
      return (db.pool.query as (...a: unknown[]) => unknown)(...args);
    }) as pg.Pool['query'],
  };
  return counting;
}

describe('API-key traffic through the middleware', () => {
  it('counts concurrent requests across keys exactly, in one statement per flush', async () => {
    const keys = await newKeys(6);
    const pool = countingPool();
    // a pinned clock: a run across midnight in Jakarta must not split the rows over two days
    const recorder = createApiUsageRecorder(pool, { ...MANUAL, now: () => new Date('2026-05-20T03:00:00Z') });
    const app = await startApiApp(recorder.middleware());
    try {
      // key i gets 37·(i+1) requests, some of them answered with an error (still authenticated)
      // interleaved, so requests in flight together hit different keys
      const requests: Array<{ url: string; apiKey: string }> = [];
      for (let n = 0; n < 37 * keys.length; n += 1) {
        keys.forEach((apiKey, index) => {
          if (n < 37 * (index + 1)) requests.push({ url: `${app.url}/v1/${n % 10 === 0 ? 'fails' : 'messages'}`, apiKey });
        });
      }
      const statuses = await sendRequests(requests, 48);
      assert.equal(statuses.filter((status) => status === 200 || status === 500).length, requests.length);
      await app.finished(requests.length);

      const result = await recorder.flush();
      assert.equal(pool.statements, 1, 'one statement for all keys');
      assert.deepEqual(result, { entries: 6, rowsWritten: 6, requestsIn: requests.length, requestsOut: 0 });
      assert.deepEqual(await usageRows(keys), keys.map((key, index) => `${key}|2026-05-20|${37 * (index + 1)}|0`).sort());

      // a second round adds to the same rows
      await sendRequests(keys.map((apiKey) => ({ url: `${app.url}/v1/messages`, apiKey })));
      await app.finished(requests.length + keys.length);
      await recorder.flush();
      assert.equal(pool.statements, 2);
      assert.deepEqual(await usageTotals(keys), { incoming: requests.length + keys.length, outgoing: 0 });
    } finally {
      await app.close();
      await recorder.close();
    }
  });

  it('does not count requests without a key, rejected by auth, with unknown keys or junk ids', async () => {
    const [known] = await newKeys(1);
    const recorder = createApiUsageRecorder(db.pool, MANUAL);
    const app = await startApiApp(recorder.middleware());
    try {
      const unknown = '00000000-0000-4000-8000-000000000000';
      const requests = [
        { url: `${app.url}/public` },
        { url: `${app.url}/v1/messages` }, // no key: 401
        { url: `${app.url}/v1/messages`, apiKey: REJECTED_KEY }, // auth refused it: 401
        { url: `${app.url}/v1/messages`, apiKey: unknown },
        { url: `${app.url}/v1/messages`, apiKey: 'x'.repeat(129) },
        { url: `${app.url}/v1/messages`, apiKey: 'has spaces and ; quotes"' },
        { url: `${app.url}/v1/messages`, apiKey: known! },
      ];
      await sendRequests(requests, 1);
      await app.finished(requests.length);
      assert.equal(recorder.stats().rejectedRecords, 2, 'junk ids refused in memory');
      assert.equal(recorder.stats().pendingEntries, 2, 'the known key and the well-formed unknown one');

      const result = await recorder.flush();
      assert.equal(result.entries, 2);
      assert.equal(result.rowsWritten, 1, 'the unknown key is dropped by the same statement');
      assert.equal(recorder.stats().unknownKeyEntries, 1);
      assert.deepEqual(await usageTotals([known!]), { incoming: 1, outgoing: 0 });
      assert.deepEqual(await usageRows([unknown]), []);
      assert.equal(recorder.stats().pendingEntries, 0, 'nothing unknown lingers for a retry');
    } finally {
      await app.close();
      await recorder.close();
    }
  });

  it('uses a custom resolveApiKeyId', async () => {
    const [key] = await newKeys(1);
    const recorder = createApiUsageRecorder(db.pool, MANUAL);
    const app = await startApiApp(recorder.middleware({ resolveApiKeyId: (req) => (req.path === '/v1/messages' ? key : undefined) }));
    try {
      await sendRequests([{ url: `${app.url}/public` }, { url: `${app.url}/v1/messages` }, { url: `${app.url}/v1/messages` }], 1);
      await app.finished(3);
      await recorder.close();
      assert.deepEqual(await usageTotals([key!]), { incoming: 2, outgoing: 0 });
    } finally {
      await app.close();
    }
  });

  it('puts requests just before and after midnight in Asia/Jakarta on different days', async () => {
    const [key] = await newKeys(1);
    let current = new Date('2026-03-01T16:59:59.999Z'); // 23:59:59.999 on 1 March in Jakarta (UTC+7)
    const recorder = createApiUsageRecorder(db.pool, { ...MANUAL, now: () => current });
    const app = await startApiApp(recorder.middleware());
    try {
      await sendRequests(Array.from({ length: 3 }, () => ({ url: `${app.url}/v1/messages`, apiKey: key })));
      await app.finished(3);
      recorder.recordOutgoing(key!);
      current = new Date('2026-03-01T17:00:00.000Z'); // 00:00:00.000 on 2 March in Jakarta
      await sendRequests(Array.from({ length: 2 }, () => ({ url: `${app.url}/v1/messages`, apiKey: key })));
      await app.finished(5);
      recorder.recordOutgoing(key!, 4);
      await recorder.flush();
      assert.deepEqual(await usageRows([key!]), [`${key}|2026-03-01|3|1`, `${key}|2026-03-02|2|4`]);
    } finally {
      await app.close();
      await recorder.close();
    }
  });

  it('takes the day in the configured time zone', async () => {
    const [key] = await newKeys(1);
    let current = new Date('2026-03-01T16:59:59.999Z');
    const recorder = createApiUsageRecorder(db.pool, { ...MANUAL, timeZone: 'UTC', now: () => current });
    recorder.recordIncoming(key!);
    current = new Date('2026-03-01T17:00:00.000Z'); // still 1 March in UTC
    recorder.recordIncoming(key!);
    current = new Date('2026-03-02T00:00:00.000Z');
    recorder.recordIncoming(key!);
    await recorder.close();
    assert.deepEqual(await usageRows([key!]), [`${key}|2026-03-01|2|0`, `${key}|2026-03-02|1|0`]);
  });
});

describe('recordOutgoing and the in-memory batch', () => {
  it('counts outgoing calls with their count, refusing bad counts', async () => {
    const [first, second] = await newKeys(2);
    const recorder = createApiUsageRecorder(db.pool, MANUAL);
    assert.equal(recorder.recordOutgoing(first!), true);
    assert.equal(recorder.recordOutgoing(first!, 5), true);
    assert.equal(recorder.recordOutgoing(second!, 2), true);
    assert.equal(recorder.recordIncoming(second!, 3), true);
    for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) assert.equal(recorder.recordOutgoing(first!, bad), false);
    assert.equal(recorder.recordOutgoing(42 as unknown as string), false);
    assert.equal(recorder.stats().rejectedRecords, 6);
    await recorder.close();
    assert.deepEqual(await usageTotals([first!]), { incoming: 0, outgoing: 6 });
    assert.deepEqual(await usageTotals([second!]), { incoming: 3, outgoing: 2 });
  });

  it('bounds the batch: new pairs beyond the limit are refused, held pairs keep counting', async () => {
    const keys = await newKeys(5);
    const recorder = createApiUsageRecorder(db.pool, { ...MANUAL, maxPendingEntries: 3 });
    for (const key of keys) recorder.recordIncoming(key);
    assert.equal(recorder.stats().pendingEntries, 3);
    assert.equal(recorder.stats().refusedForCapacity, 2);
    assert.equal(recorder.recordIncoming(keys[0]!, 9), true, 'a held pair still counts');
    await recorder.flush();
    assert.equal(recorder.recordIncoming(keys[4]!), true, 'room again after a flush');
    await recorder.close();
    assert.deepEqual(await usageTotals(keys), { incoming: 3 + 9 + 1, outgoing: 0 });
  });

  it('writes nothing and sends no statement when nothing is pending', async () => {
    const pool = countingPool();
    const recorder = createApiUsageRecorder(pool, MANUAL);
    assert.deepEqual(await recorder.flush(), { entries: 0, rowsWritten: 0, requestsIn: 0, requestsOut: 0 });
    await recorder.close();
    assert.equal(pool.statements, 0);
  });
});

describe('flushing', () => {
  it('flushes on its own every interval', HANG_GUARD, async () => {
    const [key] = await newKeys(1);
    const flushed = new EventEmitter();
    const recorder = createApiUsageRecorder(db.pool, { flushIntervalMs: 20, onFlush: (result) => flushed.emit('flush', result) });
    try {
      recorder.recordIncoming(key!, 7);
      const [result] = (await once(flushed, 'flush')) as [UsageFlushResult];
      assert.equal(result.requestsIn, 7);
      assert.deepEqual(await usageTotals([key!]), { incoming: 7, outgoing: 0 });
    } finally {
      await recorder.close();
    }
  });

  it('writes what is pending on close(), so a clean stop loses nothing', async () => {
    const [key] = await newKeys(1);
    const recorder = createApiUsageRecorder(db.pool, MANUAL);
    recorder.recordIncoming(key!, 11);
    recorder.recordOutgoing(key!, 4);
    assert.deepEqual(await usageTotals([key!]), { incoming: 0, outgoing: 0 }, 'nothing written before close');
    await recorder.close();
    assert.deepEqual(await usageTotals([key!]), { incoming: 11, outgoing: 4 });
    assert.equal(recorder.stats().pendingEntries, 0);
  });

  it('queues an explicit flush behind the one in progress without losing or doubling counts', async () => {
    const [key] = await newKeys(1);
    const recorder = createApiUsageRecorder(db.pool, MANUAL);
    recorder.recordIncoming(key!, 2);
    const first = recorder.flush();
    recorder.recordIncoming(key!, 3);
    const second = recorder.flush();
    await Promise.all([first, second, recorder.close()]);
    assert.deepEqual(await usageTotals([key!]), { incoming: 5, outgoing: 0 });
  });

  describe('during a database outage', () => {
    let proxy: TcpProxy;
    let proxiedPool: pg.Pool;
    before(async () => {
      proxy = await startTcpProxy(db.url);
      proxiedPool = new pg.Pool({ connectionString: proxy.url, max: 2, connectionTimeoutMillis: 2_000 });
      proxiedPool.on('error', () => {});
    });
    after(async () => {
      await proxiedPool.end();
      await proxy.close();
    });

    it('keeps the counts of failed flushes, retries every interval, and loses nothing once the database returns', HANG_GUARD, async () => {
      const [first, second] = await newKeys(2);
      const events = new EventEmitter();
      const errors: unknown[] = [];
      const recorder = createApiUsageRecorder(proxiedPool, {
        flushIntervalMs: 25,
        onFlush: (result) => events.emit('flush', result),
        onFlushError: (error) => {
          errors.push(error);
          events.emit('flushError', errors.length);
        },
      });
      try {
        recorder.recordIncoming(first!, 10);
        await once(events, 'flush');
        assert.deepEqual(await usageTotals([first!]), { incoming: 10, outgoing: 0 });

        proxy.cut();
        recorder.recordIncoming(first!, 5);
        recorder.recordOutgoing(second!, 3);
        // two failed attempts in a row: the first failure's counts survived into the retry
        while (errors.length < 2) await once(events, 'flushError');
        recorder.recordIncoming(first!, 2); // traffic keeps being counted during the outage
        assert.deepEqual(await usageTotals([first!, second!]), { incoming: 10, outgoing: 0 }, 'nothing reached the database');
        const pending = recorder.stats();
        assert.equal(pending.pendingRequestsIn, 7);
        assert.equal(pending.pendingRequestsOut, 3);
        assert.ok(pending.failedFlushes >= 2);

        proxy.restore();
        const [result] = (await once(events, 'flush')) as [UsageFlushResult];
        assert.deepEqual(result, { entries: 2, rowsWritten: 2, requestsIn: 7, requestsOut: 3 });
        assert.deepEqual(await usageTotals([first!]), { incoming: 17, outgoing: 0 });
        assert.deepEqual(await usageTotals([second!]), { incoming: 0, outgoing: 3 });
      } finally {
        proxy.restore();
        await recorder.close();
      }
    });

    it('close() during an outage rejects and keeps the counts for a later flush', HANG_GUARD, async () => {
      const [key] = await newKeys(1);
      const recorder: ApiUsageRecorder = createApiUsageRecorder(proxiedPool, MANUAL);
      recorder.recordIncoming(key!, 4);
      proxy.cut();
      try {
        await assert.rejects(recorder.close());
        assert.equal(recorder.stats().pendingRequestsIn, 4);
      } finally {
        proxy.restore();
      }
      await recorder.flush();
      assert.deepEqual(await usageTotals([key!]), { incoming: 4, outgoing: 0 });
    });
  });
});
