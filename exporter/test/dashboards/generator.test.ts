import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  currencyUnit,
  generateDashboards,
  planDashboardFiles,
  writeDashboardFiles,
  type Dashboard,
  type KeWhatsQuery,
  type Panel,
  type PrometheusQuery,
} from '../../src/dashboards/index.js';
import { SECTIONS } from '../../src/sections/index.js';
import { defineSection, type Section } from '../../src/sections/section.js';
import { metricNames } from './support/promql.js';
import { reduceFields } from './support/repo-files.js';

const generated = generateDashboards(SECTIONS);
const dashboardOf = (name: string): Dashboard => generated.find((item) => item.dashboard.uid === `kewhats-${name}`)!.dashboard;
const kewhatsTargets = (panel: Panel) => (panel.targets ?? []).filter((target): target is KeWhatsQuery => 'section' in target);
const promTargets = (panel: Panel) => (panel.targets ?? []).filter((target): target is PrometheusQuery => 'expr' in target);

function overlaps(a: Panel['gridPos'], b: Panel['gridPos']): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

/**
 * The stat cards' reduce options: no field pattern (Grafana would match it against display
 * names), so the default numeric matcher takes the one number the query's field leaves.
 */
const STAT_REDUCE_OPTIONS = { values: false, calcs: ['lastNotNull'], fields: '' };

/** A section that does not exist, to show what a new section gets without touching the generator. */
const newSection = defineSection({
  name: 'invoices',
  title: 'Invoices',
  tables: {},
  toJson: () => ({ total: 0, byStatus: { open: 0, paid: 0 }, billed: 0 }),
  metrics: [
    { name: 'kewhats_invoices', help: 'Invoices by status.', type: 'gauge', labelNames: ['status'], samples: () => [] },
    { name: 'kewhats_invoice_emails_total', help: 'Invoice emails sent.', type: 'counter', samples: () => [] },
  ],
  figures: [
    { path: 'total', title: 'Invoices' },
    { path: 'billed', title: 'Billed', unit: 'currency' },
  ],
  breakdowns: [{ field: 'byStatus', title: 'Invoices by status', chart: 'donut' }],
}) as unknown as Section;

