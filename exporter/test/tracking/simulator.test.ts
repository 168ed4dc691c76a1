import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { startDemoSimulator, type SimulatorTick } from '../../src/demo/simulator.js';
import { fixtures } from '../support/fixtures.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { seededRandom } from '../support/seeded-random.js';

const logger = pino({ level: 'silent' });

let db: TestDatabase;

before(async () => {
  db = await createTestDatabase();
});
after(async () => {
  await db.drop();
});

async function tableCounts(): Promise<Record<string, number>> {
  const { rows } = await db.pool.query<Record<string, number>>(`
    SELECT (SELECT count(*)::int FROM "Message") AS messages,
           (SELECT count(*)::int FROM "ChatbotSession") AS sessions,
           (SELECT count(*)::int FROM "ApiKeyUsage") AS usage_rows,
           (SELECT count(*)::int FROM "Device") AS devices`);
  return rows[0]!;
}

function sum(ticks: readonly SimulatorTick[], field: keyof SimulatorTick): number {
  return ticks.reduce((total, tick) => total + tick[field], 0);
}

describe('demo simulator', () => {
  it('does nothing, and nothing harmful, while the tables are empty', async () => {
    const simulator = startDemoSimulator({ pool: db.pool, logger, autoStart: false, random: seededRandom(1) });
    const ticks = [await simulator.tick(), await simulator.tick()];
    await simulator.stop();
    for (const tick of ticks) {
      assert.deepEqual(tick, {
        messages: 0,
        apiRequestsIn: 0,
        apiRequestsOut: 0,
        deviceStatusChanges: 0,
        chatbotActivities: 0,
        chatbotSessionsEnded: 0,
      });
    }
    assert.deepEqual(await tableCounts(), { messages: 0, sessions: 0, usage_rows: 0, devices: 0 });
  });

  it('makes the figures move using the ids it finds, through the tracking kit', async () => {
    const make = fixtures(db.pool);
    const userId = await make.user();
    const deviceIds = [await make.device(userId, { status: 'connected' }), await make.device(userId, { status: 'disconnected' })];
    const activeBot = await make.chatbot(userId, { status: 'active' });
    const inactiveBot = await make.chatbot(userId, { status: 'inactive' });
    const keys = [await make.apiKey(userId), await make.apiKey(userId)];
    const devicesBefore = await db.pool.query<{ id: string; updatedAt: Date }>('SELECT "id", "updatedAt" FROM "Device"');

    const simulator = startDemoSimulator({ pool: db.pool, logger, autoStart: false, random: seededRandom(7), timeZone: 'Asia/Jakarta' });
    const statuses = async () =>
      new Map((await db.pool.query<{ id: string; status: string }>('SELECT "id", "status" FROM "Device"')).rows.map((row) => [row.id, row.status]));
    const ticks: SimulatorTick[] = [];
    for (let index = 0; index < 6; index += 1) {
      const before = await statuses();
      const tick = await simulator.tick();
      ticks.push(tick);
      // a status change is a real change: exactly as many devices differ as the tick reports
      const after = await statuses();
      assert.equal([...after].filter(([id, status]) => before.get(id) !== status).length, tick.deviceStatusChanges);
    }
    await simulator.stop(); // flushes the API counters

    // every tick did something of each kind it has rows for
    for (const tick of ticks) {
      assert.ok(tick.messages >= 2, 'messages each tick');
      assert.ok(tick.apiRequestsIn >= 1, 'API traffic each tick');
      assert.ok(tick.chatbotActivities >= 1, 'chatbot activity each tick');
    }

    const messages = await db.pool.query<{ type: string; status: string; device_ok: boolean }>(
      `SELECT "type", "status", "deviceId" = ANY($1::text[]) AS device_ok FROM "Message"`,
      [deviceIds],
    );
    assert.equal(messages.rows.length, sum(ticks, 'messages'));
    assert.ok(messages.rows.every((row) => row.device_ok));
    assert.ok(messages.rows.every((row) => (row.type === 'incoming') === (row.status === 'received')));

    const usage = await db.pool.query<{ incoming: number; outgoing: number; keys_ok: boolean }>(
      `SELECT sum("requestsIn")::int AS incoming, sum("requestsOut")::int AS outgoing, bool_and("apiKeyId" = ANY($1::text[])) AS keys_ok FROM "ApiKeyUsage"`,
      [keys],
    );
    assert.deepEqual(usage.rows[0], { incoming: sum(ticks, 'apiRequestsIn'), outgoing: sum(ticks, 'apiRequestsOut'), keys_ok: true });

    const sessions = await db.pool.query<{ chatbotId: string; open: number }>(
      `SELECT "chatbotId", count(*) FILTER (WHERE "endedAt" IS NULL)::int AS open FROM "ChatbotSession" GROUP BY 1`,
    );
    assert.deepEqual(
      sessions.rows.map((row) => row.chatbotId),
      [activeBot],
      `sessions only for the active chatbot, never ${inactiveBot}`,
    );
    assert.ok(sessions.rows[0]!.open >= 1);

    const changed = await db.pool.query<{ changed: number }>(
      `SELECT count(*)::int AS changed FROM "Device" AS d JOIN unnest($1::text[], $2::timestamptz[]) AS b(id, updated_at) ON b.id = d."id"
       WHERE d."updatedAt" <> b.updated_at`,
      [devicesBefore.rows.map((row) => row.id), devicesBefore.rows.map((row) => row.updatedAt)],
    );
    assert.ok(sum(ticks, 'deviceStatusChanges') >= 1, 'the seeded ticks change a device');
    assert.ok(changed.rows[0]!.changed >= 1);
  });

  it('ticks on its own timer and stops cleanly', { timeout: 60_000 }, async () => {
    const before = (await tableCounts()).messages;
    const simulator = startDemoSimulator({ pool: db.pool, logger, intervalMs: 10, random: seededRandom(3) });
    // wait for timer-driven ticks to show in the table
    while ((await tableCounts()).messages === before) await new Promise((resolve) => setTimeout(resolve, 10));
    await simulator.stop();
    const afterStop = (await tableCounts()).messages;
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal((await tableCounts()).messages, afterStop, 'no tick after stop()');
  });
});
