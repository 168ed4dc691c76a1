// Revenue per UTC day ("RevenueDay"): the fold keeps each day equal to the sum of its buckets
// (under any session TimeZone, with folds and writers running at once); a range is whole days +
// the buckets of the two partial days + pending deltas + the two edge slices of "Payment", exact
// for any from/to and O(days) rows read; a drifted day is found and repaired; TRUNCATE resets it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { foldAggregateDeltas } from '../../src/aggregates/fold.js';
import { verifyAggregates } from '../../src/aggregates/verify.js';
import { currentMonthRevenueQuery, REVENUE_BETWEEN_SQL } from '../../src/sections/revenue.js';
import { runTableQuery } from '../../src/sections/section.js';
import { assertAggregatesExact } from '../support/aggregate-exactness.js';
import { fixtures } from '../support/fixtures.js';
import { fullScanRevenueBetween, FULL_SCAN_SQL } from '../support/full-scan-sections.js';
import { seededRandom } from '../support/seeded-random.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const MINUTE = 60_000;
const BUCKET = 15 * MINUTE;
const DAY = 86_400_000;
const START = Date.UTC(2025, 11, 20, 3, 17, 41, 123); // the payments span 14 months from here
const SPAN = 420 * DAY;
const CURRENCIES = ['IDR', 'USD'];

/** A numeric's text as exact cents ('12.5' → 1250n), to compare sums without rounding. */
function cents(text: string): bigint {
  const negative = text.startsWith('-');
  const [whole = '0', fraction = ''] = text.replace('-', '').split('.');
  const value = BigInt(whole) * 100n + BigInt((fraction + '00').slice(0, 2));
  return negative ? -value : value;
}

/** Inserts `count` seeded payments in one statement: random ms, currencies, statuses, some unpaid. */
async function insertPayments(pool: pg.Pool, user: string, next: () => number, count: number, prefix: string): Promise<void> {
  const rows = Array.from({ length: count }, (_, index) => ({
    id: `${prefix}-${index}`,
    amount: (Math.floor(next() * 100_000_000) / 100).toFixed(2),
    currency: next() < 0.7 ? 'IDR' : 'USD',
    status: next() < 0.75 ? 'paid' : next() < 0.5 ? 'pending' : 'refunded',
    paidAt: next() < 0.97 ? new Date(START + Math.floor(next() * SPAN)).toISOString() : null,
  }));
  await pool.query(
    `INSERT INTO "Payment" ("id", "userId", "amount", "currency", "status", "paidAt")
     SELECT id, $1, amount, currency, status::"PaymentStatus", "paidAt"
     FROM unnest($2::text[], $3::numeric[], $4::text[], $5::text[], $6::timestamptz[]) AS rows (id, amount, currency, status, "paidAt")`,
    [
      user,
      rows.map((row) => row.id),
      rows.map((row) => row.amount),
      rows.map((row) => row.currency),
      rows.map((row) => row.status),
      rows.map((row) => row.paidAt),
    ],
  );
}

/** Seeded ranges of every shape: long, sub-day, sub-bucket, inside one day, on day and bucket edges, empty. */
function randomRanges(next: () => number, count: number): Array<[Date, Date]> {
  const at = () => START - 10 * DAY + Math.floor(next() * (SPAN + 20 * DAY));
  const dayOf = (time: number) => Math.floor(time / DAY) * DAY;
  const lasting = (length: number): [number, number] => {
    const from = at();
    return [from, from + length];
  };
  const shapes: Array<() => [number, number]> = [
    () => lasting(Math.floor(next() * 400 * DAY)), // up to 400 days
    () => lasting(Math.floor(next() * DAY)), // shorter than a day
    () => lasting(Math.floor(next() * BUCKET)), // shorter than a bucket
    () => lasting(-Math.floor(next() * DAY)), // reversed: empty
    () => {
      // inside one UTC day
      const day = dayOf(at());
      const [a, b] = [Math.floor(next() * DAY), Math.floor(next() * DAY)].sort((x, y) => x - y);
      return [day + a!, day + b!];
    },
    () => {
      // whole UTC days
      const day = dayOf(at());
      return [day, day + Math.floor(next() * 60) * DAY];
    },
    () => {
      // whole buckets
      const bucket = Math.floor(at() / BUCKET) * BUCKET;
      return [bucket, bucket + Math.floor(next() * 200) * BUCKET];
    },
    () => {
      // a few milliseconds across a UTC midnight
      const day = dayOf(at());
      return [day - 1 - Math.floor(next() * 3), day + 1 + Math.floor(next() * 3)];
    },
  ];
  const ranges: Array<[Date, Date]> = [
    [new Date(Date.UTC(2026, 0, 1)), new Date(Date.UTC(2027, 0, 1))],
    [new Date(START - 30 * DAY), new Date(START + SPAN + 30 * DAY)],
    // Starting on the days New York changes its clocks: a day added in a DST session TimeZone is
    // 23 or 25 hours, not the 24 of a UTC day.
    [new Date('2026-03-08T12:34:56.789Z'), new Date('2026-04-02T01:02:03.004Z')],
    [new Date('2026-11-01T09:00:00.001Z'), new Date('2026-11-20T00:00:00Z')],
  ];
  for (let index = 0; index < count; index += 1) {
    const [from, to] = shapes[index % shapes.length]!();
    ranges.push([new Date(from), new Date(to)]);
  }
  return ranges;
}

