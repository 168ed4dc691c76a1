import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { startTestExporter, type TestExporter } from '../support/test-exporter.js';
import { ManualClock, SECOND, MINUTE } from '../gateway/support/sessions.js';
import { createAccount, freshClientIp, postJson, type TestAccount } from './support/accounts.js';

// Two exporter replicas on one database with one (hand-moved) clock: every limit must hold
// across them, since the counters live in PostgreSQL.
describe('sign-in limits shared by two exporter instances', () => {
  let db: TestDatabase;
  let first: TestExporter;
  let second: TestExporter;
  const clock = new ManualClock();
  const accounts: Record<string, TestAccount> = {};

  const login = (via: TestExporter, body: unknown, ip: string) => postJson(`${via.url}/api/auth/login`, body, { 'X-Forwarded-For': ip });
  const gatewayLogin = (via: TestExporter, body: unknown, ip: string) => postJson(`${via.url}/login`, body, { 'X-Forwarded-For': ip });

  const retryAfterOf = async (response: Response): Promise<number> => {
    assert.equal(response.status, 429);
    const retryAfter = Number(response.headers.get('retry-after'));
    assert.ok(Number.isInteger(retryAfter) && retryAfter > 0 && retryAfter <= 15 * 60, `Retry-After ${response.headers.get('retry-after')}`);
    const body = (await response.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'rate_limited');
    assert.match(body.error.message, /too many sign-in attempts: try again in \d+ (second|minute)s?/);
    return retryAfter;
  };

  const account = async (name: string) => {
    accounts[name] = await createAccount(db.pool, { email: `${name}@kewhats.test`, role: 'monitoring' });
    return accounts[name]!;
  };

  before(async () => {
    db = await createTestDatabase();
    const env = { TRUST_PROXY: 'loopback' };
    [first, second] = await Promise.all([
      startTestExporter({ pool: db.pool, env, authClock: clock.read }),
      startTestExporter({ pool: db.pool, env, authClock: clock.read }),
    ]);
  });
  after(async () => {
    await first?.close();
    await second?.close();
    await db?.drop();
  });

  it('slows one client down on one account after 5 misses, on both instances, and never refuses a clean client', async () => {
    const target = await account('target');
    const attacker = freshClientIp();
    const spellings = ['target@kewhats.test', 'TARGET@kewhats.test', ' Target@KeWhats.test ', 'target@KEWHATS.TEST', 'target@kewhats.test'];
    for (const [index, email] of spellings.entries()) {
      assert.equal((await login(index % 2 ? second : first, { email, password: 'wrong guess' }, attacker)).status, 401);
    }
    // The attacker's client waits, even with the right password, on either instance…
    assert.equal(await retryAfterOf(await login(second, { email: target.email, password: target.password }, attacker)), 30);
    assert.equal(await retryAfterOf(await gatewayLogin(first, { email: target.email, password: target.password }, attacker)), 30);
    // …while the real user, from a client that has not been failing, signs in at once.
    assert.equal((await login(first, { email: target.email, password: target.password }, freshClientIp())).status, 200);
    assert.equal((await gatewayLogin(second, { email: target.email, password: target.password }, freshClientIp())).status, 200);
  });

  it('doubles the wait with each further miss (a slow-down, not a lock-out), up to 15 minutes', async () => {
    const slowed = await account('slowed');
    const attacker = freshClientIp();
    for (let miss = 0; miss < 5; miss += 1) assert.equal((await login(first, { email: slowed.email, password: 'nope' }, attacker)).status, 401);
    const waits: number[] = [];
    for (let round = 0; round < 7; round += 1) {
      const wait = await retryAfterOf(await login(round % 2 ? first : second, { email: slowed.email, password: 'nope' }, attacker));
      waits.push(wait);
      clock.advance(wait * SECOND);
      // After waiting, one more guess is checked (and fails): the next wait is twice as long.
      assert.equal((await login(round % 2 ? second : first, { email: slowed.email, password: 'nope' }, attacker)).status, 401);
    }
    assert.deepEqual(waits, [30, 60, 120, 240, 480, 900, 900]);
    // Once the wait is over, the right password gets in from that client too.
    clock.advance(15 * MINUTE);
    assert.equal((await login(second, { email: slowed.email, password: slowed.password }, attacker)).status, 200);
  });

  it('slows down a client guessing many accounts after 20 misses, across both instances', async () => {
    const bystander = await account('bystander');
    const sprayer = freshClientIp();
    for (let attempt = 0; attempt < 20; attempt += 1) {
      const via = attempt % 2 ? second : first;
      assert.equal((await login(via, { email: `spray-${attempt}@kewhats.test`, password: 'Summer2026!' }, sprayer)).status, 401);
    }
    assert.equal(await retryAfterOf(await login(first, { email: 'spray-20@kewhats.test', password: 'Summer2026!' }, sprayer)), 15);
    await retryAfterOf(await login(second, { email: bystander.email, password: bystander.password }, sprayer));
    // Other addresses carry on.
    assert.equal((await login(second, { email: bystander.email, password: bystander.password }, freshClientIp())).status, 200);
  });

  it('slows down failing clients on an account under a distributed attack, but lets a clean client in', async () => {
    const victim = await account('victim');
    const botnet = Array.from({ length: 12 }, () => freshClientIp());
    for (const [index, bot] of botnet.entries()) {
      assert.equal((await login(index % 2 ? first : second, { email: victim.email, password: `guess-${index}` }, bot)).status, 401);
    }
    // Each bot has failed once: the account's counter (10 free misses) holds them all back now…
    for (const bot of botnet.slice(0, 3)) await retryAfterOf(await login(first, { email: victim.email, password: 'another guess' }, bot));
    // …but never the real user from a clean client, on either instance.
    assert.equal((await login(first, { email: victim.email, password: victim.password }, freshClientIp())).status, 200);
    assert.equal((await gatewayLogin(second, { email: victim.email, password: victim.password }, freshClientIp())).status, 200);
  });

  it('counts a burst of parallel guesses before checking them: at most 5 are checked', async () => {
    const burst = await account('burst');
    const attacker = freshClientIp();
    const guess = (n: number) => login(n % 2 ? first : second, { email: burst.email, password: `parallel-${n}` }, attacker);
    // A true race needs the PostgreSQL server: the embedded one runs one statement at a time and
    // its socket multiplexer mixes up concurrent connections' unnamed portals, so there the
    // guesses go one after another (the count is the same; only the race is not exercised).
    const responses: Response[] = [];
    if (db.kind === 'server') responses.push(...(await Promise.all(Array.from({ length: 8 }, (_, n) => guess(n)))));
    else for (let n = 0; n < 8; n += 1) responses.push(await guess(n));
    const statuses = responses.map((response) => response.status);
    assert.equal(statuses.filter((status) => status === 401).length, 5, statuses.join(' '));
    assert.equal(statuses.filter((status) => status === 429).length, 3, statuses.join(' '));
  });

  it('does not count successful sign-ins', async () => {
    const regular = await account('regular');
    const office = freshClientIp();
    for (let attempt = 0; attempt < 25; attempt += 1) {
      assert.equal(
        (await login(attempt % 2 ? first : second, { email: regular.email, password: regular.password }, office)).status,
        200,
        `sign-in ${attempt + 1}`,
      );
    }
  });

  it('keeps its counters in PostgreSQL, hashed: no email or address in clear', async () => {
    const { rows } = await db.pool.query<{ keyHash: string }>(`SELECT "keyHash" FROM "LoginThrottle"`);
    assert.ok(rows.length > 0);
    for (const row of rows) assert.match(row.keyHash, /^[0-9a-f]{64}$/);
    const text = JSON.stringify((await db.pool.query(`SELECT * FROM "LoginThrottle"`)).rows);
    assert.doesNotMatch(text, /kewhats\.test|10\.\d+\.\d+\.\d+/);
  });
});
