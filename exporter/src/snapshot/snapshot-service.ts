import type pg from 'pg';
import type { Logger } from 'pino';
import type { AggregateMetrics } from '../metrics/aggregate-metrics.js';
import type { ExporterMetrics } from '../metrics/exporter-metrics.js';
import { runTableQuery, type AggregateContext, type Section, type TableQuery } from '../sections/section.js';
import { errorFields } from '../logger.js';

export interface Snapshot {
  generatedAt: Date;
  /** Each section's JSON body (without generatedAt/stale), by section name. */
  sections: ReadonlyMap<string, object>;
  /** Each section's serialized response for the fresh case, prepared once per refresh. */
  freshBodies: ReadonlyMap<string, string>;
  metricsText: string;
}

export interface SnapshotView {
  snapshot: Snapshot;
  /** true when the database failed and an older snapshot is served */
  stale: boolean;
}

export class NoSnapshotError extends Error {
  override name = 'NoSnapshotError';
}

export interface SnapshotServiceOptions {
  /** The pool the aggregates are read from (the read replica when DATABASE_READ_URL is set). */
  pool: pg.Pool;
  sections: readonly Section[];
  intervalMs: number;
  context: () => AggregateContext;
  aggregateMetrics: AggregateMetrics;
  exporterMetrics: ExporterMetrics;
  logger: Logger;
  /** Measures the read replica's lag at each refresh (absent when the aggregates are read from the primary). */
  replicaLag?: { measure(): Promise<void> };
}

/** A request within this many intervals counts as demand: while there is demand, the service refreshes ahead on its own. */
export const DEMAND_WINDOW_INTERVALS = 3;
/**
 * A snapshot that expired less than this many intervals after it was made is served at once
 * (while one refresh runs in the background); an older one makes the request wait for the refresh.
 */
export const SERVE_EXPIRED_INTERVALS = 2;

/**
 * One shared snapshot of every section, made for all viewers and scrapers together; no request
 * waits for the database unless there is no usable snapshot.
 *
 * Timing, with I = the refresh interval, a snapshot's age counted from when its refresh finished:
 * - Refresh-ahead: while there is demand (a request in the last DEMAND_WINDOW_INTERVALS · I), the
 *   next refresh starts on its own one interval after the previous one started, that is one
 *   refresh duration before the snapshot turns I old, so it is normally replaced just in time and
 *   viewers read it from memory. Refreshes never start more often than once per interval.
 * - Stale-while-revalidate: a request that finds the snapshot older than I but younger than
 *   SERVE_EXPIRED_INTERVALS · I gets it at once and starts one background refresh.
 * - Only with no snapshot yet, or one older than that, does a request wait for the refresh.
 * Refreshes are single-flight: however many viewers and timers ask, one runs at a time. When a
 * refresh fails the last snapshot is served, flagged stale once it is older than I; retries are
 * spaced so an outage does not turn every request into a connection attempt.
 */
export class SnapshotService {
  private snapshot?: Snapshot;
  /** When the refresh that made `snapshot` finished (epoch ms, the process's clock). */
  private madeAt = Number.NEGATIVE_INFINITY;
  /** When the last refresh started, successful or not. */
  private lastStartedAt = Number.NEGATIVE_INFINITY;
  private lastDemandAt = Number.NEGATIVE_INFINITY;
  private inFlight?: Promise<void>;
  private lastFailureAt = Number.NEGATIVE_INFINITY;
  private lastRefreshFailed = false;
  private lastError?: Error;
  private aheadTimer?: NodeJS.Timeout;
  private closed = false;
  /** Number of refreshes run, for tests and the benchmark. */
  refreshCount = 0;
  private readonly snapshotListeners = new Set<(snapshot: Snapshot) => void>();

  constructor(private readonly options: SnapshotServiceOptions) {}

  private get retryDelayMs(): number {
    return Math.min(this.options.intervalMs, 5_000);
  }

  async current(): Promise<SnapshotView> {
    const { intervalMs } = this.options;
    const now = Date.now();
    this.lastDemandAt = now;
    const age = now - this.madeAt;
    const backingOff = now - this.lastFailureAt < this.retryDelayMs;
    if (!backingOff && age >= intervalMs) {
      const refreshed = this.refresh();
      if (!this.snapshot || age >= SERVE_EXPIRED_INTERVALS * intervalMs) await refreshed;
    }
    // Demand that comes back after a pause starts refreshing ahead again.
    if (!this.aheadTimer && !this.inFlight) this.scheduleRefreshAhead();
    if (!this.snapshot) throw new NoSnapshotError(this.lastError?.message ?? 'no snapshot yet');
    const stale = Date.now() - this.madeAt >= intervalMs && this.lastFailureAt > this.madeAt;
    return { snapshot: this.snapshot, stale };
  }

  /** How long ago the snapshot on hand was made, in ms (Infinity before the first). */
  get snapshotAgeMs(): number {
    return Date.now() - this.madeAt;
  }

