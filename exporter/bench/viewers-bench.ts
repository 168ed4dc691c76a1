// Row 4: database statements per minute with many dashboard viewers against one. The snapshot
// is single-flight and refreshed at most once per interval, so the database load must not grow
// with the audience. Viewers poll every section and /metrics; statements are counted on the
// wire (statement-counter.ts) and, on a server, cross-checked with pg_stat_database.
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { SECTIONS } from '../src/sections/index.js';
import { startChildExporter, type ChildExporter } from './child-exporter.js';
import { runJsonLineProcess } from './json-line-process.js';
import { FOLD_STATEMENTS } from '../src/aggregates/fold.js';
import { distinctQueries } from './refresh-bench.js';
import { startStatementCounter } from './statement-counter.js';
import { percentile, sleep } from './stats.js';
import type { ViewerLoadPlan, ViewerLoadResult } from './viewer-load.js';

export const VIEWER_REFRESH_INTERVAL_SECONDS = 5;
export const VIEWER_POLL_SECONDS = 1;
export const VIEWER_WINDOW_SECONDS = 30;

export interface ViewersRun {
  viewers: number;
  windowSeconds: number;
  requests: number;
  failedRequests: number;
  /** Request latency seen by the viewers: requests that arrive during a refresh wait for it. */
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMaxMs: number;
  /** The load generator's own event-loop delay, p99 and max (ms): part of the latencies is its. */
  generatorLoopDelayP99Ms: number;
  generatorLoopDelayMaxMs: number;
  statements: number;
  statementsPerMinute: number;
  /** Transactions the server counted for the database over the exporter's whole life (cross-check). */
  serverTransactions?: number;
  /** Statements the proxy counted over the exporter's whole life (start-up included). */
  lifetimeStatements: number;
}

export interface ViewersResult {
  intervalSeconds: number;
  pollSeconds: number;
  /** One refresh per interval (every distinct statement) plus one custom-range revenue statement. */
  ceilingPerMinute: number;
  runs: ViewersRun[];
  /** statements per minute with the most viewers / with one viewer */
  ratio: number;
}

interface StatsSource {
  serverUrl: string;
  name: string;
}

async function transactions(source: StatsSource): Promise<number> {
  const client = new pg.Client({ connectionString: source.serverUrl });
  await client.connect();
  try {
    const result = await client.query('SELECT (xact_commit + xact_rollback)::bigint AS n FROM pg_stat_database WHERE datname = $1', [source.name]);
    return Number(result.rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
}

/** Backends flush their statistics when they exit, shortly after their client left: wait until still. */
async function settledTransactions(source: StatsSource): Promise<number> {
  let last = await transactions(source);
  for (let attempt = 0; attempt < 24; attempt += 1) {
    await sleep(500);
    const now = await transactions(source);
    if (now === last && attempt >= 1) return now;
    last = now;
  }
  return last;
}

/** Grafana's "This month" (now/M): the first and the last millisecond of the report month. */
async function grafanaMonthRange(exporter: ChildExporter): Promise<string> {
  const response = await fetch(`${exporter.url}/api/monitoring/dashboard`, { headers: exporter.headers });
  const body = (await response.json()) as { revenue: { from: string; to: string } };
  return `from=${Date.parse(body.revenue.from)}&to=${Date.parse(body.revenue.to) - 1}`;
}

const VIEWER_LOAD = fileURLToPath(new URL('./viewer-load.ts', import.meta.url));

/** The viewers, in a process of their own (viewer-load.ts says why). */
async function runViewerLoad(plan: ViewerLoadPlan): Promise<ViewerLoadResult> {
  return (await runJsonLineProcess(['--import', 'tsx', VIEWER_LOAD, JSON.stringify(plan)], "the viewers' load generator")) as ViewerLoadResult;
}

async function runViewers(
  databaseUrl: string,
  viewers: number,
  stats: StatsSource | undefined,
  env: Record<string, string>,
  exporterDir?: string,
): Promise<ViewersRun> {
  const counter = await startStatementCounter(databaseUrl);
  try {
    const before = stats ? await settledTransactions(stats) : undefined;
    const exporter = await startChildExporter({
      exporterDir,
      databaseUrl: counter.url,
      env: { ...env, REFRESH_INTERVAL_SECONDS: String(VIEWER_REFRESH_INTERVAL_SECONDS) },
    });
    let stopped = false;
    try {
      const range = await grafanaMonthRange(exporter);
      // A viewer of a ranged section (the home dashboard) sends Grafana's month as from/to.
      const paths = [...SECTIONS.map((section) => `/api/monitoring/${section.name}${section.timeRange ? `?${range}` : ''}`), '/metrics'];
      const startStatements = counter.statements();
      const started = Date.now();
      const load = await runViewerLoad({
        url: exporter.url,
        headers: exporter.headers,
        paths,
        viewers,
        pollMs: VIEWER_POLL_SECONDS * 1000,
        windowMs: VIEWER_WINDOW_SECONDS * 1000,
      });
      // The statement window is the generator's process lifetime: it includes its start-up, when no viewer asks anything.
      const windowSeconds = (Date.now() - started) / 1000;
      const statements = counter.statements() - startStatements;
      await exporter.stop();
      stopped = true;
      const after = stats ? await settledTransactions(stats) : undefined;
      return {
        viewers,
        windowSeconds,
        requests: load.requests,
        failedRequests: load.failed,
        latencyP50Ms: percentile(load.latenciesMs, 50),
        latencyP99Ms: percentile(load.latenciesMs, 99),
        latencyMaxMs: percentile(load.latenciesMs, 100),
        generatorLoopDelayP99Ms: load.loopDelayP99Ms,
        generatorLoopDelayMaxMs: load.loopDelayMaxMs,
        statements,
        statementsPerMinute: (statements / windowSeconds) * 60,
        serverTransactions: before === undefined || after === undefined ? undefined : after - before,
        lifetimeStatements: counter.statements(),
      };
    } finally {
      if (!stopped) await exporter.stop();
    }
  } finally {
    await counter.close();
  }
}

export async function benchViewers(
  databaseUrl: string,
  viewerCounts: number[],
  stats: StatsSource | undefined,
  /** Extra environment of the exporter processes. */
  env: Record<string, string> = {},
  /** Another checkout of the exporter (A/B experiments). */
  exporterDir?: string,
): Promise<ViewersResult> {
  const runs: ViewersRun[] = [];
  for (const viewers of viewerCounts) runs.push(await runViewers(databaseUrl, viewers, stats, env, exporterDir));
  const first = runs[0]!;
  const last = runs[runs.length - 1]!;
  return {
    intervalSeconds: VIEWER_REFRESH_INTERVAL_SECONDS,
    pollSeconds: VIEWER_POLL_SECONDS,
    // Per interval: one refresh, one custom-range revenue statement, and one fold of the deltas.
    ceilingPerMinute: ((distinctQueries().length + 1 + FOLD_STATEMENTS) * 60) / VIEWER_REFRESH_INTERVAL_SECONDS,
    runs,
    ratio: last.statementsPerMinute / first.statementsPerMinute,
  };
}
