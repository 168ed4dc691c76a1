import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startExporterProcess } from '../support/exporter-process.js';
import { fixtures } from '../support/fixtures.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { waitFor } from '../support/wait-for.js';

let db: TestDatabase;

before(async () => {
  db = await createTestDatabase();
  const make = fixtures(db.pool);
  const userId = await make.user();
  await make.device(userId, { status: 'connected' });
  await make.chatbot(userId, { status: 'active' });
  await make.apiKey(userId);
});
after(async () => {
  await db.drop();
});

async function count(sql: string): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>(sql);
  return Number(rows[0]!.n);
}

describe('the exporter process with DEMO_SIMULATOR=true', () => {
  it('runs the simulator against DATABASE_URL and flushes its counters on shutdown', async () => {
    const exporter = await startExporterProcess({ databaseUrl: db.url, env: { DEMO_SIMULATOR: 'true' } });
    let exit;
    try {
      // The simulator announces itself; the shutdown handlers are in place right after.
      await waitFor('the simulator to start', () => exporter.logLines(/^demo simulator started/).length > 0);
      // A tick writes its messages first and its chatbot activity after: each is awaited for itself.
      await waitFor('messages written by the simulator', async () => (await count('SELECT count(*) AS n FROM "Message"')) > 0);
      await waitFor('chatbot activity recorded by the simulator', async () => (await count('SELECT count(*) AS n FROM "ChatbotSession"')) > 0);
    } finally {
      exit = await exporter.stop('SIGTERM');
    }
    assert.deepEqual(exit, { code: 0, signal: null }, exporter.stderr());
    assert.ok((await count('SELECT coalesce(sum("requestsIn"), 0) AS n FROM "ApiKeyUsage"')) >= 1, 'API counters written by the end');
  });
});
