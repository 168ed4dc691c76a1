// Tracking kit benchmark (issue #5 targets):
//  1. the API-key middleware adds <= 0.05 ms per request on a hot path: an Express app with and
//     without it under autocannon (same route, same fake API-key auth, same load), plus the
//     middleware's own per-call cost timed directly (autocannon's latency resolution is 1 ms);
//  2. at ~5,000 requests/s over 1,000 keys the database sees one statement per flush, and the
//     counters add up to exactly the requests served.
// `runTrackingBench()` returns the figures; `npx tsx bench/tracking-bench.ts` prints them.
// Database: a scratch database created on TEST_DATABASE_URL's (or DATABASE_URL's) server and
// dropped afterwards — never the named database itself — else an embedded PGlite.
import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter, once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import express, { type Request, type Response } from 'express';
import type pg from 'pg';
import { createPool } from '../src/db/pool.js';
import { createApiUsageRecorder, type Queryable } from '../src/tracking/index.js';
import { createTestDatabase } from '../test/support/test-database.js';

export interface BenchFigure {
  name: string;
  value: string;
}

const KEY_COUNT = 1_000;
const API_KEY_HEADER = 'x-api-key';
const SERVER_ROLE_ENV = 'KEWHATS_TRACKING_BENCH_SERVER';
const THIS_FILE = fileURLToPath(import.meta.url);

// ---------------------------------------------------------------------------------------------
// Scratch database

interface BenchDatabase {
  url: string;
  kind: string;
  pool: pg.Pool;
  close(): Promise<void>;
}

/** A fresh migrated scratch database (the tests' helper), on the server named by TEST_DATABASE_URL or DATABASE_URL, else PGlite. */
async function openBenchDatabase(): Promise<BenchDatabase> {
  const db = await createTestDatabase({ serverUrl: process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL });
  return {
    url: db.url,
    pool: db.pool,
    kind: db.kind === 'server' ? 'PostgreSQL server (scratch database)' : 'embedded PGlite',
    close: () => db.drop(),
  };
}

