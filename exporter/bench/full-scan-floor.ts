// The full-scan floor of a refresh: what computing every figure of a refresh from the platform's
// tables costs, the work every peer (and this exporter before the counts were maintained) does on
// each refresh. It is each maintained figure's recount (its full scan, as verification runs it)
// plus the current month's revenue read from "Payment", and the time-windowed active chatbot
// sessions, which both sides read through the same index.
import { MAINTAINED_FIGURES } from '../src/aggregates/figures.js';
import type { AggregateContext } from '../src/sections/section.js';
import { distinctQueries } from './refresh-bench.js';

export interface FloorStatement {
  label: string;
  sql: string;
  params: unknown[];
}

/**
 * The month's revenue as a full scan of the month's payments (the query before revenue was kept
 * per time bucket). The revenue figure's own recount sums every bucket of all time, which no
 * refresh needs: the month query stands in for it.
 */
export const FULL_SCAN_MONTH_REVENUE_SQL = `WITH month AS (
    SELECT date_trunc('month', $2::timestamptz AT TIME ZONE $3) AT TIME ZONE $3 AS "from",
           (date_trunc('month', $2::timestamptz AT TIME ZONE $3) + interval '1 month') AT TIME ZONE $3 AS "to")
  SELECT (SELECT coalesce(sum("amount"), 0)::text FROM "Payment"
           WHERE "status" = 'paid' AND "currency" = $1 AND "paidAt" >= month."from" AND "paidAt" < month."to") AS amount
  FROM month`;

/** The figure whose recount is replaced by the month's revenue scan. */
const REVENUE_FIGURE = 'revenue';
/** The refresh's table that no maintained figure covers: read the same way on both sides. */
const TIME_WINDOWED_TABLE = 'ChatbotSession';

export function fullScanFloorStatements(context: AggregateContext): FloorStatement[] {
  const recounts = MAINTAINED_FIGURES.filter((figure) => figure.name !== REVENUE_FIGURE).map((figure) => ({
    label: `recount ${figure.name}`,
    sql: figure.recountSql,
    params: [] as unknown[],
  }));
  const month = { label: 'month revenue scan', sql: FULL_SCAN_MONTH_REVENUE_SQL, params: [context.currency, context.now, context.reportTimeZone] };
  const windowed = distinctQueries()
    .filter((query) => query.table === TIME_WINDOWED_TABLE)
    .map((query) => ({ label: `${query.table} (index-bound)`, sql: query.sql, params: query.params?.(context) ?? [] }));
  return [...recounts, month, ...windowed];
}
