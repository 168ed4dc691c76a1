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
  pool: pg.Pool;
  sections: readonly Section[];
  intervalMs: number;
  context: () => AggregateContext;
  aggregateMetrics: AggregateMetrics;
  exporterMetrics: ExporterMetrics;
  logger: Logger;
}

/**
 * One shared snapshot of every section, refreshed when older than the interval. Refreshes are
 * single-flight: however many viewers and scrapers ask, the database sees one refresh per
 * interval. When a refresh fails the last snapshot is served, flagged stale; retries are spaced
 * so an outage does not turn every request into a connection attempt.
 */
export class SnapshotService {
  private snapshot?: Snapshot;
  private inFlight?: Promise<void>;
  private lastFailureAt = Number.NEGATIVE_INFINITY;
  private lastError?: Error;
  /** Number of refreshes run, for tests and the benchmark. */
  refreshCount = 0;
  private readonly snapshotListeners = new Set<(snapshot: Snapshot) => void>();

  constructor(private readonly options: SnapshotServiceOptions) {}

  private get retryDelayMs(): number {
    return Math.min(this.options.intervalMs, 5_000);
  }

  async current(): Promise<SnapshotView> {
    const now = Date.now();
    const fresh = this.snapshot && now - this.snapshot.generatedAt.getTime() < this.options.intervalMs;
    const backingOff = now - this.lastFailureAt < this.retryDelayMs;
    if (!fresh && !backingOff) await this.refresh();
    if (!this.snapshot) throw new NoSnapshotError(this.lastError?.message ?? 'no snapshot yet');
    const stale =
      Date.now() - this.snapshot.generatedAt.getTime() >= this.options.intervalMs && this.lastFailureAt > this.snapshot.generatedAt.getTime();
    return { snapshot: this.snapshot, stale };
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

  /** Runs a refresh, or joins the one in progress. Never rejects: failures are recorded. */
  refresh(): Promise<void> {
    this.inFlight ??= this.runRefresh().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async runRefresh(): Promise<void> {
    const { pool, sections, aggregateMetrics, exporterMetrics, logger } = this.options;
    const context = this.options.context();
    const endTimer = exporterMetrics.refreshDuration.startTimer();
    this.refreshCount += 1;
    try {
      // A table read by several sections is queried once: the queries are shared objects.
      const queries = [...new Set(sections.flatMap((section) => Object.values(section.tables)))];
      const results = new Map<TableQuery<unknown>, unknown>(
        await Promise.all(queries.map(async (query) => [query, await runTableQuery(pool, query, context)] as const)),
      );
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
      this.lastError = undefined;
      exporterMetrics.lastRefreshSuccess.set(generatedAt.getTime() / 1000);
      exporterMetrics.databaseUp.set(1);
      this.notifySnapshot(this.snapshot);
    } catch (error) {
      this.lastFailureAt = Date.now();
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
