import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { startTestExporter } from '../support/test-exporter.js';

describe('graceful shutdown', () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase();
  });
  after(async () => {
    await db?.drop();
  });

  test('stops accepting, lets a running export finish within the timeout', async () => {
    const exporter = await startTestExporter({ pool: db.pool, config: { shutdownTimeoutMs: 5_000 } });
    const locker = await db.pool.connect();
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE "Contact" IN ACCESS EXCLUSIVE MODE');
    const download = fetch(`${exporter.url}/api/monitoring/contacts/export?type=contact`, { headers: exporter.authHeaders() });
    try {
      for (let waited = 0; exporter.exporter.exporterApp.activeExports.size === 0 && waited < 2_000; waited += 10) await sleep(10);
      const closing = exporter.close();
      await sleep(100);
      await assert.rejects(fetch(`${exporter.url}/healthz`), 'no new connections once shutting down');
      await locker.query('COMMIT');
      const response = await download;
      assert.equal(response.status, 200);
      assert.equal(await response.text(), 'name,phone,created_at\n');
      await closing;
    } finally {
      locker.release();
    }
  });

  test('cuts an export still running when the timeout expires', async () => {
    const exporter = await startTestExporter({ pool: db.pool, config: { shutdownTimeoutMs: 300 } });
    const locker = await db.pool.connect();
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE "Contact" IN ACCESS EXCLUSIVE MODE');
    try {
      const download = fetch(`${exporter.url}/api/monitoring/contacts/export?type=contact`, { headers: exporter.authHeaders() }).then(
        (response) => response.text(),
      );
      for (let waited = 0; exporter.exporter.exporterApp.activeExports.size === 0 && waited < 2_000; waited += 10) await sleep(10);
      const started = Date.now();
      await exporter.close();
      assert.ok(Date.now() - started < 3_000, 'close returns once the timeout has cut the export');
      await assert.rejects(download, 'the client sees the export cut off');
    } finally {
      await locker.query('COMMIT');
      locker.release();
    }
    for (let waited = 0; db.pool.totalCount - db.pool.idleCount > 0 && waited < 2_000; waited += 20) await sleep(20);
    assert.equal(db.pool.totalCount - db.pool.idleCount, 0, 'the cut export returned or destroyed its connection');
  });
});
