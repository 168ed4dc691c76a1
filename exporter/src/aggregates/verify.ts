import type pg from 'pg';
import type { Logger } from 'pino';
import { MAINTAINED_FIGURES, MAINTAINED_ROLLUPS, type MaintainedFigure, type MaintainedRollup } from './figures.js';

/**
 * The advisory lock of a verification (an arbitrary constant: "kewhats aggregate verify"): two
 * exporter replicas, or the CLI and a replica, never recount at once; the second one skips.
 */
export const VERIFY_LOCK_KEY = 0x6b_65_77_68_61_67_76;

export interface FigureVerification {
  figure: string;
  /** Sum over the figure's groups of |recounted − maintained| (a count, or an amount for revenue). */
  drift: number;
  /** Groups whose maintained value differed from the recount. */
  driftedGroups: number;
}

export interface VerificationReport {
  /** true when another verification held the lock: nothing was compared. */
  skipped: boolean;
  /** true when correcting deltas were appended (repair asked and drift found). */
  repaired: boolean;
  figures: FigureVerification[];
  /** Sum of every figure's drift. */
  totalDrift: number;
  finishedAt: Date;
  durationMs: number;
}

export interface VerifyOptions {
  repair: boolean;
  /** Drift is logged here: figure names and numbers only, never a group (free text such as an integration type). */
  logger?: Pick<Logger, 'warn' | 'info'>;
}

/** A lost connection surfaces as the failing query's error; removed again before the client goes back to the pool. */
const ignoreClientError = () => {};

/**
 * Runs `work` in one transaction (`begin` opens it) on a client of its own, committed when `work`
 * returns, rolled back when it throws. No statement timeout: the recounts of big tables may outlast
 * the pool's.
 */
async function inTransaction<T>(pool: pg.Pool, begin: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let failure: Error | undefined;
  client.on('error', ignoreClientError);
  try {
    await client.query(begin);
    await client.query('SET LOCAL statement_timeout = 0');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    failure = error as Error;
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.off('error', ignoreClientError);
    client.release(failure);
  }
}

/** Per drifted group: the exact correction (recounted − maintained) as numeric text. */
function correctionsSql(figure: MaintainedFigure): string {
  return `WITH recounted AS (${figure.recountSql}), maintained AS (${figure.maintainedSql})
          SELECT "group", (coalesce(recounted."value"::numeric, 0) - coalesce(maintained."value"::numeric, 0))::text AS correction
          FROM recounted FULL JOIN maintained USING ("group")
          WHERE recounted."value"::numeric IS DISTINCT FROM maintained."value"::numeric`;
}

/**
 * Compares a rollup with the per-key sums of its counts in one statement, and with `repair` adds
 * the corrections, in a READ COMMITTED transaction of its own after the figures' snapshot. The
 * rollup is locked first (SHARE ROW EXCLUSIVE: against the folds' upserts and against another
 * repair, not against readers), so the comparison and the corrections see the same rows and no
 * two repairs add the same correction; the lock lasts one O(counts) read. A fold locks all its
 * tables when its statement starts, so it either waits here or is waited for: no deadlock. Without
 * repair nothing is locked: one statement reads one snapshot, where a fold is wholly in both tables
 * or in neither. In the figures' REPEATABLE READ snapshot an update of a rollup row that a fold
 * changed meanwhile would fail with a serialization error, hence a transaction of its own.
 */
async function verifyRollup(pool: pg.Pool, rollup: MaintainedRollup, options: VerifyOptions): Promise<FigureVerification> {
  return inTransaction(pool, 'BEGIN', async (client) => {
    if (options.repair) await client.query(`LOCK TABLE "${rollup.table}" IN SHARE ROW EXCLUSIVE MODE`);
    const { rows } = await client.query<{ first: unknown; second: unknown; correction: string }>(rollup.driftSql);
    const drift = rows.reduce((sum, row) => sum + Math.abs(Number(row.correction)), 0);
    if (rows.length > 0) {
      options.logger?.warn({ figure: rollup.name, drift, driftedGroups: rows.length, repair: options.repair }, 'aggregate drift');
      if (options.repair) for (const row of rows) await client.query(rollup.correctionSql, [row.first, row.second, row.correction]);
    }
    return { figure: rollup.name, drift, driftedGroups: rows.length };
  });
}

/** The figures (not the rollups) in one REPEATABLE READ snapshot; null when another verification runs. */
async function verifyFigures(pool: pg.Pool, options: VerifyOptions): Promise<{ figures: FigureVerification[]; repaired: boolean } | null> {
  // Read-write on purpose: a repair appends in this very snapshot.
  return inTransaction(pool, 'BEGIN ISOLATION LEVEL REPEATABLE READ', async (client) => {
    const locked = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS locked', [VERIFY_LOCK_KEY]);
    if (!locked.rows[0]?.locked) return null;
    const figures: FigureVerification[] = [];
    let repaired = false;
    for (const figure of MAINTAINED_FIGURES) {
      const { rows } = await client.query<{ group: string; correction: string }>(correctionsSql(figure));
      const drift = rows.reduce((sum, row) => sum + Math.abs(Number(row.correction)), 0);
      figures.push({ figure: figure.name, drift, driftedGroups: rows.length });
      if (rows.length === 0) continue;
      options.logger?.warn({ figure: figure.name, drift, driftedGroups: rows.length, repair: options.repair }, 'aggregate drift');
      if (options.repair) {
        for (const row of rows) await client.query(figure.correctionSql, [row.group, row.correction]);
        repaired = true;
      }
    }
    return { figures, repaired };
  });
}

/**
 * Recounts every maintained figure with a full scan and compares it with the maintained value,
 * both read in one REPEATABLE READ snapshot, so the comparison is exact while the platform writes.
 * With `repair`, each difference is appended as a correcting delta computed in that snapshot:
 * writes committed after it went through the triggers, so counts + deltas end exact. The recount
 * holds ACCESS SHARE on each table until commit, so a TRUNCATE (which resets a figure from its
 * current value) waits for the correction to be visible. Then each rollup is compared with (and
 * repaired from) its counts (verifyRollup); a verification skipped on the lock checks none.
 */
export async function verifyAggregates(pool: pg.Pool, options: VerifyOptions): Promise<VerificationReport> {
  const started = performance.now();
  const verified = await verifyFigures(pool, options);
  if (!verified)
    return { skipped: true, repaired: false, figures: [], totalDrift: 0, finishedAt: new Date(), durationMs: performance.now() - started };
  const { figures } = verified;
  let { repaired } = verified;
  for (const rollup of MAINTAINED_ROLLUPS) {
    const rolledUp = await verifyRollup(pool, rollup, options);
    figures.push(rolledUp);
    repaired ||= options.repair && rolledUp.driftedGroups > 0;
  }
  const totalDrift = figures.reduce((sum, figure) => sum + figure.drift, 0);
  const durationMs = performance.now() - started;
  options.logger?.info({ totalDrift, repaired, durationMs: Math.round(durationMs) }, 'aggregates verified');
  return { skipped: false, repaired, figures, totalDrift, finishedAt: new Date(), durationMs };
}
