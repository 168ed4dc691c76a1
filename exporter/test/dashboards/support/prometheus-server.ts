import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

export interface PrometheusQueryResult {
  resultType: 'vector' | 'matrix' | 'scalar' | 'string';
  result: unknown;
}

export interface TestPrometheus {
  url: string;
  /** An instant query through /api/v1/query; rejects on anything but status success. */
  query(expr: string): Promise<PrometheusQueryResult>;
  /** Stops the server and removes its temporary folder (also safe to call twice). */
  close(): Promise<void>;
}

/** The Prometheus binary: PROMETHEUS_BIN, else `prometheus` from PATH (Debian's apt package). */
export function prometheusBinary(): string {
  const binary = process.env.PROMETHEUS_BIN || 'prometheus';
  const probe = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      `the Prometheus binary "${binary}" cannot be run (${probe.error?.message ?? `exit ${probe.status}`}): ` +
        'install it (apt-get install prometheus) or set PROMETHEUS_BIN; this test needs a real Prometheus',
    );
  }
  return binary;
}

async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A real Prometheus on a free loopback port with a throw-away TSDB, scraping `target` (host:port)
 * every second with the machine bearer token, like provisioning/prometheus/prometheus.yml does
 * every 15 s. Resolves once the server answers queries.
 */
export async function startTestPrometheus(options: { target: string; token: string; job: string }): Promise<TestPrometheus> {
  const binary = prometheusBinary();
  const dir = mkdtempSync(join(tmpdir(), 'kewhats-prometheus-'));
  const configPath = join(dir, 'prometheus.yml');
  writeFileSync(
    configPath,
    stringify({
      global: { scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' },
      scrape_configs: [
        {
          job_name: options.job,
          metrics_path: '/metrics',
          authorization: { type: 'Bearer', credentials: options.token },
          static_configs: [{ targets: [options.target] }],
        },
      ],
    }),
    { mode: 0o600 }, // holds the token
  );
  const port = await freeLoopbackPort();
  const url = `http://127.0.0.1:${port}`;
  let output = '';
  const child: ChildProcess = spawn(
    binary,
    [`--config.file=${configPath}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // If the test process dies without running its cleanup, the server must not outlive it.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  let closed: Promise<void> | undefined;
  const close = () =>
    (closed ??= (async () => {
      process.removeListener('exit', killOnExit);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const killed = await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)]);
        if (!killed) {
          child.kill('SIGKILL');
          await exited;
        }
      }
      rmSync(dir, { recursive: true, force: true });
    })());

  try {
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`prometheus exited with code ${child.exitCode}:\n${output}`);
      const ready = await fetch(`${url}/-/ready`).then(
        (res) => res.ok,
        () => false,
      );
      if (ready) break;
      if (Date.now() > deadline) throw new Error(`prometheus was not ready within 30 s:\n${output}`);
      await sleep(200);
    }
  } catch (error) {
    await close();
    throw error;
  }

  return {
    url,
    async query(expr: string) {
      const res = await fetch(`${url}/api/v1/query`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ query: expr }),
      });
      const body = (await res.json()) as { status: string; data?: PrometheusQueryResult; error?: string };
      if (body.status !== 'success' || !body.data) throw new Error(`query ${expr} failed (${res.status}): ${body.error ?? 'no data'}`);
      return body.data;
    },
    close,
  };
}

/** Whether a query answered with at least one series or a scalar. */
export function hasData(result: PrometheusQueryResult): boolean {
  return result.resultType === 'scalar' || result.resultType === 'string' || (Array.isArray(result.result) && result.result.length > 0);
}
