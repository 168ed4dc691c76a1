import type pg from 'pg';
import type { Logger } from 'pino';
import { MAINTAINED_FIGURES, type MaintainedFigure } from './figures.js';

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

/** Per drifted group: the exact correction (recounted − maintained) as numeric text. */
function correctionsSql(figure: MaintainedFigure): string {
  return `WITH recounted AS (${figure.recountSql}), maintained AS (${figure.maintainedSql})
          SELECT "group", (coalesce(recounted."value"::numeric, 0) - coalesce(maintained."value"::numeric, 0))::text AS correction
          FROM recounted FULL JOIN maintained USING ("group")
          WHERE recounted."value"::numeric IS DISTINCT FROM maintained."value"::numeric`;
}

/**
 * Recounts every maintained figure with a full scan and compares it with the maintained value,
 * both read in one REPEATABLE READ snapshot, so the comparison is exact while the platform writes.
 * With `repair`, each difference is appended as a correcting delta computed in that snapshot:
 * writes committed after it went through the triggers, so counts + deltas end exact. The recount
 * holds ACCESS SHARE on each table until commit, so a TRUNCATE (which resets a figure from its
 * current value) waits for the correction to be visible.
 */
export async function verifyAggregates(pool: pg.Pool, options: VerifyOptions): Promise<VerificationReport> {
  const started = performance.now();
  const client = await pool.connect();
  let released = false;
  const release = (error?: Error) => {
    if (!released) client.release(error);
    released = true;
  };
  client.on('error', () => {}); // a lost connection surfaces as the failing query's error
  try {
    // Read-write on purpose: a repair appends in this very snapshot. The scans of big tables may
    // outlast the pool's statement timeout, so this transaction sets none.
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    await client.query('SET LOCAL statement_timeout = 0');
    const locked = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS locked', [VERIFY_LOCK_KEY]);
    if (!locked.rows[0]?.locked) {
      await client.query('ROLLBACK');
      return { skipped: true, repaired: false, figures: [], totalDrift: 0, finishedAt: new Date(), durationMs: performance.now() - started };
    }
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
    await client.query('COMMIT');
    const totalDrift = figures.reduce((sum, figure) => sum + figure.drift, 0);
    const durationMs = performance.now() - started;
    options.logger?.info({ totalDrift, repaired, durationMs: Math.round(durationMs) }, 'aggregates verified');
    return { skipped: false, repaired, figures, totalDrift, finishedAt: new Date(), durationMs };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    release(error as Error);
    throw error;
  } finally {
    release();
  }
}
