import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import jwt from 'jsonwebtoken';
import WebSocket from 'ws';
import { generateRsaKeyPair } from '../../src/auth/keys.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { startTestExporter, testKeys, type TestExporter } from '../support/test-exporter.js';
import { createAccount, freshClientIp, type TestAccount } from '../auth/support/accounts.js';
import { startStandInGrafana, type StandInGrafana } from './support/stand-in-grafana.js';

const SESSION = 'kewhats_session';

/** The session cookie set by a response, as `name=value` for a Cookie header, plus its attributes. */
function sessionCookieOf(response: Response): { pair: string; attributes: string[] } | undefined {
  const header = response.headers.getSetCookie().find((cookie) => cookie.startsWith(`${SESSION}=`));
  if (!header) return undefined;
  const [pair, ...attributes] = header.split(';').map((part) => part.trim());
  return { pair: pair!, attributes };
}

function claimsOf(token: string): jwt.JwtPayload {
  return jwt.decode(token) as jwt.JwtPayload;
}

describe('Grafana login gateway', () => {
  let db: TestDatabase;
  let grafana: StandInGrafana;
  let exporter: TestExporter;
  let monitoring: TestAccount;
  let admin: TestAccount;
  let user: TestAccount;

  const formLogin = (fields: Record<string, string>, headers: Record<string, string> = {}, path = '/login') =>
    fetch(`${exporter.url}${path}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Forwarded-For': freshClientIp(), ...headers },
      body: new URLSearchParams(fields).toString(),
    });

  const jsonLogin = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${exporter.url}/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': freshClientIp(), ...headers },
      body: JSON.stringify(body),
    });

  /** Signs in through the gateway and returns the `kewhats_session=…` pair for a Cookie header. */
  const sessionFor = async (account: TestAccount): Promise<string> => {
    const response = await jsonLogin({ email: account.email, password: account.password });
    assert.equal(response.status, 200);
    return sessionCookieOf(response)!.pair;
  };

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${exporter.url}${path}`, { redirect: 'manual', headers });

  before(async () => {
    db = await createTestDatabase();
    grafana = await startStandInGrafana();
    exporter = await startTestExporter({ pool: db.pool, env: { GRAFANA_URL: grafana.url, TRUST_PROXY: 'loopback' } });
    [monitoring, admin, user] = await Promise.all([
      createAccount(db.pool, { email: 'viewer@kewhats.test', role: 'monitoring' }),
      createAccount(db.pool, { email: 'chief@kewhats.test', role: 'admin' }),
      createAccount(db.pool, { email: 'customer@kewhats.test', role: 'user' }),
    ]);
  });
  after(async () => {
    await exporter?.close();
    await grafana?.close();
    await db?.drop();
  });
  beforeEach(() => {
    grafana.requests.length = 0;
    grafana.websockets.length = 0;
  });

  describe('the sign-in page', () => {
    it('is server-rendered HTML with labelled fields, no script and a strict CSP', async () => {
      const response = await get('/login');
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type')!, /^text\/html/);
      assert.equal(response.headers.get('cache-control'), 'no-store');
      const csp = response.headers.get('content-security-policy')!;
      assert.match(csp, /default-src 'none'/);
      assert.match(csp, /form-action 'self'/);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.doesNotMatch(csp, /unsafe-inline|script-src/);
      const html = await response.text();
      assert.doesNotMatch(html, /<script/i);
      assert.doesNotMatch(html, /(src|href)="https?:/, 'no external assets');
      assert.match(html, /KeWhats/);
      assert.match(html, /<form method="post" action="\/login"/);
      assert.match(html, /<label for="email">Email<\/label>/);
      assert.match(html, /<input id="email" name="email" type="email"/);
      assert.match(html, /<label for="password">Password<\/label>/);
      assert.match(html, /<input id="password" name="password" type="password"/);
      assert.equal(grafana.requests.length, 0);
    });

    it('carries a safe next path in the form, and drops an unsafe one', async () => {
      const safe = await (await get(`/login?next=${encodeURIComponent('/d/abc?orgId=1&var-x="y"')}`)).text();
      assert.match(safe, /name="next" value="\/d\/abc\?orgId=1&amp;var-x=%22y%22"/);
      for (const unsafe of ['//evil.example/', 'https://evil.example/', '/\\evil.example', 'javascript:alert(1)']) {
        const html = await (await get(`/login?next=${encodeURIComponent(unsafe)}`)).text();
        assert.match(html, /name="next" value="\/"/, unsafe);
      }
    });
  });

  describe('signing in', () => {
    it('sets an HttpOnly, SameSite=Lax session cookie for the token lifetime and redirects to next', async () => {
      const response = await formLogin({ email: monitoring.email, password: monitoring.password, next: '/d/abc?orgId=1' });
      assert.equal(response.status, 303);
      assert.equal(response.headers.get('location'), '/d/abc?orgId=1');
      const cookie = sessionCookieOf(response)!;
      assert.ok(cookie, 'session cookie set');
      const attributes = cookie.attributes.map((attribute) => attribute.toLowerCase());
      assert.ok(attributes.includes('httponly'));
      assert.ok(attributes.includes('samesite=lax'));
      assert.ok(attributes.includes('path=/'));
      assert.ok(attributes.includes('max-age=900') || attributes.includes('max-age=899'), attributes.join('; '));
      assert.ok(!attributes.includes('secure'), 'not Secure over plain http');
      const token = cookie.pair.slice(`${SESSION}=`.length);
      assert.equal(jwt.decode(token, { complete: true })!.header.alg, 'RS256');
      assert.equal(claimsOf(token).role, 'monitoring');
      assert.equal(claimsOf(token).sub, monitoring.id);
    });

    it('marks the cookie Secure when the request came over https through a trusted proxy', async () => {
      const response = await formLogin({ email: monitoring.email, password: monitoring.password }, { 'X-Forwarded-Proto': 'https' });
      assert.equal(response.status, 303);
      assert.ok(sessionCookieOf(response)!.attributes.map((a) => a.toLowerCase()).includes('secure'));
    });

    it('answers the JSON variant with {expiresAt, user} and the cookie, never the token in the body', async () => {
      const response = await jsonLogin({ email: admin.email, password: admin.password });
      assert.equal(response.status, 200);
      const body = (await response.json()) as { expiresAt: string; user: unknown; token?: string };
      assert.deepEqual(body.user, { id: admin.id, email: admin.email, role: 'admin' });
      assert.equal(body.token, undefined);
      const token = sessionCookieOf(response)!.pair.slice(`${SESSION}=`.length);
      assert.equal(body.expiresAt, new Date(claimsOf(token).exp! * 1000).toISOString());
    });

    it('refuses role user with a clear message on the page (403) and in JSON (403), without a cookie', async () => {
      const page = await formLogin({ email: user.email, password: user.password });
      assert.equal(page.status, 403);
      assert.equal(sessionCookieOf(page), undefined);
      const html = await page.text();
      assert.match(html, /role="alert"[^>]*>This account has no access to KeWhats Monitoring/);
      assert.match(html, /value="customer@kewhats\.test"/, 'the email is kept in the form');

      const json = await jsonLogin({ email: user.email, password: user.password });
      assert.equal(json.status, 403);
      assert.equal(sessionCookieOf(json), undefined);
      assert.equal(((await json.json()) as { error: { code: string } }).error.code, 'forbidden');
    });

    it('shows the same error for a wrong password and an unknown email', async () => {
      for (const fields of [
        { email: monitoring.email, password: 'wrong' },
        { email: 'nobody@kewhats.test', password: 'wrong' },
      ]) {
        const response = await formLogin(fields);
        assert.equal(response.status, 401);
        assert.equal(sessionCookieOf(response), undefined);
        assert.match(await response.text(), /role="alert"[^>]*>The email or password is incorrect\.</);
      }
      const json = await jsonLogin({ email: 'nobody@kewhats.test', password: 'wrong' });
      assert.equal(json.status, 401);
      assert.deepEqual(await json.json(), { error: { code: 'unauthorized', message: 'invalid email or password' } });
    });

    it('shows a 400 page for an incomplete form', async () => {
      const response = await formLogin({ email: monitoring.email });
      assert.equal(response.status, 400);
      assert.match(await response.text(), /role="alert"[^>]*>Password is required\./);
    });

    it('never redirects off-site after signing in', async () => {
      const unsafe = ['//evil.example/', 'https://evil.example/', '/\\evil.example', '/\t/evil.example', 'http:evil.example', '/login', ''];
      for (const next of unsafe) {
        const response = await formLogin({ email: monitoring.email, password: monitoring.password, next });
        assert.equal(response.status, 303);
        assert.equal(response.headers.get('location'), '/', JSON.stringify(next));
      }
      // next may also come in the query string of the form's action.
      const fromQuery = await formLogin({ email: monitoring.email, password: monitoring.password }, {}, '/login?next=%2Fexplore');
      assert.equal(fromQuery.headers.get('location'), '/explore');
    });

    it('refuses sign-in posts from another site (Origin check), and accepts its own origin', async () => {
      const foreign = await formLogin({ email: monitoring.email, password: monitoring.password }, { Origin: 'https://evil.example' });
      assert.equal(foreign.status, 403);
      assert.equal(sessionCookieOf(foreign), undefined);
      const foreignJson = await jsonLogin({ email: monitoring.email, password: monitoring.password }, { Origin: 'null' });
      assert.equal(foreignJson.status, 403);
      const own = await formLogin({ email: monitoring.email, password: monitoring.password }, { Origin: exporter.url });
      assert.equal(own.status, 303);
    });

    it('shares its rate limits with POST /api/auth/login (429 with Retry-After)', async () => {
      const target = await createAccount(db.pool, { email: 'limited@kewhats.test', role: 'monitoring' });
      for (let attempt = 0; attempt < 5; attempt += 1) {
        const response = await fetch(`${exporter.url}/api/auth/login`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': freshClientIp() },
          body: JSON.stringify({ email: target.email, password: 'wrong' }),
        });
        assert.equal(response.status, 401);
      }
      const json = await jsonLogin({ email: target.email, password: target.password });
      assert.equal(json.status, 429);
      assert.ok(Number(json.headers.get('retry-after')) > 0);
      assert.equal(((await json.json()) as { error: { code: string } }).error.code, 'rate_limited');
      const page = await formLogin({ email: target.email, password: target.password });
      assert.equal(page.status, 429);
      assert.ok(Number(page.headers.get('retry-after')) > 0);
      assert.match(await page.text(), /role="alert"[^>]*>Too many sign-in attempts: try again in 15 minutes\./);
    });
  });

  describe('the proxy to Grafana', () => {
    it('sends signed-out page requests to /login?next=… without reaching Grafana', async () => {
      const response = await get('/d/abc/sales?orgId=1&from=now-6h', { Accept: 'text/html,application/xhtml+xml' });
      assert.equal(response.status, 302);
      assert.equal(response.headers.get('location'), `/login?next=${encodeURIComponent('/d/abc/sales?orgId=1&from=now-6h')}`);
      const root = await get('/');
      assert.equal(root.status, 302);
      assert.equal(root.headers.get('location'), '/login?next=%2F');
      assert.equal(grafana.requests.length, 0);
    });

    it('answers signed-out API calls and writes with 401 JSON, even with a forged X-JWT-Assertion', async () => {
      const forged = jwt.sign({ sub: 'x', email: 'x@kewhats.test', role: 'admin' }, testKeys().privateKey, { algorithm: 'RS256', expiresIn: 60 });
      const api = await get('/api/dashboards/uid/abc', { 'X-JWT-Assertion': forged });
      assert.equal(api.status, 401);
      assert.equal(((await api.json()) as { error: { code: string } }).error.code, 'unauthorized');
      const write = await fetch(`${exporter.url}/api/dashboards/db`, { method: 'POST', headers: { 'X-JWT-Assertion': forged }, body: '{}' });
      assert.equal(write.status, 401);
      const xhr = await get('/d/abc', { 'X-Requested-With': 'XMLHttpRequest' });
      assert.equal(xhr.status, 401);
      assert.equal(grafana.requests.length, 0);
    });

    it('forwards signed-in requests with the session token in X-JWT-Assertion, never the browser one', async () => {
      const session = await sessionFor(monitoring);
      const token = session.slice(`${SESSION}=`.length);
      const response = await get('/api/dashboards/uid/abc?orgId=1', {
        Cookie: `grafana_session=g123; ${session}; theme=dark`,
        'X-JWT-Assertion': 'forged.by.browser',
        'X_JWT_Assertion': 'forged.too',
      });
      assert.equal(response.status, 200);
      const seen = (await response.json()) as { url: string; headers: Record<string, string> };
      assert.equal(seen.url, '/api/dashboards/uid/abc?orgId=1');
      assert.equal(seen.headers['x-jwt-assertion'], token);
      assert.equal(seen.headers['x_jwt_assertion'], undefined);
      assert.equal(claimsOf(seen.headers['x-jwt-assertion']!).role, 'monitoring');
      // Grafana gets its own cookies but not the session cookie.
      assert.equal(seen.headers.cookie, 'grafana_session=g123; theme=dark');
      // The browser's Host is kept (Grafana compares it with Origin).
      assert.equal(seen.headers.host, new URL(exporter.url).host);
      assert.equal(grafana.requests.length, 1);
    });

    it('forwards writes with their bodies, and admins as admins', async () => {
      const session = await sessionFor(admin);
      const response = await fetch(`${exporter.url}/api/dashboards/db`, {
        method: 'POST',
        headers: { Cookie: session, 'Content-Type': 'application/json' },
        body: JSON.stringify({ dashboard: { title: 'Sales' } }),
      });
      assert.equal(response.status, 200);
      const seen = (await response.json()) as { method: string; body: string; headers: Record<string, string> };
      assert.equal(seen.method, 'POST');
      assert.deepEqual(JSON.parse(seen.body), { dashboard: { title: 'Sales' } });
      assert.equal(claimsOf(seen.headers['x-jwt-assertion']!).role, 'admin');
    });

    it('keeps the exporter paths to itself, in any letter case', async () => {
      const session = await sessionFor(monitoring);
      const headers = { Cookie: session };
      assert.equal((await get('/api/monitoring/users', headers)).status, 401); // the exporter wants a bearer token
      assert.equal((await get('/API/Monitoring/users', headers)).status, 401);
      assert.equal((await get('/healthz', headers)).status, 200);
      assert.equal((await get('/metrics', headers)).status, 401);
      assert.equal((await fetch(`${exporter.url}/metrics`, { method: 'POST', headers })).status, 404);
      assert.equal((await get('/api/admin/settings', headers)).status, 401);
      assert.equal((await get('/api/auth/keys', headers)).status, 404);
      assert.equal(grafana.requests.length, 0);
    });

    it('sends expired, forged and ordinary-user sessions back to /login and clears the cookie', async () => {
      const now = Math.floor(Date.now() / 1000);
      const sign = (claims: object, key = testKeys().privateKey) => jwt.sign(claims, key, { algorithm: 'RS256' });
      const sessions = {
        expired: sign({ sub: monitoring.id, email: monitoring.email, role: 'monitoring', iat: now - 1000, exp: now - 10 }),
        userRole: sign({ sub: user.id, email: user.email, role: 'user', exp: now + 600 }),
        garbage: 'not-a-token',
        hs256: jwt.sign({ sub: 'x', email: 'x@kewhats.test', role: 'admin', exp: now + 600 }, testKeys().publicKey, { algorithm: 'HS256' }),
      };
      for (const [name, token] of Object.entries(sessions)) {
        const response = await get('/d/abc', { Cookie: `${SESSION}=${token}`, Accept: 'text/html' });
        assert.equal(response.status, 302, name);
        assert.equal(response.headers.get('location'), '/login?next=%2Fd%2Fabc', name);
        const cleared = sessionCookieOf(response);
        assert.ok(cleared && cleared.pair === `${SESSION}=` && cleared.attributes.some((a) => /^max-age=0$/i.test(a)), name);
      }
      assert.equal(grafana.requests.length, 0);
    });

    it('/logout clears the session and redirects to /login', async () => {
      const session = await sessionFor(monitoring);
      const response = await get('/logout', { Cookie: session });
      assert.equal(response.status, 302);
      assert.equal(response.headers.get('location'), '/login');
      const cleared = sessionCookieOf(response)!;
      assert.equal(cleared.pair, `${SESSION}=`);
      assert.ok(cleared.attributes.some((a) => /^max-age=0$/i.test(a)));
      assert.equal(grafana.requests.length, 0);
    });
  });

  describe('websockets (Grafana Live)', () => {
    const wsUrl = () => `${exporter.url.replace(/^http/, 'ws')}/api/live/ws`;

    const refusalOf = (socket: WebSocket) =>
      new Promise<number>((resolve, reject) => {
        socket.on('unexpected-response', (_req, res) => {
          resolve(res.statusCode ?? 0);
          res.resume();
        });
        socket.on('open', () => {
          socket.terminate();
          reject(new Error('the websocket opened'));
        });
        socket.on('error', () => {});
      });

    it('proxies the upgrade of a signed-in user with the token in X-JWT-Assertion', { timeout: 20_000 }, async () => {
      const session = await sessionFor(monitoring);
      const socket = new WebSocket(wsUrl(), { headers: { Cookie: session, 'X-JWT-Assertion': 'forged', Origin: exporter.url } });
      const messages: string[] = [];
      const greeting = new Promise<string>((resolve, reject) => {
        socket.once('message', (data) => resolve(String(data)));
        socket.once('error', reject);
      });
      const hello = JSON.parse(await greeting) as { hello: { url: string; headers: Record<string, string> } };
      assert.equal(hello.hello.url, '/api/live/ws');
      assert.equal(hello.hello.headers['x-jwt-assertion'], session.slice(`${SESSION}=`.length));
      assert.equal(hello.hello.headers.cookie, undefined);
      socket.send('ping');
      const [echo] = (await once(socket, 'message')) as [Buffer];
      messages.push(String(echo));
      assert.deepEqual(messages, ['echo:ping']);
      socket.close();
      await once(socket, 'close');
    });

    it('cuts a websocket when the session that opened it expires', { timeout: 20_000 }, async () => {
      const now = Math.floor(Date.now() / 1000);
      const shortLived = jwt.sign({ sub: monitoring.id, email: monitoring.email, role: 'monitoring', exp: now + 2 }, testKeys().privateKey, {
        algorithm: 'RS256',
      });
      const socket = new WebSocket(wsUrl(), { headers: { Cookie: `${SESSION}=${shortLived}` } });
      const upstreamClosed = once(grafana.events, 'websocket-closed');
      await once(socket, 'message'); // the greeting: the proxy is up
      await once(socket, 'close');
      await upstreamClosed;
    });

    it('lets the exporter shut down with websockets open, closing them on both sides', { timeout: 20_000 }, async () => {
      const second = await startTestExporter({ pool: db.pool, env: { GRAFANA_URL: grafana.url } });
      const login = await fetch(`${second.url}/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ email: monitoring.email, password: monitoring.password }),
      });
      const socket = new WebSocket(`${second.url.replace(/^http/, 'ws')}/api/live/ws`, { headers: { Cookie: sessionCookieOf(login)!.pair } });
      socket.on('error', () => {});
      await once(socket, 'message');
      const upstreamClosed = once(grafana.events, 'websocket-closed');
      const clientClosed = once(socket, 'close');
      await second.close();
      await clientClosed;
      await upstreamClosed;
    });

    it('refuses the upgrade with 401 without a valid session, before Grafana', async () => {
      const now = Math.floor(Date.now() / 1000);
      const expired = jwt.sign({ sub: 'x', email: 'x@kewhats.test', role: 'monitoring', exp: now - 5 }, testKeys().privateKey, { algorithm: 'RS256' });
      for (const headers of [{}, { Cookie: `${SESSION}=${expired}` }, { 'X-JWT-Assertion': expired }]) {
        assert.equal(await refusalOf(new WebSocket(wsUrl(), { headers })), 401);
      }
      assert.equal(grafana.websockets.length, 0);
    });

    it('refuses cross-site upgrades (403) and upgrades on exporter paths (404)', async () => {
      const session = await sessionFor(monitoring);
      assert.equal(await refusalOf(new WebSocket(wsUrl(), { headers: { Cookie: session, Origin: 'https://evil.example' } })), 403);
      assert.equal(await refusalOf(new WebSocket(`${exporter.url.replace(/^http/, 'ws')}/metrics`, { headers: { Cookie: session } })), 404);
      assert.equal(grafana.websockets.length, 0);
    });
  });
});

describe('Grafana login gateway without TRUST_PROXY', () => {
  let db: TestDatabase;
  let exporter: TestExporter;
  let account: TestAccount;
  let unreachableGrafana: string;

  before(async () => {
    db = await createTestDatabase();
    // A port that was free a moment ago: nothing listens there.
    const probe = createServer().listen(0, '127.0.0.1');
    await once(probe, 'listening');
    unreachableGrafana = `http://127.0.0.1:${(probe.address() as { port: number }).port}`;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    exporter = await startTestExporter({ pool: db.pool, env: { GRAFANA_URL: unreachableGrafana } });
    account = await createAccount(db.pool, { email: 'direct@kewhats.test', role: 'monitoring' });
  });
  after(async () => {
    await exporter?.close();
    await db?.drop();
  });

  it('ignores X-Forwarded-Proto from an untrusted client: no Secure flag', async () => {
    const response = await fetch(`${exporter.url}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Forwarded-Proto': 'https' },
      body: new URLSearchParams({ email: account.email, password: account.password }).toString(),
    });
    assert.equal(response.status, 303);
    const cookie = sessionCookieOf(response)!;
    assert.ok(!cookie.attributes.map((a) => a.toLowerCase()).includes('secure'));
  });

  it('honours TRUST_PROXY given as a hop count (TRUST_PROXY=1): Secure behind https', async () => {
    const behindProxy = await startTestExporter({ pool: db.pool, env: { GRAFANA_URL: unreachableGrafana, TRUST_PROXY: '1' } });
    try {
      const response = await fetch(`${behindProxy.url}/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Forwarded-Proto': 'https' },
        body: new URLSearchParams({ email: account.email, password: account.password }).toString(),
      });
      assert.equal(response.status, 303);
      assert.ok(sessionCookieOf(response)!.attributes.map((a) => a.toLowerCase()).includes('secure'));
    } finally {
      await behindProxy.close();
    }
  });

  it('after a key rotation, sends sessions signed with the previous key to /login (Grafana trusts one key)', async () => {
    const previous = generateRsaKeyPair();
    const rotated = await startTestExporter({ pool: db.pool, env: { GRAFANA_URL: unreachableGrafana, JWT_PREVIOUS_PUBLIC_KEY: previous.publicKey } });
    try {
      const oldToken = jwt.sign({ email: account.email, role: 'monitoring' }, previous.privateKey, {
        algorithm: 'RS256',
        subject: account.id,
        expiresIn: 300,
      });
      // The API still accepts it for the rest of its lifetime…
      const api = await fetch(`${rotated.url}/api/monitoring/users`, { headers: { Authorization: `Bearer ${oldToken}` } });
      assert.equal(api.status, 200);
      // …the gateway does not.
      const page = await fetch(`${rotated.url}/d/abc`, { redirect: 'manual', headers: { Cookie: `${SESSION}=${oldToken}`, Accept: 'text/html' } });
      assert.equal(page.status, 302);
      assert.equal(page.headers.get('location'), '/login?next=%2Fd%2Fabc');
    } finally {
      await rotated.close();
    }
  });

  it('answers 502 in JSON when Grafana cannot be reached', async () => {
    const login = await fetch(`${exporter.url}/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: account.email, password: account.password }),
    });
    const session = sessionCookieOf(login)!.pair;
    const response = await fetch(`${exporter.url}/api/search`, { headers: { Cookie: session } });
    assert.equal(response.status, 502);
    assert.deepEqual(await response.json(), { error: { code: 'unavailable', message: 'Grafana is unreachable' } });
  });
});
