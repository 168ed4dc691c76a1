import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { localPreferenceStore } from '../../console/src/data/preferences.ts';

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
