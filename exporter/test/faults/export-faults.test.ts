// Faults around the CSV export, on the real exporter process: its database connection lost
// mid-download, clients that stop reading or read a trickle, SIGTERM with exports in flight.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startExporterProcess, type ExporterProcess } from '../support/exporter-process.js';
import { getRequest, rawRequest, type RawResponse } from '../support/raw-http.js';
import { startTcpProxy } from '../support/tcp-proxy.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { waitFor } from '../support/wait-for.js';
import { addFatContacts } from './support/fat-contacts.js';
import { assertServing, fetchOrHang } from './support/serving.js';

// 40 MB of CSV: far more than the kernel's socket buffers and the exporter's stream buffers.
const FAT_CONTACTS = 40_000;
const CSV_BYTES = FAT_CONTACTS * 1_000;
const EXPORT_PATH = '/api/monitoring/contacts/export?type=contact';

let db: TestDatabase;
before(async () => {
  // Backends to terminate: a PostgreSQL server, a private one without TEST_DATABASE_URL.
  db = await createTestDatabase({ needsServer: true });
  await addFatContacts(db.pool, FAT_CONTACTS);
});
after(async () => {
  await db?.drop();
});

/** Server-side COPYs still running in the test database. */
async function runningCopies(): Promise<number> {
  const { rows } = await db.pool.query(
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'COPY%' AND state = 'active' AND pid <> pg_backend_pid()`,
  );
  return rows[0].n as number;
}

/** Starts an export whose client then stops reading: the COPY backs up behind it. */
async function stalledDownload(exporter: ExporterProcess): Promise<RawResponse> {
  const download = await rawRequest(exporter.url, getRequest(EXPORT_PATH, exporter.authHeaders()));
  download.socket.pause();
  assert.equal(download.status, 200, download.head);
  return download;
}

/** Reads the rest of a download until the server closes it. */
async function drain(download: RawResponse): Promise<void> {
  download.socket.resume();
  await download.closed;
}

/** The export slot is free: a new export starts (and is read to the end) instead of a 429. */
async function exportSlotIsFree(exporter: ExporterProcess): Promise<boolean> {
  const response = await fetchOrHang(`${exporter.url}/api/monitoring/contacts/export?type=email`, { headers: exporter.authHeaders() });
  await response.text();
  return response.status === 200;
}

describe("fault: an export's database connection is lost mid-download", () => {
  /** Terminates the test database's backends whose last statement was the export's COPY in `state`. */
  const terminateCopyBackend = (state: 'active' | 'idle') =>
    waitFor(`the export's ${state} COPY backend to be terminated`, async () => {
      const { rows } = await db.pool.query(
        `SELECT pg_terminate_backend(pid) AS terminated FROM pg_stat_activity
         WHERE datname = current_database() AND query LIKE 'COPY%' AND state = $1 AND pid <> pg_backend_pid()`,
        [state],
      );
      return rows.some((row) => row.terminated);
    });

  test('its backend is killed while the COPY runs: the download is cut, the process keeps serving', async () => {
    const exporter = await startExporterProcess({ databaseUrl: db.url, env: { EXPORT_CONCURRENCY: '1' } });
    try {
      const download = await stalledDownload(exporter);
      await terminateCopyBackend('active');
      await drain(download);
      assert.equal(download.complete(), false, 'the client sees the export cut off');
      await assertServing(exporter, { export: true });
    } finally {
      await exporter.stop();
    }
  });

  test('its backend is killed after the COPY sent everything, while the client still downloads: the process keeps serving', async () => {
    // Deep network buffers let the server finish the COPY long before the client has read it;
    // the backend is then killed (an administrator, a database crash) and its last words wait
    // behind megabytes of CSV until the client catches up.
    const proxy = await startTcpProxy(db.url, { deepBuffers: true });
    const exporter = await startExporterProcess({ databaseUrl: proxy.url, env: { EXPORT_CONCURRENCY: '1' } });
    try {
      const download = await stalledDownload(exporter);
      await terminateCopyBackend('idle');
      await drain(download);
      assert.equal(download.complete(), true, 'the COPY had sent everything: the client gets the whole CSV');
      await assertServing(exporter, { export: true });
    } finally {
      await exporter.stop();
      await proxy.close();
    }
  });

  test('its network connection drops: the download is cut, the process keeps serving', async () => {
    const proxy = await startTcpProxy(db.url);
    const exporter = await startExporterProcess({ databaseUrl: proxy.url, env: { EXPORT_CONCURRENCY: '1' } });
    try {
      const download = await stalledDownload(exporter);
      proxy.cut();
      proxy.restore();
      await drain(download);
      assert.equal(download.complete(), false, 'the client sees the export cut off');
      await assertServing(exporter, { export: true });
    } finally {
      await exporter.stop();
      await proxy.close();
    }
  });
});

