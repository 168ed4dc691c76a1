// `npm run bench [-- --scale 5]`: the exporter's performance targets (the speed and memory targets listed below), each
// measured against its floor or a peer, printed as one table and saved as JSON. See
// docs/benchmark.md for what every row means.
import { cpus, totalmem } from 'node:os';
import pg from 'pg';
import { loadConfig } from '../src/config.js';
import { createPool } from '../src/db/pool.js';
import { BENCH_PARTS, describeBenchArgs, parseBenchArgs, USAGE } from './args.js';
import { startChildExporter } from './child-exporter.js';
import { prepareBenchDatabase, type BenchDatabase } from './database.js';
import { benchExport, type ExportResult } from './export-bench.js';
import { measureHttp, type HttpResult } from './http-bench.js';
import { neighbourCpuShare } from './machine.js';
import { peerInstalled, PEER_BINARY, startPeerExporter } from './peer-sql-exporter.js';
import { benchConsole, consoleRows } from './console-bench.js';
import { benchRefresh, type RefreshResult } from './refresh-bench.js';
import { formatTable, megabytes, ms, perSecond, verdict, writeResults, type ReportRow } from './report.js';
import { runTrackingBench } from './tracking-bench.js';
import { benchViewers, VIEWER_POLL_SECONDS, VIEWER_REFRESH_INTERVAL_SECONDS, VIEWER_WINDOW_SECONDS, type ViewersResult } from './viewers-bench.js';

const TARGETS = {
  refreshRatio: 1.2,
  p99Ms: 25,
  requestsPerSecond: 3_200,
  exportRatio: 0.5,
  rssGrowthBytes: 100 * 1024 * 1024,
  /** 50 viewers may cost at most this much more than one (quantisation of a 30 s window). */
  viewerRatio: 1.25,
};
const HTTP_CONNECTIONS = 100;
const PEER_CONNECTIONS = 50;
const VIEWERS = [1, 50];
const EXPORT_RUNS = 3;
/** Share of the CPU used by other processes above which the machine is not quiet enough for clean figures. */
const BUSY_SHARE = 0.15;
const EMBEDDED_POOL_MAX = 4;

const log = (line: string) => console.log(line);

function httpRow(label: string, result: HttpResult, reference: string): ReportRow {
  const ok = result.p99Ms <= TARGETS.p99Ms && result.requestsPerSecond >= TARGETS.requestsPerSecond && result.failures === 0;
  return {
    measure: `${label} (${result.connections} conn., median of ${result.runs.length} x ${result.durationSeconds} s)`,
    result: `p50 ${ms(result.p50Ms, 0)}, p99 ${ms(result.p99Ms, 0)}, ${perSecond(result.requestsPerSecond, 'req')}${result.failures ? `, ${result.failures} failed` : ''}`,
    reference,
    target: `p99 <= ${TARGETS.p99Ms} ms, >= ${TARGETS.requestsPerSecond.toLocaleString('en')} req/s`,
    verdict: verdict(ok),
  };
}

