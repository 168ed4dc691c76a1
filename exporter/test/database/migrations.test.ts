import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { applyMigrations, PROJECT_ROOT } from '../../src/db/migrate.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

// The data model the monitoring role relies on (README): table → column → [type (udt_name), nullable].
const MONITORED_COLUMNS: Record<string, Record<string, [string, boolean]>> = {
  User: {
    id: ['text', false],
    email: ['text', false],
    name: ['text', true],
    passwordHash: ['text', false],
    role: ['Role', false],
    plan: ['Plan', false],
    createdAt: ['timestamptz', false],
    updatedAt: ['timestamptz', false],
  },
  Device: {
    id: ['text', false],
    userId: ['text', false],
    name: ['text', false],
    phone: ['text', true],
    status: ['DeviceStatus', false],
    createdAt: ['timestamptz', false],
    updatedAt: ['timestamptz', false],
  },
  Message: {
    id: ['text', false],
    deviceId: ['text', false],
    type: ['MessageType', false],
    status: ['MessageStatus', false],
    remoteJid: ['text', false],
    body: ['text', true],
    createdAt: ['timestamptz', false],
  },
  Integration: {
    id: ['text', false],
    userId: ['text', false],
    type: ['text', false],
    name: ['text', false],
    isActive: ['bool', false],
    createdAt: ['timestamptz', false],
  },
  Chatbot: {
    id: ['text', false],
    userId: ['text', false],
    name: ['text', false],
    status: ['ChatbotStatus', false],
    createdAt: ['timestamptz', false],
  },
  ChatbotSession: {
    id: ['text', false],
    chatbotId: ['text', false],
    contactPhone: ['text', false],
    startedAt: ['timestamptz', false],
    lastActivityAt: ['timestamptz', false],
    endedAt: ['timestamptz', true],
  },
  Broadcast: {
    id: ['text', false],
    userId: ['text', false],
    name: ['text', false],
    status: ['BroadcastStatus', false],
    createdAt: ['timestamptz', false],
  },
  Contact: {
    id: ['text', false],
    userId: ['text', false],
    name: ['text', false],
    phone: ['text', false],
    email: ['text', true],
    createdAt: ['timestamptz', false],
  },
  Webhook: {
    id: ['text', false],
    userId: ['text', false],
    url: ['text', false],
    isActive: ['bool', false],
    createdAt: ['timestamptz', false],
  },
  ApiKey: {
    id: ['text', false],
    userId: ['text', false],
    name: ['text', false],
    keyHash: ['text', false],
    createdAt: ['timestamptz', false],
  },
  ApiKeyUsage: {
    apiKeyId: ['text', false],
    day: ['date', false],
    requestsIn: ['int8', false],
    requestsOut: ['int8', false],
  },
  Payment: {
    id: ['text', false],
    userId: ['text', false],
    amount: ['numeric', false],
    currency: ['text', false],
    status: ['PaymentStatus', false],
    paidAt: ['timestamptz', true],
    createdAt: ['timestamptz', false],
  },
};

const MONITORED_ENUMS: Record<string, string[]> = {
  Role: ['user', 'admin', 'monitoring'],
  Plan: ['free', 'pro', 'enterprise', 'unlimited'],
  DeviceStatus: ['connected', 'disconnected', 'connecting', 'qr'],
  MessageType: ['incoming', 'outgoing'],
  MessageStatus: ['pending', 'sent', 'delivered', 'read', 'failed', 'received'],
  ChatbotStatus: ['active', 'inactive'],
  BroadcastStatus: ['pending', 'running', 'completed', 'failed'],
  PaymentStatus: ['pending', 'paid', 'failed', 'refunded'],
};

const MIGRATION_NAMES = readdirSync(join(PROJECT_ROOT, 'prisma', 'migrations'))
  .filter((name) => statSync(join(PROJECT_ROOT, 'prisma', 'migrations', name)).isDirectory())
  .sort();

let db: TestDatabase;
let schemaAfterFirst: unknown;

/** Everything the migrations define, to compare before and after a second apply. */
async function schemaSnapshot(): Promise<unknown> {
  const columns = await db.pool.query(
    `SELECT table_name, column_name, udt_name, is_nullable, column_default
       FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 2`,
  );
  const indexes = await db.pool.query(`SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1`);
  const constraints = await db.pool.query(
    `SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1`,
  );
  return { columns: columns.rows, indexes: indexes.rows, constraints: constraints.rows };
}

