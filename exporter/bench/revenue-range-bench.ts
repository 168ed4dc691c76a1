// Revenue for arbitrary one-year ranges: the exporter's own code path for a `from`/`to` request
// (the ranged section's forRange, as GET /api/monitoring/dashboard?from=&to= runs it, minus HTTP)
// against the floor, the full scan over "Payment" that answered such a request before the revenue
// was kept per time bucket. Edges fall at random milliseconds, never on a bucket boundary, and the
// amounts of both sides must agree.
import type pg from 'pg';
import { SECTIONS } from '../src/sections/index.js';
import type { AggregateContext } from '../src/sections/section.js';
import { elapsedMs, median, percentile } from './stats.js';
import { seededRandom } from '../test/support/seeded-random.js';

/** Ranges measured (each once per side, after a warm-up). */
export const REVENUE_RANGES = 21;
const DAY_MS = 86_400_000;
/** A fixed seed: every run asks the same ranges relative to its clock. */
const RANGE_SEED = 20_261_129;

/** The range query as it was: every paid payment in the range, read from the table itself. */
export const FULL_SCAN_RANGE_SQL = `SELECT coalesce(sum("amount"), 0)::text AS amount FROM "Payment"
  WHERE "status" = 'paid' AND "currency" = $1 AND "paidAt" >= $2::timestamptz AND "paidAt" < $3::timestamptz`;

export interface RevenueRangeResult {
  ranges: Array<{ from: string; to: string; exporterMs: number; floorMs: number; exporterAmount: number; floorAmount: number }>;
  exporterMedianMs: number;
  exporterMaxMs: number;
  floorMedianMs: number;
  /** Ranges where the two sides' amounts differ (must be 0). */
  mismatches: number;
}

/**
 * One-year ranges (365 days plus up to a day) over the synthetic payments (paid in the last 365
 * days): starting 0–60 days before a year ago, at a random millisecond.
 */
export function oneYearRanges(now: Date, count: number): Array<{ from: Date; to: Date }> {
  const random = seededRandom(RANGE_SEED);
  return Array.from({ length: count }, () => {
    const from = new Date(now.getTime() - 365 * DAY_MS - Math.floor(random() * 60 * DAY_MS));
    const to = new Date(from.getTime() + 365 * DAY_MS + Math.floor(random() * DAY_MS));
    return { from, to };
  });
}

/** The value at a dotted path of a body ('revenue.amount'). */
function valueAt(body: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], body);
}

export async function benchRevenueRanges(pool: pg.Pool, context: AggregateContext, count = REVENUE_RANGES): Promise<RevenueRangeResult> {
  const section = SECTIONS.find((candidate) => candidate.timeRange);
  if (!section?.timeRange) throw new Error('no section follows a time range');
  const { timeRange } = section;
  const figure = timeRange.figures[0]!;
  const exporterSide = async (range: { from: Date; to: Date }) => {
    const started = performance.now();
    const body = await timeRange.forRange(range, { pool, context });
    return { ms: elapsedMs(started), amount: Number(valueAt(body, figure)) };
  };
  const floorSide = async (range: { from: Date; to: Date }) => {
    const started = performance.now();
    const { rows } = await pool.query<{ amount: string }>(FULL_SCAN_RANGE_SQL, [context.currency, range.from, range.to]);
    // Rounded as the exporter rounds a sum for its JSON.
    return { ms: elapsedMs(started), amount: Math.round(Number(rows[0]!.amount) * 100) / 100 };
  };
  const ranges = oneYearRanges(context.now, count);
  for (const range of ranges.slice(0, 2)) {
    await exporterSide(range);
    await floorSide(range);
  }
  const measured: RevenueRangeResult['ranges'] = [];
  for (const [index, range] of ranges.entries()) {
    // Alternating which side goes first: whoever warms the cache for the other changes each time.
    let exporter: { ms: number; amount: number };
    let floor: { ms: number; amount: number };
    if (index % 2 === 0) {
      exporter = await exporterSide(range);
      floor = await floorSide(range);
    } else {
      floor = await floorSide(range);
      exporter = await exporterSide(range);
    }
    measured.push({
      from: range.from.toISOString(),
      to: range.to.toISOString(),
      exporterMs: exporter.ms,
      floorMs: floor.ms,
      exporterAmount: exporter.amount,
      floorAmount: floor.amount,
    });
  }
  const exporterMs = measured.map((range) => range.exporterMs);
  return {
    ranges: measured,
    exporterMedianMs: median(exporterMs),
    exporterMaxMs: percentile(exporterMs, 100),
    floorMedianMs: median(measured.map((range) => range.floorMs)),
    mismatches: measured.filter((range) => range.exporterAmount !== range.floorAmount).length,
  };
}
