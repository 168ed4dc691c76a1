// The numbers on screen against a real exporter: a failure keeps the last numbers and says why.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CatalogueSection } from '../../console/src/api/catalogue.ts';
import { dataKey, MonitoringStore, type MonitoringState } from '../../console/src/data/monitoring-store.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { startTestExporter, type TestExporter } from '../support/test-exporter.js';
import { exporterApi } from './support/exporter-api.ts';

function section(name: string, path: string): CatalogueSection {
  return { name, path, position: 0, icon: 'apps', title: { en: name }, timeRange: null, figures: [], breakdowns: [] };
}

describe('monitoring store against a real exporter', () => {
  let db: TestDatabase;
  let exporter: TestExporter;
  let store: MonitoringStore;
  const seen: MonitoringState[] = [];

  before(async () => {
    db = await createTestDatabase();
    exporter = await startTestExporter({ pool: db.pool });
    store = new MonitoringStore(exporterApi(exporter));
    store.subscribe((state) => seen.push(state));
  });
  after(async () => {
    await exporter?.close();
    await db?.drop();
  });

  it('keeps the body under the section name with its snapshot time', async () => {
    await store.load(section('people', '/api/monitoring/users'));
    const data = store.state.data.get('people');
    assert.ok(data);
    assert.equal(typeof (data.body as { total?: unknown }).total, 'number');
    assert.equal(data.generatedAt, (data.body as { generatedAt: string }).generatedAt);
    assert.equal(data.stale, false);
    assert.deepEqual(store.state.connection, { kind: 'ok' });
    assert.equal(store.state.loading, false);
    assert.ok(
      seen.some((state) => state.loading),
      'loading was announced',
    );
  });

  it('keeps a ranged body under its own key, and only the range last asked for', async () => {
    const ranged = section('money', '/api/monitoring/dashboard');
    const moneyKeys = () => [...store.state.data.keys()].filter((key) => key.startsWith('money')).sort();
    await store.load(ranged, { from: '2026-01-01', to: '2026-02-01' });
    await store.load(ranged, { from: '2026-02-01', to: '2026-03-01' });
    assert.deepEqual(moneyKeys(), [dataKey('money', { to: '2026-03-01', from: '2026-02-01' })]);
    const body = store.state.data.get(dataKey('money', { from: '2026-02-01', to: '2026-03-01' }))!.body as { revenue: { from: string } };
    assert.equal(body.revenue.from, '2026-01-31T17:00:00.000Z', 'the range was read in Asia/Jakarta');
    await store.load(ranged);
    assert.deepEqual(moneyKeys(), ['money']);
  });

  it('reports an error answer without dropping the numbers', async () => {
    await store.load(section('people', '/api/monitoring/no-such-section'));
    assert.deepEqual(store.state.connection, { kind: 'failed', status: 404, message: 'no monitoring section at /no-such-section' });
    assert.ok(store.state.data.get('people'));
  });

  it("takes every section of a live snapshot at once, with the event's time and stale flag", () => {
    store.applySnapshot({
      generatedAt: '2026-11-29T10:00:00.000Z',
      stale: true,
      sections: { people: { total: 7 }, money: { revenue: { amount: 1 } } },
    });
    assert.deepEqual(store.state.data.get('people'), { body: { total: 7 }, generatedAt: '2026-11-29T10:00:00.000Z', stale: true });
    assert.deepEqual(store.state.data.get('money')?.stale, true);
    assert.deepEqual(store.state.connection, { kind: 'ok' });
  });

  it('says the exporter is unreachable when it stops, and keeps the last numbers', async () => {
    const before = store.state.data.get('people');
    await exporter.close();
    await store.load(section('people', '/api/monitoring/users'));
    assert.deepEqual(store.state.connection, { kind: 'unreachable' });
    assert.equal(store.state.data.get('people'), before);
  });
});
