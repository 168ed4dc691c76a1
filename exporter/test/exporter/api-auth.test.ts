import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import jwt from 'jsonwebtoken';
import { generateRsaKeyPair } from '../../src/auth/keys.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { startTestExporter, testKeys, type TestExporter } from '../support/test-exporter.js';
import { getJson } from '../support/http.js';

const base64url = (value: object | string) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const claims = (role: string, expiresInSeconds = 300) => ({
  sub: 'someone',
  email: 'someone@test.example',
  role,
  exp: Math.floor(Date.now() / 1000) + expiresInSeconds,
});

function assertErrorShape(response: { status: number; body: any }, status: number, code: string): void {
  assert.equal(response.status, status, JSON.stringify(response.body));
  assert.equal(response.body?.error?.code, code);
  assert.equal(typeof response.body.error.message, 'string');
  assert.doesNotMatch(JSON.stringify(response.body), /at .*\.ts:\d+|BEGIN .*KEY/); // no stack trace, no key
}

describe('monitoring API: authentication and errors', () => {
  let db: TestDatabase;
  let exporter: TestExporter;
  const api = (path: string, init: RequestInit = {}) => getJson(`${exporter.url}${path}`, init);
  const bearer = (token: string) => ({ headers: { Authorization: `Bearer ${token}` } });

  before(async () => {
    db = await createTestDatabase();
    exporter = await startTestExporter({ pool: db.pool });
  });
  after(async () => {
    await exporter?.close();
    await db?.drop();
  });

  test('no credentials: 401 with WWW-Authenticate', async () => {
    const response = await api('/api/monitoring/users');
    assertErrorShape(response, 401, 'unauthorized');
    assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer/);
  });

  test('monitoring and admin tokens and the machine token are allowed', async () => {
    for (const role of ['monitoring', 'admin', 'machine'] as const) {
      const response = await api('/api/monitoring/users', { headers: exporter.authHeaders(role) });
      assert.equal(response.status, 200, role);
      assert.equal(typeof response.body.total, 'number');
    }
  });

  test('role user is authenticated but forbidden on every monitoring route', async () => {
    for (const section of [
      'dashboard',
      'users',
      'connections',
      'integrations',
      'chatbots',
      'broadcasts',
      'contacts',
      'webhooks',
      'contacts/export?type=contact',
    ]) {
      assertErrorShape(await api(`/api/monitoring/${section}`, { headers: exporter.authHeaders('user') }), 403, 'forbidden');
    }
  });

  test('a token signed by another key is refused', async () => {
    const stranger = generateRsaKeyPair();
    const token = jwt.sign(claims('admin'), stranger.privateKey, { algorithm: 'RS256' });
    assertErrorShape(await api('/api/monitoring/users', bearer(token)), 401, 'unauthorized');
  });

  test('alg none is refused', async () => {
    const token = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims('admin'))}.`;
    assertErrorShape(await api('/api/monitoring/users', bearer(token)), 401, 'unauthorized');
  });

  test('HS256 signed with the public key as the secret is refused (algorithm confusion)', async () => {
    const unsigned = `${base64url({ alg: 'HS256', typ: 'JWT' })}.${base64url(claims('admin'))}`;
    const signature = createHmac('sha256', testKeys().publicKey).update(unsigned).digest('base64url');
    assertErrorShape(await api('/api/monitoring/users', bearer(`${unsigned}.${signature}`)), 401, 'unauthorized');
  });

  test('an expired token is refused and says so', async () => {
    const token = jwt.sign(claims('monitoring', -5), testKeys().privateKey, { algorithm: 'RS256' });
    const response = await api('/api/monitoring/users', bearer(token));
    assertErrorShape(response, 401, 'unauthorized');
    assert.match(response.body.error.message, /expired/);
  });

  test('a token with an unknown role or without claims is refused', async () => {
    for (const payload of [claims('superuser'), { sub: 'x', exp: claims('admin').exp }]) {
      const token = jwt.sign(payload, testKeys().privateKey, { algorithm: 'RS256' });
      assertErrorShape(await api('/api/monitoring/users', bearer(token)), 401, 'unauthorized');
    }
  });

  test('a wrong machine token and malformed Authorization headers are refused', async () => {
    assertErrorShape(await api('/api/monitoring/users', bearer(`${exporter.machineToken}x`)), 401, 'unauthorized');
    assertErrorShape(await api('/api/monitoring/users', { headers: { Authorization: `Basic ${exporter.machineToken}` } }), 401, 'unauthorized');
    assertErrorShape(await api('/api/monitoring/users', { headers: { Authorization: 'Bearer' } }), 401, 'unauthorized');
  });

  test('any method but GET and HEAD is a 405 with Allow', async () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      const response = await api('/api/monitoring/users', { method, headers: exporter.authHeaders('admin') });
      assertErrorShape(response, 405, 'method_not_allowed');
      assert.equal(response.headers.get('allow'), 'GET, HEAD');
    }
  });

  test('HEAD answers the headers without a body', async () => {
    const response = await fetch(`${exporter.url}/api/monitoring/users`, { method: 'HEAD', headers: exporter.authHeaders() });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /application\/json/);
    assert.equal(await response.text(), '');
  });

  test('unknown sections and routes are 404 in the API error shape', async () => {
    assertErrorShape(await api('/api/monitoring/nope', { headers: exporter.authHeaders() }), 404, 'not_found');
    assertErrorShape(await api('/api/nope'), 404, 'not_found');
    assertErrorShape(await api('/nope'), 404, 'not_found');
  });

  test('bad from/to values are a 400 that says what is wrong', async () => {
    const cases: Array<[string, RegExp]> = [
      ['?from=yesterday&to=2026-12-01', /from must be an ISO 8601/],
      ['?from=2026-02-31&to=2026-03-05', /from must be an ISO 8601/],
      ['?from=2026-12-01&to=2026-11-01', /from must be before to/],
      ['?from=2026-12-01&to=2026-12-01', /from must be before to/],
      ['?from=2026-11-01', /give both or neither/],
      ['?from=1&from=2&to=3', /single value/],
    ];
    for (const [query, message] of cases) {
      const response = await api(`/api/monitoring/dashboard${query}`, { headers: exporter.authHeaders() });
      assertErrorShape(response, 400, 'bad_request');
      assert.match(response.body.error.message, message, query);
    }
  });

  test('the export refuses an unknown or missing type with a 400', async () => {
    for (const query of ['?type=phone', '', '?type=CONTACT']) {
      const response = await api(`/api/monitoring/contacts/export${query}`, { headers: exporter.authHeaders() });
      assertErrorShape(response, 400, 'bad_request');
      assert.match(response.body.error.message, /type must be "contact" or "email"/);
    }
  });

  test('/metrics needs the machine token or a monitoring JWT', async () => {
    assert.equal((await api('/metrics')).status, 401);
    assert.equal((await api('/metrics', { headers: exporter.authHeaders('user') })).status, 403);
    for (const role of ['machine', 'monitoring', 'admin'] as const) {
      const response = await fetch(`${exporter.url}/metrics`, { headers: exporter.authHeaders(role) });
      assert.equal(response.status, 200, role);
      assert.match(await response.text(), /kewhats_users\{/);
    }
  });

  test('liveness and readiness need no credentials and reveal nothing', async () => {
    assert.deepEqual((await api('/healthz')).body, { status: 'ok' });
    assert.deepEqual((await api('/readyz')).body, { status: 'ready', database: 'up' });
  });

  test('responses carry security headers and a request id', async () => {
    const response = await fetch(`${exporter.url}/api/monitoring/users`, { headers: { ...exporter.authHeaders(), 'X-Request-Id': 'trace-123' } });
    assert.equal(response.headers.get('x-request-id'), 'trace-123');
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
    assert.match(response.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    assert.equal(response.headers.get('x-powered-by'), null);
  });
});

describe('metrics can be made public', () => {
  test('METRICS_PUBLIC=true serves /metrics without credentials, the API stays protected', async () => {
    const db = await createTestDatabase();
    const exporter = await startTestExporter({ pool: db.pool, env: { METRICS_PUBLIC: 'true' } });
    try {
      assert.equal((await fetch(`${exporter.url}/metrics`)).status, 200);
      assert.equal((await fetch(`${exporter.url}/api/monitoring/users`)).status, 401);
    } finally {
      await exporter.close();
      await db.drop();
    }
  });
});
