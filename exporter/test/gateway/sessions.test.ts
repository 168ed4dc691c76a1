import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, beforeEach, describe, it } from 'node:test';
import jwt from 'jsonwebtoken';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { startTestExporter, testKeys, type TestExporter } from '../support/test-exporter.js';
import { createAccount, freshClientIp, type TestAccount } from '../auth/support/accounts.js';
import { startStandInGrafana, type StandInGrafana } from './support/stand-in-grafana.js';
import { DAY, HOUR, isClearedCookie, ManualClock, MINUTE, SECOND, sessionCookieOf, signIn, type SignedIn } from './support/sessions.js';

const EXPORTER_DIR = fileURLToPath(new URL('../../', import.meta.url));

/** `npm run user:role` in a child process (asynchronous: with PGlite the server lives in this process). */
function runUserRole(databaseUrl: string, email: string, role: string): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/user-role.ts', '--email', email, '--role', role], {
      cwd: EXPORTER_DIR,
      env: { ...process.env, DATABASE_URL: databaseUrl },
      stdio: 'ignore',
    });
    child.on('error', reject);
    child.on('close', resolve);
  });
}

// Two exporter replicas over one database, both with Grafana behind them and one clock that
// the tests move by hand: a session must behave the same whichever replica a request reaches.
describe('staff sessions across two exporter instances', () => {
  let db: TestDatabase;
  let grafana: StandInGrafana;
  let first: TestExporter;
  let second: TestExporter;
  const clock = new ManualClock();
  let admin: TestAccount;

  const env = (grafanaUrl: string) => ({ GRAFANA_URL: grafanaUrl, TRUST_PROXY: 'loopback', SESSION_IDLE_HOURS: '1', SESSION_MAX_DAYS: '1' });

  /** A dashboard refresh through one replica: the status, and the token Grafana got (if it got the request). */
  const refresh = async (via: TestExporter, session: SignedIn): Promise<{ status: number; token?: string }> => {
    const seen = grafana.requests.length;
    const response = await fetch(`${via.url}/api/ds/query?refresh=30s`, {
      method: 'POST',
      headers: { Cookie: session.cookie, 'Content-Type': 'application/json', Origin: via.url },
      body: '{}',
    });
    await response.arrayBuffer();
    const upstream = grafana.requests.slice(seen)[0];
    return { status: response.status, token: upstream?.headers['x-jwt-assertion'] as string | undefined };
  };

  const staffAccount = (role: 'monitoring' | 'admin' = 'monitoring') =>
    createAccount(db.pool, { email: `staff-${Math.random().toString(36).slice(2)}@kewhats.test`, role, password: 'Initial-Passphrase-2026' });

  const signInVia = (via: TestExporter, account: TestAccount) => signIn(via.url, account, { 'X-Forwarded-For': freshClientIp() });

  const apiPost = (via: TestExporter, path: string, session: SignedIn | { bearer: string }, body: unknown = {}) =>
    fetch(`${via.url}${path}`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-Forwarded-For': freshClientIp(),
        ...('bearer' in session ? { Authorization: `Bearer ${session.bearer}` } : { Cookie: session.cookie, 'X-CSRF-Token': session.csrfToken }),
      },
      body: JSON.stringify(body),
    });

  before(async () => {
    db = await createTestDatabase();
    grafana = await startStandInGrafana();
    [first, second] = await Promise.all([
      startTestExporter({ pool: db.pool, env: env(grafana.url), authClock: clock.read }),
      startTestExporter({ pool: db.pool, env: env(grafana.url), authClock: clock.read }),
    ]);
    admin = await staffAccount('admin');
  });
  after(async () => {
    await first?.close();
    await second?.close();
    await grafana?.close();
    await db?.drop();
  });
  beforeEach(() => {
    grafana.requests.length = 0;
  });

  describe('lifetimes (the clock moves, nothing sleeps)', () => {
    it('stays valid through 2 hours of 30-second auto-refresh (idle timeout 1 h), and Grafana gets a fresh token after each expires', async () => {
      const account = await staffAccount();
      const session = await signInVia(first, account);
      const tokens = new Set<string>();
      for (let step = 0; step <= (2 * HOUR) / (30 * SECOND); step += 1) {
        const { status, token } = await refresh(step % 2 ? second : first, session);
        assert.equal(status, 200, `refresh ${step} at +${step * 30} s`);
        // Every token Grafana receives is valid at the moment it receives it.
        const claims = jwt.verify(token!, testKeys().publicKey, {
          algorithms: ['RS256'],
          clockTimestamp: Math.floor(clock.read() / 1000),
        }) as jwt.JwtPayload;
        assert.equal(claims.sub, account.id);
        tokens.add(token!);
        clock.advance(30 * SECOND);
      }
      // 900-second tokens over two hours on two replicas: renewed as they near expiry, not per request.
      assert.ok(tokens.size >= 8 && tokens.size <= 24, `${tokens.size} distinct tokens`);
    });

    it('ends after the idle timeout without activity', async () => {
      const session = await signInVia(first, await staffAccount());
      clock.advance(59 * MINUTE);
      assert.equal((await refresh(second, session)).status, 200);
      clock.advance(HOUR + MINUTE);
      const { status } = await refresh(first, session);
      assert.equal(status, 401);
      assert.equal(grafana.requests.length, 1, 'the idle session never reached Grafana');
      const page = await fetch(`${second.url}/d/abc`, { redirect: 'manual', headers: { Cookie: session.cookie, Accept: 'text/html' } });
      assert.equal(page.status, 302);
    });

    it('ends after its absolute lifetime however active it is', async () => {
      const session = await signInVia(first, await staffAccount());
      const started = clock.read();
      while (clock.read() - started < DAY - 30 * MINUTE) {
        assert.equal((await refresh(second, session)).status, 200, `at +${(clock.read() - started) / HOUR} h`);
        clock.advance(30 * MINUTE);
      }
      clock.advance(30 * MINUTE);
      assert.equal((await refresh(first, session)).status, 401);
      const status = await fetch(`${second.url}/api/auth/session`, { headers: { Cookie: session.cookie } });
      assert.equal(status.status, 401);
      assert.ok(isClearedCookie(sessionCookieOf(status)));
    });
  });

  describe('revocation on the very next request, on the other replica too', () => {
    it('signing out (POST /api/auth/logout)', async () => {
      const session = await signInVia(first, await staffAccount());
      assert.equal((await refresh(second, session)).status, 200);
      const response = await apiPost(first, '/api/auth/logout', session);
      assert.equal(response.status, 204);
      assert.ok(isClearedCookie(sessionCookieOf(response)));
      assert.equal((await refresh(second, session)).status, 401);
      assert.equal((await fetch(`${second.url}/api/monitoring/users`, { headers: { Cookie: session.cookie } })).status, 401);
    });

    it('signing out everywhere ends every session of the user, the caller’s included', async () => {
      const account = await staffAccount();
      const [laptop, wallScreen, phone] = [await signInVia(first, account), await signInVia(second, account), await signInVia(first, account)];
      const response = await apiPost(second, '/api/auth/sessions/revoke-all', laptop);
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), { revoked: 3 });
      assert.ok(isClearedCookie(sessionCookieOf(response)));
      for (const session of [laptop, wallScreen, phone]) {
        assert.equal((await refresh(first, session)).status, 401);
        assert.equal((await refresh(second, session)).status, 401);
      }
    });

    it('an admin ends another user’s sessions; a monitoring user may not', async () => {
      const target = await staffAccount();
      const victimSession = await signInVia(first, target);
      const bystander = await signInVia(second, await staffAccount());
      const refused = await apiPost(first, '/api/auth/sessions/revoke-all', bystander, { userId: target.id });
      assert.equal(refused.status, 403);
      assert.equal((await refresh(second, victimSession)).status, 200);
      const adminSession = await signInVia(second, admin);
      const unknown = await apiPost(first, '/api/auth/sessions/revoke-all', adminSession, { userId: 'no-such-user' });
      assert.equal(unknown.status, 404);
      const ended = await apiPost(first, '/api/auth/sessions/revoke-all', adminSession, { userId: target.id });
      assert.deepEqual(await ended.json(), { revoked: 1 });
      assert.equal(sessionCookieOf(ended), undefined, "the admin's own cookie stays");
      assert.equal((await refresh(second, victimSession)).status, 401);
      assert.equal((await refresh(first, adminSession)).status, 200);
    });

    it('a role change through the API', async () => {
      const account = await staffAccount();
      const session = await signInVia(first, account);
      const adminSession = await signInVia(first, admin);
      const change = await fetch(`${first.url}/api/admin/users/${account.id}/role`, {
        method: 'PUT',
        headers: { Cookie: adminSession.cookie, 'X-CSRF-Token': adminSession.csrfToken, 'Content-Type': 'application/json' },
        body: JSON.stringify({ role: 'admin' }),
      });
      assert.equal(change.status, 200);
      // Even a promotion ends the session: Grafana must see the new role, so sign in again.
      assert.equal((await refresh(second, session)).status, 401);
      const again = await signInVia(second, account);
      const { token } = await refresh(first, again);
      assert.equal((jwt.decode(token!) as jwt.JwtPayload).role, 'admin');
    });

    it('a role change through the command line', async () => {
      const account = await staffAccount();
      const session = await signInVia(second, account);
      assert.equal(await runUserRole(db.url, account.email, 'user'), 0);
      assert.equal((await refresh(first, session)).status, 401);
      assert.equal((await signIn(first.url, account).catch((error: Error) => error)) instanceof Error, true, 'role user cannot sign in');
    });

    it('a role taken away by the platform itself (straight in the database)', async () => {
      const account = await staffAccount();
      const session = await signInVia(first, account);
      await db.pool.query(`UPDATE "User" SET "role" = 'user' WHERE "id" = $1`, [account.id]);
      const page = await fetch(`${second.url}/d/abc`, { redirect: 'manual', headers: { Cookie: session.cookie, Accept: 'text/html' } });
      assert.equal(page.status, 302);
      assert.equal((await fetch(`${first.url}/api/monitoring/users`, { headers: { Cookie: session.cookie } })).status, 401);
    });

    it('a deleted user', async () => {
      const account = await staffAccount();
      const session = await signInVia(first, account);
      await db.pool.query(`DELETE FROM "User" WHERE "id" = $1`, [account.id]);
      assert.equal((await refresh(second, session)).status, 401);
      const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM "StaffSession" WHERE "userId" = $1`, [account.id]);
      assert.equal(rows[0].n, 0);
    });

    it('a password change ends every other session and keeps the one that made it', async () => {
      const account = await staffAccount();
      const [current, other] = [await signInVia(first, account), await signInVia(second, account)];
      const weak = await apiPost(first, '/api/auth/password', current, { currentPassword: account.password, newPassword: 'kewhats2026' });
      assert.equal(weak.status, 400);
      assert.match(((await weak.json()) as { error: { message: string } }).error.message, /at least 12 characters/);
      const guessable = await apiPost(first, '/api/auth/password', current, { currentPassword: account.password, newPassword: 'password1234567' });
      assert.equal(guessable.status, 400);
      assert.match(((await guessable.json()) as { error: { message: string } }).error.message, /too easy to guess/);
      const wrong = await apiPost(first, '/api/auth/password', current, {
        currentPassword: 'not-my-password',
        newPassword: 'Lantern-Wombat-Orchid-77',
      });
      assert.equal(wrong.status, 401);
      assert.equal((await refresh(second, other)).status, 200, 'nothing changed yet');

      const changed = await apiPost(second, '/api/auth/password', current, {
        currentPassword: account.password,
        newPassword: 'Lantern-Wombat-Orchid-77',
      });
      assert.equal(changed.status, 204);
      assert.equal((await refresh(first, other)).status, 401);
      assert.equal((await refresh(second, current)).status, 200, 'the session that changed it stays signed in');
      await assert.rejects(signIn(first.url, account));
      await signIn(second.url, { email: account.email, password: 'Lantern-Wombat-Orchid-77' });
    });

    it('a password changed by the platform (straight in the database)', async () => {
      const account = await staffAccount();
      const session = await signInVia(first, account);
      await db.pool.query(`UPDATE "User" SET "passwordHash" = $2 WHERE "id" = $1`, [account.id, '$argon2id$v=19$m=19456,t=2,p=1$changed']);
      assert.equal((await refresh(second, session)).status, 401);
    });

    it('counts a wrong current password against the login limits', async () => {
      const account = await staffAccount();
      const session = await signInVia(first, account);
      const client = freshClientIp();
      const attempt = (via: TestExporter) =>
        fetch(`${via.url}/api/auth/password`, {
          method: 'POST',
          headers: { Cookie: session.cookie, 'X-CSRF-Token': session.csrfToken, 'Content-Type': 'application/json', 'X-Forwarded-For': client },
          body: JSON.stringify({ currentPassword: 'guess', newPassword: 'Lantern-Wombat-Orchid-77' }),
        });
      for (let miss = 0; miss < 5; miss += 1) assert.equal((await attempt(miss % 2 ? first : second)).status, 401);
      const limited = await attempt(first);
      assert.equal(limited.status, 429);
      assert.ok(Number(limited.headers.get('retry-after')) > 0);
    });
  });

  describe('the session API', () => {
    it('GET /api/auth/session describes the session and hands out the CSRF token', async () => {
      const account = await staffAccount();
      await db.pool.query(`UPDATE "User" SET "name" = 'Budi Santoso' WHERE "id" = $1`, [account.id]);
      const session = await signInVia(first, account);
      const response = await fetch(`${second.url}/api/auth/session`, { headers: { Cookie: session.cookie } });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('cache-control'), 'no-store');
      const body = (await response.json()) as { user: unknown; session: Record<string, string>; csrfToken: string };
      assert.deepEqual(body.user, { id: account.id, email: account.email, name: 'Budi Santoso', role: 'monitoring' });
      assert.deepEqual(Object.keys(body.session).sort(), ['createdAt', 'expiresAt', 'idleExpiresAt', 'lastSeenAt']);
      assert.equal(Date.parse(body.session.expiresAt!) - Date.parse(body.session.createdAt!), DAY);
      assert.equal(Date.parse(body.session.idleExpiresAt!) - Date.parse(body.session.lastSeenAt!), HOUR);
      assert.equal(body.csrfToken, session.csrfToken);
      const signedOut = await fetch(`${second.url}/api/auth/session`);
      assert.equal(signedOut.status, 401);
      assert.equal(((await signedOut.json()) as { error: { code: string } }).error.code, 'unauthorized');
    });

    it('GET /api/auth/sessions lists the live sessions, marks the current one, never shows an id', async () => {
      const account = await staffAccount();
      const phone = await signIn(first.url, account, { 'User-Agent': 'Phone/1.0', 'X-Forwarded-For': freshClientIp() });
      clock.advance(MINUTE);
      const laptop = await signIn(second.url, account, { 'User-Agent': 'Laptop/2.0', 'X-Forwarded-For': freshClientIp() });
      const response = await fetch(`${first.url}/api/auth/sessions`, { headers: { Cookie: laptop.cookie } });
      assert.equal(response.status, 200);
      const { sessions } = (await response.json()) as { sessions: Array<Record<string, unknown>> };
      assert.deepEqual(
        sessions.map((session) => [session.current, session.userAgent]),
        [
          [true, 'Laptop/2.0'],
          [false, 'Phone/1.0'],
        ],
      );
      for (const session of sessions) assert.deepEqual(Object.keys(session).sort(), ['createdAt', 'current', 'expiresAt', 'lastSeenAt', 'userAgent']);
      const text = JSON.stringify(sessions);
      for (const secret of [phone.cookie.split('=')[1]!, laptop.cookie.split('=')[1]!]) assert.ok(!text.includes(secret));
    });

    it('refuses cookie-authenticated writes without the CSRF token or from another site (403), not reads', async () => {
      const session = await signInVia(first, await staffAccount());
      const post = (headers: Record<string, string>) =>
        fetch(`${second.url}/api/auth/sessions/revoke-all`, {
          method: 'POST',
          headers: { Cookie: session.cookie, 'Content-Type': 'application/json', ...headers },
          body: '{}',
        });
      const refused: Array<Record<string, string>> = [
        {},
        { 'X-CSRF-Token': 'wrong' },
        { 'X-CSRF-Token': session.csrfToken, Origin: 'https://evil.example' },
      ];
      for (const headers of refused) {
        const response = await post(headers);
        assert.equal(response.status, 403, JSON.stringify(headers));
        assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'forbidden');
      }
      assert.equal((await refresh(first, session)).status, 200, 'still signed in');
      assert.equal((await fetch(`${first.url}/api/auth/sessions`, { headers: { Cookie: session.cookie } })).status, 200);
      assert.equal((await post({ 'X-CSRF-Token': session.csrfToken, Origin: second.url })).status, 200);
    });

    it('keeps at most SESSION_MAX_PER_USER live sessions (the oldest go), with a new id at every sign-in', async () => {
      const capped = await startTestExporter({ pool: db.pool, env: { SESSION_MAX_PER_USER: '3', TRUST_PROXY: 'loopback' }, authClock: clock.read });
      try {
        const account = await staffAccount();
        const sessions: SignedIn[] = [];
        for (let n = 0; n < 5; n += 1) {
          sessions.push(await signIn(capped.url, account, { 'X-Forwarded-For': freshClientIp() }));
          clock.advance(SECOND);
        }
        assert.equal(new Set(sessions.map((session) => session.cookie)).size, 5, 'a new session id every time');
        const statuses = await Promise.all(
          sessions.map(async (session) => (await fetch(`${capped.url}/api/auth/session`, { headers: { Cookie: session.cookie } })).status),
        );
        assert.deepEqual(statuses, [401, 401, 200, 200, 200]);
      } finally {
        await capped.close();
      }
    });
  });

  describe('bearer tokens from POST /api/auth/login stay stateless', () => {
    const bearerLogin = async (via: TestExporter, account: TestAccount): Promise<string> => {
      const login = await fetch(`${via.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': freshClientIp() },
        body: JSON.stringify({ email: account.email, password: account.password }),
      });
      return ((await login.json()) as { token: string }).token;
    };

    it('outlive a sign-out-everywhere until their exp (JWT_TTL_SECONDS), then are refused', async () => {
      const account = await staffAccount();
      const token = await bearerLogin(first, account);
      assert.equal((jwt.decode(token) as jwt.JwtPayload).sid, undefined, 'no session behind it');
      assert.deepEqual(await (await apiPost(second, '/api/auth/sessions/revoke-all', { bearer: token })).json(), { revoked: 0 });
      const users = () => fetch(`${second.url}/api/monitoring/users`, { headers: { Authorization: `Bearer ${token}` } });
      assert.equal((await users()).status, 200);
      clock.advance(899 * SECOND);
      assert.equal((await users()).status, 200);
      clock.advance(2 * SECOND);
      assert.equal((await users()).status, 401);
    });

    it('but cannot change a password or end sessions once the account is no longer staff', async () => {
      const account = await staffAccount();
      const token = await bearerLogin(first, account);
      await db.pool.query(`UPDATE "User" SET "role" = 'user' WHERE "id" = $1`, [account.id]);
      assert.equal((await apiPost(first, '/api/auth/sessions/revoke-all', { bearer: token })).status, 403);
      const change = await apiPost(
        first,
        '/api/auth/password',
        { bearer: token },
        { currentPassword: account.password, newPassword: 'Lantern-Wombat-Orchid-77' },
      );
      assert.equal(change.status, 403);
    });
  });
});