async function main(): Promise<void> {
  const args = parseBenchArgs(process.argv.slice(2));
  if (args.help) return log(`${USAGE}\nwith these flags it would run: ${describeBenchArgs(args)}`);
  const startedAt = new Date();
  // The console part brings its own database (demo data): alone, it needs no scale data.
  if (args.only.size === 1 && args.only.has('console')) return consoleOnly(args.durationSeconds, startedAt);
  log(`KeWhats exporter benchmark, scale ${args.scale} (${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown CPU'})`);
  const database: BenchDatabase = await prepareBenchDatabase({ scale: args.scale, databaseUrl: args.databaseUrl }, log);
  const config = loadConfig({ DATABASE_URL: database.url });
  const rows: ReportRow[] = [];
  // Each figure is shown as soon as it is known: a later failure does not hide it.
  const record = (row: ReportRow) => {
    rows.push(row);
    log(`  => ${row.measure}: ${row.result}${row.reference ? ` | ${row.reference}` : ''} [${row.verdict}]`);
  };
  const notes: string[] = [];
  const results: Record<string, unknown> = {};
  // The bench shares the machine: note how busy the rest of it was when each part started.
  const neighbourLoad: Record<string, number> = {};
  results.neighbourCpuShareAtStart = neighbourLoad;
  const part = async (name: string, heading: string) => {
    log(`\n${heading}`);
    const share = await neighbourCpuShare();
    if (share === undefined) return;
    neighbourLoad[name] = Number(share.toFixed(3));
    if (share > BUSY_SHARE) {
      log(
        `  WARNING: other processes used ${(share * 100).toFixed(0)} % of the ${cpus().length} cores just before this part: figures will be worse than the exporter's own`,
      );
      notes.push(`machine busy when "${name}" started: other processes used ${(share * 100).toFixed(0)} % of the CPU`);
    }
  };
  // PGlite's socket server takes 16 connections: the bench's pool and an exporter's must fit.
  const poolMax = database.kind === 'embedded' ? EMBEDDED_POOL_MAX : config.dbPoolMax;
  const childEnv: Record<string, string> = database.kind === 'embedded' ? { DB_POOL_MAX: String(EMBEDDED_POOL_MAX) } : {};
  // The exporter's own pool settings, so the floor gets exactly the exporter's parallelism.
  const pool = createPool(database.url, { max: poolMax, statementTimeoutMs: config.statementTimeoutMs, applicationName: 'kewhats-bench' });
  try {
    const server = (await pool.query<{ version: string }>('SELECT version()')).rows[0]!.version;
    results.machine = { cores: cpus().length, cpu: cpus()[0]?.model, memoryBytes: totalmem(), node: process.version, database: server };

    if (args.only.has('refresh')) {
      await part('refresh', `[1/4] cold refresh of all sections, median of ${args.runs} (pool of ${poolMax}, like the exporter)`);
      const jitOffPool = new pg.Pool({ connectionString: database.url, max: config.dbPoolMax, options: '-c jit=off' });
      let refresh: RefreshResult;
      try {
        refresh = await benchRefresh(pool, args.runs, config, database.kind === 'embedded' ? undefined : jitOffPool);
      } finally {
        await jitOffPool.end();
      }
      results.refresh = refresh;
      log(
        `  exporter ${refresh.exporterMs.map((value) => value.toFixed(0)).join(', ')} ms; floor ${refresh.floorMs.map((value) => value.toFixed(0)).join(', ')} ms`,
      );
      log(
        `  slowest statements alone: ${refresh.statementMs
          .slice(0, 4)
          .map((statement) => `${statement.table} ${statement.ms.toFixed(0)} ms`)
          .join(', ')}`,
      );
      record({
        measure: `cold refresh, all sections (${refresh.distinctStatements} statements, median of ${refresh.runs})`,
        result: ms(refresh.exporterMedianMs, 0),
        reference: `${ms(refresh.floorMedianMs, 0)} same SQL via pg (ratio ${refresh.ratio.toFixed(2)}x)`,
        target: `<= ${TARGETS.refreshRatio}x floor`,
        verdict: verdict(refresh.ratio <= TARGETS.refreshRatio),
      });
      if (refresh.floorJitOffMedianMs !== undefined) {
        record({
          measure: '  the same SQL with jit=off (a possible pool setting)',
          result: ms(refresh.floorJitOffMedianMs, 0),
          reference: `${refresh.floorJitOffMedianMs <= refresh.floorMedianMs ? '' : '+'}${((refresh.floorJitOffMedianMs / refresh.floorMedianMs - 1) * 100).toFixed(0)} % vs the floor`,
          target: 'reference only',
          verdict: 'info',
        });
      }
    }

    if (args.only.has('export') || args.only.has('http')) {
      // One long interval: the HTTP rows measure the cached snapshot, not a refresh.
      const exporter = await startChildExporter({ databaseUrl: database.url, env: { ...childEnv, REFRESH_INTERVAL_SECONDS: '3600' } });
      try {
        const primed = await fetch(`${exporter.url}/api/monitoring/dashboard`, { headers: exporter.headers });
        if (!primed.ok) throw new Error(`the exporter answered ${primed.status} to the first dashboard request`);
        await primed.arrayBuffer();
        if (args.only.has('export')) {
          // First on a fresh process, so the RSS growth is the export's and not autocannon's leftovers.
          await part('export', `[3/4] contact CSV export vs COPY, ${EXPORT_RUNS} runs each, RSS sampled every 50 ms (exporter pid ${exporter.pid})`);
          const exported: ExportResult = await benchExport(pool, exporter, EXPORT_RUNS);
          results.export = exported;
          const rowCount = exported.floor[0]!.rows;
          record({
            measure: `CSV export type=contact (${rowCount.toLocaleString('en')} rows, median of ${exported.runs})`,
            result: perSecond(exported.exporterRowsPerSecond, 'rows'),
            reference: `${perSecond(exported.floorRowsPerSecond, 'rows')} COPY to null sink (${(exported.ratio * 100).toFixed(0)} %)`,
            target: `>= ${TARGETS.exportRatio * 100} % of COPY`,
            verdict: verdict(exported.ratio >= TARGETS.exportRatio),
          });
          record({
            measure: `exporter RSS growth during the export (${rowCount.toLocaleString('en')} rows)`,
            result: megabytes(exported.rssGrowthBytes),
            reference: `baseline RSS ${megabytes(exported.rssBaselineBytes)}`,
            target: `<= ${megabytes(TARGETS.rssGrowthBytes)}${rowCount < 1_000_000 ? ' (fewer than 1M rows here)' : ''}`,
            verdict: verdict(exported.rssGrowthBytes <= TARGETS.rssGrowthBytes),
          });
        }
        if (args.only.has('http')) {
          await part(
            'http',
            `[2/4] HTTP latency and throughput, ${HTTP_CONNECTIONS} connections, 3 x ${args.durationSeconds} s each (autocannon, machine token)`,
          );
          const metrics = await measureHttp(`${exporter.url}/metrics`, exporter.headers, HTTP_CONNECTIONS, args.durationSeconds);
          const dashboard = await measureHttp(`${exporter.url}/api/monitoring/dashboard`, exporter.headers, HTTP_CONNECTIONS, args.durationSeconds);
          results.http = { metrics, dashboard };
          record(httpRow('GET /metrics', metrics, 'cached snapshot'));
          record(httpRow('GET /api/monitoring/dashboard', dashboard, 'cached snapshot'));
        }
      } finally {
        await exporter.stop();
      }
      if (args.only.has('http')) {
        if (peerInstalled()) {
          log(`  peer: prometheus-sql-exporter, ${PEER_CONNECTIONS} connections`);
          try {
            const peer = await startPeerExporter(database.url, config.refreshIntervalMs / 1000);
            try {
              const result = await measureHttp(peer.url, {}, PEER_CONNECTIONS, args.durationSeconds);
              results.peer = result;
              record({
                measure: `peer: prometheus-sql-exporter /metrics (${PEER_CONNECTIONS} conn., median of ${result.runs.length} x ${args.durationSeconds} s)`,
                result: `p50 ${ms(result.p50Ms, 0)}, p99 ${ms(result.p99Ms, 0)}, ${perSecond(result.requestsPerSecond, 'req')}`,
                reference: 'Go, 2 of the same aggregate queries',
                target: 'reference only',
                verdict: 'info',
              });
            } finally {
              await peer.stop();
            }
          } catch (error) {
            // The peer is a reference, not the subject: its failure must not lose our figures.
            notes.push(`peer row skipped: ${(error as Error).message}`);
          }
        } else {
          notes.push(`peer row skipped: ${PEER_BINARY} is not installed (apt-get install -y prometheus-sql-exporter)`);
          record({
            measure: 'peer: prometheus-sql-exporter /metrics',
            result: 'not installed',
            reference: PEER_BINARY,
            target: 'reference only',
            verdict: 'skipped',
          });
        }
      }
    }

    if (args.only.has('viewers')) {
      await part(
        'viewers',
        `[4/4] statements per minute, ${VIEWERS.join(' vs ')} viewers polling 8 sections + /metrics every ${VIEWER_POLL_SECONDS} s (${VIEWER_WINDOW_SECONDS} s each, REFRESH_INTERVAL_SECONDS=${VIEWER_REFRESH_INTERVAL_SECONDS})`,
      );
      const stats = database.kind === 'embedded' ? undefined : { serverUrl: database.serverUrl!, name: database.name! };
      const viewers: ViewersResult = await benchViewers(database.url, VIEWERS, stats, childEnv);
      results.viewers = viewers;
      for (const run of viewers.runs) {
        // xact_commit also counts connection start-ups and parallel workers: a rough cross-check only.
        const check =
          run.serverTransactions === undefined
            ? ''
            : ` (process life: ${run.lifetimeStatements} on the wire, ${run.serverTransactions} pg_stat_database transactions)`;
        log(
          `  ${run.viewers} viewer(s): ${run.requests} requests (${run.failedRequests} failed; latency p50 ${ms(run.latencyP50Ms)}, p99 ${ms(run.latencyP99Ms)}, max ${ms(run.latencyMaxMs)}), ${run.statements} statements in ${run.windowSeconds.toFixed(1)} s${check}`,
        );
      }
      const [one, many] = [viewers.runs[0]!, viewers.runs[viewers.runs.length - 1]!];
      const ok = viewers.ratio <= TARGETS.viewerRatio && many.statementsPerMinute <= viewers.ceilingPerMinute * 1.1 && many.failedRequests === 0;
      record({
        measure: `DB statements/min, ${many.viewers} viewers vs ${one.viewers} (refresh every ${viewers.intervalSeconds} s)`,
        result: `${many.statementsPerMinute.toFixed(0)}/min with ${many.viewers} viewers (${many.requests.toLocaleString('en')} requests)`,
        reference: `${one.statementsPerMinute.toFixed(0)}/min with ${one.viewers} (ratio ${viewers.ratio.toFixed(2)}; 1 refresh/interval = ${viewers.ceilingPerMinute.toFixed(0)}/min)`,
        target: 'independent of viewers',
        verdict: verdict(ok),
      });
      // Requests that arrive while an expired snapshot is refreshed wait for the whole refresh.
      record({
        measure: `  request latency seen by the ${many.viewers} viewers (refreshes inline)`,
        result: `p50 ${ms(many.latencyP50Ms)}, p99 ${ms(many.latencyP99Ms, 0)}, max ${ms(many.latencyMaxMs, 0)}`,
        reference: 'requests during a refresh wait for it',
        target: `p99 <= ${TARGETS.p99Ms} ms (see docs)`,
        verdict: many.latencyP99Ms <= TARGETS.p99Ms ? 'PASS' : 'info',
      });
    }
  } finally {
    await pool.end();
  }

  if (args.only.has('tracking')) {
    log('\n[+] tracking kit bench (bench/tracking-bench.ts)');
    // Its scratch database goes on the same server as ours, when there is one.
    if (database.kind !== 'embedded' && !process.env.TEST_DATABASE_URL && !process.env.DATABASE_URL)
      process.env.TEST_DATABASE_URL = database.serverUrl;
    try {
      const figures = await runTrackingBench();
      results.tracking = figures;
      for (const figure of figures)
        record({ measure: figure.name, result: figure.value, reference: '', target: 'see tracking bench', verdict: 'info' });
    } catch (error) {
      notes.push(`tracking bench failed: ${(error as Error).message}`);
    }
  }

  if (args.only.has('console')) {
    await part('console', '[+] monitoring console in Chromium (bench/console-bench.ts)');
    const consoleResult = await benchConsole({ durationSeconds: args.durationSeconds, log });
    results.console = consoleResult;
    for (const row of consoleRows(consoleResult)) record(row);
  }

  const released = await database.release(args.keep || database.kind === 'given');
  const summary = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    scale: database.scale,
    database: { kind: database.kind, name: database.name, origin: database.origin, rows: database.rows },
    targets: TARGETS,
    table: rows,
    notes,
    ...results,
  };
  const files = writeResults(
    database.scale,
    summary,
    BENCH_PARTS.every((name) => args.only.has(name)),
  );
  log(
    `\nResults at scale ${database.scale} (${database.origin}; ${Object.entries(database.rows)
      .map(([table, count]) => `${table} ${count.toLocaleString('en')}`)
      .join(', ')})\n`,
  );
  log(formatTable(rows));
  for (const note of notes) log(`note: ${note}`);
  if (database.kind === 'embedded') log('note: embedded PGlite figures only show that the bench runs; measure the targets on a PostgreSQL server');
  log(`\n${released}; raw figures in ${files.join(' and ')}`);
}

/** `--only console`: the console's rows alone, with the machine's load noted as the other parts do. */
async function consoleOnly(durationSeconds: number, startedAt: Date): Promise<void> {
  log(`KeWhats console benchmark (${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown CPU'})`);
  const share = await neighbourCpuShare();
  const notes =
    share !== undefined && share > BUSY_SHARE
      ? [`machine busy when "console" started: other processes used ${(share * 100).toFixed(0)} % of the CPU`]
      : [];
  log(`\n[+] monitoring console in Chromium (other processes used ${share === undefined ? '?' : (share * 100).toFixed(0)} % of the CPU just before)`);
  const result = await benchConsole({ durationSeconds, log });
  const rows = consoleRows(result);
  const files = writeResults(
    0,
    {
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      neighbourCpuShareAtStart: { console: share },
      table: rows,
      notes,
      console: result,
    },
    false,
  );
  log(`\n${formatTable(rows)}`);
  for (const note of notes) log(`note: ${note}`);
  log(`\nraw figures in ${files.join(' and ')}`);
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
  if (process.env.DEBUG_STACK) console.error(error);
  process.exitCode = 1;
});
