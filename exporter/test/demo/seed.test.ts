import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { verifyPassword } from '../../src/auth/passwords.js';
import { DEMO_LOGINS, demoLogins, seedDemoData, SEED_TABLES, type SeedSummary } from '../../src/demo/seed.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

// 20 minutes into a month in Asia/Jakarta (UTC+7): "paid this month" must still hold payments,
// and timestamps must follow `now`, not the wall clock.
const NOW = new Date('2026-03-01T00:20:00+07:00');
const MONTH_START = new Date('2026-03-01T00:00:00+07:00');
const ADMIN_PASSWORD = 'a-custom-admin-password';

const ENUM_COLUMNS: Array<[table: string, column: string, enumType: string]> = [
  ['User', 'role', 'Role'],
  ['User', 'plan', 'Plan'],
  ['Device', 'status', 'DeviceStatus'],
  ['Message', 'type', 'MessageType'],
  ['Message', 'status', 'MessageStatus'],
  ['Chatbot', 'status', 'ChatbotStatus'],
  ['Broadcast', 'status', 'BroadcastStatus'],
  ['Payment', 'status', 'PaymentStatus'],
];

let db: TestDatabase;
let first: SeedSummary;
let second: SeedSummary;
let countsAfterFirst: Record<string, number>;
let hashesAfterFirst: Map<string, string>;

