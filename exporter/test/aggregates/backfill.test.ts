// Applying the incremental-aggregates migration to a database that already has data: the starting
// counts are computed in the transaction that installs the triggers, so every row is counted once.
// Also: a migration applies wholly or not at all (one transaction), PL/pgSQL bodies included.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { applyMigrations } from '../../src/db/migrate.js';
import { assertAggregatesExact } from '../support/aggregate-exactness.js';
import { fixtures } from '../support/fixtures.js';
import { databaseBeforeMigration, MIGRATION_NAMES } from '../support/migrations-subset.js';

const AGGREGATES = MIGRATION_NAMES.find((name) => name.endsWith('_incremental_aggregates'))!;

describe('the incremental-aggregates migration on a database with data', () => {
  const target = databaseBeforeMigration(AGGREGATES);

  test('rows written before it are counted, once; writes after it go through the triggers', async () => {
    const { db, folder } = target;
    assert.ok(AGGREGATES, 'the migration exists');
    await applyMigrations(db.url, { configPath: folder.configPath });
    const tables = await db.pool.query(`SELECT to_regclass('"AggregateCount"') AS counts`);
    assert.equal(tables.rows[0].counts, null, 'applied up to the one before');

    const make = fixtures(db.pool);
    const user = await make.user({ plan: 'pro', role: 'admin' });
    await make.user({ plan: 'free' });
    const device = await make.device(user, { status: 'qr' });
    await db.pool.query(
      `INSERT INTO "Message" ("id", "deviceId", "type", "status", "remoteJid")
       SELECT 'old-' || n, $1, CASE WHEN n % 2 = 0 THEN 'incoming' ELSE 'outgoing' END::"MessageType",
              CASE WHEN n % 2 = 0 THEN 'received' ELSE 'read' END::"MessageStatus", 'j' FROM generate_series(1, 101) AS n`,
      [device],
    );
    await make.integration(user, { type: ' Slack' });
    await make.chatbot(user, { status: 'active' });
    await make.broadcast(user, { status: 'completed' });
    await make.contact(user, { email: 'x@example.test' });
    await make.contact(user, { email: '  ' });
    await make.webhook(user, { isActive: false });
    await make.apiKeyUsage(await make.apiKey(user), '2026-11-01', 40, 2);
    await make.payment(user, { amount: '150000.50', status: 'paid', paidAt: new Date('2026-11-10T04:20:00Z') });
    await make.payment(user, { amount: '9.99', status: 'pending' });

    folder.add(AGGREGATES);
    for (const name of MIGRATION_NAMES.slice(MIGRATION_NAMES.indexOf(AGGREGATES) + 1)) folder.add(name);
    await applyMigrations(db.url, { configPath: folder.configPath });
    const { rows } = await db.pool.query(`SELECT "value" FROM "AggregateCount" WHERE "figure" = 'messages' AND "group" = 'outgoing/read'`);
    assert.deepEqual(rows, [{ value: 51 }], 'backfilled');
    await assertAggregatesExact(db.pool, undefined, 'backfilled');

    await make.message(device, { type: 'outgoing', status: 'failed' });
    await db.pool.query(`UPDATE "Device" SET "status" = 'connected'`);
    await assertAggregatesExact(db.pool, undefined, 'written after');
  });

  test('a migration applies wholly or not at all, PL/pgSQL bodies with their semicolons included', async () => {
    const { db, folder } = target;
    folder.add(
      '29990101000000_fails_half_way',
      `CREATE TABLE "HalfWay" ("id" TEXT);
CREATE FUNCTION "half_way"() RETURNS integer LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END $$;
SELECT 1 / 0;`,
    );
    await assert.rejects(applyMigrations(db.url, { configPath: folder.configPath }), /database migration failed/);
    const left = await db.pool.query(`SELECT to_regclass('"HalfWay"') AS "table", to_regproc('"half_way"') AS "function"`);
    assert.deepEqual(left.rows[0], { table: null, function: null }, 'nothing of the failed migration is left');
  });
});
