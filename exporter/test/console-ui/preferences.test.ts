import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { accountPreferenceStore, localPreferenceStore, type PreferenceApi } from '../../console/src/data/preferences.ts';
import { createAccount } from '../auth/support/accounts.js';
import { signIn, type SignedIn } from '../gateway/support/sessions.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { startTestExporter, type TestExporter } from '../support/test-exporter.js';

/** The Web Storage interface over a Map (Node has no localStorage). */
function memoryStorage() {
  const items = new Map<string, string>();
  return { items, getItem: (key: string) => items.get(key) ?? null, setItem: (key: string, value: string) => void items.set(key, value) };
}

describe('console preferences', () => {
  it('remembers choices per account', async () => {
    const storage = memoryStorage();
    await localPreferenceStore(storage, 'ana').save({ language: 'id', theme: 'light', refresh: 'live' });
    await localPreferenceStore(storage, 'budi').save({ refresh: 60_000 });
    assert.deepEqual(await localPreferenceStore(storage, 'ana').load(), { language: 'id', theme: 'light', refresh: 'live' });
    assert.deepEqual(await localPreferenceStore(storage, 'budi').load(), { refresh: 60_000 });
    assert.deepEqual(await localPreferenceStore(storage, 'citra').load(), {});
  });

  it('drops what is not a valid choice, and survives a corrupt entry', async () => {
    const storage = memoryStorage();
    storage.items.set('kewhats.console.preferences.ana', JSON.stringify({ language: 'fr', theme: 'neon', refresh: 12_345 }));
    assert.deepEqual(await localPreferenceStore(storage, 'ana').load(), {});
    storage.items.set('kewhats.console.preferences.ana', '{not json');
    assert.deepEqual(await localPreferenceStore(storage, 'ana').load(), {});
  });
});

describe('console preferences with the account', () => {
  let db: TestDatabase;
  let exporter: TestExporter;
  let session: SignedIn;
  const puts: unknown[] = [];

  /** What the console's ApiClient does, with a signed-in session's cookie and CSRF token. */
  const api = (): PreferenceApi => ({
    async get<T>(url: string) {
      const response = await fetch(`${exporter.url}${url}`, { headers: { Cookie: session.cookie } });
      assert.equal(response.status, 200);
      return (await response.json()) as T;
    },
    async put<T>(url: string, body: unknown) {
      puts.push(body);
      const response = await fetch(`${exporter.url}${url}`, {
        method: 'PUT',
        headers: { Cookie: session.cookie, 'X-CSRF-Token': session.csrfToken, Origin: exporter.url, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      assert.equal(response.status, 200);
      return (await response.json()) as T;
    },
  });

  before(async () => {
    db = await createTestDatabase();
    exporter = await startTestExporter({ pool: db.pool });
    session = await signIn(exporter.url, await createAccount(db.pool, { email: 'citra@test.example', role: 'monitoring' }));
  });
  after(async () => {
    await exporter?.close();
    await db?.drop();
  });

  it('keeps language and theme on the exporter, the auto-refresh in this browser, and sends only changes', async () => {
    const laptop = memoryStorage();
    const store = accountPreferenceStore(api(), localPreferenceStore(laptop, 'citra'));
    assert.deepEqual(await store.load(), {});
    await store.save({ language: 'id', theme: 'light', refresh: 'live' });
    await store.save({ language: 'id', theme: 'light', refresh: 10_000 });
    assert.deepEqual(puts, [{ language: 'id', theme: 'light' }], 'the refresh choice alone is not sent');
    assert.deepEqual(JSON.parse(laptop.items.get('kewhats.console.preferences.citra')!), { refresh: 10_000 });
    // Another browser of the same account: the language and theme follow, the refresh does not.
    const wallScreen = accountPreferenceStore(api(), localPreferenceStore(memoryStorage(), 'citra'));
    assert.deepEqual(await wallScreen.load(), { language: 'id', theme: 'light' });
  });
});
