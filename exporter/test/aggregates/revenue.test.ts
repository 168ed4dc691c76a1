// Revenue from 15-minute buckets: any range equals a scan of "Payment" (partial buckets at the
// edges read through the index), payments move between buckets when their status, paidAt, amount
// or currency change, and a month in a +05:45 time zone is exact.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { foldAggregateDeltas } from '../../src/aggregates/fold.js';
import { currentMonthRevenueQuery, REVENUE_BETWEEN_SQL, revenueBetween } from '../../src/sections/revenue.js';
import { activeChatbotSessionsQuery } from '../../src/sections/chatbots.js';
import { runTableQuery } from '../../src/sections/section.js';
import { assertAggregatesExact } from '../support/aggregate-exactness.js';
import { fixtures } from '../support/fixtures.js';
import { fullScanRevenueBetween, FULL_SCAN_SQL } from '../support/full-scan-sections.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { seededRandom as random } from '../support/seeded-random.js';

const MINUTE = 60_000;
const BASE = Date.UTC(2026, 9, 31, 18, 0); // 31 Oct 2026 18:00 UTC, a month edge in +05:45 and +07:00 nearby

describe('revenue by 15-minute bucket', () => {
  let db: TestDatabase;
  let user: string;
  const payments: string[] = [];
  const next = random(7);

  /** Every range below, from the buckets and from a scan: equal to the cent. */
  async function assertRangesExact(label: string): Promise<void> {
    const ranges: Array<[Date, Date]> = [
      [new Date(BASE - 3 * 86_400_000), new Date(BASE + 3 * 86_400_000)],
      [new Date(BASE), new Date(BASE + 15 * MINUTE)], // one whole bucket
      [new Date(BASE + 7 * MINUTE), new Date(BASE + 8 * MINUTE)], // inside one bucket
      [new Date(BASE + 7 * MINUTE), new Date(BASE + 7 * MINUTE)], // empty
      [new Date(BASE + 9 * MINUTE), new Date(BASE - 9 * MINUTE)], // reversed: empty
      [new Date(BASE + 14 * MINUTE + 59_999), new Date(BASE + 15 * MINUTE + 1)], // 2 ms across an edge
      [new Date(Date.UTC(2026, 0, 1)), new Date(Date.UTC(2027, 0, 1))], // a year
    ];
    for (let index = 0; index < 40; index += 1) {
      const from = BASE + Math.round((next() - 0.5) * 4 * 86_400_000);
      ranges.push([new Date(from), new Date(from + Math.round(next() * 2 * 86_400_000))]);
    }
    for (const currency of ['IDR', 'USD']) {
      for (const [from, to] of ranges) {
        const expected = Math.round(Number(await fullScanRevenueBetween(db.pool, currency, from, to)) * 100) / 100;
        const actual = await revenueBetween(db.pool, currency, from, to);
        assert.equal(actual.amount, expected, `${label}: ${currency} ${from.toISOString()} → ${to.toISOString()}`);
      }
    }
    // The current month in time zones with 45-minute and 30-minute offsets, and whole hours.
    for (const reportTimeZone of ['Asia/Kathmandu', 'Asia/Kolkata', 'Asia/Jakarta', 'America/St_Johns', 'Pacific/Chatham']) {
      for (const now of [new Date(BASE - 60 * MINUTE), new Date(BASE + 60 * MINUTE), new Date(BASE + 20 * 86_400_000)]) {
        const context = { now, currency: 'IDR', reportTimeZone };
        const fullScan = await runTableQuery(db.pool, { ...currentMonthRevenueQuery, sql: FULL_SCAN_SQL.get(currentMonthRevenueQuery)! }, context);
        assert.deepEqual(
          await runTableQuery(db.pool, currentMonthRevenueQuery, context),
          fullScan,
          `${label}: month of ${now.toISOString()} in ${reportTimeZone}`,
        );
      }
    }
  }

  before(async () => {
    db = await createTestDatabase();
    user = await fixtures(db.pool).user();
    const make = fixtures(db.pool);
    // Payments at every minute offset around the month edge, in both currencies and every status.
    for (let index = 0; index < 120; index += 1) {
      const paidAt = new Date(BASE + Math.round((next() - 0.5) * 5 * 86_400_000) + Math.floor(next() * 60_000));
      payments.push(
        await make.payment(user, {
          amount: (Math.floor(next() * 10_000_000) / 100).toFixed(2),
          currency: next() < 0.75 ? 'IDR' : 'USD',
          status: next() < 0.7 ? 'paid' : next() < 0.5 ? 'pending' : 'refunded',
          paidAt: next() < 0.95 ? paidAt : null,
        }),
      );
    }
    // Exactly on bucket edges, and in the last millisecond of a bucket.
    payments.push(await make.payment(user, { amount: '0.01', status: 'paid', paidAt: new Date(BASE) }));
    payments.push(await make.payment(user, { amount: '1000000000.99', status: 'paid', paidAt: new Date(BASE + 15 * MINUTE - 1) }));
  });
  after(async () => {
    await db?.drop();
  });

  test('any range, the current month in any time zone (Asia/Kathmandu +05:45 too): equal to a scan of "Payment"', async () => {
    await assertRangesExact('pending deltas');
    await foldAggregateDeltas(db.pool);
    await assertRangesExact('folded');
    await assertAggregatesExact(db.pool, { now: new Date(BASE + 3_600_000), currency: 'IDR', reportTimeZone: 'Asia/Kathmandu' }, 'Kathmandu');
  });

  test('payments move between buckets when status, paidAt, amount or currency change, or are deleted', async () => {
    const sql = (text: string, params: unknown[]) => db.pool.query(text, params);
    await sql(`UPDATE "Payment" SET "status" = 'refunded' WHERE "id" = $1`, [payments[0]]);
    await sql(`UPDATE "Payment" SET "status" = 'paid', "paidAt" = coalesce("paidAt", now()) WHERE "id" = $1`, [payments[1]]);
    await sql(`UPDATE "Payment" SET "paidAt" = "paidAt" + interval '7 minutes' WHERE "id" = ANY($1)`, [payments.slice(2, 40)]);
    await sql(`UPDATE "Payment" SET "amount" = "amount" * 2 WHERE "id" = ANY($1)`, [payments.slice(30, 60)]);
    await sql(`UPDATE "Payment" SET "currency" = CASE WHEN "currency" = 'IDR' THEN 'USD' ELSE 'IDR' END WHERE "id" = ANY($1)`, [
      payments.slice(50, 70),
    ]);
    await sql(`UPDATE "Payment" SET "paidAt" = NULL WHERE "id" = $1`, [payments[80]]);
    await sql(`DELETE FROM "Payment" WHERE "id" = ANY($1)`, [payments.slice(90, 95)]);
    await assertRangesExact('after changes');
    await assertAggregatesExact(db.pool, undefined, 'after changes');
  });

  test('served by indexes: the revenue of a range and the active chatbot sessions never scan their table', async () => {
    const client = await db.pool.connect();
    try {
      // With sequential scans priced out, a plan still scanning the table would have no index to use.
      await client.query('SET enable_seqscan = off');
      const plan = async (sql: string, params: unknown[]) =>
        JSON.stringify((await client.query(`EXPLAIN (FORMAT JSON) ${sql}`, params)).rows[0]['QUERY PLAN']);
      const revenuePlan = await plan(REVENUE_BETWEEN_SQL, [
        'IDR',
        new Date(BASE - 86_400_000 + 7 * MINUTE),
        new Date(BASE + 86_400_000 + 3 * MINUTE),
      ]);
      assert.doesNotMatch(revenuePlan, /"Node Type":"Seq Scan"/, revenuePlan);
      assert.match(revenuePlan, /Payment_status_currency_paidAt_idx/);
      // The range spans a whole UTC day: days, the buckets of the partial days and the pending
      // deltas are each read through an index range on (currency, day or bucket).
      assert.match(revenuePlan, /"Index Name":"RevenueDay_pkey"/, revenuePlan);
      assert.match(revenuePlan, /"Index Name":"RevenueBucket_pkey"/, revenuePlan);
      assert.match(revenuePlan, /"Index Name":"RevenueDelta_currency_bucketStart_idx"/, revenuePlan);
      const now = new Date(BASE);
      const sessionsPlan = await plan(
        activeChatbotSessionsQuery.sql,
        activeChatbotSessionsQuery.params!({ now, currency: 'IDR', reportTimeZone: 'UTC' }),
      );
      assert.match(sessionsPlan, /ChatbotSession_open_lastActivityAt_idx/, sessionsPlan);
      assert.doesNotMatch(sessionsPlan, /"Node Type":"Seq Scan"/);
    } finally {
      await client.query('RESET enable_seqscan');
      client.release();
    }
  });
});
