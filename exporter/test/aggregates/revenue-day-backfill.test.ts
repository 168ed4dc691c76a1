// Applying the revenue-day migration to a database with folded buckets and pending deltas: the days
// are backfilled from the buckets as UTC days (under a session TimeZone that is not UTC), the
// pending deltas stay pending, and every range is exact before and after the next fold.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { foldAggregateDeltas } from '../../src/aggregates/fold.js';
import { applyMigrations } from '../../src/db/migrate.js';
import { REVENUE_BETWEEN_SQL } from '../../src/sections/revenue.js';
import { assertAggregatesExact } from '../support/aggregate-exactness.js';
import { fixtures } from '../support/fixtures.js';
import { fullScanRevenueBetween } from '../support/full-scan-sections.js';
import { databaseBeforeMigration, MIGRATION_NAMES } from '../support/migrations-subset.js';
import { seededRandom } from '../support/seeded-random.js';
import { waitFor } from '../support/wait-for.js';

const ROLLUP = MIGRATION_NAMES.find((name) => name.endsWith('_revenue_day_rollup'))!;
const DAY = 86_400_000;
const START = Date.UTC(2026, 9, 1);

/** The fold of the revenue deltas as it was before the rollup existed: into the buckets only. */
const BUCKETS_ONLY_FOLD = `
  WITH moved AS (DELETE FROM "RevenueDelta" RETURNING "currency", "bucketStart", "amount")
  INSERT INTO "RevenueBucket" ("currency", "bucketStart", "amount")
  SELECT "currency", "bucketStart", sum("amount") FROM moved GROUP BY 1, 2 ORDER BY 1, 2
  ON CONFLICT ("currency", "bucketStart") DO UPDATE SET "amount" = "RevenueBucket"."amount" + EXCLUDED."amount"`;

describe('the revenue-day migration on a database with revenue', () => {
  const target = databaseBeforeMigration(ROLLUP);

  test('days are backfilled from the folded buckets, pending deltas stay pending, ranges stay exact', async () => {
    const { db, folder } = target;
    assert.ok(ROLLUP, 'the migration exists');
    await applyMigrations(db.url, { configPath: folder.configPath });
    assert.equal((await db.pool.query(`SELECT to_regclass('"RevenueDay"') AS days`)).rows[0].days, null, 'applied up to the one before');

    const make = fixtures(db.pool);
    const user = await make.user();
    const next = seededRandom(160000);
    const pay = async (count: number) => {
      for (let index = 0; index < count; index += 1) {
        await make.payment(user, {
          amount: (Math.floor(next() * 10_000_000) / 100).toFixed(2),
          currency: next() < 0.6 ? 'IDR' : 'USD',
          status: next() < 0.8 ? 'paid' : 'pending',
          paidAt: new Date(START + Math.floor(next() * 60 * DAY)),
        });
      }
    };
    await pay(150);
    // Around a UTC midnight: a day of +12:45 starts at 11:15 UTC the day before.
    await make.payment(user, { amount: '5.00', currency: 'IDR', status: 'paid', paidAt: new Date(Date.UTC(2026, 9, 10) - 1) });
    await make.payment(user, { amount: '7.00', currency: 'IDR', status: 'paid', paidAt: new Date(Date.UTC(2026, 9, 10)) });
    await db.pool.query(BUCKETS_ONLY_FOLD);
    await pay(40); // pending at the migration
    const pending = Number((await db.pool.query('SELECT count(*) FROM "RevenueDelta"')).rows[0].count);
    assert.ok(pending > 0);

    // The backfill runs under a session TimeZone that is not UTC: its days must still be UTC days.
    if (db.kind === 'server') {
      const name = (await db.pool.query('SELECT current_database() AS name')).rows[0].name;
      await db.pool.query(`ALTER DATABASE "${name}" SET TimeZone = 'Pacific/Chatham'`);
    } else {
      await db.pool.query(`SET TIME ZONE 'Pacific/Chatham'`); // PGlite: one session, the migration's too
    }
    folder.add(ROLLUP);
    for (const name of MIGRATION_NAMES.slice(MIGRATION_NAMES.indexOf(ROLLUP) + 1)) folder.add(name);
    await applyMigrations(db.url, { configPath: folder.configPath });
    if (db.kind === 'embedded') await db.pool.query('RESET TIME ZONE');

    assert.equal(Number((await db.pool.query('SELECT count(*) FROM "RevenueDelta"')).rows[0].count), pending, 'pending deltas stay pending');
    const days = await db.pool.query<{ currency: string; dayStart: Date; amount: string; buckets: string }>(
      `SELECT d."currency", d."dayStart", d."amount"::text AS "amount",
              (SELECT sum(b."amount") FROM "RevenueBucket" AS b
                WHERE b."currency" = d."currency" AND b."bucketStart" >= d."dayStart" AND b."bucketStart" < d."dayStart" + interval '24 hours')::text AS "buckets"
       FROM "RevenueDay" AS d ORDER BY 1, 2`,
    );
    assert.ok(days.rows.length > 20, `${days.rows.length} days`);
    for (const day of days.rows) {
      assert.equal(day.dayStart.getTime() % DAY, 0, `${day.dayStart.toISOString()} is a UTC midnight`);
      assert.equal(day.amount, day.buckets, `${day.currency} ${day.dayStart.toISOString()}: the sum of its buckets`);
    }
    const edgeDays = days.rows.filter(
      (day) => day.currency === 'IDR' && [Date.UTC(2026, 9, 9), Date.UTC(2026, 9, 10)].includes(day.dayStart.getTime()),
    );
    assert.equal(edgeDays.length, 2, 'the payments either side of a UTC midnight are on two days');

    const assertRangesExact = async (label: string) => {
      for (let index = 0; index < 60; index += 1) {
        const from = new Date(START - 2 * DAY + Math.floor(next() * 64 * DAY));
        const to = new Date(from.getTime() + Math.floor(next() * (index % 2 === 0 ? 40 * DAY : DAY)));
        for (const currency of ['IDR', 'USD']) {
          const { rows } = await db.pool.query(REVENUE_BETWEEN_SQL, [currency, from, to]);
          const expected = await fullScanRevenueBetween(db.pool, currency, from, to);
          assert.equal(Number(rows[0].amount), Number(expected), `${label}: ${currency} ${from.toISOString()} → ${to.toISOString()}`);
        }
      }
      await assertAggregatesExact(db.pool, undefined, label);
    };
    await assertRangesExact('migrated, deltas pending');
    await foldAggregateDeltas(db.pool);
    await assertRangesExact('folded after the migration');
  });
});

