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
import { isClearedCookie, SESSION_COOKIE as SESSION, sessionCookieOf, signIn } from './support/sessions.js';

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
  const sessionFor = async (account: TestAccount): Promise<string> =>
    (await signIn(exporter.url, account, { 'X-Forwarded-For': freshClientIp() })).cookie;

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
    it('sets an HttpOnly, SameSite=Lax cookie holding an opaque session id for the session lifetime, and redirects to next', async () => {
      const response = await formLogin({ email: monitoring.email, password: monitoring.password, next: '/d/abc?orgId=1' });
      assert.equal(response.status, 303);
      assert.equal(response.headers.get('location'), '/d/abc?orgId=1');
      const cookie = sessionCookieOf(response)!;
      assert.ok(cookie, 'session cookie set');
      const attributes = cookie.attributes.map((attribute) => attribute.toLowerCase());
      assert.ok(attributes.includes('httponly'));
      assert.ok(attributes.includes('samesite=lax'));
      assert.ok(attributes.includes('path=/'));
      assert.ok(attributes.includes(`max-age=${7 * 24 * 3600}`), attributes.join('; '));
      assert.ok(!attributes.includes('secure'), 'not Secure over plain http');
      // 256 random bits, base64url: no token, no claims.
      assert.match(cookie.value, /^[A-Za-z0-9_-]{43}$/);
      assert.equal(jwt.decode(cookie.value), null);
      // The database keeps its SHA-256 only, never the id itself.
      const { rows } = await db.pool.query(`SELECT "tokenHash", "userId" FROM "StaffSession" WHERE "tokenHash" = encode(sha256($1::bytea), 'hex')`, [
        Buffer.from(cookie.value),
      ]);
      assert.equal(rows.length, 1);
      assert.equal(rows[0].userId, monitoring.id);
      const stored = await db.pool.query(`SELECT count(*)::int AS n FROM "StaffSession" WHERE "tokenHash" = $1 OR "csrfToken" = $1`, [cookie.value]);
      assert.equal(stored.rows[0].n, 0);
    });

    it('marks the cookie Secure when the request came over https through a trusted proxy', async () => {
      const response = await formLogin({ email: monitoring.email, password: monitoring.password }, { 'X-Forwarded-Proto': 'https' });
      assert.equal(response.status, 303);
      assert.ok(
        sessionCookieOf(response)!
          .attributes.map((a) => a.toLowerCase())
          .includes('secure'),
      );
    });

    it('answers the JSON variant with the session and the cookie, never the session id in the body', async () => {
      const before = Date.now();
      const response = await jsonLogin({ email: admin.email, password: admin.password });
      assert.equal(response.status, 200);
      const body = (await response.json()) as { expiresAt: string; idleExpiresAt: string; user: unknown; csrfToken: string };
      assert.deepEqual(body.user, { id: admin.id, email: admin.email, name: admin.email, role: 'admin' });
      const cookie = sessionCookieOf(response)!;
      assert.ok(!JSON.stringify(body).includes(cookie.value));
      assert.match(body.csrfToken, /^[A-Za-z0-9_-]{43}$/);
      const expiresAt = Date.parse(body.expiresAt);
      assert.ok(expiresAt >= before + 7 * 24 * 3600_000 && expiresAt <= Date.now() + 7 * 24 * 3600_000, body.expiresAt);
      assert.equal(Date.parse(body.idleExpiresAt) - expiresAt, 12 * 3600_000 - 7 * 24 * 3600_000);
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
      const unsafe = [
        '//evil.example/',
        'https://evil.example/',
        '/\\evil.example',
        '/\t/evil.example',
        'http:evil.example',
        '/.//evil.example',
        '/x/..//evil.example',
        '/%2e%2e//evil.example',
        '/login',
        '',
      ];
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
      // Behind a trusted proxy (TRUST_PROXY) the public host arrives in X-Forwarded-Host.
      const proxied = await formLogin(
        { email: monitoring.email, password: monitoring.password },
        { Origin: 'https://monitoring.kewhats.example', 'X-Forwarded-Host': 'monitoring.kewhats.example' },
      );
      assert.equal(proxied.status, 303);
    });

    it('shares its login limits with POST /api/auth/login (429 with Retry-After), and still lets a clean client in', async () => {
      const target = await createAccount(db.pool, { email: 'limited@kewhats.test', role: 'monitoring' });
      const attacker = freshClientIp();
      for (let attempt = 0; attempt < 5; attempt += 1) {
        const response = await fetch(`${exporter.url}/api/auth/login`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': attacker },
          body: JSON.stringify({ email: target.email, password: 'wrong' }),
        });
        assert.equal(response.status, 401);
      }
      const json = await jsonLogin({ email: target.email, password: target.password }, { 'X-Forwarded-For': attacker });
      assert.equal(json.status, 429);
      const retryAfter = Number(json.headers.get('retry-after'));
      assert.ok(retryAfter > 20 && retryAfter <= 30, `Retry-After ${retryAfter}: the first wait after 5 misses is 30 s`);
      assert.equal(((await json.json()) as { error: { code: string } }).error.code, 'rate_limited');
      const page = await formLogin({ email: target.email, password: target.password }, { 'X-Forwarded-For': attacker });
      assert.equal(page.status, 429);
      assert.ok(Number(page.headers.get('retry-after')) > 0);
      assert.match(await page.text(), /role="alert"[^>]*>Too many sign-in attempts: try again in \d+ seconds\./);
      // The real user, from a client that has not been failing, is let in.
      assert.equal((await formLogin({ email: target.email, password: target.password })).status, 303);
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

    it('forwards signed-in requests with a fresh access token in X-JWT-Assertion, never the browser one', async () => {
      const session = await sessionFor(monitoring);
      const response = await get('/api/dashboards/uid/abc?orgId=1', {
        Cookie: `grafana_session=g123; ${session}; theme=dark`,
        'X-JWT-Assertion': 'forged.by.browser',
        X_JWT_Assertion: 'forged.too',
      });
      assert.equal(response.status, 200);
      const seen = (await response.json()) as { url: string; headers: Record<string, string> };
      assert.equal(seen.url, '/api/dashboards/uid/abc?orgId=1');
      assert.equal(seen.headers['x_jwt_assertion'], undefined);
      const token = seen.headers['x-jwt-assertion']!;
      const claims = jwt.verify(token, testKeys().publicKey, { algorithms: ['RS256'] }) as jwt.JwtPayload;
      assert.equal(claims.sub, monitoring.id);
      assert.equal(claims.role, 'monitoring');
      assert.equal(claims.email, monitoring.email);
      assert.equal(claims.name, monitoring.email, 'no name on the account: the email stands in');
      assert.equal(claims.exp! - claims.iat!, 900);
      // Grafana gets its own cookies but not the session cookie.
      assert.equal(seen.headers.cookie, 'grafana_session=g123; theme=dark');
      // The browser's Host is kept (Grafana compares it with Origin).
      assert.equal(seen.headers.host, new URL(exporter.url).host);
      assert.equal(grafana.requests.length, 1);
      // The next request reuses the same token (Grafana verifies a new one only when it nears expiry).
      const again = (await (await get('/api/search', { Cookie: session })).json()) as { headers: Record<string, string> };
      assert.equal(again.headers['x-jwt-assertion'], token);
    });

    it("puts the account's name in the token Grafana receives", async () => {
      const named = await createAccount(db.pool, { email: 'named@kewhats.test', role: 'monitoring' });
      await db.pool.query(`UPDATE "User" SET "name" = 'Siti Rahayu' WHERE "id" = $1`, [named.id]);
      const seen = (await (await get('/api/search', { Cookie: await sessionFor(named) })).json()) as { headers: Record<string, string> };
      assert.equal((jwt.decode(seen.headers['x-jwt-assertion']!) as jwt.JwtPayload).name, 'Siti Rahayu');
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

    it('never lets an identity header forged by the browser reach Grafana', async () => {
      const session = await sessionFor(monitoring);
      const forged: Record<string, string> = {
        Authorization: 'Bearer glsa_forged',
        'Proxy-Authorization': 'Basic YWRtaW46YWRtaW4=',
        'X-WEBAUTH-USER': 'admin',
        'X-WEBAUTH-EMAIL': 'admin@kewhats.test',
        'X-Webauth-Role': 'Admin',
        X_WEBAUTH_USER: 'admin',
        'X-Grafana-Org-Id': '2',
        'X-Grafana-Id': 'forged.id.token',
        'X-Grafana-User': 'admin',
        'X-Access-Token': 'forged.access.token',
        'X-Api-Key': 'forged',
        'Remote-User': 'admin',
        'X-Remote-User': 'admin',
        'X-Forwarded-User': 'admin',
        'X-Forwarded-Email': 'admin@kewhats.test',
        'X-Auth-Request-User': 'admin',
      };
      const response = await get('/api/user', { Cookie: session, ...forged, 'X-Grafana-NoCache': 'true', 'X-Dashboard-Uid': 'abc' });
      const seen = (await response.json()) as { headers: Record<string, string> };
      for (const name of Object.keys(forged)) assert.equal(seen.headers[name.toLowerCase()], undefined, name);
      assert.equal(claimsOf(seen.headers['x-jwt-assertion']!).sub, monitoring.id);
      // Headers that name no one pass.
      assert.equal(seen.headers['x-grafana-nocache'], 'true');
      assert.equal(seen.headers['x-dashboard-uid'], 'abc');

      const socket = new WebSocket(`${exporter.url.replace(/^http/, 'ws')}/api/live/ws`, { headers: { Cookie: session, ...forged } });
      const [greeting] = (await once(socket, 'message')) as [Buffer];
      const hello = JSON.parse(String(greeting)) as { hello: { headers: Record<string, string> } };
      for (const name of Object.keys(forged)) assert.equal(hello.hello.headers[name.toLowerCase()], undefined, `websocket ${name}`);
      socket.close();
      await once(socket, 'close');
    });

    it('keeps the exporter paths to itself, in any letter case', async () => {
      const session = await sessionFor(monitoring);
      const headers = { Cookie: session };
      // The session is a credential for the monitoring API and /metrics too.
      assert.equal((await get('/api/monitoring/users', headers)).status, 200);
      assert.equal((await get('/API/Monitoring/users', headers)).status, 200);
      assert.equal((await get('/healthz', headers)).status, 200);
      assert.equal((await get('/metrics', headers)).status, 200);
      assert.equal((await fetch(`${exporter.url}/metrics`, { method: 'POST', headers })).status, 404);
      assert.equal((await get('/api/admin/settings', headers)).status, 403); // admins only
      assert.equal((await get('/api/auth/keys', headers)).status, 404);
      assert.equal(grafana.requests.length, 0);
    });

    it('sends unknown session ids (old JWT cookies, forged tokens, garbage) back to /login and clears the cookie', async () => {
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

    it('GET /logout only asks; the same-origin POST with the CSRF token ends the session on the server', async () => {
      const { cookie, csrfToken } = await signIn(exporter.url, monitoring, { 'X-Forwarded-For': freshClientIp() });
      // A cross-site link or image (a GET, whatever its Origin or Referer) signs nobody out.
      const confirmation = await get('/logout', { Cookie: cookie, Referer: 'https://evil.example/page', Accept: 'text/html' });
      assert.equal(confirmation.status, 200);
      assert.equal(sessionCookieOf(confirmation), undefined);
      const html = await confirmation.text();
      assert.match(html, /<form method="post" action="\/logout">/);
      assert.match(html, new RegExp(`name="_csrf" value="${csrfToken}"`));
      assert.doesNotMatch(html, /<script/i);
      assert.equal((await get('/d/abc', { Cookie: cookie })).status, 200, 'still signed in');

      const post = (body: Record<string, string>, headers: Record<string, string> = {}) =>
        fetch(`${exporter.url}/logout`, {
          method: 'POST',
          redirect: 'manual',
          headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
          body: new URLSearchParams(body).toString(),
        });
      assert.equal((await post({})).status, 403, 'no CSRF token');
      assert.equal((await post({ _csrf: csrfToken }, { Origin: 'https://evil.example' })).status, 403, 'another site');
      assert.equal((await get('/d/abc', { Cookie: cookie })).status, 200, 'still signed in');

      const response = await post({ _csrf: csrfToken }, { Origin: exporter.url });
      assert.equal(response.status, 303);
      assert.equal(response.headers.get('location'), '/login');
      assert.ok(isClearedCookie(sessionCookieOf(response)));
      // The cookie a browser (or a thief) kept is worth nothing now.
      const after = await get('/d/abc', { Cookie: cookie, Accept: 'text/html' });
      assert.equal(after.status, 302);
      assert.equal((await get('/logout', { Cookie: cookie })).headers.get('location'), '/login');
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
      const claims = jwt.verify(hello.hello.headers['x-jwt-assertion']!, testKeys().publicKey, { algorithms: ['RS256'] }) as jwt.JwtPayload;
      assert.equal(claims.sub, monitoring.id);
      assert.equal(hello.hello.headers.cookie, undefined);
      socket.send('ping');
      const [echo] = (await once(socket, 'message')) as [Buffer];
      messages.push(String(echo));
      assert.deepEqual(messages, ['echo:ping']);
      socket.close();
      await once(socket, 'close');
    });

    it('cuts a websocket when the session that opened it ends', { timeout: 20_000 }, async () => {
      const { cookie, csrfToken } = await signIn(exporter.url, monitoring, { 'X-Forwarded-For': freshClientIp() });
      const socket = new WebSocket(wsUrl(), { headers: { Cookie: cookie } });
      const upstreamClosed = once(grafana.events, 'websocket-closed');
      await once(socket, 'message'); // the greeting: the proxy is up
      const closed = once(socket, 'close');
      const logout = await fetch(`${exporter.url}/api/auth/logout`, { method: 'POST', headers: { Cookie: cookie, 'X-CSRF-Token': csrfToken } });
      assert.equal(logout.status, 204);
      await closed;
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
      const expired = jwt.sign({ sub: 'x', email: 'x@kewhats.test', role: 'monitoring', exp: now - 5 }, testKeys().privateKey, {
        algorithm: 'RS256',
      });
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

  it('does not believe a client-sent X-Forwarded-Host: sign-in and websocket Origin checks refuse the foreign site', async () => {
    const forged = { Origin: 'https://evil.example', 'X-Forwarded-Host': 'evil.example' };
    const response = await fetch(`${exporter.url}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...forged },
      body: new URLSearchParams({ email: account.email, password: account.password }).toString(),
    });
    assert.equal(response.status, 403);
    assert.equal(sessionCookieOf(response), undefined);
    const { cookie } = await signIn(exporter.url, account);
    const socket = new WebSocket(`${exporter.url.replace(/^http/, 'ws')}/api/live/ws`, { headers: { Cookie: cookie, ...forged } });
    const status = await new Promise<number>((resolve, reject) => {
      socket.on('unexpected-response', (_req, res) => {
        resolve(res.statusCode ?? 0);
        res.resume();
      });
      socket.on('open', () => reject(new Error('the websocket opened')));
      socket.on('error', () => {});
    });
    assert.equal(status, 403);
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
      assert.ok(
        sessionCookieOf(response)!
          .attributes.map((a) => a.toLowerCase())
          .includes('secure'),
      );
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
