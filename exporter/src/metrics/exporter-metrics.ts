import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The exporter's own health: refresh timing and failures, database reachability, process metrics. */
export class ExporterMetrics {
  readonly registry = new Registry();
  readonly refreshDuration = new Histogram({
    name: 'kewhats_exporter_refresh_duration_seconds',
    help: 'Time to refresh the aggregate snapshot (all sections).',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly lastRefreshSuccess = new Gauge({
    name: 'kewhats_exporter_last_refresh_success_timestamp_seconds',
    help: 'Unix time of the last successful snapshot refresh.',
    registers: [this.registry],
  });
  readonly refreshFailures = new Counter({
    name: 'kewhats_exporter_refresh_failures_total',
    help: 'Snapshot refreshes that failed.',
    registers: [this.registry],
  });
  readonly databaseUp = new Gauge({
    name: 'kewhats_exporter_database_up',
    help: 'Whether the last database round trip succeeded (1) or failed (0).',
    registers: [this.registry],
  });

  /** Set by each verification of the maintained aggregates (src/aggregates/verify.ts). */
  readonly aggregateDrift = new Gauge({
    name: 'kewhats_aggregate_drift',
    help: 'Drift found by the last verification of a maintained figure: sum over its groups of |full recount - maintained value|.',
    labelNames: ['figure'],
    registers: [this.registry],
  });
  readonly lastAggregateVerification = new Gauge({
    name: 'kewhats_aggregate_last_verification_timestamp_seconds',
    help: 'Unix time of the last verification of the maintained aggregates by this exporter.',
    registers: [this.registry],
  });

  private cached?: { text: string; at: number };

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    // prom-client names these gauges *_total, which promtool rejects for non-counters; the
    // per-type nodejs_active_* gauges carry the same information.
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) {
      this.registry.removeSingleMetric(name);
    }
  }

  /** Process metrics read /proc; a second of staleness spares that work under scrape storms. */
  async render(now = Date.now()): Promise<string> {
    if (this.cached && now - this.cached.at < 1_000) return this.cached.text;
    const text = await this.registry.metrics();
    this.cached = { text, at: now };
    return text;
  }

  invalidate(): void {
    this.cached = undefined;
  }
}