describe('dashboard generator', () => {
  test('is deterministic: the same sections give byte-identical files', () => {
    const again = generateDashboards(SECTIONS);
    assert.deepEqual(
      again.map((item) => [item.fileName, item.json]),
      generated.map((item) => [item.fileName, item.json]),
    );
    for (const item of generated) assert.equal(item.json, `${JSON.stringify(JSON.parse(item.json), null, 2)}\n`);
  });

  test('one dashboard per section, in sidebar order, with stable uids and dashboard.json as the home', () => {
    assert.deepEqual(
      generated.map((item) => item.fileName),
      SECTIONS.map((section) => `${section.name}.json`),
    );
    assert.equal(generated[0]!.fileName, 'dashboard.json');
    assert.deepEqual(
      generated.map((item) => item.dashboard.uid),
      SECTIONS.map((section) => `kewhats-${section.name}`),
    );
    assert.equal(new Set(generated.map((item) => item.dashboard.uid)).size, SECTIONS.length);
    for (const { dashboard } of generated) {
      const section = SECTIONS.find((candidate) => `kewhats-${candidate.name}` === dashboard.uid)!;
      assert.equal(dashboard.title, `KeWhats · ${section.title}`);
      assert.deepEqual(dashboard.tags, ['kewhats-monitoring']);
      assert.equal(dashboard.refresh, '30s');
      assert.equal(dashboard.style, 'dark');
      assert.equal(dashboard.editable, false);
      assert.equal(dashboard.schemaVersion, 41);
      assert.equal(dashboard.timezone, 'Asia/Jakarta');
    }
  });

  test('the home dashboard opens on the current month (the revenue range), the others on the last 6 hours', () => {
    assert.deepEqual(dashboardOf('dashboard').time, { from: 'now/M', to: 'now/M' });
    for (const section of SECTIONS.filter((candidate) => candidate.name !== 'dashboard')) {
      assert.deepEqual(dashboardOf(section.name).time, { from: 'now-6h', to: 'now' }, section.name);
    }
  });

  test('every dashboard links to every section dashboard in sidebar order', () => {
    for (const { dashboard } of generated) {
      assert.deepEqual(
        dashboard.links.map((link) => link.url),
        SECTIONS.map((section) => `/d/kewhats-${section.name}`),
      );
      for (const link of dashboard.links) assert.equal(link.asDropdown, false);
    }
  });

  test('panel ids are 1..n, titles unique, and the grid positions fit 24 columns without overlapping', () => {
    for (const { dashboard } of generated) {
      assert.deepEqual(
        dashboard.panels.map((panel) => panel.id),
        dashboard.panels.map((_, index) => index + 1),
      );
      assert.equal(new Set(dashboard.panels.map((panel) => panel.title)).size, dashboard.panels.length, dashboard.uid);
      dashboard.panels.forEach((panel, index) => {
        assert.ok(panel.gridPos.x >= 0 && panel.gridPos.x + panel.gridPos.w <= 24, `${dashboard.uid} #${panel.id}`);
        for (const other of dashboard.panels.slice(index + 1)) {
          assert.ok(!overlaps(panel.gridPos, other.gridPos), `${dashboard.uid}: #${panel.id} overlaps #${other.id}`);
        }
      });
    }
  });

  test('a stat card per figure, asking for its path as the query field, with the figure unit', () => {
    for (const section of SECTIONS) {
      const stats = dashboardOf(section.name).panels.filter((panel) => panel.type === 'stat');
      for (const figure of section.figures) {
        const panel = stats.find((candidate) => kewhatsTargets(candidate).some((target) => target.field === figure.path));
        assert.ok(panel, `${section.name}: no stat panel for ${figure.path}`);
        assert.equal(panel.title, figure.title);
        const [target] = kewhatsTargets(panel);
        assert.deepEqual(target, {
          refId: 'A',
          datasource: { type: 'kewhats-monitoring-datasource', uid: 'kewhats-monitoring' },
          section: section.name,
          shape: 'stats',
          field: figure.path,
        });
        // The frame then holds that one number: Grafana's default (numeric fields) shows it.
        assert.deepEqual(panel.options!.reduceOptions, STAT_REDUCE_OPTIONS, `${section.name}: ${figure.path}`);
        assert.equal(panel.fieldConfig!.defaults.unit, figure.unit === 'currency' ? 'currencyIDR' : 'short');
      }
    }
  });

  test('every dashboard shows the snapshot age: lastUpdated in seconds, green < 60 s, orange, red from 300 s', () => {
    for (const section of SECTIONS) {
      const panel = dashboardOf(section.name).panels.find((candidate) =>
        kewhatsTargets(candidate).some((target) => target.field === 'lastUpdated'),
      );
      assert.ok(panel, section.name);
      assert.equal(panel.type, 'stat');
      assert.equal(panel.title, 'Last updated (time ago)');
      assert.deepEqual(kewhatsTargets(panel), [
        {
          refId: 'A',
          datasource: { type: 'kewhats-monitoring-datasource', uid: 'kewhats-monitoring' },
          section: section.name,
          shape: 'stats',
          field: 'lastUpdated',
        },
      ]);
      assert.deepEqual(panel.options!.reduceOptions, STAT_REDUCE_OPTIONS, section.name);
      assert.equal(panel.fieldConfig!.defaults.unit, 's');
      assert.deepEqual(panel.fieldConfig!.defaults.thresholds, {
        mode: 'absolute',
        steps: [
          { color: 'green', value: null },
          { color: 'orange', value: 60 },
          { color: 'red', value: 300 },
        ],
      });
    }
  });

  test('breakdowns become pie, donut and bar charts of the label/value frame', () => {
    const expected = { pie: ['piechart', 'pie'], donut: ['piechart', 'donut'], bar: ['barchart', undefined] } as const;
    let charts = 0;
    for (const section of SECTIONS) {
      for (const breakdown of section.breakdowns) {
        const panel = dashboardOf(section.name).panels.find((candidate) => candidate.title === breakdown.title);
        assert.ok(panel, `${section.name}: no panel ${breakdown.title}`);
        const [type, pieType] = expected[breakdown.chart];
        assert.equal(panel.type, type);
        const [target] = kewhatsTargets(panel);
        assert.equal(target!.shape, 'breakdown');
        assert.equal(target!.section, section.name);
        assert.equal(target!.field, breakdown.field);
        if (type === 'piechart') {
          assert.equal(panel.options!.pieType, pieType);
          // Every row a slice; the numeric fields (the frame has one: value) give the sizes.
          assert.deepEqual(panel.options!.reduceOptions, { values: true, calcs: ['lastNotNull'], fields: '' });
        } else {
          assert.equal(panel.options!.xField, 'label');
        }
        charts += 1;
      }
    }
    // The section definitions ask for a pie (users by plan), a donut (devices) and a bar chart (integrations).
    assert.equal(dashboardOf('users').panels.find((panel) => panel.title === 'Users by plan')?.options?.pieType, 'pie');
    assert.equal(dashboardOf('connections').panels.find((panel) => panel.type === 'piechart')?.options?.pieType, 'donut');
    assert.equal(dashboardOf('integrations').panels.find((panel) => panel.type === 'barchart')?.options?.xField, 'label');
    assert.ok(charts >= 3);
  });

  test('every metric a section exposes is charted from Prometheus on that section dashboard', () => {
    for (const section of SECTIONS) {
      const panels = dashboardOf(section.name).panels.filter((panel) => panel.type === 'timeseries');
      assert.ok(panels.length > 0, section.name);
      const charted = new Set(panels.flatMap((panel) => promTargets(panel).flatMap((target) => metricNames(target.expr))));
      for (const metric of section.metrics) assert.ok(charted.has(metric.name), `${section.name}: ${metric.name} is not charted`);
      for (const panel of panels) {
        assert.deepEqual(panel.datasource, { type: 'prometheus', uid: 'kewhats-prometheus' });
        for (const target of promTargets(panel)) assert.deepEqual(target.datasource, panel.datasource);
      }
    }
  });

  test('the home dashboard charts messages with deriv() (an all-time gauge) and API traffic with rate() by direction', () => {
    const exprs = dashboardOf('dashboard').panels.flatMap((panel) => promTargets(panel).map((target) => target.expr));
    assert.ok(exprs.some((expr) => /deriv\(kewhats_messages\[5m\]\)/.test(expr)));
    assert.ok(!exprs.some((expr) => /(rate|increase)\(kewhats_messages/.test(expr)), 'rate() on a gauge');
    assert.ok(exprs.includes('sum by (direction) (rate(kewhats_api_requests_total[5m]))'));
    const connections = dashboardOf('connections').panels.flatMap((panel) => promTargets(panel).map((target) => target.expr));
    assert.ok(connections.includes('sum(kewhats_devices{status="connected"})'));
  });

  test('the contacts dashboard, and only it, has the CSV export panel', () => {
    for (const { dashboard } of generated) {
      const exports = dashboard.panels.filter((panel) => panel.type === 'kewhats-contactexport-panel');
      assert.equal(exports.length, dashboard.uid === 'kewhats-contacts' ? 1 : 0, dashboard.uid);
    }
    const panel = dashboardOf('contacts').panels.find((candidate) => candidate.type === 'kewhats-contactexport-panel')!;
    assert.deepEqual(panel.options, { datasourceUid: 'kewhats-monitoring', fileNameTemplate: 'kewhats-{type}-{date}.csv' });
  });

  test('a new section gets its dashboard for free: cards, charts and trends of its metrics', () => {
    const [item] = generateDashboards([newSection], { currency: 'USD', timeZone: 'UTC' });
    const dashboard = item!.dashboard;
    assert.equal(item!.fileName, 'invoices.json');
    assert.equal(dashboard.uid, 'kewhats-invoices');
    assert.equal(dashboard.timezone, 'UTC');
    // A money figure follows the time range, so this one opens on the current month too.
    assert.deepEqual(dashboard.time, { from: 'now/M', to: 'now/M' });
    const billed = dashboard.panels.find((panel) => panel.title === 'Billed')!;
    assert.equal(billed.fieldConfig!.defaults.unit, 'currencyUSD');
    assert.equal(dashboard.panels.find((panel) => panel.title === 'Invoices by status')!.options!.pieType, 'donut');
    const exprs = dashboard.panels.flatMap((panel) => promTargets(panel).map((target) => target.expr));
    assert.deepEqual(exprs, ['sum by (status) (kewhats_invoices)', 'sum(rate(kewhats_invoice_emails_total[5m]))']);
    assert.equal(dashboard.panels.filter((panel) => panel.type === 'kewhats-contactexport-panel').length, 0);
  });

  test('every stat card, of every section and of a new one, has a query field and no field pattern', () => {
    const [invoices] = generateDashboards([newSection], { currency: 'USD', timeZone: 'UTC' });
    let cards = 0;
    for (const { dashboard } of [...generated, invoices!]) {
      for (const panel of dashboard.panels.filter((candidate) => candidate.type === 'stat')) {
        const where = `${dashboard.uid} "${panel.title}"`;
        const targets = kewhatsTargets(panel);
        assert.equal(targets.length, 1, where);
        assert.equal(targets[0]!.shape, 'stats', where);
        assert.ok(typeof targets[0]!.field === 'string' && targets[0]!.field !== '', `${where}: no query field`);
        assert.equal(reduceFields(panel), '', where);
        cards += 1;
      }
    }
    const figures = [...SECTIONS, newSection].reduce((sum, section) => sum + section.figures.length, 0);
    assert.equal(cards, figures + SECTIONS.length + 1, 'one card per figure plus one Last updated card per dashboard');
  });

  test('currency units: Grafana built-ins where they exist, the custom currency syntax otherwise', () => {
    assert.equal(currencyUnit('IDR'), 'currencyIDR');
    assert.equal(currencyUnit('idr'), 'currencyIDR');
    assert.equal(currencyUnit('SGD'), 'currency:SGD ');
  });

  test('writing the files: only changed ones are written, stale dashboards removed, nothing else touched', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kewhats-dashboards-'));
    try {
      writeFileSync(join(dir, 'gone-section.json'), '{}\n');
      writeFileSync(join(dir, 'README.md'), 'not a dashboard\n');
      const first = writeDashboardFiles(generated, dir);
      assert.deepEqual(first.written, generated.map((item) => item.fileName));
      assert.deepEqual(first.removed, ['gone-section.json']);
      assert.deepEqual(readdirSync(dir).sort(), [...generated.map((item) => item.fileName), 'README.md'].sort());
      for (const item of generated) assert.equal(readFileSync(join(dir, item.fileName), 'utf8'), item.json);
      writeFileSync(join(dir, 'users.json'), '{}\n');
      assert.deepEqual(planDashboardFiles(generated, dir), {
        written: ['users.json'],
        unchanged: generated.map((item) => item.fileName).filter((name) => name !== 'users.json'),
        removed: [],
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
