import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  currencyUnit,
  generateDashboards,
  listJsonFiles,
  planFiles,
  trendUnit,
  writeFiles,
  type Dashboard,
  type KeWhatsQuery,
  type Panel,
  type PrometheusQuery,
} from '../../src/dashboards/index.js';
import { CATALOGUE_TEXTS } from '../../src/catalogue/texts.js';
import { LANGUAGES, type Language } from '../../src/sections/presentation.js';
import { SECTIONS } from '../../src/sections/index.js';
import { paymentsSection } from '../support/extra-section.js';
import { metricNames } from './support/promql.js';
import { reduceFields } from './support/repo-files.js';

const generated = generateDashboards(SECTIONS);
const dashboardOf = (name: string, language: Language = 'id'): Dashboard =>
  generated.find((item) => item.language === language && item.dashboard.uid === `kewhats-${name}`)!.dashboard;
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

describe('dashboard generator', () => {
  test('is deterministic: the same sections give byte-identical files', () => {
    const again = generateDashboards(SECTIONS);
    assert.deepEqual(
      again.map((item) => [item.fileName, item.json]),
      generated.map((item) => [item.fileName, item.json]),
    );
    for (const item of generated) assert.equal(item.json, `${JSON.stringify(JSON.parse(item.json), null, 2)}\n`);
  });

  test('one dashboard per section and language, in sidebar order, with the same stable uids in both languages', () => {
    assert.deepEqual(
      generated.map((item) => item.fileName),
      LANGUAGES.flatMap((language) => SECTIONS.map((section) => `${language}/${section.name}.json`)),
    );
    assert.ok(generated.some((item) => item.fileName === 'id/dashboard.json'));
    for (const language of LANGUAGES) {
      const set = generated.filter((item) => item.language === language);
      assert.deepEqual(
        set.map((item) => item.dashboard.uid),
        SECTIONS.map((section) => `kewhats-${section.name}`),
      );
      for (const { dashboard } of set) {
        const section = SECTIONS.find((candidate) => `kewhats-${candidate.name}` === dashboard.uid)!;
        assert.equal(dashboard.title, `KeWhats · ${section.title[language]}`);
        assert.ok(dashboard.description.includes(section.description[language]));
        assert.deepEqual(dashboard.tags, ['kewhats-monitoring']);
        assert.equal(dashboard.refresh, '30s');
        assert.equal(dashboard.style, 'dark');
        assert.equal(dashboard.editable, false);
        assert.equal(dashboard.schemaVersion, 41);
        assert.equal(dashboard.timezone, 'Asia/Jakarta');
      }
    }
  });

  test('the two languages differ only in words: same panels, queries, positions and PromQL', () => {
    const shape = (dashboard: Dashboard) =>
      dashboard.panels.map((panel) => ({
        type: panel.type,
        gridPos: panel.gridPos,
        targets: (panel.targets ?? []).map((target) => ('expr' in target ? target.expr : { ...target, language: undefined })),
      }));
    for (const section of SECTIONS) {
      assert.deepEqual(shape(dashboardOf(section.name, 'id')), shape(dashboardOf(section.name, 'en')), section.name);
      assert.notDeepEqual(
        dashboardOf(section.name, 'id').panels.map((panel) => panel.title),
        dashboardOf(section.name, 'en').panels.map((panel) => panel.title),
        section.name,
      );
    }
  });

  test('a section with a time range opens on the current month (its default), the others on the last 6 hours', () => {
    assert.deepEqual(dashboardOf('dashboard').time, { from: 'now/M', to: 'now/M' });
    for (const section of SECTIONS.filter((candidate) => !candidate.timeRange)) {
      assert.deepEqual(dashboardOf(section.name).time, { from: 'now-6h', to: 'now' }, section.name);
    }
  });

  test('every dashboard links to every section dashboard in sidebar order, titled in its language', () => {
    for (const { dashboard, language } of generated) {
      assert.deepEqual(
        dashboard.links.map((link) => [link.url, link.title]),
        SECTIONS.map((section) => [`/d/kewhats-${section.name}`, section.title[language]]),
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

  test('a stat card per figure, titled and described in the dashboard language, asking for its path in that language', () => {
    for (const { dashboard, language } of generated) {
      const section = SECTIONS.find((candidate) => `kewhats-${candidate.name}` === dashboard.uid)!;
      const stats = dashboard.panels.filter((panel) => panel.type === 'stat');
      for (const figure of section.figures) {
        const panel = stats.find((candidate) => kewhatsTargets(candidate).some((target) => target.field === figure.path));
        assert.ok(panel, `${section.name}: no stat panel for ${figure.path}`);
        assert.equal(panel.title, figure.label[language]);
        assert.equal(panel.description, figure.description[language]);
        const [target] = kewhatsTargets(panel);
        assert.deepEqual(target, {
          refId: 'A',
          datasource: { type: 'kewhats-monitoring-datasource', uid: 'kewhats-monitoring' },
          section: section.name,
          shape: 'stats',
          field: figure.path,
          language,
        });
        // The frame then holds that one number: Grafana's default (numeric fields) shows it.
        assert.deepEqual(panel.options!.reduceOptions, STAT_REDUCE_OPTIONS, `${section.name}: ${figure.path}`);
        // Units come with the data source's frame (from the catalogue), which wins over panel defaults.
        assert.equal(panel.fieldConfig!.defaults.unit, undefined);
      }
    }
  });

  test('the Indonesian dashboards use the product wording', () => {
    const titles = (name: string) => dashboardOf(name, 'id').panels.map((panel) => panel.title);
    for (const words of ['Total Pesan Masuk', 'Total Pesan Terkirim', 'Total Pesan Gagal', 'Total User Terdaftar', 'Pendapatan Bulanan']) {
      assert.ok(titles('dashboard').includes(words), words);
    }
    assert.ok(titles('dashboard').includes('API Traffic Masuk') && titles('dashboard').includes('API Traffic Keluar'));
    assert.ok(titles('chatbots').includes('Chatbot Aktif') && titles('chatbots').includes('Session Aktif'));
  });

  test('every dashboard shows the snapshot age: lastUpdated, green < 60 s, orange, red from 300 s', () => {
    for (const { dashboard, language } of generated) {
      const panel = dashboard.panels.find((candidate) => kewhatsTargets(candidate).some((target) => target.field === 'lastUpdated'));
      assert.ok(panel, dashboard.uid);
      assert.equal(panel.type, 'stat');
      assert.ok(panel.title.startsWith(CATALOGUE_TEXTS.lastUpdated[language]), panel.title);
      assert.deepEqual(kewhatsTargets(panel), [
        {
          refId: 'A',
          datasource: { type: 'kewhats-monitoring-datasource', uid: 'kewhats-monitoring' },
          section: dashboard.uid.replace(/^kewhats-/, ''),
          shape: 'stats',
          field: 'lastUpdated',
          language,
        },
      ]);
      assert.deepEqual(panel.options!.reduceOptions, STAT_REDUCE_OPTIONS, dashboard.uid);
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
        const panel = dashboardOf(section.name).panels.find((candidate) => candidate.title === breakdown.label.id);
        assert.ok(panel, `${section.name}: no panel ${breakdown.label.id}`);
        const [type, pieType] = expected[breakdown.chart];
        assert.equal(panel.type, type);
        const [target] = kewhatsTargets(panel);
        assert.equal(target!.shape, 'breakdown');
        assert.equal(target!.section, section.name);
        assert.equal(target!.field ?? '', breakdown.path);
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
    assert.equal(dashboardOf('users', 'en').panels.find((panel) => panel.title === 'Users by plan')?.options?.pieType, 'pie');
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

  test('trend series named by a label value are renamed to that value’s words in the dashboard language', () => {
    const panel = dashboardOf('users', 'id').panels.find((candidate) => promTargets(candidate).some((target) => target.expr.includes('by (plan)')))!;
    assert.equal(promTargets(panel)[0]!.legendFormat, '{{plan}}');
    assert.deepEqual(
      panel.fieldConfig!.overrides.find((override) => override.matcher.options === 'unlimited'),
      { matcher: { id: 'byName', options: 'unlimited' }, properties: [{ id: 'displayName', value: 'Tanpa Batas' }] },
    );
    const contacts = dashboardOf('contacts', 'en').panels.find((candidate) => candidate.type === 'timeseries')!;
    assert.deepEqual(
      promTargets(contacts).map((target) => target.legendFormat),
      ['Contacts', 'Contacts with email'],
    );
  });

  test('the home dashboard charts messages with deriv() (an all-time gauge) and API traffic with rate() by direction', () => {
    const exprs = dashboardOf('dashboard').panels.flatMap((panel) => promTargets(panel).map((target) => target.expr));
    assert.ok(exprs.some((expr) => /deriv\(kewhats_messages\[5m\]\)/.test(expr)));
    assert.ok(!exprs.some((expr) => /(rate|increase)\(kewhats_messages/.test(expr)), 'rate() on a gauge');
    assert.ok(exprs.includes('sum by (direction) (rate(kewhats_api_requests_total[5m]))'));
    const connections = dashboardOf('connections').panels.flatMap((panel) => promTargets(panel).map((target) => target.expr));
    assert.ok(connections.includes('sum(kewhats_devices{status="connected"})'));
  });

  test('a section with a contact-export extra, and only it, has the CSV export panel, for that section and language', () => {
    for (const { dashboard, language } of generated) {
      const section = SECTIONS.find((candidate) => `kewhats-${candidate.name}` === dashboard.uid)!;
      const exports = dashboard.panels.filter((panel) => panel.type === 'kewhats-contactexport-panel');
      const declared = (section.extras ?? []).filter((extra) => extra.kind === 'contactExport').length;
      assert.equal(exports.length, declared, dashboard.uid);
      for (const panel of exports) {
        assert.deepEqual(panel.options, {
          datasourceUid: 'kewhats-monitoring',
          fileNameTemplate: 'kewhats-{type}-{date}.csv',
          section: section.name,
          language,
        });
      }
    }
    assert.equal(dashboardOf('contacts').panels.filter((panel) => panel.type === 'kewhats-contactexport-panel').length, 1);
  });

  test('a new section gets its dashboards for free: cards, charts and trends in both languages', () => {
    const items = generateDashboards([paymentsSection], { currency: 'USD', timeZone: 'UTC' });
    assert.deepEqual(
      items.map((item) => item.fileName),
      ['id/payments.json', 'en/payments.json'],
    );
    const [id, en] = items.map((item) => item.dashboard);
    assert.equal(id!.uid, 'kewhats-payments');
    assert.equal(id!.title, 'KeWhats · Pembayaran');
    assert.equal(en!.title, 'KeWhats · Payments');
    assert.equal(id!.timezone, 'UTC');
    assert.deepEqual(id!.time, { from: 'now-6h', to: 'now' });
    assert.ok(id!.panels.some((panel) => panel.title === 'Pembayaran Lunas'));
    assert.equal(en!.panels.find((panel) => panel.title === 'Payments by status' && panel.type === 'piechart')!.options!.pieType, 'donut');
    const exprs = id!.panels.flatMap((panel) => promTargets(panel).map((target) => target.expr));
    assert.deepEqual(exprs, ['sum by (status) (kewhats_payments)']);
    assert.equal(id!.panels.filter((panel) => panel.type === 'kewhats-contactexport-panel').length, 0);
  });

  test('every stat card, of every section and of a new one, has a query field and no field pattern', () => {
    const extra = generateDashboards([paymentsSection], { currency: 'USD', timeZone: 'UTC' });
    let cards = 0;
    for (const { dashboard } of [...generated, ...extra]) {
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
    const figures = [...SECTIONS, paymentsSection].reduce((sum, section) => sum + section.figures.length, 0);
    assert.equal(cards, LANGUAGES.length * (figures + SECTIONS.length + 1), 'one card per figure plus one Last updated card per dashboard');
  });

  test('trend units: Grafana built-in currencies where they exist, the custom currency syntax otherwise', () => {
    assert.equal(currencyUnit('IDR'), 'currencyIDR');
    assert.equal(currencyUnit('idr'), 'currencyIDR');
    assert.equal(currencyUnit('SGD'), 'currency:SGD ');
    assert.equal(trendUnit('currency', 'IDR'), 'currencyIDR');
    assert.equal(trendUnit('requestsPerSecond', 'IDR'), 'reqps');
    assert.equal(trendUnit('count', 'IDR'), 'short');
  });

  test('writing the files: only changed ones are written, stale dashboards removed, nothing else touched', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kewhats-dashboards-'));
    try {
      writeFileSync(join(dir, 'gone-section.json'), '{}\n');
      mkdirSync(join(dir, 'id'));
      writeFileSync(join(dir, 'id', 'gone.json'), '{}\n');
      writeFileSync(join(dir, 'README.md'), 'not a dashboard\n');
      const first = writeFiles(generated, dir);
      assert.deepEqual(
        first.written,
        generated.map((item) => item.fileName),
      );
      assert.deepEqual(first.removed, ['gone-section.json', 'id/gone.json']);
      assert.deepEqual(listJsonFiles(dir), generated.map((item) => item.fileName).sort());
      assert.ok(readdirSync(dir).includes('README.md'));
      for (const item of generated) assert.equal(readFileSync(join(dir, item.fileName), 'utf8'), item.json);
      writeFileSync(join(dir, 'en', 'users.json'), '{}\n');
      assert.deepEqual(planFiles(generated, dir), {
        written: ['en/users.json'],
        unchanged: generated.map((item) => item.fileName).filter((name) => name !== 'en/users.json'),
        removed: [],
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
