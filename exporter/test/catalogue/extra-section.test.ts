import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildCatalogue, type Catalogue } from '../../src/catalogue/catalogue.js';
import { appIncludes, generateDashboards, type KeWhatsQuery, type PrometheusQuery } from '../../src/dashboards/index.js';
import { seedDemoData } from '../../src/demo/seed.js';
import { SECTIONS } from '../../src/sections/index.js';
import { exposedMetricNames, isExposed, metricNames } from '../dashboards/support/promql.js';
import { defaultStatFields, keWhatsQueries, statsFrameFields } from '../dashboards/support/repo-files.js';
import { PAYMENT_STATUSES, paymentsSection } from '../support/extra-section.js';
import { getJson } from '../support/http.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { startTestExporter, type TestExporter } from '../support/test-exporter.js';

/**
 * A ninth section that is defined here, not in src/sections: started with the eight, it must reach
 * the JSON API, /metrics, the catalogue, the generated dashboards (both languages) and the app's
 * sidebar with no other file touched. The plugin's browser test takes the same section through the
 * built data source (grafana-plugin/test/browser).
 */
describe('a section added without touching any other file', () => {
  const sections = [...SECTIONS, paymentsSection];
  let db: TestDatabase;
  let exporter: TestExporter;
  let byStatus: Record<string, number>;

  before(async () => {
    db = await createTestDatabase();
    await seedDemoData(db.pool);
    const { rows } = await db.pool.query<{ status: string; count: number }>('SELECT "status", count(*)::int AS count FROM "Payment" GROUP BY 1');
    byStatus = Object.fromEntries(PAYMENT_STATUSES.map((status) => [status, rows.find((row) => row.status === status)?.count ?? 0]));
    exporter = await startTestExporter({ pool: db.pool, sections });
  });
  after(async () => {
    await exporter?.close();
    await db?.drop();
  });

  test('the API serves it at /api/monitoring/<name>', async () => {
    const { status, body } = await getJson(`${exporter.url}/api/monitoring/payments`, { headers: exporter.authHeaders('monitoring') });
    assert.equal(status, 200);
    assert.equal(typeof body.generatedAt, 'string');
    assert.deepEqual(body.byStatus, byStatus);
    assert.equal(
      body.total,
      Object.values(byStatus).reduce((sum, count) => sum + count, 0),
    );
    assert.ok(body.total > 0, 'the demo data has payments');
  });

  test('/metrics exposes its metric', async () => {
    const response = await fetch(`${exporter.url}/metrics`, { headers: exporter.authHeaders('machine') });
    const text = await response.text();
    assert.ok(isExposed('kewhats_payments', exposedMetricNames(text)));
    assert.match(text, new RegExp(`^kewhats_payments\\{status="paid"\\} ${byStatus.paid}$`, 'm'));
  });

  test('the catalogue lists it last, with its labels, figures and breakdown', async () => {
    const { body } = await getJson(`${exporter.url}/api/monitoring/catalogue`, { headers: exporter.authHeaders('machine') });
    const catalogue = body as Catalogue;
    assert.deepEqual(catalogue, JSON.parse(JSON.stringify(buildCatalogue(sections, exporter.config))));
    const payments = catalogue.sections.at(-1)!;
    assert.equal(payments.name, 'payments');
    assert.equal(payments.path, '/api/monitoring/payments');
    assert.deepEqual(payments.title, { id: 'Pembayaran', en: 'Payments' });
    assert.deepEqual(
      payments.figures.map((figure) => figure.path),
      ['total', ...PAYMENT_STATUSES.map((status) => `byStatus.${status}`)],
    );
    assert.deepEqual(payments.breakdowns[0]!.values.find((value) => value.key === 'paid')!.label, { id: 'Lunas', en: 'Paid' });
  });

  test('its dashboards, in both languages, ask for numbers its JSON has and chart a metric /metrics has', async () => {
    const { body } = await getJson(`${exporter.url}/api/monitoring/payments`, { headers: exporter.authHeaders('machine') });
    const exposition = exposedMetricNames(await (await fetch(`${exporter.url}/metrics`, { headers: exporter.authHeaders('machine') })).text());
    const dashboards = generateDashboards(sections).filter((item) => item.dashboard.uid === 'kewhats-payments');
    assert.deepEqual(
      dashboards.map((item) => item.fileName),
      ['id/payments.json', 'en/payments.json'],
    );
    for (const { dashboard, language } of dashboards) {
      const queries = keWhatsQueries([dashboard]).map(({ query }) => query as KeWhatsQuery);
      assert.ok(queries.length > PAYMENT_STATUSES.length);
      for (const query of queries.filter((candidate) => candidate.shape === 'stats')) {
        assert.equal(query.language, language);
        assert.deepEqual(defaultStatFields(statsFrameFields(body, query.field)), [query.field], query.field);
      }
      const exprs = dashboard.panels.flatMap((panel) => (panel.targets ?? []).filter((target): target is PrometheusQuery => 'expr' in target));
      assert.ok(exprs.length > 0);
      for (const { expr } of exprs) for (const name of metricNames(expr)) assert.ok(isExposed(name, exposition), name);
    }
    // The other dashboards link to it too.
    const home = generateDashboards(sections).find((item) => item.fileName === 'en/dashboard.json')!.dashboard;
    assert.equal(home.links.at(-1)!.url, '/d/kewhats-payments');
    assert.equal(home.links.at(-1)!.title, 'Payments');
  });

  test('the app sidebar gets its page, opening its dashboard', () => {
    const pages = appIncludes(sections, []) as Array<{ name: string; path: string; icon: string }>;
    assert.deepEqual(pages.filter((page) => page.path.startsWith('/d/')).at(-1), {
      type: 'page',
      name: 'Pembayaran',
      path: '/d/kewhats-payments',
      role: 'Viewer',
      addToNav: true,
      icon: 'credit-card',
    });
  });
});
