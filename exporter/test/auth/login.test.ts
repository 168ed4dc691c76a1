import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import jwt from 'jsonwebtoken';
import { pino } from 'pino';
import { loadConfig } from '../../src/config.js';
import { startExporter, type Exporter } from '../../src/exporter.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { startTestExporter, testKeys, type TestExporter } from '../support/test-exporter.js';
import { createAccount, freshClientIp, postJson, type TestAccount } from './support/accounts.js';

describe('POST /api/auth/login', () => {
  let db: TestDatabase;
  let exporter: TestExporter;
  let monitoring: TestAccount;
  let admin: TestAccount;
  let user: TestAccount;
  let mixedCase: TestAccount;

  const login = (body: unknown, headers: Record<string, string> = {}) =>
    postJson(`${exporter.url}/api/auth/login`, body, { 'X-Forwarded-For': freshClientIp(), ...headers });

  before(async () => {
    db = await createTestDatabase();
    exporter = await startTestExporter({ pool: db.pool, env: { TRUST_PROXY: 'loopback' } });
    [monitoring, admin, user, mixedCase] = await Promise.all([
      createAccount(db.pool, { email: 'watcher@kewhats.test', role: 'monitoring' }),
      createAccount(db.pool, { email: 'boss@kewhats.test', role: 'admin' }),
      createAccount(db.pool, { email: 'customer@kewhats.test', role: 'user' }),
      createAccount(db.pool, { email: 'Mixed.Case@KeWhats.test', role: 'monitoring' }),
    ]);
  });
  after(async () => {
    await exporter?.close();
    await db?.drop();
  });

  it('signs a monitoring account in with an RS256 token carrying sub, email, role and exp', async () => {
    const before = Math.floor(Date.now() / 1000);
    const response = await login({ email: monitoring.email, password: monitoring.password });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    const body = (await response.json()) as { token: string; expiresAt: string; user: unknown };
    assert.deepEqual(body.user, { id: monitoring.id, email: monitoring.email, role: 'monitoring' });

    const decoded = jwt.decode(body.token, { complete: true })!;
    assert.equal(decoded.header.alg, 'RS256');
    const claims = decoded.payload as jwt.JwtPayload;
    assert.equal(claims.sub, monitoring.id);
    assert.equal(claims.email, monitoring.email);
    assert.equal(claims.role, 'monitoring');
    assert.ok(claims.exp! >= before + 900 && claims.exp! <= Math.floor(Date.now() / 1000) + 900, `exp ${claims.exp} is not now + 900 s`);
    assert.equal(claims.iss, undefined);
    assert.equal(claims.aud, undefined);
    assert.equal(body.expiresAt, new Date(claims.exp! * 1000).toISOString());
    // The signature verifies with the configured public key, RS256 only.
    assert.doesNotThrow(() => jwt.verify(body.token, testKeys().publicKey, { algorithms: ['RS256'] }));

    const users = await fetch(`${exporter.url}/api/monitoring/users`, { headers: { Authorization: `Bearer ${body.token}` } });
    assert.equal(users.status, 200);
  });

  it('signs in admins, and ordinary users too (the API answers every role)', async () => {
    const asAdmin = await login({ email: admin.email, password: admin.password });
    assert.equal(asAdmin.status, 200);
    assert.equal(((await asAdmin.json()) as { user: { role: string } }).user.role, 'admin');

    const asUser = await login({ email: user.email, password: user.password });
    assert.equal(asUser.status, 200);
    const { token, user: account } = (await asUser.json()) as { token: string; user: { role: string } };
    assert.equal(account.role, 'user');
    // …but the token opens nothing in monitoring.
    const users = await fetch(`${exporter.url}/api/monitoring/users`, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(users.status, 403);
  });

  it('compares emails trimmed and case-insensitively, and puts the stored email in the token', async () => {
    const shouting = await login({ email: '  WATCHER@KeWhats.TEST ', password: monitoring.password });
    assert.equal(shouting.status, 200);
    assert.equal(((await shouting.json()) as { user: { id: string } }).user.id, monitoring.id);

    const lower = await login({ email: 'mixed.case@kewhats.test', password: mixedCase.password });
    assert.equal(lower.status, 200);
    const { token } = (await lower.json()) as { token: string };
    assert.equal((jwt.decode(token) as jwt.JwtPayload).email, 'Mixed.Case@KeWhats.test');
  });

  it('answers an unknown email and a wrong password with the same 401', async () => {
    const unknown = await login({ email: 'nobody@kewhats.test', password: monitoring.password });
    const wrong = await login({ email: monitoring.email, password: `${monitoring.password}x` });
    assert.equal(unknown.status, 401);
    assert.equal(wrong.status, 401);
    const unknownBody = await unknown.json();
    assert.deepEqual(unknownBody, { error: { code: 'unauthorized', message: 'invalid email or password' } });
    assert.deepEqual(await wrong.json(), unknownBody);
  });

  it('does not treat LIKE wildcards in the email as patterns', async () => {
    // With ILIKE, `watche_` would match `watcher`.
    const wildcard = await login({ email: 'watche_@kewhats.test', password: monitoring.password });
    assert.equal(wildcard.status, 401);
  });

  for (const [name, body, contentType] of [
    ['no body', undefined, 'application/json'],
    ['an empty object', {}, 'application/json'],
    ['no password', { email: 'watcher@kewhats.test' }, 'application/json'],
    ['no email', { password: 'secret' }, 'application/json'],
    ['an empty password', { email: 'watcher@kewhats.test', password: '' }, 'application/json'],
    ['a number as email', { email: 42, password: 'secret' }, 'application/json'],
    ['not an email', { email: 'watcher', password: 'secret' }, 'application/json'],
    ['malformed JSON', '{"email": ', 'application/json'],
    ['a form instead of JSON', 'email=watcher%40kewhats.test&password=x', 'application/x-www-form-urlencoded'],
  ] as const) {
    it(`answers 400 in the API's error shape for ${name}`, async () => {
      const response = await fetch(`${exporter.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'Content-Type': contentType, 'X-Forwarded-For': freshClientIp() },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      assert.equal(response.status, 400);
      const error = (await response.json()) as { error: { code: string; message: string } };
      assert.equal(error.error.code, 'bad_request');
      assert.equal(typeof error.error.message, 'string');
      assert.ok(error.error.message.length > 0);
    });
  }

  it('refuses other methods with 405 and unknown /api/auth paths with 404', async () => {
    const get = await fetch(`${exporter.url}/api/auth/login`);
    assert.equal(get.status, 405);
    assert.equal(get.headers.get('allow'), 'POST');
    const unknown = await fetch(`${exporter.url}/api/auth/keys`);
    assert.equal(unknown.status, 404);
    assert.equal(((await unknown.json()) as { error: { code: string } }).error.code, 'not_found');
  });

  it('rejects a signed-in token once it is past its exp (401 on /api/monitoring/users)', async () => {
    const response = await login({ email: monitoring.email, password: monitoring.password });
    const { token } = (await response.json()) as { token: string };
    const claims = jwt.decode(token) as jwt.JwtPayload;
    const now = Math.floor(Date.now() / 1000);
    // The same claims, signed with the same key, but expired a minute ago.
    const expired = jwt.sign({ ...claims, iat: now - 1000, exp: now - 60 }, testKeys().privateKey, { algorithm: 'RS256' });
    const users = await fetch(`${exporter.url}/api/monitoring/users`, { headers: { Authorization: `Bearer ${expired}` } });
    assert.equal(users.status, 401);
    assert.deepEqual(await users.json(), { error: { code: 'unauthorized', message: 'token expired' } });
  });
});

describe('POST /api/auth/login with JWT_ISSUER, JWT_AUDIENCE and JWT_TTL_SECONDS', () => {
  let db: TestDatabase;
  let exporter: TestExporter;
  let account: TestAccount;

  before(async () => {
    db = await createTestDatabase();
    exporter = await startTestExporter({
      pool: db.pool,
      env: { JWT_ISSUER: 'https://kewhats.test', JWT_AUDIENCE: 'kewhats-monitoring', JWT_TTL_SECONDS: '120' },
    });
    account = await createAccount(db.pool, { email: 'viewer@kewhats.test', role: 'monitoring' });
  });
  after(async () => {
    await exporter?.close();
    await db?.drop();
  });

  it('adds iss and aud, and honours the configured lifetime', async () => {
    const response = await postJson(`${exporter.url}/api/auth/login`, { email: account.email, password: account.password });
    assert.equal(response.status, 200);
    const { token } = (await response.json()) as { token: string };
    const claims = jwt.decode(token) as jwt.JwtPayload;
    assert.equal(claims.iss, 'https://kewhats.test');
    assert.equal(claims.aud, 'kewhats-monitoring');
    assert.equal(claims.exp! - claims.iat!, 120);
    const users = await fetch(`${exporter.url}/api/monitoring/users`, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(users.status, 200);
  });
});

describe('sign-in logging', () => {
  let db: TestDatabase;
  let exporter: Exporter;
  const lines: string[] = [];

  before(async () => {
    db = await createTestDatabase();
    const keys = testKeys();
    const config = loadConfig({
      DATABASE_URL: 'postgresql://unused.invalid/test',
      PORT: '0',
      HOST: '127.0.0.1',
      JWT_PUBLIC_KEY: keys.publicKey,
      JWT_PRIVATE_KEY: keys.privateKey,
    });
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    exporter = await startExporter({ config, pool: db.pool, logger: pino({ level: 'trace' }, sink) });
  });
  after(async () => {
    await exporter?.close();
    await db?.drop();
  });

  it('never writes a password or a token to the log', async () => {
    const account = await createAccount(db.pool, { email: 'logged@kewhats.test', role: 'monitoring', password: 'Sup3r-Secret-Passw0rd' });
    const ok = await postJson(`${exporter.url}/api/auth/login`, { email: account.email, password: account.password });
    const { token } = (await ok.json()) as { token: string };
    await postJson(`${exporter.url}/api/auth/login`, { email: account.email, password: 'Wr0ng-Passw0rd-Guess' });
    await fetch(`${exporter.url}/api/monitoring/users`, { headers: { Authorization: `Bearer ${token}` } });
    const log = lines.join('');
    assert.ok(log.includes('/api/auth/login'), 'the requests were logged at all');
    for (const secret of [account.password, 'Wr0ng-Passw0rd-Guess', token, token.split('.')[2]!]) {
      assert.ok(!log.includes(secret), 'a secret reached the log');
    }
  });
});
