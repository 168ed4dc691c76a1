// Many clients at once, each as slow as it can be while staying within the server's timeouts:
// request line first, headers in a trickle, the response left unread for a while.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startExporterProcess, type ExporterProcess } from '../support/exporter-process.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { assertServing } from './support/serving.js';

const SLOW_CLIENTS = 1_000;
const MEMORY_BOUND_BYTES = 100 * 1024 * 1024;

let db: TestDatabase;
before(async () => {
  db = await createTestDatabase();
});
after(async () => {
  await db?.drop();
});

interface SlowClient {
  /** Sends the next part of the request: 1 = Host and credentials, 2 = the end of the headers. */
  send(part: 1 | 2): void;
  /** Starts reading the response. */
  read(): void;
  /** The status code, once the server has answered and closed. */
  status: Promise<number>;
}

function openSlowClient(exporter: ExporterProcess, path: string): Promise<SlowClient> {
  const { hostname, port } = new URL(exporter.url);
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(Number(port), hostname);
    socket.pause();
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString('latin1')));
    const status = new Promise<number>((resolveStatus) =>
      socket.on('close', () => resolveStatus(Number(/^HTTP\/1\.1 (\d{3})/.exec(received)?.[1] ?? 0))),
    );
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.write(`GET ${path} HTTP/1.1\r\n`);
      resolve({
        send: (part) =>
          socket.write(part === 1 ? `Host: 127.0.0.1\r\nAuthorization: ${exporter.authHeaders().Authorization}\r\n` : 'Connection: close\r\n\r\n'),
        read: () => socket.resume(),
        status,
      });
    });
  });
}

/** The soft limit on open files: each client is a socket here and one in the exporter. */
function openFileLimit(): number {
  return Number(/^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1] ?? Number.POSITIVE_INFINITY);
}

describe('fault: 1,000 concurrent slow clients', () => {
  test('every one is answered, other clients are served meanwhile, the exporter’s memory stays bounded', async (t) => {
    assert.ok(
      openFileLimit() >= SLOW_CLIENTS + 500,
      `needs ${SLOW_CLIENTS + 500} open files (ulimit -n), has ${openFileLimit()}: raise it (.ci/run does)`,
    );
    const exporter = await startExporterProcess({ databaseUrl: db.url });
    try {
      await assertServing(exporter);
      const baseline = exporter.rssBytes();
      let peak = baseline;
      const sampler = setInterval(() => (peak = Math.max(peak, exporter.rssBytes())), 50);
      const clients: SlowClient[] = [];
      try {
        const paths = ['/api/monitoring/users', '/metrics', '/api/monitoring/dashboard'];
        for (let opened = 0; opened < SLOW_CLIENTS; opened += 100) {
          clients.push(
            ...(await Promise.all(Array.from({ length: 100 }, (_, index) => openSlowClient(exporter, paths[(opened + index) % paths.length]!)))),
          );
        }
        // All 1,000 hold a half-sent request: an ordinary client is still served.
        await assertServing(exporter);
        for (const part of [1, 2] as const) {
          for (const client of clients) client.send(part);
          await sleep(200);
        }
        // The answers wait unread in the socket buffers for a while, then are read.
        await sleep(500);
        for (const client of clients) client.read();
        const statuses = await Promise.all(clients.map((client) => client.status));
        const counts = Object.fromEntries([...new Set(statuses)].map((status) => [status, statuses.filter((other) => other === status).length]));
        assert.deepEqual(counts, { 200: SLOW_CLIENTS });
      } finally {
        clearInterval(sampler);
      }
      t.diagnostic(`exporter RSS ${(baseline / 1e6).toFixed(0)} MB before, peak ${(peak / 1e6).toFixed(0)} MB with ${SLOW_CLIENTS} slow clients`);
      assert.ok(peak - baseline < MEMORY_BOUND_BYTES, `RSS grew ${((peak - baseline) / 1e6).toFixed(0)} MB`);
      await assertServing(exporter);
    } finally {
      await exporter.stop();
    }
  });
});
