import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { CHATBOT_SESSION_ACTIVE_MINUTES, endChatbotSession, recordChatbotActivity } from '../../src/tracking/index.js';
import { fixtures } from '../support/fixtures.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const WINDOW_MS = CHATBOT_SESSION_ACTIVE_MINUTES * 60_000;
const T0 = new Date('2026-03-01T08:00:00.000Z');
const at = (offsetMs: number) => new Date(T0.getTime() + offsetMs);

let db: TestDatabase;
let userId: string;

before(async () => {
  db = await createTestDatabase();
  userId = await fixtures(db.pool).user();
});
after(async () => {
  await db.drop();
});

interface SessionRow {
  id: string;
  startedAt: string;
  lastActivityAt: string;
  endedAt: string | null;
}

/** The conversation's sessions, oldest first, timestamps as ISO strings. */
async function sessionsOf(chatbotId: string, contactPhone: string): Promise<SessionRow[]> {
  const { rows } = await db.pool.query<{ id: string; startedAt: Date; lastActivityAt: Date; endedAt: Date | null }>(
    `SELECT "id", "startedAt", "lastActivityAt", "endedAt" FROM "ChatbotSession"
     WHERE "chatbotId" = $1 AND "contactPhone" = $2 ORDER BY "startedAt", "id"`,
    [chatbotId, contactPhone],
  );
  return rows.map((row) => ({
    id: row.id,
    startedAt: row.startedAt.toISOString(),
    lastActivityAt: row.lastActivityAt.toISOString(),
    endedAt: row.endedAt?.toISOString() ?? null,
  }));
}

async function newConversation(): Promise<{ chatbotId: string; contactPhone: string }> {
  const chatbotId = await fixtures(db.pool).chatbot(userId, { status: 'active' });
  return { chatbotId, contactPhone: `+62812${Math.floor(Math.random() * 1e8)}` };
}

