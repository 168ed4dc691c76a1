// Exactness of the maintained counts under concurrent writers: the randomized workload of the
// drift test (inserts, updates of grouped columns, deletes, rolled-back transactions, a COPY and a
// TRUNCATE from several clients at once), full size, on a scratch database; then a recount of
// every maintained figure in one snapshot. Any drift fails the row.
import { createPool } from '../src/db/pool.js';

export interface ExactnessOptions {
  databaseUrl: string;
  clients: number;
  operations: number;
  seed: number;
  log: (line: string) => void;
}

export interface ExactnessResult {
  clients: number;
  operations: number;
  seed: number;
  workloadMs: number;
  verifyMs: number;
  /** Maintained figures recounted. */
  figures: number;
  /** Sum of |drift| over every figure and group (must be 0). */
  driftTotal: number;
  drift: Record<string, number>;
  /** What the workload did, in one line (from its own summary). */
  workloadSummary: string;
  workload: unknown;
}

// Until the engine's verification and workload modules are merged: loaded by path so the rest of
// the bench runs (and typechecks) without them.
const WORKLOAD_MODULE = '../test/support/aggregate-workload.js';
const VERIFY_MODULE = '../src/aggregates/verify.js';

export async function benchExactness(options: ExactnessOptions): Promise<ExactnessResult> {
  const { runAggregateWorkload } = (await import(WORKLOAD_MODULE)) as {
    runAggregateWorkload(options: { databaseUrl: string; clients: number; operations: number; seed: number }): Promise<unknown>;
  };
  const { verifyAggregates } = (await import(VERIFY_MODULE)) as {
    verifyAggregates(pool: unknown, options: { repair: boolean }): Promise<unknown>;
  };
  const started = performance.now();
  const workload = await runAggregateWorkload({
    databaseUrl: options.databaseUrl,
    clients: options.clients,
    operations: options.operations,
    seed: options.seed,
  });
  const workloadMs = performance.now() - started;
  options.log(`  workload done in ${(workloadMs / 1000).toFixed(1)} s: ${JSON.stringify(workload)}`);
  const pool = createPool(options.databaseUrl, { max: 2, statementTimeoutMs: 0, applicationName: 'kewhats-bench-verify' });
  try {
    const verifyStarted = performance.now();
    const verification = await verifyAggregates(pool, { repair: false });
    const verifyMs = performance.now() - verifyStarted;
    options.log(`  verification in ${(verifyMs / 1000).toFixed(1)} s: ${JSON.stringify(verification)}`);
    throw new Error('exactness: the verification result is not read yet');
  } finally {
    await pool.end();
  }
}
