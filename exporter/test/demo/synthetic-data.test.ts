import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { verifyPassword } from '../../src/auth/passwords.js';
import { parseGenerateArgs } from '../../src/demo/generate-args.js';
import { generateSyntheticData, SCALE_ONE_ROWS, syntheticRowCounts } from '../../src/demo/synthetic-data.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const EXPORTER_DIR = fileURLToPath(new URL('../../', import.meta.url));
const SCALE = 0.001;

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `src/cli/generate.ts` like `npm run db:generate` does. Asynchronous on purpose: with the
 * embedded database the server lives in this process and must keep answering the child.
 */
function runGenerate(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/generate.ts', ...args], {
      cwd: EXPORTER_DIR,
      env: { ...process.env, DEBUG_STACK: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let db: TestDatabase;
let cli: CliResult;
let counts: Record<string, number>;

async function scalar(sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await db.pool.query(sql, params);
  return Number(Object.values(rows[0])[0]);
}

async function tableCounts(): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  for (const table of [...Object.keys(SCALE_ONE_ROWS), 'ApiKeyUsage']) {
    result[table] = await scalar(`SELECT count(*) FROM "${table}"`);
  }
  return result;
}

describe('synthetic data generator (db:generate)', () => {
  before(async () => {
    db = await createTestDatabase();
    cli = await runGenerate(['--scale', String(SCALE), '--seed', '7'], { DATABASE_URL: db.url });
    counts = await tableCounts();
  });

  after(async () => {
    await db?.drop();
  });

  test('the CLI succeeds and reports rows and a timing per table', () => {
    assert.equal(cli.code, 0, cli.stderr);
    assert.equal(cli.stderr, '');
    for (const table of [...Object.keys(SCALE_ONE_ROWS), 'ApiKeyUsage']) {
      assert.match(cli.stdout, new RegExp(`^${table} +\\d+ rows +\\d+\\.\\d s$`, 'm'), table);
    }
    assert.match(cli.stdout, /^done in \d+\.\d s/m);
  });

  test('produces the promised proportions at a tiny scale', () => {
    // 10k users : 15k devices : 2M messages : 1M contacts : 200k sessions : 20k broadcasts : 50k payments.
    assert.deepEqual(
      {
        User: counts.User,
        Device: counts.Device,
        Message: counts.Message,
        Contact: counts.Contact,
        ChatbotSession: counts.ChatbotSession,
        Broadcast: counts.Broadcast,
        Payment: counts.Payment,
      },
      { User: 10, Device: 15, Message: 2_000, Contact: 1_000, ChatbotSession: 200, Broadcast: 20, Payment: 50 },
    );
    for (const [table, rows] of Object.entries(SCALE_ONE_ROWS)) {
      assert.equal(counts[table], Math.max(1, Math.round(rows * SCALE)), table);
    }
    // Usage: up to 30 local days per key, about 70 % of them.
    assert.ok(counts.ApiKeyUsage! > 0 && counts.ApiKeyUsage! <= counts.ApiKey! * 30, `usage rows ${counts.ApiKeyUsage}`);
  });

  test('row counts follow the scale, at least one row each', () => {
    assert.equal(syntheticRowCounts(1).Message, 2_000_000);
    assert.equal(syntheticRowCounts(5).Message, 10_000_000);
    assert.equal(syntheticRowCounts(0.0015).User, 15);
    assert.equal(syntheticRowCounts(0.00001).User, 1);
    assert.throws(() => syntheticRowCounts(0), /scale/);
    assert.throws(() => syntheticRowCounts(Number.NaN), /scale/);
  });

  test('synthetic users have unique example.test emails, no admin role and a hash that never verifies', async () => {
    const { rows } = await db.pool.query<{ email: string; role: string; passwordHash: string }>(
      `SELECT "email", "role"::text, "passwordHash" FROM "User"`,
    );
    assert.equal(new Set(rows.map((row) => row.email)).size, rows.length);
    for (const row of rows) {
      assert.match(row.email, /^synthetic-[0-9a-f-]{36}@example\.test$/);
      assert.notEqual(row.role, 'admin');
      assert.equal(await verifyPassword(row.passwordHash, ''), false);
      assert.equal(await verifyPassword(row.passwordHash, row.passwordHash), false);
    }
  });

  test('mixes every enum value of the big tables and realistic message statuses', async () => {
    const columns: Array<[string, string, string]> = [
      ['Device', 'status', 'DeviceStatus'],
      ['Message', 'type', 'MessageType'],
      ['Message', 'status', 'MessageStatus'],
      ['Broadcast', 'status', 'BroadcastStatus'],
      ['Payment', 'status', 'PaymentStatus'],
    ];
    for (const [table, column, enumType] of columns) {
      const seen = await scalar(`SELECT count(DISTINCT "${column}") FROM "${table}"`);
      const every = await scalar(`SELECT cardinality(enum_range(NULL::"${enumType}"))`);
      assert.equal(seen, every, `${table}.${column}`);
    }
    const outgoing = await scalar(`SELECT count(*) FROM "Message" WHERE "type" = 'outgoing'`);
    const deliveredOrRead = await scalar(`SELECT count(*) FROM "Message" WHERE "type" = 'outgoing' AND "status" IN ('delivered', 'read')`);
    const failed = await scalar(`SELECT count(*) FROM "Message" WHERE "type" = 'outgoing' AND "status" = 'failed'`);
    assert.ok(deliveredOrRead / outgoing > 0.6, `delivered or read: ${deliveredOrRead}/${outgoing}`);
    assert.ok(failed > 0 && failed / outgoing < 0.2, `failed: ${failed}/${outgoing}`);
    assert.equal(await scalar(`SELECT count(*) FROM "Message" WHERE "type" = 'incoming' AND "status" <> 'received'`), 0);
  });

  test('contacts have emails on about 60 %, a few blank', async () => {
    const withEmail = await scalar(`SELECT count(*) FROM "Contact" WHERE "email" IS NOT NULL AND btrim("email") <> ''`);
    const blank = await scalar(`SELECT count(*) FROM "Contact" WHERE "email" IS NOT NULL AND btrim("email") = ''`);
    assert.ok(withEmail / counts.Contact! > 0.5 && withEmail / counts.Contact! < 0.7, `with email: ${withEmail}`);
    assert.ok(blank > 0 && blank / counts.Contact! < 0.06, `blank: ${blank}`);
  });

  test('about 5 % of chatbot sessions are active, the rest stale or ended', async () => {
    const active = await scalar(`SELECT count(*) FROM "ChatbotSession" WHERE "endedAt" IS NULL AND "lastActivityAt" > now() - interval '30 minutes'`);
    const share = active / counts.ChatbotSession!;
    assert.ok(share > 0.01 && share < 0.12, `active share ${share}`);
    assert.ok(
      (await scalar(`SELECT count(*) FROM "ChatbotSession" WHERE "endedAt" IS NULL AND "lastActivityAt" < now() - interval '30 minutes'`)) > 0,
    );
    assert.ok((await scalar(`SELECT count(*) FROM "ChatbotSession" WHERE "endedAt" IS NOT NULL`)) > counts.ChatbotSession! / 2);
  });

  test('integrations of several types; paid payments carry paidAt', async () => {
    assert.ok((await scalar(`SELECT count(DISTINCT "type") FROM "Integration"`)) >= 3);
    assert.equal(await scalar(`SELECT count(*) FROM "Payment" WHERE ("status" = 'paid') <> ("paidAt" IS NOT NULL) AND "status" <> 'refunded'`), 0);
  });

  test('is additive: a second run adds the same amount again under fresh ids', async () => {
    const before = await tableCounts();
    const summary = await generateSyntheticData(db.pool, { scale: SCALE, seed: 7 });
    const afterRun = await tableCounts();
    for (const table of Object.keys(SCALE_ONE_ROWS)) {
      assert.equal(afterRun[table], before[table]! * 2, table);
      assert.equal(summary.rows[table as keyof typeof summary.rows], before[table], table);
    }
    assert.equal(afterRun.ApiKeyUsage, before.ApiKeyUsage! + summary.rows.ApiKeyUsage);
    // Same seed, same values: the usage counters of both runs match.
    assert.equal(summary.rows.ApiKeyUsage, before.ApiKeyUsage);
    assert.equal(await scalar(`SELECT count(*) FROM "User" WHERE "id" LIKE $1 || '%'`, [summary.runPrefix]), before.User);
  });

  test('a bad --scale fails with exit 1 and one clear line', async () => {
    for (const args of [['--scale', '0'], ['--scale', 'abc'], ['--scale', '-1'], [], ['--scale', '1', '--seed', 'x'], ['--sacle', '1']]) {
      const result = await runGenerate(args, { DATABASE_URL: db.url });
      assert.equal(result.code, 1, `${args.join(' ')}: exit code`);
      const lines = result.stderr.trim().split('\n');
      assert.equal(lines.length, 1, `${args.join(' ')}: one line, got ${result.stderr}`);
      assert.match(lines[0]!, /^error: .*(--scale|--seed|--sacle).*usage: npm run db:generate/, args.join(' '));
      assert.doesNotMatch(result.stderr, /\n\s+at /);
    }
    // Nothing was generated by the failed runs.
    assert.equal(await scalar(`SELECT count(*) FROM "User"`), counts.User! * 2);
  });

  test('a missing DATABASE_URL fails with one line naming it', async () => {
    const result = await runGenerate(['--scale', '1'], { DATABASE_URL: '' });
    assert.equal(result.code, 1);
    assert.equal(result.stderr.trim(), 'error: DATABASE_URL is not set: the database to fill with synthetic data');
  });

  test('parses flags with decimals, = syntax and a default seed', () => {
    assert.deepEqual(parseGenerateArgs(['--scale', '0.001']), { scale: 0.001, seed: 42 });
    assert.deepEqual(parseGenerateArgs(['--scale=2', '--seed=-3']), { scale: 2, seed: -3 });
    assert.throws(() => parseGenerateArgs(['--scale', '1e9']), /--scale must be/);
    assert.throws(() => parseGenerateArgs(['--scale', '']), /--scale must be/);
    assert.throws(() => parseGenerateArgs(['--scale', '1', 'extra']), /usage/);
  });
});