describe('staff sessions without Grafana (GRAFANA_URL unset)', () => {
  let db: TestDatabase;
  let exporter: TestExporter;
  let account: TestAccount;

  before(async () => {
    db = await createTestDatabase();
    exporter = await startTestExporter({ pool: db.pool });
    account = await createAccount(db.pool, { email: 'console@kewhats.test', role: 'monitoring' });
  });
  after(async () => {
    await exporter?.close();
    await db?.drop();
  });

  it('serves the sign-in page, signs in to next or /, and the cookie opens the monitoring API and /metrics', async () => {
    assert.equal((await fetch(`${exporter.url}/login`)).status, 200);
    const form = (next?: string) =>
      fetch(`${exporter.url}/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ email: account.email, password: account.password, ...(next ? { next } : {}) }).toString(),
      });
    const toRoot = await form();
    assert.equal(toRoot.status, 303);
    assert.equal(toRoot.headers.get('location'), '/');
    const toNext = await form('/reports?range=7d');
    assert.equal(toNext.headers.get('location'), '/reports?range=7d');
    const cookie = sessionCookieOf(toNext)!.pair;
    assert.equal((await fetch(`${exporter.url}/api/monitoring/users`, { headers: { Cookie: cookie } })).status, 200);
    assert.equal((await fetch(`${exporter.url}/metrics`, { headers: { Cookie: cookie } })).status, 200);
    assert.equal((await fetch(`${exporter.url}/api/monitoring/users`)).status, 401);
    // Nothing is proxied: the rest is the exporter's 404.
    assert.equal((await fetch(`${exporter.url}/d/abc`, { headers: { Cookie: cookie } })).status, 404);
  });

  it('signs out through the confirmation page', async () => {
    const { cookie, csrfToken } = await signIn(exporter.url, account);
    const page = await fetch(`${exporter.url}/logout`, { headers: { Cookie: cookie } });
    assert.equal(page.status, 200);
    assert.match(await page.text(), /Also sign out on my other devices/);
    const other = await signIn(exporter.url, account);
    const response = await fetch(`${exporter.url}/logout`, {
      method: 'POST',
      redirect: 'manual',
      headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded', Origin: exporter.url },
      body: new URLSearchParams({ _csrf: csrfToken, everywhere: '1' }).toString(),
    });
    assert.equal(response.status, 303);
    assert.equal(response.headers.get('location'), '/login');
    for (const session of [cookie, other.cookie]) {
      assert.equal((await fetch(`${exporter.url}/api/auth/session`, { headers: { Cookie: session } })).status, 401);
    }
  });
});