async function rowCounts(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of SEED_TABLES) {
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM "${table}"`);
    counts[table] = rows[0].n;
  }
  return counts;
}

async function accountHashes(): Promise<Map<string, string>> {
  const { rows } = await db.pool.query<{ email: string; passwordHash: string }>(
    `SELECT "email", "passwordHash" FROM "User" WHERE "email" LIKE '%@kewhats.app'`,
  );
  return new Map(rows.map((row) => [row.email, row.passwordHash]));
}

async function scalar(sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await db.pool.query(sql, params);
  return Number(Object.values(rows[0])[0]);
}

describe('demo seed', () => {
  before(async () => {
    db = await createTestDatabase();
    const previous = process.env.SEED_ADMIN_PASSWORD;
    process.env.SEED_ADMIN_PASSWORD = ADMIN_PASSWORD;
    try {
      first = await seedDemoData(db.pool, { now: NOW });
    } finally {
      if (previous === undefined) delete process.env.SEED_ADMIN_PASSWORD;
      else process.env.SEED_ADMIN_PASSWORD = previous;
    }
    countsAfterFirst = await rowCounts();
    hashesAfterFirst = await accountHashes();
    second = await seedDemoData(db.pool, { now: NOW });
  });

  after(async () => {
    await db?.drop();
  });

  test('is fast enough for the demo start-up', () => {
    // A few seconds at most, also on the embedded database (generous bound for busy CI).
    assert.ok(first.elapsedMs < 15_000, `first seed took ${first.elapsedMs} ms`);
  });

  test('exports the three demo logins, the admin password from SEED_ADMIN_PASSWORD', () => {
    assert.deepEqual(
      DEMO_LOGINS.map(({ email, role }) => [email, role]),
      [
        ['admin@kewhats.app', 'admin'],
        ['monitoring@kewhats.app', 'monitoring'],
        ['user@kewhats.app', 'user'],
      ],
    );
    assert.equal(demoLogins({}).find((l) => l.role === 'admin')?.password, 'admin123');
    assert.equal(demoLogins({ SEED_ADMIN_PASSWORD: 's3cret' }).find((l) => l.role === 'admin')?.password, 's3cret');
    assert.equal(demoLogins({}).find((l) => l.role === 'monitoring')?.password, 'monitoring123');
    assert.equal(demoLogins({}).find((l) => l.role === 'user')?.password, 'user123');
  });

  test('creates the accounts with argon2id hashes that verify', async () => {
    assert.deepEqual(first.accountsCreated.sort(), ['admin@kewhats.app', 'monitoring@kewhats.app', 'user@kewhats.app']);
    const { rows } = await db.pool.query<{ email: string; role: string; plan: string; passwordHash: string }>(
      `SELECT "email", "role"::text, "plan"::text, "passwordHash" FROM "User" WHERE "email" LIKE '%@kewhats.app' ORDER BY "email"`,
    );
    const byEmail = new Map(rows.map((row) => [row.email, row]));
    const expected: Array<[string, string, string]> = [
      ['admin@kewhats.app', 'admin', ADMIN_PASSWORD],
      ['monitoring@kewhats.app', 'monitoring', 'monitoring123'],
      ['user@kewhats.app', 'user', 'user123'],
    ];
    for (const [email, role, password] of expected) {
      const account = byEmail.get(email);
      assert.ok(account, `${email} exists`);
      assert.equal(account.role, role);
      assert.match(account.passwordHash, /^\$argon2id\$/);
      assert.notEqual(account.passwordHash, password);
      assert.equal(await verifyPassword(account.passwordHash, password), true, `${email} password verifies`);
      assert.equal(await verifyPassword(account.passwordHash, `${password}x`), false);
    }
    assert.equal(byEmail.get('admin@kewhats.app')?.plan, 'unlimited');
    // SEED_ADMIN_PASSWORD replaced the default.
    assert.equal(await verifyPassword(byEmail.get('admin@kewhats.app')!.passwordHash, 'admin123'), false);
  });

  test('demo users cannot sign in', async () => {
    const { rows } = await db.pool.query<{ passwordHash: string }>(
      `SELECT DISTINCT "passwordHash" FROM "User" WHERE "email" NOT LIKE '%@kewhats.app'`,
    );
    assert.equal(rows.length, 1);
    assert.equal(await verifyPassword(rows[0]!.passwordHash, ''), false);
    assert.equal(await verifyPassword(rows[0]!.passwordHash, rows[0]!.passwordHash), false);
  });

  test('is idempotent: a second run adds nothing and keeps the password hashes', async () => {
    assert.deepEqual(await rowCounts(), countsAfterFirst);
    assert.deepEqual(second.accountsCreated, []);
    assert.ok(
      Object.values(second.inserted).every((n) => n === 0),
      JSON.stringify(second.inserted),
    );
    assert.deepEqual(await accountHashes(), hashesAfterFirst);
    // The first run's summary counted what is in the tables.
    assert.deepEqual(first.inserted, countsAfterFirst);
  });

  test('has a modest dataset in every table', () => {
    for (const table of SEED_TABLES) assert.ok(countsAfterFirst[table]! > 0, `${table} has rows`);
    assert.ok(countsAfterFirst.Message! >= 1_000 && countsAfterFirst.Message! <= 20_000);
    assert.ok(countsAfterFirst.User! >= 100 && countsAfterFirst.User! <= 1_000);
  });

  test('covers every enum value', async () => {
    for (const [table, column, enumType] of ENUM_COLUMNS) {
      const { rows } = await db.pool.query(
        `SELECT (SELECT array_agg(v::text ORDER BY v) FROM unnest(enum_range(NULL::"${enumType}")) AS v) AS every,
                (SELECT array_agg(DISTINCT "${column}"::text ORDER BY "${column}"::text) FROM "${table}") AS seen`,
      );
      assert.deepEqual([...rows[0].seen].sort(), [...rows[0].every].sort(), `${table}.${column}`);
    }
  });

  test('message statuses follow the message type', async () => {
    assert.equal(await scalar(`SELECT count(*) FROM "Message" WHERE "type" = 'incoming' AND "status" <> 'received'`), 0);
    for (const status of ['sent', 'delivered', 'read', 'failed', 'pending']) {
      assert.ok((await scalar(`SELECT count(*) FROM "Message" WHERE "type" = 'outgoing' AND "status" = $1`, [status])) > 0);
    }
  });

  test('has telegram, discord, slack and other integration types', async () => {
    const { rows } = await db.pool.query<{ type: string }>(`SELECT DISTINCT "type" FROM "Integration"`);
    const types = rows.map((row) => row.type);
    for (const type of ['telegram', 'discord', 'slack']) assert.ok(types.includes(type), type);
    assert.ok(types.length >= 6, types.join(','));
  });

  test('has active and stale chatbot sessions relative to now', async () => {
    const active = `"endedAt" IS NULL AND "lastActivityAt" > $1::timestamptz - interval '30 minutes' AND "lastActivityAt" <= $1`;
    assert.ok((await scalar(`SELECT count(*) FROM "ChatbotSession" WHERE ${active}`, [NOW])) > 0);
    // Open but idle for longer than 30 minutes, and ended ones.
    assert.ok(
      (await scalar(`SELECT count(*) FROM "ChatbotSession" WHERE "endedAt" IS NULL AND "lastActivityAt" < $1::timestamptz - interval '30 minutes'`, [
        NOW,
      ])) > 0,
    );
    assert.ok((await scalar(`SELECT count(*) FROM "ChatbotSession" WHERE "endedAt" IS NOT NULL`)) > 0);
    assert.equal(await scalar(`SELECT count(*) FROM "ChatbotSession" WHERE "lastActivityAt" > $1 OR "startedAt" > "lastActivityAt"`, [NOW]), 0);
    // Both chatbot statuses have sessions to count.
    assert.ok((await scalar(`SELECT count(*) FROM "Chatbot" WHERE "status" = 'active'`)) > 0);
  });

  test('has paid payments this month (Asia/Jakarta) and earlier, non-paid ones and another currency', async () => {
    const paidIn = (from: string, currency: string) =>
      scalar(`SELECT count(*) FROM "Payment" WHERE "status" = 'paid' AND "currency" = $2 AND "paidAt" ${from}`, [MONTH_START, currency]);
    assert.ok((await paidIn('>= $1', 'IDR')) > 0, 'IDR paid this month');
    assert.ok((await paidIn('< $1', 'IDR')) > 0, 'IDR paid earlier');
    assert.ok((await paidIn('>= $1', 'USD')) > 0, 'USD paid this month (must not count as IDR revenue)');
    assert.equal(await scalar(`SELECT count(*) FROM "Payment" WHERE "paidAt" > $1`, [NOW]), 0, 'nothing paid in the future');
    assert.ok((await scalar(`SELECT count(*) FROM "Payment" WHERE "status" <> 'paid'`)) > 0);
    assert.equal(await scalar(`SELECT count(*) FROM "Payment" WHERE "status" IN ('pending', 'failed') AND "paidAt" IS NOT NULL`), 0);
    assert.equal(await scalar(`SELECT count(*) FROM "Payment" WHERE "status" = 'paid' AND "paidAt" IS NULL`), 0);
  });

  test('has contacts with and without email, blank ones and case/space duplicates', async () => {
    const withEmail = await scalar(`SELECT count(*) FROM "Contact" WHERE "email" IS NOT NULL AND btrim("email") <> ''`);
    const total = await scalar(`SELECT count(*) FROM "Contact"`);
    assert.ok(withEmail > 0 && withEmail < total);
    assert.ok((await scalar(`SELECT count(*) FROM "Contact" WHERE "email" IS NULL`)) > 0);
    assert.ok((await scalar(`SELECT count(*) FROM "Contact" WHERE "email" IS NOT NULL AND btrim("email") = '' AND "email" <> ''`)) > 0);
    const distinct = await scalar(`SELECT count(DISTINCT lower(btrim("email"))) FROM "Contact" WHERE btrim("email") <> ''`);
    const distinctRaw = await scalar(`SELECT count(DISTINCT "email") FROM "Contact" WHERE btrim("email") <> ''`);
    assert.ok(distinct < distinctRaw, 'some emails differ only in case or surrounding spaces');
  });

  test('has API usage counters for today and earlier days', async () => {
    const today = `($1::timestamptz AT TIME ZONE 'Asia/Jakarta')::date`;
    assert.ok((await scalar(`SELECT count(*) FROM "ApiKeyUsage" WHERE "day" = ${today}`, [NOW])) > 0);
    assert.ok((await scalar(`SELECT count(*) FROM "ApiKeyUsage" WHERE "day" < ${today}`, [NOW])) > 0);
    assert.equal(await scalar(`SELECT count(*) FROM "ApiKeyUsage" WHERE "day" > ${today}`, [NOW]), 0);
    assert.ok((await scalar(`SELECT sum("requestsIn") FROM "ApiKeyUsage"`)) > 0);
    assert.ok((await scalar(`SELECT sum("requestsOut") FROM "ApiKeyUsage"`)) > 0);
  });

  test('follows `now`: nothing is created after it', async () => {
    for (const table of ['User', 'Device', 'Message', 'Contact', 'Integration', 'Chatbot', 'Broadcast', 'Webhook', 'ApiKey', 'Payment']) {
      assert.equal(await scalar(`SELECT count(*) FROM "${table}" WHERE "createdAt" > $1`, [NOW]), 0, table);
    }
    assert.ok((await scalar(`SELECT count(*) FROM "Message" WHERE "createdAt" > $1::timestamptz - interval '1 day'`, [NOW])) > 0);
  });
});
