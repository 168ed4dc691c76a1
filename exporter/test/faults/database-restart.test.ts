// The database goes away for real: a PostgreSQL server of the test's own is restarted (fast
// shutdown: every session is terminated, connections are refused until it is back) or stopped.
// Needs PostgreSQL's server programs; the shared server is never touched.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { applyMigrations } from '../../src/db/migrate.js';
import { createPool } from '../../src/db/pool.js';
import { runExporterToExit, startExporterProcess, type ExporterProcess } from '../support/exporter-process.js';
import { fixtures } from '../support/fixtures.js';
import { startPrivatePostgres, type PrivatePostgres } from '../support/private-postgres.js';
import { getRequest, rawRequest } from '../support/raw-http.js';
import { waitFor } from '../support/wait-for.js';
import { addFatContacts } from './support/fat-contacts.js';
import { assertServing, fetchOrHang } from './support/serving.js';

const INTERVAL_SECONDS = 1;

let server: PrivatePostgres;
let pool: pg.Pool;

before(async () => {
  server = await startPrivatePostgres();
  await applyMigrations(server.url);
  pool = createPool(server.url, { max: 2, applicationName: 'kewhats-test' });
  await fixtures(pool).device(await fixtures(pool).user(), { status: 'connected' });
  await addFatContacts(pool, 40_000);
});
after(async () => {
  await pool?.end();
  await server?.destroy();
});

async function connectedDevices(exporter: ExporterProcess): Promise<{ status: number; stale: boolean; connected: number; generatedAt: string }> {
  const response = await fetchOrHang(`${exporter.url}/api/monitoring/connections`, { headers: exporter.authHeaders() });
  const body = (await response.json()) as { stale: boolean; connected: number; generatedAt: string };
  return { status: response.status, ...body };
}

/** Viewers and a scraper polling an exporter until stopped; every status they saw, counted. */
function startViewers(exporter: ExporterProcess): { statuses: Map<string, number>; stop(): Promise<void> } {
  const statuses = new Map<string, number>();
  let running = true;
  const poll = async (path: string) => {
    while (running) {
      const response = await fetchOrHang(`${exporter.url}${path}`, { headers: exporter.authHeaders() }).catch((error: Error) => ({
        status: error.name,
      }));
      if ('text' in response) await response.text();
      const key = `${path} ${response.status}`;
      statuses.set(key, (statuses.get(key) ?? 0) + 1);
      await sleep(100);
    }
  };
  const loops = ['/api/monitoring/dashboard', '/api/monitoring/users', '/metrics'].map(poll);
  return {
    statuses,
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

describe('fault: the database restarts while exporters, viewers and an export run', () => {
  test('no crash, viewers keep their (stale) numbers, the export fails cleanly, fresh numbers after the restart', async (t) => {
    const env = { REFRESH_INTERVAL_SECONDS: String(INTERVAL_SECONDS), EXPORT_CONCURRENCY: '1' };
    const exporters = await Promise.all([
      startExporterProcess({ databaseUrl: server.url, env }),
      startExporterProcess({ databaseUrl: server.url, env }),
    ]);
    try {
      const viewers = exporters.map(startViewers);
      const download = await rawRequest(exporters[0]!.url, getRequest('/api/monitoring/contacts/export?type=contact', exporters[0]!.authHeaders()));
      download.socket.pause(); // still running (backed up) when the server goes down
      const before = await connectedDevices(exporters[1]!);
      assert.equal(before.connected, 1);

      await server.restart();
      const restarted = Date.now();
      await fixtures(pool).device(await fixtures(pool).user(), { status: 'connected' });
      const recoveredAfterMs = await Promise.all(
        exporters.map(async (exporter) => {
          await waitFor('fresh numbers after the restart', async () => {
            const view = await connectedDevices(exporter);
            return view.status === 200 && !view.stale && view.connected === 2;
          });
          return Date.now() - restarted;
        }),
      );
      t.diagnostic(
        `fresh numbers ${recoveredAfterMs.map((ms) => `${(ms / 1000).toFixed(1)} s`).join(' and ')} after the restart (interval ${INTERVAL_SECONDS} s)`,
      );

      download.socket.resume();
      await download.closed;
      assert.equal(download.complete(), false, 'the export in flight is cut, never a complete-looking file');
      await Promise.all(viewers.map((viewer) => viewer.stop()));
      for (const [index, viewer] of viewers.entries()) {
        const notOk = [...viewer.statuses].filter(([key]) => !key.endsWith(' 200'));
        assert.deepEqual(notOk, [], `exporter ${index + 1}: viewers and scrapes were answered 200 throughout (${[...viewer.statuses]})`);
      }
      for (const exporter of exporters) await assertServing(exporter, { export: true });
    } finally {
      await Promise.all(exporters.map((exporter) => exporter.stop()));
    }
  });
});

describe('fault: the database is unreachable', () => {
  test('at start-up: one clear line naming the database, exit code 1', async () => {
    await server.stop();
    try {
      const result = await runExporterToExit({ DATABASE_URL: server.url });
      assert.equal(result.code, 1, result.stderr);
      assert.deepEqual(result.stderr.trim().split('\n').length, 1, result.stderr);
      assert.match(result.stderr, /^kewhats-exporter: cannot use database postgresql:\/\/postgres@127\.0\.0\.1:\d+\/postgres: .*ECONNREFUSED/);
    } finally {
      await server.start();
    }
  });

  test('later: the last snapshot is served flagged stale, /readyz 503, then fresh numbers once it is back', async () => {
    const exporter = await startExporterProcess({ databaseUrl: server.url, env: { REFRESH_INTERVAL_SECONDS: String(INTERVAL_SECONDS) } });
    try {
      const fresh = await connectedDevices(exporter);
      assert.equal(fresh.stale, false);
      await server.stop();
      try {
        const stale = await waitFor('a stale snapshot', async () => {
          const view = await connectedDevices(exporter);
          return view.stale && view;
        });
        assert.equal(stale.status, 200);
        assert.equal(stale.generatedAt, fresh.generatedAt);
        assert.equal((await fetchOrHang(`${exporter.url}/readyz`)).status, 503);
        const metrics = await (await fetchOrHang(`${exporter.url}/metrics`, { headers: exporter.authHeaders() })).text();
        assert.match(metrics, /^kewhats_exporter_database_up 0$/m);
      } finally {
        await server.start();
      }
      await waitFor('fresh numbers once the database is back', async () => !(await connectedDevices(exporter)).stale);
      // Its ping is bounded (READYZ_TIMEOUT_MS): a loaded machine may need a second probe.
      await waitFor('/readyz 200', async () => (await fetchOrHang(`${exporter.url}/readyz`)).status === 200);
      await assertServing(exporter);
    } finally {
      await exporter.stop();
    }
  });
});