describe('fault: a client never reads its CSV', () => {
  test('back-pressure bounds memory; after EXPORT_IDLE_TIMEOUT_MS the slot, the pool connection and the backend are free again', async () => {
    const exporter = await startExporterProcess({
      databaseUrl: db.url,
      env: { EXPORT_CONCURRENCY: '1', EXPORT_IDLE_TIMEOUT_MS: '1500' },
    });
    try {
      assert.ok(await exportSlotIsFree(exporter), 'an export runs before the fault');
      const baselineRss = exporter.rssBytes();
      let peakRss = baselineRss;
      const sampler = setInterval(() => (peakRss = Math.max(peakRss, exporter.rssBytes())), 50);
      const download = await stalledDownload(exporter);
      try {
        await waitFor('the stalled export to be cut and its slot free again', () => exportSlotIsFree(exporter), { intervalMs: 250 });
      } finally {
        clearInterval(sampler);
      }
      // While the client held still, the exporter held its stream buffers, not the CSV. (The
      // few MB it streamed before the stall count as garbage until collected: hence a half.)
      assert.ok(
        peakRss - baselineRss < CSV_BYTES / 2,
        `RSS grew ${((peakRss - baselineRss) / 1e6).toFixed(1)} MB during a stalled ${CSV_BYTES / 1e6} MB export`,
      );
      assert.equal(await runningCopies(), 0, 'the backend of the cut export is gone');
      await waitFor('the cut to be logged', () =>
        exporter.logLines(/contact export cut/).some((line) => /EXPORT_IDLE_TIMEOUT_MS/.test(String(line.reason))),
      );
      download.socket.destroy();
      await assertServing(exporter);
    } finally {
      await exporter.stop();
    }
  });
});

describe('fault: a client reads its CSV at a trickle', () => {
  test('EXPORT_STATEMENT_TIMEOUT_MS is a hard limit on the whole export: cut, slot released', async () => {
    const exporter = await startExporterProcess({
      databaseUrl: db.url,
      env: { EXPORT_CONCURRENCY: '1', EXPORT_STATEMENT_TIMEOUT_MS: '2000', EXPORT_IDLE_TIMEOUT_MS: '60000' },
    });
    try {
      const download = await stalledDownload(exporter);
      let closed = false;
      void download.closed.then(() => (closed = true));
      const cut = () => exporter.logLines(/contact export cut/).some((line) => /EXPORT_STATEMENT_TIMEOUT_MS/.test(String(line.reason)));
      // One socket read (at most 64 kB) every 100 ms: always progressing, never done in time.
      while (!closed && !cut()) {
        download.socket.resume();
        await Promise.race([once(download.socket, 'data'), download.closed]);
        download.socket.pause();
        await sleep(100);
      }
      // What the buffers on the way still hold arrives, then the end without its final chunk.
      await drain(download);
      assert.equal(download.complete(), false, 'the export was cut before its end');
      assert.ok(download.bodyBytes() < CSV_BYTES, `${download.bodyBytes()} bytes read`);
      await waitFor('the cut to be logged', cut);
      await waitFor('the export slot to be free again', () => exportSlotIsFree(exporter), { intervalMs: 250 });
      assert.equal(await runningCopies(), 0, 'the backend of the cut export is gone');
      await assertServing(exporter);
    } finally {
      await exporter.stop();
    }
  });
});

describe('fault: SIGTERM with exports in flight', () => {
  test('the process stops within SHUTDOWN_TIMEOUT_MS, cuts the export, exits 0 and leaves no backend behind', async () => {
    const exporter = await startExporterProcess({ databaseUrl: db.url, env: { SHUTDOWN_TIMEOUT_MS: '500' } });
    const download = await stalledDownload(exporter);
    const exit = await exporter.stop('SIGTERM');
    assert.deepEqual(exit, { code: 0, signal: null }, exporter.stderr());
    await drain(download);
    assert.equal(download.complete(), false, 'the stalled export was cut');
    await waitFor('the cut export’s backend to end', async () => (await runningCopies()) === 0);
  });
});
