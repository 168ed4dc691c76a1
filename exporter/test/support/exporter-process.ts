import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ExporterProcess {
  url: string;
  child: ChildProcess;
  /** The machine token it was started with. */
  machineToken: string;
  authHeaders(): Record<string, string>;
  /** Everything it printed so far (pino JSON lines on stdout, failures on stderr). */
  stdout(): string;
  stderr(): string;
  /** Log lines (parsed) whose `msg` matches. */
  logLines(msg: RegExp): Array<Record<string, unknown>>;
  /** Settles when the process ends, however it ends. */
  exited: Promise<ProcessExit>;
  isRunning(): boolean;
  /** Resident memory from /proc (Linux). */
  rssBytes(): number;
  /**
   * Sends `signal` (SIGTERM by default) and waits for the exit; a process still there after 30 s
   * is killed (a test that failed must not hang its file) and the exit says so.
   */
  stop(signal?: NodeJS.Signals): Promise<ProcessExit>;
}

/** Spawns `src/main.ts` (what `npm start` runs) with a minimal environment plus `env`. */
function spawnExporter(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/**
 * Starts the exporter process expecting it to stop by itself (a start-up failure), and returns
 * how it ended; one still running after 30 s is killed (and the exit shows the signal).
 */
export function runExporterToExit(env: Record<string, string>): Promise<ProcessExit & { stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawnExporter({ LOG_LEVEL: 'silent', ...env });
    let stderr = '';
    let stdout = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    child.stdout!.on('data', (chunk) => (stdout += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr, stdout });
    });
  });
}

/**
 * The real exporter process (`src/main.ts`, as `npm start` runs it) on a loopback port over
 * `databaseUrl`: what a crash, an exit code or the process's memory is asserted on.
 */
export async function startExporterProcess(options: { databaseUrl: string; env?: Record<string, string> }): Promise<ExporterProcess> {
  const machineToken = randomBytes(24).toString('hex');
  const child = spawnExporter({ DATABASE_URL: options.databaseUrl, MONITORING_TOKEN: machineToken, LOG_LEVEL: 'info', ...options.env });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exited = once(child, 'exit').then(([code, signal]) => ({ code, signal }) as ProcessExit);
  const logLines = (msg: RegExp) =>
    stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => typeof line.msg === 'string' && msg.test(line.msg));

  const listening = new Promise<string>((resolve, reject) => {
    const check = () => {
      const line = logLines(/^exporter listening$/)[0];
      if (line) {
        child.stdout!.off('data', check);
        resolve(line.url as string);
      }
    };
    child.stdout!.on('data', check);
    void exited.then((exit) => reject(new Error(`the exporter exited before listening (${JSON.stringify(exit)}): ${stderr}`)));
  });
  const url = await listening;
  return {
    url,
    child,
    machineToken,
    authHeaders: () => ({ Authorization: `Bearer ${machineToken}` }),
    stdout: () => stdout,
    stderr: () => stderr,
    logLines,
    exited,
    isRunning: () => child.exitCode === null && child.signalCode === null,
    rssBytes() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? Number.NaN) * 1024;
    },
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill(signal);
      const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      try {
        return await exited;
      } finally {
        clearTimeout(killer);
      }
    },
  };
}
