// The load generators run in processes of their own (autocannon, the dashboard viewers): each
// prints its result as one JSON line on stdout when it is done.
import { spawn } from 'node:child_process';
import { once } from 'node:events';

/** Runs `node <args>` to its end and returns the last line of its stdout, parsed; `what` names it in errors. */
export async function runJsonLineProcess(args: string[], what: string): Promise<unknown> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2_000)));
  const [code] = (await once(child, 'close')) as [number | null];
  const line = stdout.trim().split('\n').pop();
  if (code !== 0 || !line) throw new Error(`${what} failed (exit ${code}): ${stderr.trim()}`);
  return JSON.parse(line);
}