describe('database migrations', () => {
  before(async () => {
    db = await createTestDatabase({ migrate: false });
    await applyMigrations(db.url);
    schemaAfterFirst = await schemaSnapshot();
  });

  after(async () => {
    await db?.drop();
  });

  test('create every monitored table with its documented columns, types and nullability', async () => {
    const { rows } = await db.pool.query<{ table_name: string; column_name: string; udt_name: string; is_nullable: string }>(
      `SELECT table_name, column_name, udt_name, is_nullable FROM information_schema.columns WHERE table_schema = 'public'`,
    );
    for (const [table, columns] of Object.entries(MONITORED_COLUMNS)) {
      const actual = rows.filter((row) => row.table_name === table);
      assert.ok(actual.length > 0, `table ${table} exists`);
      for (const [column, [type, nullable]] of Object.entries(columns)) {
        const found = actual.find((row) => row.column_name === column);
        assert.ok(found, `${table}.${column} exists`);
        assert.equal(found.udt_name, type, `${table}.${column} type`);
        assert.equal(found.is_nullable === 'YES', nullable, `${table}.${column} nullability`);
      }
    }
  });

  test('use the documented defaults, money precision and keys', async () => {
    const defaults = await db.pool.query<{ name: string; column_default: string | null }>(
      `SELECT table_name || '.' || column_name AS name, column_default FROM information_schema.columns
        WHERE table_schema = 'public' AND (table_name, column_name) IN (('User', 'role'), ('User', 'plan'), ('Payment', 'currency'))`,
    );
    const byName = Object.fromEntries(defaults.rows.map((row) => [row.name, row.column_default]));
    assert.match(byName['User.role'] ?? '', /^'user'::"Role"$/);
    assert.match(byName['User.plan'] ?? '', /^'free'::"Plan"$/);
    assert.match(byName['Payment.currency'] ?? '', /^'IDR'/);

    const amount = await db.pool.query(
      `SELECT numeric_precision, numeric_scale FROM information_schema.columns WHERE table_name = 'Payment' AND column_name = 'amount'`,
    );
    assert.deepEqual(amount.rows[0], { numeric_precision: 14, numeric_scale: 2 });

    const primaryKey = await db.pool.query(`SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname = 'ApiKeyUsage_pkey'`);
    assert.equal(primaryKey.rows[0]?.def, 'PRIMARY KEY ("apiKeyId", day)');

    const unique = await db.pool.query<{ indexdef: string }>(
      `SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND indexdef LIKE 'CREATE UNIQUE%'`,
    );
    const defs = unique.rows.map((row) => row.indexdef);
    assert.ok(
      defs.some((def) => /ON public\."User" USING btree \(email\)/.test(def)),
      'User.email unique',
    );
    assert.ok(
      defs.some((def) => /ON public\."ApiKey" USING btree \("keyHash"\)/.test(def)),
      'ApiKey.keyHash unique',
    );
  });

  test('create every monitored enum with exactly its values, in order', async () => {
    const { rows } = await db.pool.query<{ typname: string; labels: string[] }>(
      `SELECT t.typname, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels
         FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
        WHERE t.typnamespace = 'public'::regnamespace GROUP BY t.typname`,
    );
    const actual = Object.fromEntries(rows.map((row) => [row.typname, row.labels]));
    for (const [name, labels] of Object.entries(MONITORED_ENUMS)) {
      assert.deepEqual(actual[name], labels, `enum ${name}`);
    }
  });

  test('make every foreign key cascade on delete', async () => {
    const { rows } = await db.pool.query<{ conname: string; confdeltype: string }>(
      `SELECT conname, confdeltype FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace`,
    );
    assert.ok(rows.length >= 11, `${rows.length} foreign keys`);
    for (const row of rows) assert.equal(row.confdeltype, 'c', `${row.conname} cascades`);
  });

  test('deleting a user removes everything that belongs to it', async () => {
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO "User" ("id", "email", "passwordHash", "updatedAt") VALUES ('u1', 'cascade@example.test', 'x', now()),
                                                                                ('u2', 'keep@example.test', 'x', now())`,
      );
      for (const user of ['u1', 'u2']) {
        await client.query(
          `INSERT INTO "Device" ("id", "userId", "name", "updatedAt") VALUES ($1 || '-d', $1, 'phone', now());
           INSERT INTO "Message" ("id", "deviceId", "type", "status", "remoteJid") VALUES ($1 || '-m', $1 || '-d', 'incoming', 'received', 'jid');
           INSERT INTO "Integration" ("id", "userId", "type", "name") VALUES ($1 || '-i', $1, 'telegram', 'tg');
           INSERT INTO "Chatbot" ("id", "userId", "name") VALUES ($1 || '-c', $1, 'bot');
           INSERT INTO "ChatbotSession" ("id", "chatbotId", "contactPhone") VALUES ($1 || '-s', $1 || '-c', '+62');
           INSERT INTO "Broadcast" ("id", "userId", "name") VALUES ($1 || '-b', $1, 'promo');
           INSERT INTO "Contact" ("id", "userId", "name", "phone") VALUES ($1 || '-ct', $1, 'Ann', '+62');
           INSERT INTO "Webhook" ("id", "userId", "url") VALUES ($1 || '-w', $1, 'https://example.test');
           INSERT INTO "ApiKey" ("id", "userId", "name", "keyHash") VALUES ($1 || '-k', $1, 'key', $1 || '-hash');
           INSERT INTO "ApiKeyUsage" ("apiKeyId", "day", "requestsIn") VALUES ($1 || '-k', current_date, 5);
           INSERT INTO "Payment" ("id", "userId", "amount") VALUES ($1 || '-p', $1, 1000);`.replaceAll('$1', `'${user}'`),
        );
      }
      const tables = [
        'Device',
        'Message',
        'Integration',
        'Chatbot',
        'ChatbotSession',
        'Broadcast',
        'Contact',
        'Webhook',
        'ApiKey',
        'ApiKeyUsage',
        'Payment',
      ];
      const count = async (table: string) => Number((await client.query(`SELECT count(*) AS n FROM "${table}"`)).rows[0].n);
      for (const table of tables) assert.equal(await count(table), 2, `${table} before`);
      await client.query(`DELETE FROM "User" WHERE "id" = 'u1'`);
      for (const table of tables) assert.equal(await count(table), 1, `${table}: only the other user's row is left`);
      const left = await client.query(`SELECT "id" FROM "Message"`);
      assert.deepEqual(left.rows, [{ id: 'u2-m' }]);
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
  });

  test('allow one open chatbot session per conversation, any number of ended ones', async () => {
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`INSERT INTO "User" ("id", "email", "passwordHash", "updatedAt") VALUES ('su', 'sessions@example.test', 'x', now())`);
      await client.query(`INSERT INTO "Chatbot" ("id", "userId", "name") VALUES ('sc', 'su', 'bot'), ('sc2', 'su', 'bot2')`);
      const insert = (id: string, chatbot: string, phone: string, ended: boolean) =>
        client.query(`INSERT INTO "ChatbotSession" ("id", "chatbotId", "contactPhone", "endedAt") VALUES ($1, $2, $3, CASE WHEN $4 THEN now() END)`, [
          id,
          chatbot,
          phone,
          ended,
        ]);
      await insert('s1', 'sc', '+6281', false);
      await insert('s2', 'sc', '+6281', true);
      await insert('s3', 'sc', '+6281', true);
      await insert('s4', 'sc', '+6282', false); // another contact of the same chatbot
      await insert('s5', 'sc2', '+6281', false); // the same contact with another chatbot
      await client.query('SAVEPOINT second_open');
      await assert.rejects(insert('s6', 'sc', '+6281', false), (error: { code?: string; constraint?: string }) => {
        assert.equal(error.code, '23505');
        assert.equal(error.constraint, 'ChatbotSession_open_conversation_key');
        return true;
      });
      await client.query('ROLLBACK TO SAVEPOINT second_open');
      // Once the open session ends, a new one may start.
      await client.query(`UPDATE "ChatbotSession" SET "endedAt" = now() WHERE "id" = 's1'`);
      await insert('s7', 'sc', '+6281', false);
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
  });

  test('are idempotent: a second apply changes nothing and records each migration once', async () => {
    await applyMigrations(db.url);
    assert.deepEqual(await schemaSnapshot(), schemaAfterFirst);
    const { rows } = await db.pool.query<{ migration_name: string; applied_steps_count: number }>(
      `SELECT migration_name, applied_steps_count FROM "_prisma_migrations"
        WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name`,
    );
    assert.ok(MIGRATION_NAMES.length > 0);
    assert.deepEqual(
      rows.map((row) => row.migration_name),
      MIGRATION_NAMES,
    );
    const all = await db.pool.query(`SELECT count(*)::int AS n FROM "_prisma_migrations"`);
    assert.equal(all.rows[0].n, MIGRATION_NAMES.length);
  });
});