describe('recordChatbotActivity', () => {
  it('starts a session on first activity and continues it within the window', async () => {
    const conversation = await newConversation();
    const first = await recordChatbotActivity(db.pool, { ...conversation, at: at(0) });
    assert.equal(first.started, true);
    const second = await recordChatbotActivity(db.pool, { ...conversation, at: at(10 * 60_000) });
    assert.deepEqual(second, { sessionId: first.sessionId, started: false });
    assert.deepEqual(await sessionsOf(conversation.chatbotId, conversation.contactPhone), [
      { id: first.sessionId, startedAt: at(0).toISOString(), lastActivityAt: at(10 * 60_000).toISOString(), endedAt: null },
    ]);
  });

  it('continues the session exactly 30 minutes after the last activity', async () => {
    const conversation = await newConversation();
    const first = await recordChatbotActivity(db.pool, { ...conversation, at: at(0) });
    const edge = await recordChatbotActivity(db.pool, { ...conversation, at: at(WINDOW_MS) });
    assert.deepEqual(edge, { sessionId: first.sessionId, started: false });
    const sessions = await sessionsOf(conversation.chatbotId, conversation.contactPhone);
    assert.equal(sessions.length, 1);
    assert.equal(sessions[0]!.lastActivityAt, at(WINDOW_MS).toISOString());
    assert.equal(sessions[0]!.endedAt, null);
  });

  it('starts a new session 30 minutes and 1 ms after the last activity, ending the old one at its last activity', async () => {
    const conversation = await newConversation();
    const first = await recordChatbotActivity(db.pool, { ...conversation, at: at(0) });
    await recordChatbotActivity(db.pool, { ...conversation, at: at(5_000) });
    const next = await recordChatbotActivity(db.pool, { ...conversation, at: at(5_000 + WINDOW_MS + 1) });
    assert.equal(next.started, true);
    assert.notEqual(next.sessionId, first.sessionId);
    assert.deepEqual(await sessionsOf(conversation.chatbotId, conversation.contactPhone), [
      { id: first.sessionId, startedAt: at(0).toISOString(), lastActivityAt: at(5_000).toISOString(), endedAt: at(5_000).toISOString() },
      {
        id: next.sessionId,
        startedAt: at(5_000 + WINDOW_MS + 1).toISOString(),
        lastActivityAt: at(5_000 + WINDOW_MS + 1).toISOString(),
        endedAt: null,
      },
    ]);
  });

  it('never moves the last activity back for activity arriving late', async () => {
    const conversation = await newConversation();
    const first = await recordChatbotActivity(db.pool, { ...conversation, at: at(20 * 60_000) });
    const late = await recordChatbotActivity(db.pool, { ...conversation, at: at(60_000) });
    assert.deepEqual(late, { sessionId: first.sessionId, started: false });
    const [session] = await sessionsOf(conversation.chatbotId, conversation.contactPhone);
    assert.equal(session!.lastActivityAt, at(20 * 60_000).toISOString());
  });

  it('keeps conversations apart: other contact, other chatbot', async () => {
    const conversation = await newConversation();
    const otherBot = await newConversation();
    const a = await recordChatbotActivity(db.pool, { ...conversation, at: at(0) });
    const b = await recordChatbotActivity(db.pool, { ...conversation, contactPhone: `${conversation.contactPhone}9`, at: at(0) });
    const c = await recordChatbotActivity(db.pool, { chatbotId: otherBot.chatbotId, contactPhone: conversation.contactPhone, at: at(0) });
    assert.deepEqual([a.started, b.started, c.started], [true, true, true]);
    assert.equal(new Set([a.sessionId, b.sessionId, c.sessionId]).size, 3);
  });

  it('defaults the activity time to now', async () => {
    const conversation = await newConversation();
    const before = Date.now();
    await recordChatbotActivity(db.pool, conversation);
    const [session] = await sessionsOf(conversation.chatbotId, conversation.contactPhone);
    const recorded = Date.parse(session!.lastActivityAt);
    assert.ok(recorded >= before && recorded <= Date.now(), `${session!.lastActivityAt} is now`);
  });

  it('refuses bad input and unknown chatbots', async () => {
    const conversation = await newConversation();
    await assert.rejects(recordChatbotActivity(db.pool, { ...conversation, chatbotId: '' }), TypeError);
    await assert.rejects(recordChatbotActivity(db.pool, { ...conversation, contactPhone: '' }), TypeError);
    await assert.rejects(recordChatbotActivity(db.pool, { ...conversation, at: new Date(Number.NaN) }), TypeError);
    await assert.rejects(recordChatbotActivity(db.pool, { ...conversation, chatbotId: randomUUID() }), { code: '23503' });
  });
});

describe('endChatbotSession', () => {
  it('ends the open session at the given time; the next activity starts a new one', async () => {
    const conversation = await newConversation();
    const first = await recordChatbotActivity(db.pool, { ...conversation, at: at(0) });
    assert.equal(await endChatbotSession(db.pool, { ...conversation, at: at(60_000) }), true);
    assert.equal(await endChatbotSession(db.pool, { ...conversation, at: at(70_000) }), false, 'nothing open any more');
    const next = await recordChatbotActivity(db.pool, { ...conversation, at: at(80_000) });
    assert.equal(next.started, true);
    const sessions = await sessionsOf(conversation.chatbotId, conversation.contactPhone);
    assert.deepEqual(
      sessions.map((session) => [session.id, session.endedAt]),
      [
        [first.sessionId, at(60_000).toISOString()],
        [next.sessionId, null],
      ],
    );
  });

  it('ends a session that had gone stale at its last activity', async () => {
    const conversation = await newConversation();
    await recordChatbotActivity(db.pool, { ...conversation, at: at(0) });
    assert.equal(await endChatbotSession(db.pool, { ...conversation, at: at(2 * WINDOW_MS) }), true);
    const [session] = await sessionsOf(conversation.chatbotId, conversation.contactPhone);
    assert.equal(session!.endedAt, at(0).toISOString());
  });

  it('returns false for a conversation that never had a session', async () => {
    assert.equal(await endChatbotSession(db.pool, await newConversation()), false);
  });
});

