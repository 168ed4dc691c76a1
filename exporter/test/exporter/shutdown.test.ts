import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { startTestExporter } from '../support/test-exporter.js';
import { waitFor } from '../support/wait-for.js';

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
      await waitFor('the export to be running', () => exporter.exporter.exporterApp.activeExports.size === 1);
      // close() stops listening at once: a new connection is refused.
      const closing = exporter.close();
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
      const download = fetch(`${exporter.url}/api/monitoring/contacts/export?type=contact`, { headers: exporter.authHeaders() }).then((response) =>
        response.text(),
      );
      await waitFor('the export to be running', () => exporter.exporter.exporterApp.activeExports.size === 1);
      // The lock holding the export is released only after close() returns (finally below):
      // close() returning at all shows the timeout cut the export rather than waiting for it.
      await exporter.close();
      await assert.rejects(download, 'the client sees the export cut off');
    } finally {
      await locker.query('COMMIT');
      locker.release();
    }
    await waitFor('the cut export to return or destroy its connection', () => db.pool.totalCount - db.pool.idleCount === 0);
  });
});
