import type pg from 'pg';
import type { Logger } from 'pino';
import { errorFields } from '../logger.js';
import type { ExporterMetrics } from '../metrics/exporter-metrics.js';
import { foldAggregateDeltas } from './fold.js';
import { verifyAggregates, type VerificationReport } from './verify.js';

export interface AggregateMaintenanceOptions {
  /** The primary (DATABASE_URL): folds and repairs write. */
  pool: pg.Pool;
  /** How often pending deltas are folded (the snapshot's refresh interval). */
  foldIntervalMs: number;
  /** How often every figure is verified against a full scan, and repaired; 0: never. */
  verifyIntervalMs: number;
  metrics: ExporterMetrics;
  logger: Logger;
}

/**
 * The running exporter's upkeep of the maintained counts, on timers of its own, off the request
 * path: a fold every refresh interval (readers are exact without it; it keeps the pending deltas
 * they add few), and a verification with repair every AGGREGATE_VERIFY_INTERVAL_HOURS (one
 * replica at a time: the others skip on the advisory lock).
 */
export class AggregateMaintenance {
  private readonly timers: NodeJS.Timeout[] = [];
  private folding?: Promise<unknown>;
  private verifying?: Promise<unknown>;

  constructor(private readonly options: AggregateMaintenanceOptions) {}

  start(): void {
    const { foldIntervalMs, verifyIntervalMs } = this.options;
    this.timers.push(setInterval(() => void this.fold(), foldIntervalMs).unref());
    if (verifyIntervalMs > 0) this.timers.push(setInterval(() => void this.verify(), verifyIntervalMs).unref());
  }

  /** Folds now, unless a fold is running; never rejects (failures are logged). */
  fold(): Promise<unknown> {
    this.folding ??= foldAggregateDeltas(this.options.pool)
      .catch((error) => this.options.logger.warn(errorFields(error), 'aggregate fold failed'))
      .finally(() => (this.folding = undefined));
    return this.folding;
  }

  /** Verifies and repairs now, unless a verification is running; never rejects. */
  verify(): Promise<unknown> {
    const { pool, metrics, logger } = this.options;
    this.verifying ??= verifyAggregates(pool, { repair: true, logger })
      .then((report) => recordVerification(metrics, report))
      .catch((error) => logger.warn(errorFields(error), 'aggregate verification failed'))
      .finally(() => (this.verifying = undefined));
    return this.verifying;
  }

  /**
   * Stops the timers. A fold or verification in progress is not waited for: shutdown must not
   * hang on a database that does not answer, and either one is a single transaction that the
   * database rolls back if its connection goes.
   */
  stop(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers.length = 0;
  }
}

/** Sets the drift gauges and the time of the last verification (a skipped one changes nothing). */
export function recordVerification(metrics: ExporterMetrics, report: VerificationReport): void {
  if (report.skipped) return;
  for (const figure of report.figures) metrics.aggregateDrift.set({ figure: figure.figure }, figure.drift);
  metrics.lastAggregateVerification.set(report.finishedAt.getTime() / 1000);
  metrics.invalidate();
}