describe('the revenue-day migration while a fold runs', () => {
  const target = databaseBeforeMigration(ROLLUP);

  test('the backfill waits for a fold in progress and includes what it folded', async () => {
    const { db, folder } = target;
    await applyMigrations(db.url, { configPath: folder.configPath });
    const make = fixtures(db.pool);
    const user = await make.user();
    for (let hour = 0; hour < 72; hour += 5) {
      await make.payment(user, { amount: '10.01', currency: 'IDR', status: 'paid', paidAt: new Date(START + hour * 3_600_000) });
    }
    folder.add(ROLLUP);
    for (const name of MIGRATION_NAMES.slice(MIGRATION_NAMES.indexOf(ROLLUP) + 1)) folder.add(name);

    if (db.kind === 'embedded') {
      // PGlite is one session: transactions of two connections run one after the other, so the
      // fold ends before the migration starts. The backfill then holds everything it folded.
      await db.pool.query(BUCKETS_ONLY_FOLD);
      await applyMigrations(db.url, { configPath: folder.configPath });
    } else {
      // A fold (as an exporter not yet upgraded runs it) has moved the deltas but not committed.
      const fold = await db.pool.connect();
      try {
        await fold.query('BEGIN');
        await fold.query(BUCKETS_ONLY_FOLD);
        const migrating = applyMigrations(db.url, { configPath: folder.configPath });
        await waitFor('the migration waiting for the fold\'s lock on "RevenueBucket"', async () => {
          const { rows } = await db.pool.query(
            `SELECT count(*)::int AS waiting FROM pg_locks WHERE relation = '"RevenueBucket"'::regclass AND NOT granted`,
          );
          return rows[0].waiting > 0;
        });
        await fold.query('COMMIT');
        await migrating;
      } finally {
        fold.release();
      }
    }
    const { rows } = await db.pool.query(
      `SELECT (SELECT count(*)::int FROM "RevenueDelta") AS pending, (SELECT sum("amount")::text FROM "RevenueDay") AS days,
              (SELECT sum("amount")::text FROM "RevenueBucket") AS buckets`,
    );
    assert.deepEqual(rows[0], { pending: 0, days: '150.15', buckets: '150.15' }, "the fold's buckets are in the days");
    await assertAggregatesExact(db.pool, undefined, 'migrated after the fold');
  });
});
