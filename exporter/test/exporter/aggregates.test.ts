import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { startTestExporter, type TestExporter } from '../support/test-exporter.js';
import { fixtures } from '../support/fixtures.js';
import { getJson } from '../support/http.js';

// A fixed clock: Wednesday 25 November 2026, 18:00 in Jakarta (UTC+7).
const NOW = new Date('2026-11-25T11:00:00.000Z');
const MONTH_START = new Date('2026-10-31T17:00:00.000Z'); // 1 Nov 00:00 Asia/Jakarta
const NEXT_MONTH_START = new Date('2026-11-30T17:00:00.000Z'); // 1 Dec 00:00 Asia/Jakarta
const minutesBefore = (minutes: number, extraMs = 0) => new Date(NOW.getTime() - minutes * 60_000 - extraMs);

async function sectionJson(exporter: TestExporter, section: string, query = ''): Promise<any> {
  const response = await getJson(`${exporter.url}/api/monitoring/${section}${query}`, { headers: exporter.authHeaders() });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return response.body;
}

async function count(db: TestDatabase, sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await db.pool.query(sql, params);
  return Number(Object.values(rows[0] as object)[0] ?? 0);
}

describe('aggregates on an empty database', () => {
  let db: TestDatabase;
  let exporter: TestExporter;
  before(async () => {
    db = await createTestDatabase();
    exporter = await startTestExporter({ pool: db.pool, now: () => NOW });
  });
  after(async () => {
    await exporter?.close();
    await db?.drop();
  });

  test('every section answers zeros, never nulls', async () => {
    assert.deepEqual(await sectionJson(exporter, 'users'), {
      generatedAt: NOW.toISOString(),
      stale: false,
      total: 0,
      byPlan: { free: 0, pro: 0, enterprise: 0, unlimited: 0 },
      byRole: { user: 0, admin: 0, monitoring: 0 },
    });
    const dashboard = await sectionJson(exporter, 'dashboard');
    assert.deepEqual(dashboard.messages, { incoming: 0, sent: 0, failed: 0 });
    assert.deepEqual(dashboard.apiTraffic, { incoming: 0, outgoing: 0 });
    assert.deepEqual(dashboard.revenue, { from: MONTH_START.toISOString(), to: NEXT_MONTH_START.toISOString(), currency: 'IDR', amount: 0 });
    assert.deepEqual((await sectionJson(exporter, 'integrations')).byType, {});
    for (const section of ['connections', 'chatbots', 'broadcasts', 'contacts', 'webhooks']) {
      const body = await sectionJson(exporter, section);
      for (const [key, value] of Object.entries(body)) {
        if (key !== 'generatedAt' && key !== 'stale') assert.equal(value, 0, `${section}.${key}`);
      }
    }
  });
});

