// Every kind of write leaves every maintained figure exact: INSERT, UPDATE of each grouped column,
// DELETE (cascading too), TRUNCATE (CASCADE from "User" too), COPY, multi-row statements, upserts
// and rolled-back transactions. After each step verification finds no drift and every section's
// JSON and /metrics text equal the full scans' byte for byte.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { foldAggregateDeltas } from '../../src/aggregates/fold.js';
import { assertAggregatesExact } from '../support/aggregate-exactness.js';
import { copyRows } from '../support/copy-rows.js';
import { fixtures } from '../support/fixtures.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let db: TestDatabase;
const sql = (text: string, params: unknown[] = []) => db.pool.query(text, params);

/** Value of one figure's group, read the way the sections read it (counts + pending deltas). */
async function group(figure: string, name: string): Promise<number> {
  const { rows } = await sql(
    `SELECT coalesce(sum(v), 0)::numeric AS v FROM (SELECT "value" AS v FROM "AggregateCount" WHERE "figure" = $1 AND "group" = $2
       UNION ALL SELECT "delta" FROM "AggregateDelta" WHERE "figure" = $1 AND "group" = $2) AS g`,
    [figure, name],
  );
  return Number(rows[0].v);
}

async function deltaRows(): Promise<number> {
  return Number((await sql('SELECT count(*) AS n FROM "AggregateDelta"')).rows[0].n);
}

