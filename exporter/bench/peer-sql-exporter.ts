// The peer row: prometheus-sql-exporter (justwatchcom/sql_exporter, Debian's package), the
// classic Go exporter, configured with a couple of the exporter's own aggregate queries on the
// same database and interval, and loaded like /metrics. Optional: skipped when not installed.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contactCountsQuery } from '../src/sections/contacts.js';
import { messageCountsQuery } from '../src/sections/dashboard.js';
import { freePort } from './child-exporter.js';
import { sleep } from './stats.js';

export const PEER_BINARY = process.env.BENCH_SQL_EXPORTER_BIN || '/usr/bin/prometheus-sql-exporter';

export interface PeerExporter {
  url: string;
  stop(): Promise<void>;
}

export function peerInstalled(): boolean {
  try {
    accessSync(PEER_BINARY, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** YAML by hand: two queries, one job; the SQL goes in literal blocks. */
function peerConfig(databaseUrl: string, intervalSeconds: number): string {
  const url = new URL(databaseUrl);
  url.searchParams.set('sslmode', 'disable');
  const block = (sql: string) =>
    sql
      .split('\n')
      .map((line) => `          ${line.trim()}`)
      .join('\n');
  return `jobs:
  - name: kewhats
    interval: '${intervalSeconds}s'
    connections:
      - '${url.toString().replace(/^postgresql:/, 'postgres:')}'
    queries:
      - name: kewhats_messages
        help: Messages of all time by kind.
        values: [incoming, sent, failed]
        query: |
${block(messageCountsQuery.sql)}
      - name: kewhats_contacts
        help: Contacts and contacts with email.
        values: [total, withEmail]
        query: |
${block(contactCountsQuery.sql)}
`;
}

export async function startPeerExporter(databaseUrl: string, intervalSeconds: number): Promise<PeerExporter> {
  const folder = mkdtempSync(join(tmpdir(), 'kewhats-bench-peer-'));
  const configFile = join(folder, 'sql-exporter.yml');
  writeFileSync(configFile, peerConfig(databaseUrl, intervalSeconds));
  const port = await freePort();
  const child = spawn(PEER_BINARY, ['-config.file', configFile, '-web.listen-address', `127.0.0.1:${port}`], {
    env: { ...process.env, LOGLEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4_000)));
  child.stderr.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4_000)));
  const exited = once(child, 'exit');
  const url = `http://127.0.0.1:${port}/metrics`;
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(folder, { recursive: true, force: true });
  };
  // Ready once its job has run: the aggregate appears in the exposition.
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      const text = await (await fetch(url)).text();
      if (/^sql_kewhats_contacts/m.test(text)) return { url, stop };
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  await stop();
  throw new Error(`prometheus-sql-exporter did not expose its metrics: ${output.trim().slice(-500)}`);
}