async function seedKeys(pool: pg.Pool): Promise<string[]> {
  const userId = 'bench-user';
  await pool.query(`INSERT INTO "User" ("id", "email", "passwordHash", "updatedAt") VALUES ($1, 'bench@bench.invalid', '!', now())`, [userId]);
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO "ApiKey" ("id", "userId", "name", "keyHash")
     SELECT 'bench-key-' || i, $1, 'bench key ' || i, 'bench-hash-' || i FROM generate_series(1, $2::int) AS i
     RETURNING "id"`,
    [userId, KEY_COUNT],
  );
  return rows.map((row) => row.id);
}

async function usageSum(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ total: number }>('SELECT coalesce(sum("requestsIn"), 0)::bigint AS total FROM "ApiKeyUsage"');
  return Number(rows[0]!.total);
}

// ---------------------------------------------------------------------------------------------
// The API server, run in a child process so the load generator does not share its event loop

type ServerVariant = 'with' | 'without';

interface ServerStats {
  flushes: number;
  failedFlushes: number;
  statements: number;
  requestsFlushed: number;
  entriesFlushed: number;
  slowestStatementMs: number;
  /** responses the API route sent (every request carried a key) */
  served: number;
}

/** Child side: a trivial API route behind a fake API-key auth, with or without the middleware. */
async function runBenchServer(): Promise<void> {
  const variant = process.env[SERVER_ROLE_ENV] as ServerVariant;
  const pool = createPool(process.env.BENCH_DATABASE_URL!, { max: 2, applicationName: 'kewhats-bench-server' });
  const stats: ServerStats = { flushes: 0, failedFlushes: 0, statements: 0, requestsFlushed: 0, entriesFlushed: 0, slowestStatementMs: 0, served: 0 };
  // Every statement the recorder sends goes through here: the count the target is about.
  const countingPool: Queryable = {
    query: ((...args: unknown[]) => {
      stats.statements += 1;
      const started = performance.now();
      const result = (pool.query as (...a: unknown[]) => Promise<unknown>)(...args);
      void result
        .finally(() => {
          stats.slowestStatementMs = Math.max(stats.slowestStatementMs, performance.now() - started);
        })
        .catch(() => {});
      return result;
    }) as pg.Pool['query'],
  };
  const recorder = createApiUsageRecorder(countingPool, {
    onFlush: (result) => {
      stats.flushes += 1;
      stats.requestsFlushed += result.requestsIn;
      stats.entriesFlushed += result.entries;
    },
    onFlushError: () => {
      stats.failedFlushes += 1;
    },
  });

  const app = express();
  app.set('etag', false);
  app.set('x-powered-by', false);
  if (variant === 'with') app.use(recorder.middleware());
  // the platform's API-key auth, reduced to its outcome
  app.use((req: Request, res: Response, next) => {
    const key = req.headers[API_KEY_HEADER];
    if (typeof key === 'string') res.locals.apiKeyId = key;
    next();
  });
  app.get('/v1/ping', (_req, res) => {
    stats.served += 1;
    res.send('ok');
  });
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  process.on('message', (message) => {
    if (message !== 'stop') return;
    void (async () => {
      server.close();
      server.closeAllConnections();
      await recorder.close();
      process.send!({ stats });
      await pool.end();
      process.disconnect();
    })();
  });
  process.send!({ port: (server.address() as AddressInfo).port });
}

interface BenchServer {
  url: string;
  stop(): Promise<ServerStats>;
}

async function startBenchServer(variant: ServerVariant, databaseUrl: string): Promise<BenchServer> {
  const child: ChildProcess = fork(THIS_FILE, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, [SERVER_ROLE_ENV]: variant, BENCH_DATABASE_URL: databaseUrl, NODE_ENV: 'production' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const messages = new EventEmitter();
  child.on('message', (message: { port?: number; stats?: ServerStats }) => {
    if (message.port !== undefined) messages.emit('port', message.port);
    if (message.stats !== undefined) messages.emit('stats', message.stats);
  });
  const exited = once(child, 'exit');
  const [port] = (await Promise.race([once(messages, 'port'), exited.then(() => Promise.reject(new Error('bench server exited')))])) as [number];
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      const statsMessage = once(messages, 'stats');
      child.send('stop');
      const [stats] = (await statsMessage) as [ServerStats];
      await exited;
      return stats;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Load

function runLoad(url: string, keys: readonly string[], options: { durationSeconds: number; connections: number; overallRate?: number }) {
  let next = 0;
  return autocannon({
    url: `${url}/v1/ping`,
    connections: options.connections,
    duration: options.durationSeconds,
    ...(options.overallRate ? { overallRate: options.overallRate } : {}),
    requests: [
      {
        method: 'GET',
        // a different key on each request, round robin over all of them
        setupRequest: (request) => ({ ...request, headers: { ...request.headers, [API_KEY_HEADER]: keys[next++ % keys.length]! } }),
      },
    ],
  });
}

interface LatencyRun {
  medianMs: number;
  meanMs: number;
  requestsPerSecond: number;
}

async function measureHttp(variant: ServerVariant, databaseUrl: string, keys: readonly string[]): Promise<LatencyRun> {
  const server = await startBenchServer(variant, databaseUrl);
  try {
    await runLoad(server.url, keys, { durationSeconds: 2, connections: 10 }); // warm-up: JIT, sockets
    const result = await runLoad(server.url, keys, { durationSeconds: 6, connections: 10 });
    return { medianMs: result.latency.p50, meanMs: result.latency.average, requestsPerSecond: result.requests.average };
  } finally {
    await server.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// The middleware's own cost, timed directly

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * Per request: the middleware call plus its work at 'finish' (resolve the key, count it). Each
 * round times N fake responses with the middleware against N without it; the difference is the
 * middleware's share. Median over rounds.
 */
async function measureMiddlewareCost(pool: pg.Pool, keys: readonly string[]): Promise<{ perCallNs: number; recordNs: number }> {
  const recorder = createApiUsageRecorder(pool, { flushIntervalMs: 3_600_000 });
  const middleware = recorder.middleware();
  const request = {} as Request;
  const next = () => {};
  const makeResponse = (apiKeyId: string) => {
    const response = new EventEmitter() as EventEmitter & { locals: Record<string, unknown>; req: Request };
    response.locals = { apiKeyId };
    response.req = request;
    return response;
  };
  const CALLS = 200_000;
  const timeLoop = (withMiddleware: boolean): number => {
    const started = process.hrtime.bigint();
    for (let index = 0; index < CALLS; index += 1) {
      const response = makeResponse(keys[index % keys.length]!);
      if (withMiddleware) middleware(request, response as unknown as Response, next);
      response.emit('finish');
    }
    return Number(process.hrtime.bigint() - started);
  };
  const differences: number[] = [];
  for (let round = 0; round < 12; round += 1) {
    const without = timeLoop(false);
    const withIt = timeLoop(true);
    if (round >= 2) differences.push((withIt - without) / CALLS); // first rounds: JIT warm-up
  }
  const recordTimes: number[] = [];
  for (let round = 0; round < 10; round += 1) {
    const started = process.hrtime.bigint();
    for (let index = 0; index < CALLS; index += 1) recorder.recordIncoming(keys[index % keys.length]!);
    recordTimes.push(Number(process.hrtime.bigint() - started) / CALLS);
  }
  await recorder.close();
  return { perCallNs: median(differences), recordNs: median(recordTimes) };
}

// ---------------------------------------------------------------------------------------------

const formatMs = (value: number, digits = 3) => `${value.toFixed(digits)} ms`;

export async function runTrackingBench(): Promise<BenchFigure[]> {
  const database = await openBenchDatabase();
  const figures: BenchFigure[] = [{ name: 'tracking: database', value: database.kind }];
  try {
    const keys = await seedKeys(database.pool);

    const cost = await measureMiddlewareCost(database.pool, keys);
    figures.push(
      { name: 'tracking: middleware own cost per request (hrtime loop, median)', value: formatMs(cost.perCallNs / 1e6, 5) },
      { name: 'tracking: recordIncoming per call (hrtime loop, median)', value: formatMs(cost.recordNs / 1e6, 5) },
    );

    // Interleaved rounds, so drift in the machine's load hits both variants alike.
    const runs: Record<ServerVariant, LatencyRun[]> = { without: [], with: [] };
    const ROUNDS = 3;
    for (let round = 0; round < ROUNDS; round += 1) {
      runs.without.push(await measureHttp('without', database.url, keys));
      runs.with.push(await measureHttp('with', database.url, keys));
    }
    const summary = (variant: ServerVariant) => ({
      medianMs: median(runs[variant].map((run) => run.medianMs)),
      meanMs: median(runs[variant].map((run) => run.meanMs)),
      requestsPerSecond: median(runs[variant].map((run) => run.requestsPerSecond)),
    });
    const without = summary('without');
    const withIt = summary('with');
    // Shown per round too: on a shared machine the spread between rounds is the noise floor.
    const roundDifferences = runs.with.map((run, round) => (run.meanMs - runs.without[round]!.meanMs).toFixed(3)).join(', ');
    figures.push(
      {
        name: 'tracking: HTTP median latency without / with middleware (autocannon, 1 ms resolution)',
        value: `${formatMs(without.medianMs, 0)} / ${formatMs(withIt.medianMs, 0)} (difference ${formatMs(withIt.medianMs - without.medianMs, 0)})`,
      },
      {
        name: `tracking: HTTP mean latency without / with middleware (median of ${ROUNDS} rounds)`,
        value: `${formatMs(without.meanMs)} / ${formatMs(withIt.meanMs)} (difference ${formatMs(withIt.meanMs - without.meanMs)}; per round: ${roundDifferences} ms)`,
      },
      {
        name: 'tracking: HTTP throughput without / with middleware (10 connections)',
        value: `${Math.round(without.requestsPerSecond)} / ${Math.round(withIt.requestsPerSecond)} req/s`,
      },
    );

    // ~5,000 req/s over 1,000 keys for 10 s, flushing every 5 s (the default)
    const before = await usageSum(database.pool);
    const server = await startBenchServer('with', database.url);
    const load = await runLoad(server.url, keys, { durationSeconds: 10, connections: 32, overallRate: 5_000 });
    const stats = await server.stop();
    const counted = (await usageSum(database.pool)) - before;
    // The server's own tally: autocannon stops its clock with requests still in flight, which
    // the server answers (and counts) after autocannon stopped listening.
    const served = stats.served;
    const flushes = stats.flushes + stats.failedFlushes;
    figures.push(
      {
        name: 'tracking: load at target 5,000 req/s over 1,000 keys, 10 s',
        value: `${served} requests served (${Math.round(served / 10)} req/s achieved; autocannon saw ${load['2xx']} answers, ${load.non2xx + load.errors} errors)`,
      },
      {
        name: 'tracking: flushes / statements sent by the recorder',
        value: `${flushes} / ${stats.statements} (${flushes ? (stats.statements / flushes).toFixed(2) : 'n/a'} statements per flush; ${stats.failedFlushes} failed)`,
      },
      {
        name: 'tracking: (key, day) rows per flush (mean) / slowest flush statement',
        value: `${flushes ? Math.round(stats.entriesFlushed / flushes) : 0} / ${formatMs(stats.slowestStatementMs, 1)}`,
      },
      {
        name: 'tracking: requests counted in ApiKeyUsage vs served',
        value: `${counted} vs ${served} (${counted === served ? 'equal' : 'MISMATCH'})`,
      },
    );
  } finally {
    await database.close();
  }
  return figures;
}

// ---------------------------------------------------------------------------------------------

if (process.env[SERVER_ROLE_ENV]) {
  await runBenchServer();
} else if (process.argv[1] && resolve(process.argv[1]) === THIS_FILE) {
  const figures = await runTrackingBench();
  const width = Math.max(...figures.map((figure) => figure.name.length));
  for (const figure of figures) console.log(`${figure.name.padEnd(width)}  ${figure.value}`);
}
