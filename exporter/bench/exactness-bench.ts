// Exactness of the maintained counts under concurrent writers: the randomized workload of the
// drift test (inserts, updates of grouped columns, deletes, rolled-back transactions, a COPY and a
// TRUNCATE from several clients at once), full size, on a scratch database; then a recount of
// every maintained figure in one snapshot. Any drift fails the row.
import { verifyAggregates } from '../src/aggregates/verify.js';
import { createPool } from '../src/db/pool.js';
import { runAggregateWorkload, type AggregateWorkloadResult } from '../test/support/aggregate-workload.js';

export interface ExactnessOptions {
  /** A scratch database: the workload fills it, truncates some of its tables. */
  databaseUrl: string;
  clients: number;
  operations: number;
  seed: number;
  log: (line: string) => void;
}

export interface ExactnessResult {
  clients: number;
  seed: number;
  workload: AggregateWorkloadResult;
  verifyMs: number;
  /** Drift per maintained figure (all must be 0). */
  drift: Record<string, number>;
  /** Sum of every figure's drift. */
  driftTotal: number;
}

export async function benchExactness(options: ExactnessOptions): Promise<ExactnessResult> {
  const workload = await runAggregateWorkload({
    databaseUrl: options.databaseUrl,
    clients: options.clients,
    operations: options.operations,
    seed: options.seed,
  });
  options.log(
    `  workload: ${workload.operations.toLocaleString('en')} operations in ${(workload.durationMs / 1000).toFixed(1)} s: ${workload.committed.toLocaleString('en')} committed, ${workload.rolledBack.toLocaleString('en')} rolled back, ${workload.conflicts} conflicts, ${workload.copiedRows} rows copied, ${workload.truncates} truncate(s), ${workload.folds} folds`,
  );
  const pool = createPool(options.databaseUrl, { max: 1, statementTimeoutMs: 0, applicationName: 'kewhats-bench-verify' });
  try {
    const report = await verifyAggregates(pool, { repair: false });
    if (report.skipped) throw new Error('the verification was skipped: another one held its lock');
    const drift = Object.fromEntries(report.figures.map((figure) => [figure.figure, figure.drift]));
    options.log(
      `  verification in ${(report.durationMs / 1000).toFixed(1)} s: ${Object.entries(drift)
        .map(([figure, value]) => `${figure} ${value}`)
        .join(', ')}`,
    );
    return { clients: options.clients, seed: options.seed, workload, verifyMs: report.durationMs, drift, driftTotal: report.totalDrift };
  } finally {
    await pool.end();
  }
}