describe('concurrent activity in one conversation', { timeout: 60_000 }, () => {
  const CALLS = 20;
  let clients: pg.Client[];

  before(async () => {
    // One connection per call on the PostgreSQL server; the embedded server takes at most 16
    // connections in all (and runs one statement at a time anyway), so the calls share 8 there.
    const connections = db.kind === 'server' ? CALLS : 8;
    clients = await Promise.all(
      Array.from({ length: connections }, async () => {
        const client = new pg.Client({ connectionString: db.url });
        client.on('error', () => {});
        await client.connect();
        return client;
      }),
    );
  });
  after(async () => {
    await Promise.all(clients.map((client) => client.end()));
  });

  /**
   * Runs the calls at once, one per connection. On the server, a transaction holding the
   * chatbot's row lock keeps every call waiting inside its statement until all of them are
   * there, so they truly race (the session INSERT's foreign-key check needs that row).
   */
  async function raceCalls<Result>(chatbotId: string, call: (client: pg.Client, index: number) => Promise<Result>): Promise<Result[]> {
    if (db.kind !== 'server') {
      // each connection runs its share one after another (a pg client takes one query at a time)
      const results = new Array<Result>(CALLS);
      await Promise.all(
        clients.map(async (client, first) => {
          for (let index = first; index < CALLS; index += clients.length) results[index] = await call(client, index);
        }),
      );
      return results;
    }
    const blocker = await db.pool.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('SELECT 1 FROM "Chatbot" WHERE "id" = $1 FOR UPDATE', [chatbotId]);
      let settled = false;
      const results = Promise.all(clients.map((client, index) => call(client, index))).finally(() => {
        settled = true;
      });
      results.catch(() => {}); // awaited below; a failure must not go unhandled meanwhile
      const pids = clients.map((client) => (client as unknown as { processID: number }).processID);
      // Until every call waits on a lock, or (an implementation that does not queue) all are done.
      while (!settled) {
        const { rows } = await blocker.query<{ waiting: number }>(
          `SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE pid = ANY($1::int[]) AND wait_event_type = 'Lock'`,
          [pids],
        );
        if (rows[0]!.waiting === CALLS) break;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await blocker.query('COMMIT');
      return await results;
    } catch (error) {
      await blocker.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      blocker.release();
    }
  }

  it(`${CALLS} parallel first activities open exactly one session`, async () => {
    const conversation = await newConversation();
    const results = await raceCalls(conversation.chatbotId, (client, index) => recordChatbotActivity(client, { ...conversation, at: at(index) }));
    const sessions = await sessionsOf(conversation.chatbotId, conversation.contactPhone);
    assert.equal(sessions.length, 1);
    assert.equal(sessions[0]!.endedAt, null);
    assert.equal(sessions[0]!.lastActivityAt, at(CALLS - 1).toISOString(), 'the latest activity wins');
    assert.equal(results.filter((result) => result.started).length, 1, 'exactly one call started it');
    assert.deepEqual(new Set(results.map((result) => result.sessionId)), new Set([sessions[0]!.id]));
  });

  it(`${CALLS} parallel activities after a stale session close it once and open exactly one new session`, async () => {
    const conversation = await newConversation();
    const stale = await recordChatbotActivity(db.pool, { ...conversation, at: at(0) });
    const later = WINDOW_MS + 60_000;
    const results = await raceCalls(conversation.chatbotId, (client, index) =>
      recordChatbotActivity(client, { ...conversation, at: at(later + index) }),
    );
    const sessions = await sessionsOf(conversation.chatbotId, conversation.contactPhone);
    assert.equal(sessions.length, 2);
    assert.deepEqual(sessions[0], {
      id: stale.sessionId,
      startedAt: at(0).toISOString(),
      lastActivityAt: at(0).toISOString(),
      endedAt: at(0).toISOString(),
    });
    assert.equal(sessions[1]!.endedAt, null);
    assert.equal(sessions[1]!.lastActivityAt, at(later + CALLS - 1).toISOString());
    assert.equal(results.filter((result) => result.started).length, 1);
    assert.deepEqual(new Set(results.map((result) => result.sessionId)), new Set([sessions[1]!.id]));
  });
});