  /** Whether a refresh is running or scheduled ahead (one is while there is demand). */
  get refreshingAhead(): boolean {
    return this.aheadTimer !== undefined || this.inFlight !== undefined;
  }

  /** Stops refreshing ahead (shutdown): no timer of the service outlives it. */
  close(): void {
    this.closed = true;
    clearTimeout(this.aheadTimer);
    this.aheadTimer = undefined;
  }

  /**
   * Arms the timer of the next refresh-ahead while there is demand: one interval after the last
   * refresh started, or after the retry delay when it failed. The timer never keeps the process alive.
   */
  private scheduleRefreshAhead(): void {
    clearTimeout(this.aheadTimer);
    this.aheadTimer = undefined;
    if (this.closed || !this.hasDemand(Date.now())) return;
    const due = this.lastRefreshFailed ? this.lastFailureAt + this.retryDelayMs : this.lastStartedAt + this.options.intervalMs;
    this.aheadTimer = setTimeout(
      () => {
        this.aheadTimer = undefined;
        // No demand left: the snapshot ages, and the next request starts the cycle again.
        if (!this.closed && this.hasDemand(Date.now())) void this.refresh();
      },
      Math.max(0, due - Date.now()),
    );
    this.aheadTimer.unref();
  }

  private hasDemand(now: number): boolean {
    return now - this.lastDemandAt < DEMAND_WINDOW_INTERVALS * this.options.intervalMs;
  }

  /** Calls `listener` after each successful refresh, with the new snapshot; returns the unsubscribe function. */
  onSnapshot(listener: (snapshot: Snapshot) => void): () => void {
    this.snapshotListeners.add(listener);
    return () => {
      this.snapshotListeners.delete(listener);
    };
  }

  private notifySnapshot(snapshot: Snapshot): void {
    for (const listener of this.snapshotListeners) {
      try {
        listener(snapshot);
      } catch (error) {
        this.options.logger.warn(errorFields(error), 'snapshot listener failed');
      }
    }
  }

  /**
   * A refresh that starts after this call, so its figures include every write committed before
   * it (for tests and tools; the request path never calls it). Never rejects.
   */
  async refreshAfterWrites(): Promise<void> {
    await this.inFlight; // may have read the database before those writes
    await this.refresh();
  }

  /** Runs a refresh, or joins the one in progress. Never rejects: failures are recorded. */
  refresh(): Promise<void> {
    this.inFlight ??= this.runRefresh().finally(() => {
      this.inFlight = undefined;
      this.scheduleRefreshAhead();
    });
    return this.inFlight;
  }

  private async runRefresh(): Promise<void> {
    const { pool, sections, aggregateMetrics, exporterMetrics, logger, replicaLag } = this.options;
    const context = this.options.context();
    const endTimer = exporterMetrics.refreshDuration.startTimer();
    this.refreshCount += 1;
    this.lastStartedAt = Date.now();
    try {
      // A table read by several sections is queried once: the queries are shared objects.
      const queries = [...new Set(sections.flatMap((section) => Object.values(section.tables)))];
      const [entries] = await Promise.all([
        Promise.all(queries.map(async (query) => [query, await runTableQuery(pool, query, context)] as const)),
        replicaLag?.measure(),
      ]);
      const results = new Map<TableQuery<unknown>, unknown>(entries);
      const resultsBySection = new Map<string, unknown>();
      const bodies = new Map<string, object>();
      const freshBodies = new Map<string, string>();
      const generatedAt = context.now;
      for (const section of sections) {
        const sectionResults = Object.fromEntries(Object.entries(section.tables).map(([name, query]) => [name, results.get(query)]));
        resultsBySection.set(section.name, sectionResults);
        const body = section.toJson(sectionResults as never, context) as object;
        bodies.set(section.name, body);
        freshBodies.set(section.name, serializeSection(body, generatedAt, false));
      }
      const metricsText = await aggregateMetrics.render(resultsBySection, context);
      this.snapshot = { generatedAt, sections: bodies, freshBodies, metricsText };
      this.madeAt = Date.now();
      this.lastRefreshFailed = false;
      this.lastError = undefined;
      exporterMetrics.lastRefreshSuccess.set(generatedAt.getTime() / 1000);
      exporterMetrics.databaseUp.set(1);
      this.notifySnapshot(this.snapshot);
    } catch (error) {
      this.lastFailureAt = Date.now();
      this.lastRefreshFailed = true;
      this.lastError = error as Error;
      exporterMetrics.refreshFailures.inc();
      exporterMetrics.databaseUp.set(0);
      logger.warn(errorFields(error), 'snapshot refresh failed');
    } finally {
      endTimer();
      exporterMetrics.invalidate();
    }
  }
}

/** The monitoring API's body of a section: `generatedAt` first, then the section's figures. */
export function serializeSection(body: object, generatedAt: Date, stale: boolean): string {
  return JSON.stringify({ generatedAt: generatedAt.toISOString(), stale, ...body });
}
