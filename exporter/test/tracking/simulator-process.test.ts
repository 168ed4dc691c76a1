import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { fixtures } from '../support/fixtures.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

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

describe('the exporter process with DEMO_SIMULATOR=true', { timeout: 90_000 }, () => {
  it('runs the simulator against DATABASE_URL and flushes its counters on shutdown', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        DATABASE_URL: db.url,
        DEMO_SIMULATOR: 'true',
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = once(child, 'exit');
    try {
      // The simulator announces itself; the shutdown handlers are in place right after.
      while (!stdout.includes('demo simulator started')) {
        if (child.exitCode !== null) assert.fail(`exporter exited early: ${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      while ((await count('SELECT count(*) AS n FROM "Message"')) === 0) await new Promise((resolve) => setTimeout(resolve, 100));
      assert.ok((await count('SELECT count(*) AS n FROM "ChatbotSession"')) >= 1, 'chatbot activity recorded');
    } finally {
      child.kill('SIGTERM');
    }
    const [code] = await exited;
    assert.equal(code, 0, stderr);
    assert.ok((await count('SELECT coalesce(sum("requestsIn"), 0) AS n FROM "ApiKeyUsage"')) >= 1, 'API counters written by the end');
  });
});
