// Helpers for the provisioning tests: repository paths and running the real operator tools
// (promtool, prometheus, docker-compose). A missing tool is a test failure with an install hint,
// never a skip: CI installs them.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const repoPath = (relative: string): string => join(REPO_ROOT, relative);
export const readRepoFile = (relative: string): string => readFileSync(repoPath(relative), 'utf8');
export const readRepoYaml = <T = unknown>(relative: string): T => parseYaml(readRepoFile(relative), { merge: true }) as T;

const INSTALL_HINTS: Record<string, string> = {
  promtool: 'apt-get install -y prometheus (provides promtool)',
  prometheus: 'apt-get install -y prometheus',
  'docker-compose': 'apt-get install -y docker-compose',
};

/** Fails the calling test with a clear message when `tool` is not on PATH. */
export function requireTool(tool: string): void {
  const probe = spawnSync(tool, ['--version'], { encoding: 'utf8' });
  if (probe.error) {
    const code = (probe.error as NodeJS.ErrnoException).code;
    assert.fail(
      `${tool} is required by the provisioning tests but ${code === 'ENOENT' ? 'was not found on PATH' : `could not run (${code})`}: ` +
        `install it with \`${INSTALL_HINTS[tool] ?? tool}\``,
    );
  }
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/** Runs a command to completion (asynchronously, so several can run at once). */
export function run(command: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? REPO_ROOT,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs `items` through `worker` with at most `limit` in flight. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, worker: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await worker(items[index]!);
    }
  });
  await Promise.all(lanes);
  return results;
}

/** Output of a finished command, for assertion messages. */
export const describeRun = (result: RunResult): string =>
  `exit code ${result.code}\n--- stdout ---\n${result.stdout}\n--- stderr ---\n${result.stderr}`;