describe('revenue by UTC day', () => {
  let db: TestDatabase;
  let user: string;
  const next = seededRandom(20261129);

  /** A pool of one connection whose session TimeZone is `timeZone`. */
  async function poolInTimeZone(timeZone: string): Promise<pg.Pool> {
    const pool = new pg.Pool({ connectionString: db.url, max: 1, idleTimeoutMillis: 0 });
    await pool.query(`SET TIME ZONE '${timeZone}'`);
    assert.equal((await pool.query('SHOW TimeZone')).rows[0].TimeZone, timeZone);
    return pool;
  }
  /** Ends such a pool; the embedded PGlite is one session, so its TimeZone is reset first. */
  async function endPool(pool: pg.Pool): Promise<void> {
    await pool.query('RESET TIME ZONE');
    await pool.end();
  }

  /** Every range from the maintained tables and from a scan of "Payment": equal to the cent. */
  async function assertRangesExact(pool: pg.Pool, label: string, count = 120): Promise<void> {
    const ranges = randomRanges(next, count);
    for (const currency of CURRENCIES) {
      for (const [from, to] of ranges) {
        const { rows } = await pool.query<{ amount: string }>(REVENUE_BETWEEN_SQL, [currency, from, to]);
        const expected = await fullScanRevenueBetween(db.pool, currency, from, to);
        assert.equal(cents(rows[0]!.amount), cents(expected), `${label}: ${currency} ${from.toISOString()} → ${to.toISOString()}`);
      }
    }
  }

  /** "RevenueDay" after a fold: one row per UTC midnight, equal to the day's paid payments (summed here, in UTC). */
  async function assertDaysArePaymentDays(label: string): Promise<void> {
    const expected = new Map<string, bigint>();
    const payments = await db.pool.query<{ currency: string; paidAt: Date; amount: string }>(
      `SELECT "currency", "paidAt", "amount"::text AS "amount" FROM "Payment" WHERE "status" = 'paid' AND "paidAt" IS NOT NULL`,
    );
    for (const payment of payments.rows) {
      const key = `${payment.currency} ${new Date(Math.floor(payment.paidAt.getTime() / DAY) * DAY).toISOString()}`;
      expected.set(key, (expected.get(key) ?? 0n) + cents(payment.amount));
    }
    const days = await db.pool.query<{ currency: string; dayStart: Date; amount: string }>(
      `SELECT "currency", "dayStart", "amount"::text AS "amount" FROM "RevenueDay"`,
    );
    const kept = new Map<string, bigint>();
    for (const day of days.rows) {
      assert.equal(day.dayStart.getTime() % DAY, 0, `${label}: ${day.dayStart.toISOString()} is a UTC midnight`);
      if (cents(day.amount) !== 0n) kept.set(`${day.currency} ${day.dayStart.toISOString()}`, cents(day.amount));
    }
    for (const [key, value] of expected) if (value === 0n) expected.delete(key);
    assert.deepEqual(new Map([...kept].sort()), new Map([...expected].sort()), `${label}: RevenueDay = paid payments per UTC day`);
  }

  before(async () => {
    db = await createTestDatabase();
    user = await fixtures(db.pool).user();
    await insertPayments(db.pool, user, next, 2_000, 'first');
    // On the edges: a UTC midnight, its last millisecond before, a bucket edge.
    const make = fixtures(db.pool);
    const edges = [Date.UTC(2026, 5, 1), Date.UTC(2026, 5, 1) - 1, Date.UTC(2026, 5, 1, 0, 15), Date.UTC(2026, 2, 14, 23, 59, 59, 999)];
    // The last hours of the days New York changes its clocks (see randomRanges).
    edges.push(Date.UTC(2026, 2, 8, 23, 30), Date.UTC(2026, 2, 9, 0, 10), Date.UTC(2026, 10, 1, 23, 10), Date.UTC(2026, 10, 2, 0, 40));
    for (const paidAt of edges) {
      for (const currency of CURRENCIES) await make.payment(user, { amount: '12.34', currency, status: 'paid', paidAt: new Date(paidAt) });
    }
  });
  after(async () => {
    await db?.drop();
  });

  test('folded under session TimeZones with DST and odd offsets, days are UTC days and equal their buckets', async () => {
    await assertRangesExact(db.pool, 'all pending');
    const chatham = await poolInTimeZone('Pacific/Chatham'); // +12:45 / +13:45
    try {
      await foldAggregateDeltas(chatham);
    } finally {
      await endPool(chatham);
    }
    await assertDaysArePaymentDays('folded in Pacific/Chatham');
    await insertPayments(db.pool, user, next, 800, 'second');
    await db.pool.query(`UPDATE "Payment" SET "paidAt" = "paidAt" + interval '9 hours 3 minutes' WHERE "id" LIKE 'first-1%'`);
    await db.pool.query(`UPDATE "Payment" SET "status" = 'refunded' WHERE "id" LIKE 'first-2%' AND "status" = 'paid'`);
    await db.pool.query(`DELETE FROM "Payment" WHERE "id" LIKE 'first-3%'`);
    // Days, buckets and pending deltas all hold value now; read under a DST session TimeZone too.
    const newYork = await poolInTimeZone('America/New_York');
    try {
      await assertRangesExact(newYork, 'folded + pending, read in America/New_York');
      await foldAggregateDeltas(newYork);
    } finally {
      await endPool(newYork);
    }
    await assertDaysArePaymentDays('folded again in America/New_York');
    await assertRangesExact(db.pool, 'all folded');
    await assertAggregatesExact(db.pool, undefined, 'all folded');
  });

  test('local months in offsets of 45 and 30 minutes (no DST) are exact', async () => {
    for (const reportTimeZone of ['Asia/Kathmandu', 'Australia/Eucla', 'Asia/Kabul', 'Asia/Yangon', 'Pacific/Marquesas', 'Asia/Kolkata']) {
      for (let month = 0; month < 14; month += 1) {
        const now = new Date(Date.UTC(2025, 11 + month, 1) + Math.floor(next() * 28 * DAY));
        const context = { now, currency: CURRENCIES[month % 2]!, reportTimeZone };
        const fullScan = await runTableQuery(db.pool, { ...currentMonthRevenueQuery, sql: FULL_SCAN_SQL.get(currentMonthRevenueQuery)! }, context);
        assert.deepEqual(
          await runTableQuery(db.pool, currentMonthRevenueQuery, context),
          fullScan,
          `month of ${now.toISOString()} in ${reportTimeZone}`,
        );
      }
    }
  });

  test('folds and writers at once: no deadlock, days stay the sums of their buckets', async () => {
    const folders = Array.from({ length: 3 }, () => new pg.Pool({ connectionString: db.url, max: 1 }));
    let writing = true;
    try {
      const writers = Array.from({ length: 3 }, async (_, writer) => {
        for (let round = 0; round < 15; round += 1) {
          await insertPayments(db.pool, user, next, 20, `concurrent-${writer}-${round}`);
          await db.pool.query(`UPDATE "Payment" SET "amount" = "amount" + 1 WHERE "id" LIKE $1`, [`concurrent-${writer}-${round}-1%`]);
        }
      });
      const folds = folders.map(async (pool) => {
        let count = 0;
        while (writing || count === 0) {
          await foldAggregateDeltas(pool);
          count += 1;
        }
        return count;
      });
      await Promise.all(writers);
      writing = false;
      const counts = await Promise.all(folds);
      assert.ok(counts.every((count) => count > 0));
    } finally {
      writing = false;
      await Promise.all(folders.map((pool) => pool.end()));
    }
    await foldAggregateDeltas(db.pool);
    await assertDaysArePaymentDays('after concurrent folds');
    await assertAggregatesExact(db.pool, undefined, 'after concurrent folds');
  });

  test('a one-year range reads at most 366 days and 2·96 buckets, through the primary keys', async () => {
    // A dense currency: a payment every 15 minutes for 14 months.
    await db.pool.query(
      `INSERT INTO "Payment" ("id", "userId", "amount", "currency", "status", "paidAt")
       SELECT 'dense-' || n, $1, 1 + n % 97, 'EUR', 'paid', TIMESTAMPTZ '2025-12-01 00:00:00+00' + n * interval '15 minutes' + (n % 900) * interval '1 second'
       FROM generate_series(0, 14 * 31 * 96) AS n`,
      [user],
    );
    await foldAggregateDeltas(db.pool);
    const from = new Date('2026-01-01T05:07:33.123Z');
    const to = new Date('2026-12-30T20:31:00.507Z');
    const client = await db.pool.connect();
    try {
      await client.query('SET enable_seqscan = off');
      const { rows } = await client.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${REVENUE_BETWEEN_SQL}`, ['EUR', from, to]);
      const plan = rows[0]['QUERY PLAN'];
      const text = JSON.stringify(plan);
      assert.doesNotMatch(text, /"Node Type":"Seq Scan"/, text);
      assert.match(text, /"Index Name":"RevenueDay_pkey"/, text);
      assert.match(text, /"Index Name":"RevenueBucket_pkey"/, text);
      assert.match(text, /Payment_status_currency_paidAt_idx/, text);
      const rowsRead = new Map<string, number>();
      const visit = (node: Record<string, unknown>) => {
        const relation = node['Relation Name'] as string | undefined;
        if (relation) rowsRead.set(relation, (rowsRead.get(relation) ?? 0) + Number(node['Actual Rows']) * Number(node['Actual Loops']));
        for (const child of (node.Plans as Array<Record<string, unknown>> | undefined) ?? []) visit(child);
      };
      visit(plan[0].Plan);
      assert.ok(rowsRead.get('RevenueDay')! >= 360 && rowsRead.get('RevenueDay')! <= 366, `days read: ${rowsRead.get('RevenueDay')}`);
      assert.ok(rowsRead.get('RevenueBucket')! > 0 && rowsRead.get('RevenueBucket')! <= 2 * 96, `buckets read: ${rowsRead.get('RevenueBucket')}`);
    } finally {
      await client.query('RESET enable_seqscan');
      client.release();
    }
    const { rows } = await db.pool.query<{ amount: string }>(REVENUE_BETWEEN_SQL, ['EUR', from, to]);
    assert.equal(cents(rows[0]!.amount), cents(await fullScanRevenueBetween(db.pool, 'EUR', from, to)));
  });

  test('a drifted day is found (revenue_days) and repaired; the ranges are exact again', async () => {
    await foldAggregateDeltas(db.pool);
    await db.pool.query(`UPDATE "RevenueDay" SET "amount" = "amount" + 7.25 WHERE "currency" = 'IDR' AND "dayStart" = '2026-06-01T00:00:00Z'`);
    await db.pool.query(`INSERT INTO "RevenueDay" ("currency", "dayStart", "amount") VALUES ('USD', '2024-01-01T00:00:00Z', -3)`);
    const logged: Array<Record<string, unknown>> = [];
    const logger = { warn: (fields: Record<string, unknown>) => logged.push(fields), info: () => {} };
    const found = await verifyAggregates(db.pool, { repair: false, logger: logger as never });
    assert.deepEqual(
      found.figures.filter((figure) => figure.drift !== 0),
      [{ figure: 'revenue_days', drift: 10.25, driftedGroups: 2 }],
    );
    assert.deepEqual(
      logged.map((fields) => [fields.figure, fields.drift, fields.driftedGroups]),
      [['revenue_days', 10.25, 2]],
    );
    const inJune = await db.pool.query<{ amount: string }>(REVENUE_BETWEEN_SQL, [
      'IDR',
      new Date('2026-05-20T00:00:00Z'),
      new Date('2026-06-10T00:00:00Z'),
    ]);
    const scanned = await fullScanRevenueBetween(db.pool, 'IDR', new Date('2026-05-20T00:00:00Z'), new Date('2026-06-10T00:00:00Z'));
    assert.equal(cents(inJune.rows[0]!.amount) - cents(scanned), 725n, 'the drift shows in a range over that day');

    const repaired = await verifyAggregates(db.pool, { repair: true });
    assert.equal(repaired.repaired, true);
    assert.equal((await verifyAggregates(db.pool, { repair: false })).totalDrift, 0, 'repaired');
    await assertDaysArePaymentDays('repaired');
    await assertRangesExact(db.pool, 'repaired', 40);
  });

  test('TRUNCATE "Payment" resets the days with the buckets, before and after the fold', async () => {
    await db.pool.query('TRUNCATE "Payment"');
    const zero = async (label: string) => {
      for (const currency of [...CURRENCIES, 'EUR']) {
        const { rows } = await db.pool.query<{ amount: string }>(REVENUE_BETWEEN_SQL, [
          currency,
          new Date(START - DAY),
          new Date(START + SPAN + DAY),
        ]);
        assert.equal(cents(rows[0]!.amount), 0n, `${label}: ${currency}`);
      }
      await assertAggregatesExact(db.pool, undefined, label);
    };
    await zero('truncated, resets pending');
    await foldAggregateDeltas(db.pool);
    await zero('truncated, folded');
    await assertDaysArePaymentDays('truncated');
    await insertPayments(db.pool, user, next, 300, 'after-truncate');
    await foldAggregateDeltas(db.pool);
    await assertDaysArePaymentDays('written after the truncate');
    await assertRangesExact(db.pool, 'written after the truncate', 40);
  });
});
