// Row 1: a cold refresh (a fresh SnapshotService, so nothing cached) through the exporter's own
// code path, against its floor: the very same distinct statements, in parallel exactly as the
// refresh runs them, straight through `pg` with no parsing, no JSON and no metrics rendering.
import type pg from 'pg';
import { pino } from 'pino';
import { AggregateMetrics } from '../src/metrics/aggregate-metrics.js';
import { ExporterMetrics } from '../src/metrics/exporter-metrics.js';
import { SECTIONS } from '../src/sections/index.js';
import type { AggregateContext, TableQuery } from '../src/sections/section.js';
import { SnapshotService } from '../src/snapshot/snapshot-service.js';
import type { FloorStatement } from './full-scan-floor.js';
import { elapsedMs, median } from './stats.js';

export interface RefreshResult {
  runs: number;
  exporterMs: number[];
  floorMs: number[];
  exporterMedianMs: number;
  floorMedianMs: number;
  ratio: number;
  distinctStatements: number;
  /**
   * The floor again on connections with PostgreSQL's JIT off: aggregate scans of millions of
   * rows pass jit_above_cost, and compiling costs more than it saves on these short queries.
   */
  floorJitOffMedianMs?: number;
  /** Each statement run alone once (warm cache): where a refresh spends its time. */
  statementMs: Array<{ table: string; ms: number }>;
  /** The full-scan floor (full-scan-floor.ts): every figure recounted from the tables, in parallel the same way. */
  fullScan?: {
    /** Timed runs of the floor (--runs); the millisecond sides run MILLISECOND_RUNS_PER_RUN times as often. */
    runs: number;
    statements: number;
    ms: number[];
    medianMs: number;
    /** How many times the exporter's refresh is under the floor: floor median / exporter median. */
    timesUnder: number;
    /** Each full-scan statement alone once, slowest first. */
    statementMs: Array<{ label: string; ms: number }>;
  };
}

/**
 * The exporter and the same-SQL floor take milliseconds, where five runs leave the median to the
 * machine's noise (a 1.2x target is 0.6 ms at scale 5): they run this many times per full-scan run.
 */
export const MILLISECOND_RUNS_PER_RUN = 5;

/** The distinct queries of all sections, deduplicated like SnapshotService does (shared objects). */
export function distinctQueries(): Array<TableQuery<unknown>> {
  return [...new Set(SECTIONS.flatMap((section) => Object.values(section.tables)))];
}

export function aggregateContext(config: { currency: string; reportTimeZone: string }): AggregateContext {
  return { now: new Date(), currency: config.currency, reportTimeZone: config.reportTimeZone };
}

async function exporterRefresh(
  pool: pg.Pool,
  exporterMetrics: ExporterMetrics,
  config: { currency: string; reportTimeZone: string },
): Promise<number> {
  const service = new SnapshotService({
    pool,
    sections: SECTIONS,
    intervalMs: 3_600_000,
    context: () => aggregateContext(config),
    aggregateMetrics: new AggregateMetrics(SECTIONS),
    exporterMetrics,
    logger: pino({ level: 'silent' }),
  });
  try {
    const started = performance.now();
    await service.refresh();
    const ms = elapsedMs(started);
    // refresh() never rejects; current() does when that refresh failed (no snapshot).
    await service.current();
    return ms;
  } finally {
    service.close();
  }
}

async function statementsInParallel(pool: pg.Pool, statements: FloorStatement[]): Promise<number> {
  const started = performance.now();
  await Promise.all(statements.map((statement) => pool.query(statement.sql, statement.params)));
  return elapsedMs(started);
}

async function floorRefresh(
  pool: pg.Pool,
  queries: Array<TableQuery<unknown>>,
  config: { currency: string; reportTimeZone: string },
): Promise<number> {
  const context = aggregateContext(config);
  const started = performance.now();
  await Promise.all(queries.map((query) => pool.query(query.sql, query.params?.(context) ?? [])));
  return elapsedMs(started);
}

/**
 * `pool` must be configured like the exporter's (DB_POOL_MAX connections, its statement timeout)
 * so both sides have the same parallelism. Rounds rotate the order of the sides, after one untimed
 * warm-up each, so cache warming and machine drift hit all alike.
 */
