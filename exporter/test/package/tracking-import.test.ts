// The tracking kit as a platform running plain Node.js gets it: built JavaScript through the
// package's conditional exports, without a TypeScript loader.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { fixtures } from '../support/fixtures.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const KIT = '@kewhats/monitoring-exporter/tracking';

/** Runs a command from the repository root; a minimal environment, so no loader sneaks in. */
function run(command: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: REPO, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

// What a platform's code does with the kit: count traffic, write it to its database.
const PLATFORM = `
import pg from 'pg';
import { createApiUsageRecorder } from '${KIT}';
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
const recorder = createApiUsageRecorder(pool, { flushIntervalMs: 3600000 });
recorder.recordIncoming(process.env.API_KEY_ID, 3);
const result = await recorder.flush();
await recorder.close();
await pool.end();
console.log(JSON.stringify({ resolved: import.meta.resolve('${KIT}'), result }));
`;

describe('the tracking kit as a package', () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase();
  });
  after(async () => {
    await db?.drop();
  });

  test('after `npm run build -w exporter`, plain node imports it from dist/ and records traffic', async () => {
    const build = await run('npm', ['run', 'build', '-w', 'exporter']);
    assert.equal(build.code, 0, `${build.stdout}\n${build.stderr}`);
    assert.ok(existsSync(new URL('../../dist/tracking/index.d.ts', import.meta.url)), 'type declarations are built too');

    const make = fixtures(db.pool);
    const apiKeyId = await make.apiKey(await make.user());
    const platform = await run(process.execPath, ['--input-type=module', '--eval', PLATFORM], { DATABASE_URL: db.url, API_KEY_ID: apiKeyId });
    assert.equal(platform.code, 0, platform.stderr);
    const { resolved, result } = JSON.parse(platform.stdout) as { resolved: string; result: { rowsWritten: number; requestsIn: number } };
    assert.match(resolved, /\/exporter\/dist\/tracking\/index\.js$/);
    assert.deepEqual({ rowsWritten: result.rowsWritten, requestsIn: result.requestsIn }, { rowsWritten: 1, requestsIn: 3 });
    const { rows } = await db.pool.query('SELECT "requestsIn" FROM "ApiKeyUsage" WHERE "apiKeyId" = $1', [apiKeyId]);
    assert.equal(Number(rows[0].requestsIn), 3);
  });

  test('the development condition gives the TypeScript source (for tsx and bundlers)', async () => {
    const resolve = `console.log(import.meta.resolve('${KIT}'))`;
    const development = await run(process.execPath, ['--conditions=development', '--input-type=module', '--eval', resolve]);
    assert.equal(development.code, 0, development.stderr);
    assert.match(development.stdout.trim(), /\/exporter\/src\/tracking\/index\.ts$/);
  });
});
