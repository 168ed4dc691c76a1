// GET /api/monitoring/stream against a real exporter and database: the snapshot event and its
// bodies, pushes of new snapshots, resuming with Last-Event-ID, heartbeats, the cap, credentials
// (a signed-out session ends its stream), the stale flag while the database is down, shutdown.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { EventSourceMessage } from 'eventsource-parser';
import { createPool } from '../../src/db/pool.js';
import { SECTIONS } from '../../src/sections/index.js';
import { createAccount } from '../auth/support/accounts.js';
import { signIn } from '../gateway/support/sessions.js';
import { openEventStream, type EventStream } from '../support/event-stream.js';
import { fixtures } from '../support/fixtures.js';
import { getJson } from '../support/http.js';
import { startTcpProxy } from '../support/tcp-proxy.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { startTestExporter, type TestExporter } from '../support/test-exporter.js';

interface SnapshotData {
  generatedAt: string;
  stale: boolean;
  sections: Record<string, { generatedAt: string; stale: boolean; total?: number }>;
}

const dataOf = (event: EventSourceMessage) => JSON.parse(event.data) as SnapshotData;
const FAST = { heartbeatIntervalMs: 200, recheckIntervalMs: 200 };

describe('live stream of snapshots', () => {
  let db: TestDatabase;
  /** refreshes every second: for pushes */
  let fast: TestExporter;
  /** refreshes hourly: the snapshot stays put, for resuming and the cap */
  let still: TestExporter;
  const open: EventStream[] = [];
  const stream = async (exporter: TestExporter, headers: Record<string, string> = exporter.authHeaders()) => {
    const opened = await openEventStream(`${exporter.url}/api/monitoring/stream`, headers);
    open.push(opened);
    return opened;
  };

  before(async () => {
    db = await createTestDatabase();
    [fast, still] = await Promise.all([
      startTestExporter({ pool: db.pool, env: { REFRESH_INTERVAL_SECONDS: '1' }, liveStreamTimings: FAST }),
      startTestExporter({ pool: db.pool, env: { REFRESH_INTERVAL_SECONDS: '3600', LIVE_STREAM_MAX: '3' }, liveStreamTimings: FAST }),
    ]);
  });
  after(async () => {
    for (const opened of open) opened.close();
    await fast?.close();
    await still?.close();
    await db?.drop();
  });

  it('answers with the current snapshot at once: every section exactly as its GET answers it', async () => {
    const events = await stream(still);
    assert.equal(events.status, 200);
    assert.equal(events.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    assert.equal(events.headers.get('cache-control'), 'no-store');
    assert.equal(events.headers.get('x-accel-buffering'), 'no');
    const first = await events.nextEvent();
    assert.equal(events.retryMs, 5000);
    assert.equal(first.event, 'snapshot');
    const data = dataOf(first);
    assert.equal(first.id, data.generatedAt);
    assert.equal(data.stale, false);
    assert.deepEqual(
      Object.keys(data.sections),
      SECTIONS.map((section) => section.name),
    );
    for (const section of SECTIONS) {
      const { status, body } = await getJson(`${still.url}/api/monitoring/${section.name}`, { headers: still.authHeaders() });
      assert.equal(status, 200);
      assert.deepEqual(data.sections[section.name], body, section.name);
    }
    assert.equal(events.events.length, 1, 'one event per snapshot');
  });

  it('pushes each new snapshot while a stream is open, a database change included', async () => {
    const events = await stream(fast);
    const first = dataOf(await events.nextEvent());
    const before = first.sections.users!.total!;
    await fixtures(db.pool).user();
    const changed = await events.nextEvent((event) => dataOf(event).sections.users!.total === before + 1, 10_000);
    assert.ok(Date.parse(dataOf(changed).generatedAt) > Date.parse(first.generatedAt));
    const ids = events.events.map((event) => event.id);
    assert.equal(new Set(ids).size, ids.length, 'each snapshot once');
    events.close();
  });

  it('resumes: a client that has the current snapshot (Last-Event-ID) gets heartbeats, not the snapshot again', async () => {
    const first = await stream(still);
    const current = await first.nextEvent();
    first.close();
    const resumed = await stream(still, { ...still.authHeaders(), 'Last-Event-ID': current.id! });
    await resumed.waitForComments(2);
    assert.deepEqual(resumed.comments.map((comment) => comment.trim()).slice(0, 2), ['heartbeat', 'heartbeat']);
    assert.equal(resumed.events.length, 0);
    resumed.close();
    const behind = await stream(still, { ...still.authHeaders(), 'Last-Event-ID': '2020-01-01T00:00:00.000Z' });
    assert.equal((await behind.nextEvent()).id, current.id);
    behind.close();
  });

  it('refuses streams beyond LIVE_STREAM_MAX with 429 and Retry-After, and takes them again once one closes', async () => {
    for (const opened of open) opened.close();
    const { liveStreams } = still.exporter.exporterApp;
    await waitUntil(() => liveStreams.size === 0);
    const three = await Promise.all([stream(still), stream(still), stream(still)]);
    assert.deepEqual(
      three.map((opened) => opened.status),
      [200, 200, 200],
    );
    const refused = await stream(still);
    assert.equal(refused.status, 429);
    assert.equal(refused.headers.get('retry-after'), '60');
    assert.equal((refused.refusal as { error: { code: string } }).error.code, 'rate_limited');
    three[0]!.close();
    await waitUntil(() => liveStreams.size === 2);
    assert.equal((await stream(still)).status, 200);
  });

  it('runs nothing once the last stream has closed', async () => {
    for (const opened of open) opened.close();
    const { liveStreams } = still.exporter.exporterApp;
    await waitUntil(() => liveStreams.size === 0);
    assert.equal(liveStreams.running, false);
  });

  it('takes the monitoring API’s credentials, and ends a stream when its session ends', async () => {
    assert.equal((await stream(still, {})).status, 401);
    assert.equal((await stream(still, still.authHeaders('user'))).status, 403);
    assert.equal((await stream(still, still.authHeaders('monitoring'))).status, 200);
    const account = await createAccount(db.pool, { email: 'live@test.example', role: 'monitoring' });
    const session = await signIn(still.url, account);
    const events = await stream(still, { Cookie: session.cookie });
    assert.equal(events.status, 200);
    await events.nextEvent();
    const signOut = await fetch(`${still.url}/api/auth/logout`, {
      method: 'POST',
      headers: { Cookie: session.cookie, 'X-CSRF-Token': session.csrfToken, Origin: still.url, 'Content-Type': 'application/json' },
      body: '{}',
    });
    assert.equal(signOut.status, 204);
    await events.ended; // cut by the next re-check
  });
});

describe('live streams per account', () => {
  it('refuses an account (or the machine token) beyond LIVE_STREAM_MAX_PER_USER with 429, while other accounts get theirs', async () => {
    const db = await createTestDatabase();
    const exporter = await startTestExporter({
      pool: db.pool,
      env: { REFRESH_INTERVAL_SECONDS: '3600', LIVE_STREAM_MAX: '10', LIVE_STREAM_MAX_PER_USER: '2' },
    });
    const { liveStreams } = exporter.exporter.exporterApp;
    const open: EventStream[] = [];
    const stream = async (headers: Record<string, string>) => {
      const opened = await openEventStream(`${exporter.url}/api/monitoring/stream`, headers);
      open.push(opened);
      return opened;
    };
    const bearer = (id: string) => ({ Authorization: `Bearer ${exporter.tokenFor('monitoring', { id, email: `${id}@test.example` })}` });
    try {
      const first = await Promise.all([stream(bearer('ana')), stream(bearer('ana'))]);
      assert.deepEqual(
        first.map((opened) => opened.status),
        [200, 200],
      );
      const refused = await stream(bearer('ana'));
      assert.equal(refused.status, 429);
      assert.equal(refused.headers.get('retry-after'), '60');
      const { error } = refused.refusal as { error: { code: string; message: string } };
      assert.equal(error.code, 'rate_limited');
      assert.match(error.message, /2 live streams open, the most one account may/);
      assert.equal((await stream(bearer('budi'))).status, 200, 'another account is not held back');
      assert.deepEqual(
        (await Promise.all([stream(exporter.authHeaders()), stream(exporter.authHeaders()), stream(exporter.authHeaders())]))
          .map((opened) => opened.status)
          .sort(),
        [200, 200, 429],
        'the machine token is one holder',
      );
      first[0]!.close();
      await waitUntil(() => liveStreams.size === 4);
      assert.equal((await stream(bearer('ana'))).status, 200, 'a closed stream frees its place');
    } finally {
      for (const opened of open) opened.close();
      await exporter.close();
      await db.drop();
    }
  });
});

describe('live stream while the database is down, and at shutdown', () => {
  it('pushes the snapshot again flagged stale, keeps cookie streams open, and goes on after recovery', { timeout: 60_000 }, async () => {
    const db = await createTestDatabase();
    const proxy = await startTcpProxy(db.url);
    const pool = createPool(proxy.url, { max: 4 });
    const exporter = await startTestExporter({ pool, env: { REFRESH_INTERVAL_SECONDS: '1' }, liveStreamTimings: FAST });
    const streams: EventStream[] = [];
    try {
      const account = await createAccount(db.pool, { email: 'outage@test.example', role: 'monitoring' });
      const session = await signIn(exporter.url, account);
      streams.push(await openEventStream(`${exporter.url}/api/monitoring/stream`, exporter.authHeaders()));
      streams.push(await openEventStream(`${exporter.url}/api/monitoring/stream`, { Cookie: session.cookie }));
      const [machine, cookie] = streams as [EventStream, EventStream];
      const fresh = dataOf(await machine.nextEvent());
      proxy.cut();
      for (const opened of [machine, cookie]) {
        const stale = dataOf(await opened.nextEvent((event) => dataOf(event).stale));
        assert.ok(Object.values(stale.sections).every((body) => body.stale === true && body.generatedAt === stale.generatedAt));
        assert.ok(Date.parse(stale.generatedAt) >= Date.parse(fresh.generatedAt));
      }
      // Polling with the cookie cannot be checked now: a clear 503, not a 500.
      const polled = await getJson(`${exporter.url}/api/monitoring/users`, { headers: { Cookie: session.cookie } });
      assert.equal(polled.status, 503);
      assert.equal(polled.body.error.code, 'unavailable');
      proxy.restore();
      const staleAt = Math.max(...machine.events.filter((event) => dataOf(event).stale).map((event) => Date.parse(dataOf(event).generatedAt)));
      for (const opened of [machine, cookie]) {
        await opened.nextEvent((event) => !dataOf(event).stale && Date.parse(dataOf(event).generatedAt) > staleAt, 20_000);
      }
    } finally {
      for (const opened of streams) opened.close();
      await exporter.close();
      await pool.end();
      await proxy.close();
      await db.drop();
    }
  });

  it('ends every stream at shutdown and refuses new ones', async () => {
    const db = await createTestDatabase();
    const exporter = await startTestExporter({ pool: db.pool });
    const events = await openEventStream(`${exporter.url}/api/monitoring/stream`, exporter.authHeaders());
    await events.nextEvent();
    const closing = exporter.close();
    await events.ended;
    await closing;
    assert.equal(exporter.exporter.exporterApp.liveStreams.isClosed, true);
    await db.drop();
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