export async function benchRefresh(
  pool: pg.Pool,
  runs: number,
  config: { currency: string; reportTimeZone: string },
  jitOffPool?: pg.Pool,
  /**
   * The full-scan floor: its statements (for a clock reading taken at the start of each run) and a
   * pool like `pool` but without its statement timeout, which the scans of a large scale outlast
   * on a busy machine.
   */
  fullScanFloor?: { statements: (context: AggregateContext) => FloorStatement[]; pool: pg.Pool },
): Promise<RefreshResult> {
  const queries = distinctQueries();
  const exporterMetrics = new ExporterMetrics();
  const sides: Array<{ name: 'exporter' | 'floor' | 'jitOff'; run: () => Promise<number>; ms: number[] }> = [
    { name: 'exporter', run: () => exporterRefresh(pool, exporterMetrics, config), ms: [] },
    { name: 'floor', run: () => floorRefresh(pool, queries, config), ms: [] },
  ];
  if (jitOffPool) sides.push({ name: 'jitOff', run: () => floorRefresh(jitOffPool, queries, config), ms: [] });
  // Warm-up, untimed: the exporter's code is optimised by V8 only after a few runs (its first
  // refreshes take twice as long), and in production it has refreshed thousands of times.
  for (let run = 0; run < MILLISECOND_RUNS_PER_RUN; run += 1) for (const side of sides) await side.run();
  const millisecondRuns = runs * MILLISECOND_RUNS_PER_RUN;
  for (let run = 0; run < millisecondRuns; run += 1) {
    // Rotating order: whoever runs first or last in a round is a different side each time.
    for (let index = 0; index < sides.length; index += 1) {
      const side = sides[(run + index) % sides.length]!;
      side.ms.push(await side.run());
    }
  }
  // The full scans after, not between: seconds of scans on every connection leave the machine
  // busy (writes of hint bits, freed memory, CPU caches) for the millisecond sides after them, and
  // in a rotation of four some side follows them more often than the others.
  const fullScanMs: number[] = [];
  if (fullScanFloor) {
    const fullScanRun = () => statementsInParallel(fullScanFloor.pool, fullScanFloor.statements(aggregateContext(config)));
    await fullScanRun();
    for (let run = 0; run < runs; run += 1) fullScanMs.push(await fullScanRun());
  }
  const [exporterMs, floorMs] = [sides[0]!.ms, sides[1]!.ms];
  const sideMs = (name: string) => sides.find((side) => side.name === name)?.ms;
  const floorJitOffMedianMs = jitOffPool ? median(sideMs('jitOff')!) : undefined;
  const statementMs: RefreshResult['statementMs'] = [];
  const context = aggregateContext(config);
  for (const query of queries) {
    const started = performance.now();
    await pool.query(query.sql, query.params?.(context) ?? []);
    statementMs.push({ table: query.table, ms: elapsedMs(started) });
  }
  const exporterMedianMs = median(exporterMs);
  const floorMedianMs = median(floorMs);
  let fullScan: RefreshResult['fullScan'];
  if (fullScanFloor) {
    const statements = fullScanFloor.statements(context);
    const alone: Array<{ label: string; ms: number }> = [];
    for (const statement of statements) {
      const started = performance.now();
      await fullScanFloor.pool.query(statement.sql, statement.params);
      alone.push({ label: statement.label, ms: elapsedMs(started) });
    }
    fullScan = {
      runs,
      statements: statements.length,
      ms: fullScanMs,
      medianMs: median(fullScanMs),
      timesUnder: median(fullScanMs) / exporterMedianMs,
      statementMs: alone.sort((a, b) => b.ms - a.ms),
    };
  }
  return {
    runs: millisecondRuns,
    exporterMs,
    floorMs,
    exporterMedianMs,
    floorMedianMs,
    ratio: exporterMedianMs / floorMedianMs,
    floorJitOffMedianMs,
    distinctStatements: queries.length,
    statementMs: statementMs.sort((a, b) => b.ms - a.ms),
    fullScan,
  };
}
