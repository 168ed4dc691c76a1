// GET and PUT /api/auth/preferences: the console's language and theme per account, in the
// exporter's own table; writes with a cookie need the CSRF token and this site's Origin.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createAccount, type TestAccount } from './support/accounts.js';
import { signIn, type SignedIn } from '../gateway/support/sessions.js';
import { getJson } from '../support/http.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { startTestExporter, type TestExporter } from '../support/test-exporter.js';

describe('staff preferences', () => {
  let db: TestDatabase;
  let exporter: TestExporter;
  let ana: TestAccount;
  let budi: TestAccount;
  let anaSession: SignedIn;

  const put = (session: SignedIn, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${exporter.url}/api/auth/preferences`, {
      method: 'PUT',
      headers: { Cookie: session.cookie, 'Content-Type': 'application/json', 'X-CSRF-Token': session.csrfToken, Origin: exporter.url, ...headers },
      body: JSON.stringify(body),
    });
  const read = (session: SignedIn) => getJson(`${exporter.url}/api/auth/preferences`, { headers: { Cookie: session.cookie } });

  before(async () => {
    db = await createTestDatabase();
    exporter = await startTestExporter({ pool: db.pool });
    ana = await createAccount(db.pool, { email: 'ana@test.example', role: 'monitoring' });
    budi = await createAccount(db.pool, { email: 'budi@test.example', role: 'admin' });
    anaSession = await signIn(exporter.url, ana);
  });
  after(async () => {
    await exporter?.close();
    await db?.drop();
  });

  it('start with nothing chosen, and remember each account’s choice for its every session', async () => {
    assert.deepEqual((await read(anaSession)).body, { language: null, theme: null });
    const saved = await put(anaSession, { language: 'id', theme: 'light' });
    assert.equal(saved.status, 200);
    assert.deepEqual(await saved.json(), { language: 'id', theme: 'light' });
    const elsewhere = await signIn(exporter.url, ana);
    assert.deepEqual((await read(elsewhere)).body, { language: 'id', theme: 'light' });
    const budiSession = await signIn(exporter.url, budi);
    assert.deepEqual((await read(budiSession)).body, { language: null, theme: null });
    assert.equal((await put(anaSession, { language: 'en', theme: null })).status, 200);
    assert.deepEqual((await read(elsewhere)).body, { language: 'en', theme: null });
    const { rows } = await db.pool.query(`SELECT "userId", "language", "theme" FROM "StaffPreference" ORDER BY "userId"`);
    assert.deepEqual(rows, [{ userId: ana.id, language: 'en', theme: null }]);
  });

  it('refuse a write without the CSRF token or from another site, and a read or write signed out', async () => {
    const refused: Array<Record<string, string>> = [{ 'X-CSRF-Token': '' }, { 'X-CSRF-Token': 'wrong' }, { Origin: 'https://evil.example' }];
    for (const headers of refused) {
      const response = await put(anaSession, { language: 'id', theme: 'dark' }, headers);
      assert.equal(response.status, 403, JSON.stringify(headers));
    }
    assert.deepEqual((await read(anaSession)).body, { language: 'en', theme: null }, 'nothing written');
    assert.equal((await getJson(`${exporter.url}/api/auth/preferences`)).status, 401);
    assert.equal(
      (await getJson(`${exporter.url}/api/auth/preferences`, { headers: exporter.authHeaders() })).status,
      403,
      'the machine token has no account',
    );
  });

  it('answer a bad body with a clear 400 and keep what was stored', async () => {
    for (const body of [
      { language: 'fr', theme: 'dark' },
      { language: 'id', theme: 'neon' },
      { language: 'id' },
      { language: 'id', theme: 'dark', extra: 1 },
      ['id'],
    ]) {
      const response = await put(anaSession, body);
      assert.equal(response.status, 400, JSON.stringify(body));
      const error = ((await response.json()) as { error: { code: string; message: string } }).error;
      assert.equal(error.code, 'bad_request');
      assert.ok(error.message.length > 0);
    }
    assert.deepEqual((await read(anaSession)).body, { language: 'en', theme: null });
  });

  it('go with their account', async () => {
    await db.pool.query(`DELETE FROM "User" WHERE "id" = $1`, [ana.id]);
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM "StaffPreference" WHERE "userId" = $1`, [ana.id]);
    assert.equal(rows[0].n, 0);
  });
});
