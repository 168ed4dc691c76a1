import type pg from 'pg';
import { REVENUE_BUCKET_SQL } from '../aggregates/maintained-sql.js';
import type { TableQuery } from './section.js';

export interface Revenue {
  from: string;
  to: string;
  currency: string;
  amount: number;
}

/**
 * Paid payments in `currency` with paidAt in [from, to), as one numeric sum (text), without a scan
 * of all payments: the whole 15-minute buckets inside the range come from the maintained revenue
 * (buckets + pending deltas, docs/aggregates.md), and only the partial buckets at the two edges
 * are read from "Payment", through its ("status", "currency", "paidAt") index. `currency`, `from`
 * and `to` are SQL expressions (parameters, or columns of an enclosing query).
 */
function paidRevenueSql(currency: string, from: string, to: string): string {
  // lo: the first bucket edge at or after `from`; hi: the last bucket edge at or before `to`.
  // When lo >= hi there is no whole bucket and the two edge reads cover [from, to) between them.
  const lo = `CASE WHEN ${REVENUE_BUCKET_SQL(from)} = ${from} THEN ${from} ELSE ${REVENUE_BUCKET_SQL(from)} + interval '15 minutes' END`;
  const hi = REVENUE_BUCKET_SQL(to);
  const paid = (lower: string, upper: string) =>
    `(SELECT coalesce(sum("amount"), 0) FROM "Payment"
       WHERE "status" = 'paid' AND "currency" = edges.currency AND "paidAt" >= ${lower} AND "paidAt" < ${upper})`;
  const maintained = (table: string) =>
    `(SELECT coalesce(sum("amount"), 0) FROM "${table}"
       WHERE "currency" = edges.currency AND "bucketStart" >= edges.lo AND "bucketStart" < edges.hi)`;
  return `SELECT (${maintained('RevenueBucket')} + ${maintained('RevenueDelta')}
                 + ${paid('edges."from"', 'least(edges.lo, edges."to")')}
                 + ${paid('greatest(edges.hi, least(edges.lo, edges."to"))', 'edges."to"')})::text
          FROM (SELECT ${currency} AS currency, ${from} AS "from", ${to} AS "to", ${lo} AS lo, ${hi} AS hi) AS edges`;
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

/** Revenue for an arbitrary range, computed on demand (the current month lives in the snapshot). */
export async function revenueBetween(pool: pg.Pool, currency: string, from: Date, to: Date): Promise<Revenue> {
  const result = await pool.query(`SELECT (${paidRevenueSql('$1::text', '$2::timestamptz', '$3::timestamptz')}) AS amount`, [currency, from, to]);
  return toRevenue(result.rows[0], currency, from, to);
}