describe('maintained counts under every kind of write', () => {
  let make: ReturnType<typeof fixtures>;
  let user: string;
  let device: string;
  before(async () => {
    db = await createTestDatabase();
    make = fixtures(db.pool);
    user = await make.user({ plan: 'pro', role: 'admin' });
    device = await make.device(user, { status: 'connected' });
  });
  after(async () => {
    await db?.drop();
  });

  test('messages: insert, a multi-row insert, status and type changes, an update of no grouped column, delete', async () => {
    const first = await make.message(device, { type: 'outgoing', status: 'pending' });
    await sql(
      `INSERT INTO "Message" ("id", "deviceId", "type", "status", "remoteJid")
       SELECT 'multi-' || n, $1, CASE WHEN n % 3 = 0 THEN 'incoming' ELSE 'outgoing' END::"MessageType",
              CASE WHEN n % 3 = 0 THEN 'received' ELSE 'sent' END::"MessageStatus", 'jid' FROM generate_series(1, 30) AS n`,
      [device],
    );
    await assertAggregatesExact(db.pool, undefined, 'after inserts');
    assert.equal(await group('messages', 'outgoing/sent'), 20);
    for (const status of ['sent', 'delivered', 'read', 'failed']) {
      await sql(`UPDATE "Message" SET "status" = $2 WHERE "id" = $1`, [first, status]);
      await assertAggregatesExact(db.pool, undefined, `pending → ${status}`);
    }
    await sql(`UPDATE "Message" SET "type" = 'incoming', "status" = 'received' WHERE "id" = $1`, [first]);
    await assertAggregatesExact(db.pool, undefined, 'type changed');
    const before = await deltaRows();
    await sql(`UPDATE "Message" SET "body" = 'edited'`);
    await sql(`UPDATE "Message" SET "status" = "status"`);
    assert.equal(await deltaRows(), before, 'an update that moves no row between groups appends nothing');
    await sql(`UPDATE "Message" SET "status" = 'read' WHERE "id" LIKE 'multi-%' AND "type" = 'outgoing'`);
    await sql(`DELETE FROM "Message" WHERE "id" IN ('multi-1', 'multi-3')`);
    await assertAggregatesExact(db.pool, undefined, 'multi-row update and delete');
  });

  test('users, devices, chatbots, broadcasts and webhooks: every grouped column changed, then deleted', async () => {
    const other = await make.user({ plan: 'free', role: 'user' });
    await sql(`UPDATE "User" SET "plan" = 'enterprise' WHERE "id" = $1`, [other]);
    await sql(`UPDATE "User" SET "role" = 'monitoring' WHERE "id" = $1`, [other]);
    await sql(`UPDATE "User" SET "name" = 'no group change' WHERE "id" = $1`, [other]);
    const otherDevice = await make.device(other, { status: 'qr' });
    await sql(`UPDATE "Device" SET "status" = 'connecting' WHERE "id" = $1`, [otherDevice]);
    await sql(`UPDATE "Device" SET "status" = 'connected' WHERE "id" = $1`, [otherDevice]); // a device reconnecting
    const bot = await make.chatbot(other, { status: 'inactive' });
    await sql(`UPDATE "Chatbot" SET "status" = 'active' WHERE "id" = $1`, [bot]);
    const broadcast = await make.broadcast(other, { status: 'pending' });
    for (const status of ['running', 'completed', 'failed']) await sql(`UPDATE "Broadcast" SET "status" = $2 WHERE "id" = $1`, [broadcast, status]);
    const hook = await make.webhook(other, { isActive: true });
    await sql(`UPDATE "Webhook" SET "isActive" = false WHERE "id" = $1`, [hook]); // a webhook switched off
    await assertAggregatesExact(db.pool, undefined, 'after updates');
    assert.equal(await group('users', 'enterprise/monitoring'), 1);
    assert.equal(await group('webhooks', 'inactive'), 1);
    await sql(`DELETE FROM "Webhook" WHERE "id" = $1`, [hook]);
    await sql(`DELETE FROM "Chatbot" WHERE "id" = $1`, [bot]);
    await assertAggregatesExact(db.pool, undefined, 'after deletes');
    await sql(`DELETE FROM "User" WHERE "id" = $1`, [other]); // cascades to its device and broadcast
    await assertAggregatesExact(db.pool, undefined, 'after a cascading delete');
  });

  test('integrations: by trimmed, lower-cased type; a type edited moves between groups', async () => {
    for (const type of ['telegram', ' Telegram ', 'SLACK', '', 'n8n']) await make.integration(user, { type });
    await assertAggregatesExact(db.pool, undefined, 'inserted');
    assert.equal(await group('integrations', 'telegram'), 2);
    await sql(`UPDATE "Integration" SET "type" = 'Slack  ' WHERE "type" = 'n8n'`);
    await sql(`UPDATE "Integration" SET "type" = 'TELEGRAM' WHERE "type" = 'telegram'`); // same group: nothing moves
    await assertAggregatesExact(db.pool, undefined, 'edited');
    assert.equal(await group('integrations', 'slack'), 2);
  });

  test('contacts: an email set, changed, blanked (whitespace only) or removed moves the contact', async () => {
    const contact = await make.contact(user, { email: null });
    await make.contact(user, { email: ' \t\n' });
    await make.contact(user, { email: 'x@example.test' });
    await assertAggregatesExact(db.pool, undefined, 'inserted');
    assert.equal(await group('contacts', 'with_email'), 1);
    for (const email of ['a@example.test', 'b@example.test', '   ', 'c@example.test', null, '\v']) {
      await sql(`UPDATE "Contact" SET "email" = $2 WHERE "id" = $1`, [contact, email]);
      await assertAggregatesExact(db.pool, undefined, `email ${JSON.stringify(email)}`);
    }
  });

  test('API traffic: the tracking kit upsert (insert, then add to the day) and a delete', async () => {
    const key = await make.apiKey(user);
    const upsert = (day: string, requestsIn: number, requestsOut: number) =>
      sql(
        `INSERT INTO "ApiKeyUsage" ("apiKeyId", "day", "requestsIn", "requestsOut") VALUES ($1, $2, $3, $4)
         ON CONFLICT ("apiKeyId", "day") DO UPDATE SET "requestsIn" = "ApiKeyUsage"."requestsIn" + EXCLUDED."requestsIn",
                                                       "requestsOut" = "ApiKeyUsage"."requestsOut" + EXCLUDED."requestsOut"`,
        [key, day, requestsIn, requestsOut],
      );
    await upsert('2026-11-01', 10, 4);
    await upsert('2026-11-01', 5, 0);
    await upsert('2026-11-02', 0, 7);
    await assertAggregatesExact(db.pool, undefined, 'upserts');
    assert.equal(await group('api_traffic', 'requests_in'), 15);
    assert.equal(await group('api_traffic', 'requests_out'), 11);
    await sql(`DELETE FROM "ApiKeyUsage" WHERE "day" = '2026-11-01'`);
    await assertAggregatesExact(db.pool, undefined, 'delete');
  });

  test('a rolled-back transaction and a rolled-back savepoint leave nothing behind', async () => {
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO "Message" ("id", "deviceId", "type", "status", "remoteJid") VALUES ('rolled', $1, 'incoming', 'received', 'j')`,
        [device],
      );
      await client.query(`UPDATE "Device" SET "status" = 'disconnected'`);
      await client.query('ROLLBACK');
      await client.query('BEGIN');
      await client.query('SAVEPOINT before_delete');
      await client.query(`DELETE FROM "Message"`);
      await client.query('ROLLBACK TO SAVEPOINT before_delete');
      await client.query(`UPDATE "Chatbot" SET "status" = 'inactive'`);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    await assertAggregatesExact(db.pool, undefined, 'after rollbacks');
  });

  test('COPY into a table goes through the triggers', async () => {
    // A client of its own: the pool's client-side query timeout is not meant for COPY streams.
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const copied = await copyRows(
        client,
        'Message',
        ['id', 'deviceId', 'type', 'status', 'remoteJid'],
        `SELECT 'copy-' || n, '${device}', CASE WHEN n % 2 = 1 THEN 'outgoing' ELSE 'incoming' END,
                CASE WHEN n % 2 = 1 THEN 'failed' ELSE 'received' END, 'jid' FROM generate_series(1, 250) AS n`,
        db.kind === 'embedded',
      );
      assert.equal(copied, 250);
    } finally {
      await client.end();
    }
    await assertAggregatesExact(db.pool, undefined, 'after COPY');
    assert.ok((await group('messages', 'outgoing/failed')) >= 125);
  });

  test('folds move the deltas into the counts and change no figure; TRUNCATE resets a figure, folded or not', async () => {
    assert.ok((await deltaRows()) > 0);
    assert.ok((await foldAggregateDeltas(db.pool)) > 0);
    assert.equal(await deltaRows(), 0);
    await assertAggregatesExact(db.pool, undefined, 'after a fold');
    await make.message(device, { type: 'incoming', status: 'received' }); // a pending delta on top of the folded count
    await sql('TRUNCATE "Message"');
    assert.equal(await group('messages', 'incoming/received'), 0);
    await assertAggregatesExact(db.pool, undefined, 'after TRUNCATE');
    await make.message(device, { type: 'outgoing', status: 'sent' });
    await assertAggregatesExact(db.pool, undefined, 'a write after TRUNCATE');
  });

  test('TRUNCATE "User" CASCADE resets every figure of every table it empties', async () => {
    const other = await make.user({ plan: 'unlimited' });
    await make.payment(other, { amount: 99.5, status: 'paid', paidAt: new Date('2026-11-10T01:02:03Z') });
    await make.contact(other, { email: 'x@example.test' });
    await foldAggregateDeltas(db.pool);
    await make.webhook(other, { isActive: true });
    const client = await db.pool.connect();
    try {
      // inside a transaction with writes before it: they are reset too
      await client.query('BEGIN');
      await client.query(`INSERT INTO "Integration" ("id", "userId", "type", "name") VALUES ('tx-i', $1, 'zapier', 'z')`, [other]);
      await client.query('TRUNCATE "User" CASCADE');
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    await assertAggregatesExact(db.pool, undefined, 'after TRUNCATE CASCADE');
    const { rows } = await sql(`SELECT "figure", "group", sum("v") AS v FROM (SELECT "figure", "group", "value" AS v FROM "AggregateCount"
                                 UNION ALL SELECT "figure", "group", "delta" FROM "AggregateDelta") AS g GROUP BY 1, 2 HAVING sum("v") <> 0`);
    assert.deepEqual(rows, [], 'every figure is zero');
  });
});
