import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createPool } from '../../src/db/pool.js';
import { SECTIONS } from '../../src/sections/index.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { startTestExporter } from '../support/test-exporter.js';
import { startTcpProxy } from '../support/tcp-proxy.js';
import { getJson } from '../support/http.js';
import { waitFor } from '../support/wait-for.js';

const TABLES_PER_REFRESH = new Set(SECTIONS.flatMap((section) => Object.values(section.tables))).size;

describe('snapshot cache', () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase();
  });
  after(async () => {
    await db?.drop();
  });

  test('50 concurrent requests across sections and /metrics share one refresh of one statement per table', async () => {
    const pool = createPool(db.url, { max: 4 });
    let statements = 0;
    const query = pool.query.bind(pool);
    pool.query = ((...args: Parameters<typeof query>) => {
      statements += 1;
      return query(...args);
    }) as typeof pool.query;
    const exporter = await startTestExporter({ pool, config: { refreshIntervalMs: 60_000 } });
    try {
      const paths = SECTIONS.map((section) => `/api/monitoring/${section.name}`).concat('/metrics');
      const responses = await Promise.all(
        Array.from({ length: 50 }, (_, index) => fetch(`${exporter.url}${paths[index % paths.length]}`, { headers: exporter.authHeaders() })),
      );
      assert.deepEqual(new Set(responses.map((response) => response.status)), new Set([200]));
      assert.equal(exporter.exporter.snapshots.refreshCount, 1);
      assert.equal(statements, TABLES_PER_REFRESH, 'one statement per table, the User table read once for two sections');
      const generatedAt = new Set(
        await Promise.all(responses.slice(0, 8).map(async (response) => ((await response.json()) as { generatedAt: string }).generatedAt)),
      );
      assert.equal(generatedAt.size, 1, 'every section comes from the same snapshot');
    } finally {
      await exporter.close();
      await pool.end();
    }
  });

  test('a new snapshot comes once per interval, shared by every request', async () => {
    // An interval long enough that, even on a loaded machine, nothing expires between the
    // requests that are meant to share a snapshot.
    const intervalMs = 2_000;
    const started = Date.now();
    const exporter = await startTestExporter({ pool: db.pool, config: { refreshIntervalMs: intervalMs } });
    const get = () => getJson(`${exporter.url}/api/monitoring/users`, { headers: exporter.authHeaders() });
    try {
      const first = await get();
      const again = await get();
      assert.equal(again.body.generatedAt, first.body.generatedAt);
      await waitFor('the next snapshot', async () => (await get()).body.generatedAt !== first.body.generatedAt);
      const concurrent = await Promise.all(Array.from({ length: 10 }, get));
      assert.equal(new Set(concurrent.map((response) => response.body.generatedAt)).size, 1, 'the ten share one snapshot');
      assert.ok(Date.parse(concurrent[0]!.body.generatedAt) > Date.parse(first.body.generatedAt));
      const { refreshCount } = exporter.exporter.snapshots;
      assert.ok(refreshCount >= 2);
      assert.ok(refreshCount <= 1 + (Date.now() - started) / intervalMs, `${refreshCount} refreshes: at most one per interval`);
    } finally {
      await exporter.close();
    }
  });

  test('while the database is down the last snapshot is served, flagged stale; then it recovers', async () => {
    const proxy = await startTcpProxy(db.url);
    const pool = createPool(proxy.url, { max: 2 });
    const exporter = await startTestExporter({ pool, config: { refreshIntervalMs: 200 } });
    const get = (path: string) => getJson(`${exporter.url}${path}`, { headers: exporter.authHeaders() });
    try {
      const fresh = await get('/api/monitoring/connections');
      assert.equal(fresh.status, 200);
      assert.equal(fresh.body.stale, false);

      proxy.cut();
      // The next refresh (ahead of expiry, or the one a request starts) fails; once the snapshot
      // is past its interval it is served flagged stale.
      const stale = await waitFor('the snapshot flagged stale', async () => {
        const view = await get('/api/monitoring/connections');
        return view.body.stale === true && view;
      });
      assert.equal(stale.status, 200);
      assert.equal(stale.body.stale, true);
      assert.equal(stale.body.generatedAt, fresh.body.generatedAt, 'generatedAt shows the age of what is served');
      assert.match(stale.headers.get('warning') ?? '', /stale/);
      assert.equal((await get('/readyz')).status, 503);
      const metrics = await fetch(`${exporter.url}/metrics`, { headers: exporter.authHeaders() }).then((response) => response.text());
      assert.match(metrics, /^kewhats_exporter_database_up 0$/m);
      assert.match(metrics, /^kewhats_exporter_refresh_failures_total [1-9]/m);
      assert.match(metrics, /^kewhats_devices\{status="connected"\} 0$/m, 'the last aggregates are still scraped');

      proxy.restore();
      const recovered = await waitFor('fresh numbers again', async () => {
        const view = await get('/api/monitoring/connections');
        return view.body.stale === false && view;
      });
      assert.ok(Date.parse(recovered.body.generatedAt) > Date.parse(fresh.body.generatedAt));
      assert.match(
        await fetch(`${exporter.url}/metrics`, { headers: exporter.authHeaders() }).then((response) => response.text()),
        /^kewhats_exporter_database_up 1$/m,
      );
    } finally {
      await exporter.close();
      await pool.end();
      await proxy.close();
    }
  });

  test('with the database down and no snapshot yet: 503 in the API error shape', async () => {
    const proxy = await startTcpProxy(db.url);
    proxy.cut();
    const pool = createPool(proxy.url, { max: 2 });
    const exporter = await startTestExporter({ pool, config: { refreshIntervalMs: 200 } });
    try {
      const response = await getJson(`${exporter.url}/api/monitoring/users`, { headers: exporter.authHeaders() });
      assert.equal(response.status, 503);
      assert.equal(response.body.error.code, 'unavailable');
      assert.equal(response.headers.get('retry-after'), '5');
      const metrics = await fetch(`${exporter.url}/metrics`, { headers: exporter.authHeaders() });
      assert.equal(metrics.status, 200, 'the exporter still reports its own health');
      assert.match(await metrics.text(), /^kewhats_exporter_database_up 0$/m);
    } finally {
      await exporter.close();
      await pool.end();
      await proxy.close();
    }
  });
});
