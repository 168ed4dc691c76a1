// Row 2: latency and throughput of the cached endpoints under concurrent load (autocannon).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type autocannon from 'autocannon';
import { runJsonLineProcess } from './json-line-process.js';
import { median } from './stats.js';

export interface HttpRun {
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  requestsPerSecond: number;
  requests: number;
  /** Responses that were not 2xx, plus connection errors and timeouts: must be 0. */
  failures: number;
}

export interface HttpLoad {
  connections: number;
  durationSeconds: number;
  /** Timed runs after the warm-up; the figures are their medians (default 3). */
  repeats?: number;
  /**
   * Requests per second over all connections (autocannon -R). Unset: closed loop, every connection
   * sends its next request as soon as the last one answered, so the server is saturated and the
   * latency is mostly queueing (connections / throughput). Set: that many requests each second
   * (each connection sends its share back to back, then waits for the next second), below
   * saturation, so the latency is the service time at that concurrency plus whatever delays it.
   */
  overallRate?: number;
}

export interface HttpResult extends HttpRun {
  url: string;
  connections: number;
  durationSeconds: number;
  overallRate?: number;
  /** The figures above are the medians of these runs. */
  runs: HttpRun[];
}

const AUTOCANNON_CLI = fileURLToPath(import.meta.resolve('autocannon'));

/**
 * autocannon in a process of its own: in the bench's process its event loop and garbage
 * collector would share a heap grown by the other parts (COPY streams, result sets) and its
 * pauses would show up as the exporter's latency (/metrics p99 30 ms instead of 20 ms).
 */
async function run(
  url: string,
  headers: Record<string, string>,
  connections: number,
  durationSeconds: number,
  overallRate?: number,
): Promise<HttpRun> {
  const headerArgs = Object.entries(headers).flatMap(([name, value]) => ['-H', `${name}=${value}`]);
  const rateArgs = overallRate === undefined ? [] : ['-R', String(overallRate)];
  const args = [
    AUTOCANNON_CLI,
    '--json',
    '-c',
    String(connections),
    '-d',
    String(durationSeconds),
    '-p',
    '1',
    '-t',
    '10',
    ...rateArgs,
    ...headerArgs,
    url,
  ];
  const result = (await runJsonLineProcess(args, 'autocannon')) as autocannon.Result;
  return {
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    meanMs: result.latency.average,
    requestsPerSecond: result.requests.total / result.duration,
    requests: result.requests.total,
    failures: result.non2xx + result.errors + result.timeouts,
  };
}

/**
 * A short untimed run first (JIT, sockets and the snapshot warm), then `repeats` timed runs:
 * on a shared 2-core machine a single 10 s p99 swings by ±30 %, the median of three much less.
 */
export async function measureHttp(url: string, headers: Record<string, string>, load: HttpLoad): Promise<HttpResult> {
  const { connections, durationSeconds, repeats = 3, overallRate } = load;
  await run(url, headers, connections, 2, overallRate);
  const runs: HttpRun[] = [];
  for (let index = 0; index < repeats; index += 1) runs.push(await run(url, headers, connections, durationSeconds, overallRate));
  const of = (field: keyof HttpRun) => median(runs.map((entry) => entry[field]));
  return {
    url,
    connections,
    durationSeconds,
    overallRate,
    p50Ms: of('p50Ms'),
    p99Ms: of('p99Ms'),
    meanMs: of('meanMs'),
    requestsPerSecond: of('requestsPerSecond'),
    requests: runs.reduce((sum, entry) => sum + entry.requests, 0),
    failures: runs.reduce((sum, entry) => sum + entry.failures, 0),
    runs,
  };
}

/**
 * The machine's own ceiling for the figures above: a bare `node:http` server (no framework, no
 * logging, no authentication) answering a body of the same size, in a process of its own, measured
 * with the same load. HTTP rows are only comparable between machines relative to this.
 */
export async function measureBareNodeHttp(bodyBytes: number, load: HttpLoad): Promise<HttpResult> {
  const server = `const body = Buffer.alloc(${Math.max(1, Math.round(bodyBytes))}, 97);
    require('node:http').createServer((_req, res) => { res.setHeader('Content-Type', 'text/plain'); res.end(body); })
      .listen(0, '127.0.0.1', function () { process.stdout.write(String(this.address().port) + '\\n'); });`;
  const child = spawn(process.execPath, ['-e', server], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
    return await measureHttp(`http://127.0.0.1:${chunk.toString().trim()}/`, {}, load);
  } finally {
    child.kill('SIGTERM');
    await once(child, 'close');
  }
}