describe('aggregates match the documented definitions, computed independently', () => {
  let db: TestDatabase;
  let exporter: TestExporter;

  before(async () => {
    db = await createTestDatabase();
    const f = fixtures(db.pool);
    const plans = ['free', 'pro', 'enterprise', 'unlimited'];
    const roles = ['user', 'user', 'admin', 'monitoring'];
    const users: string[] = [];
    for (let i = 0; i < 11; i += 1) users.push(await f.user({ plan: plans[i % 4], role: roles[i % 4], name: i % 2 ? null : 'named' }));
    const owner = users[0]!;

    const devices: string[] = [];
    for (const [status, n] of [
      ['connected', 3],
      ['disconnected', 2],
      ['connecting', 1],
      ['qr', 2],
    ] as const) {
      for (let i = 0; i < n; i += 1) devices.push(await f.device(owner, { status, phone: i % 2 ? null : '62812' }));
    }
    const statuses = ['pending', 'sent', 'delivered', 'read', 'failed', 'received'];
    for (const type of ['incoming', 'outgoing']) {
      for (const [index, status] of statuses.entries()) {
        for (let i = 0; i <= index; i += 1) await f.message(devices[i % devices.length]!, { type, status, body: i % 2 ? null : 'hi' });
      }
    }
    for (const type of ['telegram', 'Telegram ', ' TELEGRAM', 'slack', 'discord', 'discord']) {
      await f.integration(owner, { type, isActive: type !== 'slack' });
    }
    const activeBot = await f.chatbot(owner, { status: 'active' });
    await f.chatbot(owner, { status: 'inactive' });
    await f.chatbot(owner, { status: 'active' });
    // Sessions around the 30-minute edge: exactly 30 min old counts, 1 ms older does not.
    await f.chatbotSession(activeBot, { startedAt: minutesBefore(90), lastActivityAt: minutesBefore(30) });
    await f.chatbotSession(activeBot, { startedAt: minutesBefore(90), lastActivityAt: minutesBefore(30, 1) });
    await f.chatbotSession(activeBot, { startedAt: minutesBefore(5), lastActivityAt: minutesBefore(1) });
    await f.chatbotSession(activeBot, { startedAt: minutesBefore(5), lastActivityAt: minutesBefore(1), endedAt: minutesBefore(0.5) });
    await f.chatbotSession(activeBot, { startedAt: minutesBefore(600), lastActivityAt: minutesBefore(500) });

    for (const [status, n] of [
      ['pending', 1],
      ['running', 2],
      ['completed', 3],
      ['failed', 4],
    ] as const) {
      for (let i = 0; i < n; i += 1) await f.broadcast(owner, { status });
    }
    for (const email of [null, '', '   ', 'a@x.test', ' A@X.test ', 'b@x.test', '\t']) await f.contact(owner, { email });
    for (const isActive of [true, true, false]) await f.webhook(owner, { isActive });

    const keyA = await f.apiKey(owner);
    const keyB = await f.apiKey(users[1]!);
    await f.apiKeyUsage(keyA, '2026-11-24', 100, 7);
    await f.apiKeyUsage(keyA, '2026-11-25', 5_000_000_000, 3); // beyond 32-bit
    await f.apiKeyUsage(keyB, '2026-11-25', 1, 0);

    // Payments on the month edges in Asia/Jakarta; only paid, IDR, inside [from, to) count.
    const paid = (amount: string, paidAt: Date | null, extra: Record<string, unknown> = {}) =>
      f.payment(owner, { amount, paidAt, status: 'paid', currency: 'IDR', ...extra });
    await paid('100000.50', MONTH_START); // first instant of the month: in
    await paid('999.99', new Date(MONTH_START.getTime() - 1)); // last ms of October: out
    await paid('250000.25', new Date(NEXT_MONTH_START.getTime() - 1)); // last ms of November: in
    await paid('777', NEXT_MONTH_START); // December: out
    await paid('5', minutesBefore(60), { currency: 'USD' });
    await paid('6', null, { status: 'pending' });
    await paid('7', minutesBefore(60), { status: 'refunded' });
    await paid('8', minutesBefore(60), { status: 'failed' });

    exporter = await startTestExporter({ pool: db.pool, now: () => NOW });
  });

  after(async () => {
    await exporter?.close();
    await db?.drop();
  });

  test('users: total, by plan and by role', async () => {
    const body = await sectionJson(exporter, 'users');
    assert.equal(body.total, await count(db, 'SELECT count(*) FROM "User"'));
    for (const plan of ['free', 'pro', 'enterprise', 'unlimited']) {
      assert.equal(body.byPlan[plan], await count(db, 'SELECT count(*) FROM "User" WHERE "plan"::text = $1', [plan]), plan);
    }
    for (const role of ['user', 'admin', 'monitoring']) {
      assert.equal(body.byRole[role], await count(db, 'SELECT count(*) FROM "User" WHERE "role"::text = $1', [role]), role);
    }
    assert.deepEqual(body.byRole, { user: 6, admin: 3, monitoring: 2 });
  });

  test("dashboard: messages, users, API traffic and this month's revenue", async () => {
    const body = await sectionJson(exporter, 'dashboard');
    assert.equal(body.generatedAt, NOW.toISOString());
    assert.deepEqual(body.messages, {
      incoming: await count(db, `SELECT count(*) FROM "Message" WHERE "type" = 'incoming'`),
      sent: await count(db, `SELECT count(*) FROM "Message" WHERE "type" = 'outgoing' AND "status"::text = ANY ('{sent,delivered,read}')`),
      failed: await count(db, `SELECT count(*) FROM "Message" WHERE "type" = 'outgoing' AND "status" = 'failed'`),
    });
    assert.deepEqual(body.messages, { incoming: 21, sent: 2 + 3 + 4, failed: 5 });
    assert.deepEqual(body.users, { total: 11 });
    assert.deepEqual(body.apiTraffic, { incoming: 5_000_000_101, outgoing: 10 });
    assert.deepEqual(body.revenue, {
      from: MONTH_START.toISOString(),
      to: NEXT_MONTH_START.toISOString(),
      currency: 'IDR',
      amount: 350000.75,
    });
  });

  test('dashboard: a custom from/to computes revenue for that range, in every accepted format', async () => {
    const october = await sectionJson(exporter, 'dashboard', '?from=2026-10-01&to=2026-11-01');
    assert.equal(october.revenue.amount, 999.99);
    assert.equal(october.revenue.from, '2026-09-30T17:00:00.000Z');
    const epoch = await sectionJson(exporter, 'dashboard', `?from=${MONTH_START.getTime()}&to=${NEXT_MONTH_START.getTime() + 1}`);
    assert.equal(epoch.revenue.amount, 350000.75 + 777);
    const isoWithZone = await sectionJson(
      exporter,
      'dashboard',
      `?from=${encodeURIComponent('2026-10-31T17:00:00Z')}&to=${encodeURIComponent('2026-11-01T07:00:00+07:00')}`,
    );
    assert.equal(isoWithZone.revenue.amount, 100000.5);
    assert.equal(isoWithZone.revenue.to, '2026-11-01T00:00:00.000Z');
    // The rest of the dashboard is the snapshot's.
    assert.deepEqual(october.messages, (await sectionJson(exporter, 'dashboard')).messages);
  });

  test('connections: connecting includes devices showing a QR code', async () => {
    const body = await sectionJson(exporter, 'connections');
    assert.deepEqual(body, {
      generatedAt: NOW.toISOString(),
      stale: false,
      total: await count(db, 'SELECT count(*) FROM "Device"'),
      connected: await count(db, `SELECT count(*) FROM "Device" WHERE "status" = 'connected'`),
      disconnected: await count(db, `SELECT count(*) FROM "Device" WHERE "status" = 'disconnected'`),
      connecting: await count(db, `SELECT count(*) FROM "Device" WHERE "status"::text IN ('connecting', 'qr')`),
    });
    assert.equal(body.connecting, 3);
  });

  test('integrations: by type, trimmed and case-folded', async () => {
    const body = await sectionJson(exporter, 'integrations');
    assert.deepEqual(body.byType, { telegram: 3, discord: 2, slack: 1 });
    assert.equal(body.total, await count(db, 'SELECT count(*) FROM "Integration"'));
  });

  test('chatbots: active bots, and sessions active within 30 minutes inclusive', async () => {
    const body = await sectionJson(exporter, 'chatbots');
    assert.equal(body.total, 3);
    assert.equal(body.active, await count(db, `SELECT count(*) FROM "Chatbot" WHERE "status" = 'active'`));
    const independent = await count(
      db,
      `SELECT count(*) FROM "ChatbotSession" WHERE "endedAt" IS NULL AND "lastActivityAt" >= $1::timestamptz - interval '30 minutes'`,
      [NOW],
    );
    assert.equal(body.activeSessions, independent);
    assert.equal(body.activeSessions, 2); // exactly-30-minutes and 1-minute-old open sessions
  });

  test('broadcasts, contacts and webhooks', async () => {
    const broadcasts = await sectionJson(exporter, 'broadcasts');
    assert.deepEqual(
      {
        total: broadcasts.total,
        pending: broadcasts.pending,
        running: broadcasts.running,
        completed: broadcasts.completed,
        failed: broadcasts.failed,
      },
      { total: 10, pending: 1, running: 2, completed: 3, failed: 4 },
    );
    const contacts = await sectionJson(exporter, 'contacts');
    assert.equal(contacts.total, 7);
    assert.equal(
      contacts.withEmail,
      await count(db, `SELECT count(*) FROM "Contact" WHERE length(regexp_replace(coalesce("email", ''), '\\s', '', 'g')) > 0`),
    );
    assert.equal(contacts.withEmail, 3); // null, empty, spaces and a lone tab are all blank
    const webhooks = await sectionJson(exporter, 'webhooks');
    assert.deepEqual({ total: webhooks.total, active: webhooks.active, inactive: webhooks.inactive }, { total: 3, active: 2, inactive: 1 });
  });
});
