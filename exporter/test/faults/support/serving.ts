import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ExporterProcess } from '../../support/exporter-process.js';

/** Longest a request may go unanswered before a fault test calls it hung (a hang detector, not a speed check). */
export const HANG_MS = 30_000;

/** fetch with the hang detector: a request that never answers fails the test instead of stalling it. */
export function fetchOrHang(url: string, init: RequestInit = {}): Promise<Response> {
  return fetch(url, { ...init, signal: AbortSignal.timeout(HANG_MS) });
}

/** The process is alive and answers: liveness, a section, and (if asked) a complete export. */
export async function assertServing(exporter: ExporterProcess, options: { export?: boolean } = {}): Promise<void> {
  try {
    await answersRequests(exporter, options);
  } catch (error) {
    // The test fails either way; a moment's grace lets a dying process's last words be reported.
    await Promise.race([exporter.exited, sleep(2_000)]);
    if (exporter.isRunning()) throw error;
    assert.fail(`the exporter process is gone (${(error as Error).message}): ${exporter.stderr()}`);
  }
}

async function answersRequests(exporter: ExporterProcess, options: { export?: boolean }): Promise<void> {
  assert.ok(exporter.isRunning(), 'the exporter process is running');
  assert.equal((await fetchOrHang(`${exporter.url}/healthz`)).status, 200);
  const section = await fetchOrHang(`${exporter.url}/api/monitoring/users`, { headers: exporter.authHeaders() });
  const body = await section.text();
  assert.equal(section.status, 200, body);
  if (options.export) {
    const csv = await fetchOrHang(`${exporter.url}/api/monitoring/contacts/export?type=email`, { headers: exporter.authHeaders() });
    assert.equal(csv.status, 200);
    assert.match(await csv.text(), /^email\n/);
  }
}
