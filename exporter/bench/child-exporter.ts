// The exporter as production runs it: its own process (`node --import tsx src/main.ts`), so the
// load generator's CPU and memory are not counted in the exporter, and its RSS is its own.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { sleep } from './stats.js';

const EXPORTER_DIR = fileURLToPath(new URL('../', import.meta.url));

export interface ChildExporter {
  url: string;
  pid: number;
  /** Authorization header of the machine token (MONITORING_TOKEN). */
  headers: Record<string, string>;
  /** Current resident set size in bytes, from /proc/<pid>/status. */
  rssBytes(): number;
  /** SIGTERM (graceful shutdown: the pool ends, its backends flush their statistics), then wait. */
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!match) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]) * 1024;
}

async function waitUntilHealthy(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the exporter exited with code ${child.exitCode}: ${output().trim()}`);
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`the exporter did not answer /healthz within 60 s: ${output().trim()}`);
}

export interface ChildExporterOptions {
  databaseUrl: string;
  env?: Record<string, string>;
  /** Another checkout of the exporter (A/B experiments); default this one. */
  exporterDir?: string;
}

export async function startChildExporter(options: ChildExporterOptions): Promise<ChildExporter> {
  const port = await freePort();
  const token = randomBytes(24).toString('hex');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: options.databaseUrl,
    PORT: String(port),
    HOST: '127.0.0.1',
    MONITORING_TOKEN: token,
    LOG_LEVEL: 'warn',
    DEMO_SIMULATOR: 'false',
    ...options.env,
  };
  // Only what the bench sets: no gateway, no public /metrics inherited from the shell.
  delete env.GRAFANA_URL;
  delete env.METRICS_PUBLIC;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: options.exporterDir ?? EXPORTER_DIR,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = once(child, 'exit');
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntilHealthy(url, child, () => output);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    url,
    pid: child.pid!,
    headers: { authorization: `Bearer ${token}` },
    rssBytes: () => rssOf(child.pid!),
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Samples a process's RSS every `everyMs` until stopped; growth is measured from the first sample. */
export function sampleRss(pid: number, everyMs = 50): { stop(): { baselineBytes: number; peakBytes: number; samples: number } } {
  const baselineBytes = rssOf(pid);
  let peakBytes = baselineBytes;
  let samples = 1;
  const timer = setInterval(() => {
    try {
      peakBytes = Math.max(peakBytes, rssOf(pid));
      samples += 1;
    } catch {
      // the process is gone: nothing more to sample
    }
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      peakBytes = Math.max(peakBytes, rssOf(pid));
      return { baselineBytes, peakBytes, samples: samples + 1 };
    },
  };
}
