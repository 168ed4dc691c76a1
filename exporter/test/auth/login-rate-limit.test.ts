import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { startTestExporter, type TestExporter } from '../support/test-exporter.js';
import { createAccount, freshClientIp, postJson, type TestAccount } from './support/accounts.js';

describe('sign-in rate limits', () => {
  let db: TestDatabase;
  let exporter: TestExporter;
  let target: TestAccount;
  let bystander: TestAccount;
  let regular: TestAccount;

  const login = (body: unknown, ip = freshClientIp()) => postJson(`${exporter.url}/api/auth/login`, body, { 'X-Forwarded-For': ip });

  const assertRateLimited = async (response: Response) => {
    assert.equal(response.status, 429);
    const retryAfter = Number(response.headers.get('retry-after'));
    assert.ok(Number.isInteger(retryAfter) && retryAfter > 0 && retryAfter <= 15 * 60, `Retry-After ${response.headers.get('retry-after')}`);
    const body = (await response.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'rate_limited');
    assert.match(body.error.message, /too many sign-in attempts/);
  };

  before(async () => {
    db = await createTestDatabase();
    exporter = await startTestExporter({ pool: db.pool, env: { TRUST_PROXY: 'loopback' } });
    [target, bystander, regular] = await Promise.all([
      createAccount(db.pool, { email: 'target@kewhats.test', role: 'monitoring' }),
      createAccount(db.pool, { email: 'bystander@kewhats.test', role: 'monitoring' }),
      createAccount(db.pool, { email: 'regular@kewhats.test', role: 'monitoring' }),
    ]);
  });
  after(async () => {
    await exporter?.close();
    await db?.drop();
  });

  it('locks an account for the window after 5 failures, from any address, in any spelling of the email', async () => {
    const spellings = ['target@kewhats.test', 'TARGET@kewhats.test', ' Target@KeWhats.test ', 'target@KEWHATS.TEST', 'target@kewhats.test'];
    for (const email of spellings) {
      assert.equal((await login({ email, password: 'wrong guess' })).status, 401);
    }
    // Even the right password is turned away now.
    await assertRateLimited(await login({ email: target.email, password: target.password }));
    // Another account is not affected.
    assert.equal((await login({ email: bystander.email, password: bystander.password })).status, 200);
  });

  it('limits failures per client address to 20 per window', async () => {
    const ip = freshClientIp();
    for (let attempt = 0; attempt < 20; attempt += 1) {
      assert.equal((await login({ email: `spray-${attempt}@kewhats.test`, password: 'Summer2026!' }, ip)).status, 401);
    }
    await assertRateLimited(await login({ email: 'spray-20@kewhats.test', password: 'Summer2026!' }, ip));
    await assertRateLimited(await login({ email: bystander.email, password: bystander.password }, ip));
    // Other addresses carry on.
    assert.equal((await login({ email: bystander.email, password: bystander.password })).status, 200);
  });

  it('does not count successful sign-ins', async () => {
    const ip = freshClientIp();
    for (let attempt = 0; attempt < 25; attempt += 1) {
      assert.equal((await login({ email: regular.email, password: regular.password }, ip)).status, 200, `sign-in ${attempt + 1}`);
    }
  });
});
