import type pg from 'pg';
import type { TableQuery } from './section.js';

export interface Revenue {
  from: string;
  to: string;
  currency: string;
  amount: number;
}

// Revenue: paid payments in the platform currency with paidAt in [from, to).
const PAID_IN_RANGE = `"status" = 'paid' AND "currency" = $1 AND "paidAt" >= $2::timestamptz AND "paidAt" < $3::timestamptz`;

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
               (SELECT coalesce(sum("amount"), 0)::text FROM "Payment"
                 WHERE "status" = 'paid' AND "currency" = $1 AND "paidAt" >= month."from" AND "paidAt" < month."to") AS amount
        FROM month`,
  params: ({ currency, now, reportTimeZone }) => [currency, now, reportTimeZone],
  parse: (rows) => {
    const row = rows[0];
    return toRevenue(row, '', row?.from as Date, row?.to as Date);
  },
};

/** Revenue for an arbitrary range, computed on demand (the current month lives in the snapshot). */
export async function revenueBetween(pool: pg.Pool, currency: string, from: Date, to: Date): Promise<Revenue> {
  const result = await pool.query(`SELECT coalesce(sum("amount"), 0)::text AS amount FROM "Payment" WHERE ${PAID_IN_RANGE}`, [currency, from, to]);
  return toRevenue(result.rows[0], currency, from, to);
}
