import type pg from 'pg';
import { REVENUE_BUCKET_SQL, REVENUE_DAY_SQL } from '../aggregates/maintained-sql.js';
import type { TableQuery } from './section.js';

export interface Revenue {
  from: string;
  to: string;
  currency: string;
  amount: number;
}

/**
 * Paid payments in `currency` with paidAt in [from, to), as one numeric sum (text), without a scan
 * of all payments (docs/aggregates.md): the whole UTC days inside the range come from "RevenueDay",
 * the whole 15-minute buckets of the partial days at the two ends from "RevenueBucket", the pending
 * deltas of every whole bucket from "RevenueDelta", and only the partial buckets at the two edges
 * from "Payment", through its ("status", "currency", "paidAt") index: O(days + 2·96 buckets + 2 edge
 * slices). `currency`, `from` and `to` are SQL expressions (parameters, or columns of an enclosing
 * query).
 *
 * Each delta is read once: a fold moves it, in one statement, from "RevenueDelta" into both
 * "RevenueBucket" and "RevenueDay", and every part of [lo, hi) is read from exactly one of those
 * two, plus "RevenueDelta" over all of [lo, hi).
 */
function paidRevenueSql(currency: string, from: string, to: string): string {
  // lo: the first bucket edge at or after `from`; hi: the last bucket edge at or before `to`.
  // When lo >= hi there is no whole bucket and the two edge reads cover [from, to) between them.
  const lo = `CASE WHEN ${REVENUE_BUCKET_SQL(from)} = ${from} THEN ${from} ELSE ${REVENUE_BUCKET_SQL(from)} + interval '15 minutes' END`;
  const hi = REVENUE_BUCKET_SQL(to);
  // dayLo: the first UTC day edge at or after lo; dayHi: the last one at or before hi. '24 hours',
  // not '1 day': adding a day to a timestamptz follows the session's TimeZone across DST changes.
  const dayLo = `CASE WHEN ${REVENUE_DAY_SQL('bounds.lo')} = bounds.lo THEN bounds.lo ELSE ${REVENUE_DAY_SQL('bounds.lo')} + interval '24 hours' END`;
  const dayHi = REVENUE_DAY_SQL('bounds.hi');
  const paid = (lower: string, upper: string) =>
    `(SELECT coalesce(sum("amount"), 0) FROM "Payment"
       WHERE "status" = 'paid' AND "currency" = edges.currency AND "paidAt" >= ${lower} AND "paidAt" < ${upper})`;
  const maintained = (table: string, key: string, lower: string, upper: string) =>
    `(SELECT coalesce(sum("amount"), 0) FROM "${table}"
       WHERE "currency" = edges.currency AND "${key}" >= ${lower} AND "${key}" < ${upper})`;
  // The same split as the edges': when there is no whole day (dayLo >= dayHi), the two bucket
  // reads cover [lo, hi) between them and the day read is empty.
  const daysLo = 'least(edges.day_lo, edges.hi)';
  return `SELECT (${maintained('RevenueDay', 'dayStart', 'edges.day_lo', 'edges.day_hi')}
                 + ${maintained('RevenueBucket', 'bucketStart', 'edges.lo', daysLo)}
                 + ${maintained('RevenueBucket', 'bucketStart', `greatest(edges.day_hi, ${daysLo})`, 'edges.hi')}
                 + ${maintained('RevenueDelta', 'bucketStart', 'edges.lo', 'edges.hi')}
                 + ${paid('edges."from"', 'least(edges.lo, edges."to")')}
                 + ${paid('greatest(edges.hi, least(edges.lo, edges."to"))', 'edges."to"')})::text
          FROM (SELECT bounds.*, ${dayLo} AS day_lo, ${dayHi} AS day_hi
                FROM (SELECT ${currency} AS currency, ${from} AS "from", ${to} AS "to", ${lo} AS lo, ${hi} AS hi) AS bounds) AS edges`;
}

function toRevenue(row: Record<string, unknown> | undefined, currency: string, from: Date, to: Date): Revenue {
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    currency,
    // numeric(14,2) sums arrive as text; two decimals survive a double exactly enough for money display.
    amount: Math.round(Number(row?.amount ?? 0) * 100) / 100,
  };
}

/**
 * The current calendar month in REPORT_TIMEZONE, computed by PostgreSQL's time-zone rules so the
 * month edges match the database's own notion of local time.
 */
export const currentMonthRevenueQuery: TableQuery<Revenue> = {
  table: 'Payment',
  sql: `WITH month AS (
          SELECT date_trunc('month', $2::timestamptz AT TIME ZONE $3) AT TIME ZONE $3 AS "from",
                 (date_trunc('month', $2::timestamptz AT TIME ZONE $3) + interval '1 month') AT TIME ZONE $3 AS "to"
        )
        SELECT month."from", month."to",
               (${paidRevenueSql('$1::text', 'month."from"', 'month."to"')}) AS amount
        FROM month`,
  params: ({ currency, now, reportTimeZone }) => [currency, now, reportTimeZone],
  parse: (rows) => {
    const row = rows[0];
    return toRevenue(row, '', row?.from as Date, row?.to as Date);
  },
};

/** Paid revenue of $1 (currency) with paidAt in [$2, $3). */
export const REVENUE_BETWEEN_SQL = `SELECT (${paidRevenueSql('$1::text', '$2::timestamptz', '$3::timestamptz')}) AS amount`;

/** Revenue for an arbitrary range, computed on demand (the current month lives in the snapshot). */
export async function revenueBetween(pool: pg.Pool, currency: string, from: Date, to: Date): Promise<Revenue> {
  const result = await pool.query(REVENUE_BETWEEN_SQL, [currency, from, to]);
  return toRevenue(result.rows[0], currency, from, to);
}
