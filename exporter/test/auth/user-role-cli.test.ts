import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { createAccount, roleOf, type TestAccount } from './support/accounts.js';

const EXPORTER_DIR = fileURLToPath(new URL('../../', import.meta.url));

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `src/cli/user-role.ts` (what `npm run user:role` runs after generating the Prisma
 * client) in a child process. Asynchronously on purpose: with the embedded database the
 * PostgreSQL server lives in this test process, and a synchronous spawn would starve it.
 */
function runUserRole(args: string[], env: Record<string, string | undefined>): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: undefined, ...env };
    for (const [key, value] of Object.entries(childEnv)) if (value === undefined) delete childEnv[key];
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/user-role.ts', ...args], { cwd: EXPORTER_DIR, env: childEnv });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function assertOneLineFailure(run: CliRun, pattern: RegExp): void {
  assert.equal(run.code, 1, `exit code (stderr: ${run.stderr})`);
  const lines = run.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line on stderr, got: ${run.stderr}`);
  assert.match(lines[0]!, /^error: /);
  assert.match(lines[0]!, pattern);
  assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
}

describe('npm run user:role', () => {
  let db: TestDatabase;
  let admin: TestAccount;
  let staff: TestAccount;

  before(async () => {
    db = await createTestDatabase();
    admin = await createAccount(db.pool, { email: 'only-admin@kewhats.test', role: 'admin' });
    staff = await createAccount(db.pool, { email: 'Staff.Member@kewhats.test', role: 'user' });
  });
  after(async () => {
    await db?.drop();
  });

  it('makes a user a monitoring user, finding the email case-insensitively', async () => {
    const run = await runUserRole(['--email', 'staff.member@KEWHATS.test', '--role', 'monitoring'], { DATABASE_URL: db.url });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout.trim(), 'Staff.Member@kewhats.test is now monitoring');
    assert.equal(await roleOf(db.pool, staff.id), 'monitoring');
  });

  it('refuses to demote the last admin', async () => {
    const run = await runUserRole(['--email', admin.email, '--role', 'monitoring'], { DATABASE_URL: db.url });
    assertOneLineFailure(run, /only-admin@kewhats\.test is the last admin/);
    assert.equal(await roleOf(db.pool, admin.id), 'admin');
  });

  it('demotes an admin when another admin remains', async () => {
    assert.equal((await runUserRole(['--email', staff.email, '--role', 'admin'], { DATABASE_URL: db.url })).code, 0);
    const run = await runUserRole(['--email', admin.email, '--role', 'user'], { DATABASE_URL: db.url });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(await roleOf(db.pool, admin.id), 'user');
    assert.equal(await roleOf(db.pool, staff.id), 'admin');
  });

  it('fails with one clear line on bad input or environment', async () => {
    const [unknownEmail, badRole, noRole, noEmail, strayOption, noDatabase, unreachable] = await Promise.all([
      runUserRole(['--email', 'nobody@kewhats.test', '--role', 'monitoring'], { DATABASE_URL: db.url }),
      runUserRole(['--email', admin.email, '--role', 'root'], { DATABASE_URL: db.url }),
      runUserRole(['--email', admin.email], { DATABASE_URL: db.url }),
      runUserRole(['--role', 'monitoring'], { DATABASE_URL: db.url }),
      runUserRole(['--email', admin.email, '--role', 'user', '--force'], { DATABASE_URL: db.url }),
      runUserRole(['--email', admin.email, '--role', 'monitoring'], {}),
      runUserRole(['--email', admin.email, '--role', 'monitoring'], { DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/nowhere' }),
    ]);
    assertOneLineFailure(unknownEmail!, /no user with email nobody@kewhats\.test/);
    assertOneLineFailure(badRole!, /--role must be one of user, admin, monitoring/);
    assertOneLineFailure(noRole!, /--role is required/);
    assertOneLineFailure(noEmail!, /--email is required/);
    assertOneLineFailure(strayOption!, /--force/);
    assertOneLineFailure(noDatabase!, /DATABASE_URL is not set/);
    assertOneLineFailure(unreachable!, /cannot use database/);
    // None of them changed anything.
    assert.equal(await roleOf(db.pool, admin.id), 'user');
  });
});
