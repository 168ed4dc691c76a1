import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { seedDemoData } from '../../src/demo/seed.js';
import { DASHBOARDS_DIR, LAST_UPDATED_FIELD, listJsonFiles, type Dashboard } from '../../src/dashboards/index.js';
import { SECTIONS } from '../../src/sections/index.js';
import { LANGUAGES } from '../../src/sections/presentation.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { startTestExporter, type TestExporter } from '../support/test-exporter.js';
import { exposedMetricNames, isExposed, metricNames, PROMETHEUS_BUILTIN_SERIES } from './support/promql.js';
import {
  defaultStatFields,
  FRAME_LAST_UPDATED,
  keWhatsQueries,
  numericLeaves,
  prometheusQueries,
  prometheusRules,
  reduceFields,
  statsFrameFields,
} from './support/repo-files.js';

/**
 * The committed dashboards and the Prometheus rules against a running exporter over the demo
 * data: every PromQL name must be on its /metrics, every data source query must name a section,
 * figure and breakdown its JSON API really has.
 */
// Both languages: the queries are the same, the words differ.
const dashboards = listJsonFiles(DASHBOARDS_DIR).map((name) => JSON.parse(readFileSync(join(DASHBOARDS_DIR, name), 'utf8')) as Dashboard);

let database: TestDatabase;
let exporter: TestExporter;
let exposition: ReturnType<typeof exposedMetricNames>;
const sectionBodies = new Map<string, { status: number; body: Record<string, unknown> }>();

async function sectionBody(section: string) {
  let cached = sectionBodies.get(section);
  if (!cached) {
    const res = await fetch(`${exporter.url}/api/monitoring/${encodeURIComponent(section)}`, { headers: exporter.authHeaders('machine') });
    cached = { status: res.status, body: (await res.json()) as Record<string, unknown> };
    sectionBodies.set(section, cached);
  }
  return cached;
}

/** Names an expression selects that are neither exposed, built into Prometheus, nor recorded by a rule. */
function unknownNames(expr: string, recorded: ReadonlySet<string>): string[] {
  return metricNames(expr).filter((name) => !isExposed(name, exposition) && !PROMETHEUS_BUILTIN_SERIES.has(name) && !recorded.has(name));
}

describe('dashboard and rule queries against a running exporter', () => {
  before(async () => {
    database = await createTestDatabase();
    await seedDemoData(database.pool);
    exporter = await startTestExporter({ pool: database.pool });
    const res = await fetch(`${exporter.url}/metrics`, { headers: exporter.authHeaders('machine') });
    assert.equal(res.status, 200, 'GET /metrics with the machine token');
    exposition = exposedMetricNames(await res.text());
  });

  after(async () => {
    await exporter?.close();
    await database?.drop();
  });

  test('the exposition has the documented metrics (so the checks below compare with something real)', () => {
    for (const name of ['kewhats_messages', 'kewhats_devices', 'kewhats_api_requests_total', 'kewhats_exporter_refresh_duration_seconds']) {
      assert.ok(exposition.families.has(name), name);
    }
    assert.ok(!isExposed('kewhats_not_a_metric', exposition));
    assert.deepEqual(unknownNames('sum(rate(kewhats_not_a_metric[5m])) + up', new Set()), ['kewhats_not_a_metric']);
  });

  test('every dashboard PromQL expression names only metrics the exporter exposes', () => {
    const queries = prometheusQueries(dashboards);
    assert.ok(queries.length >= dashboards.length, 'every dashboard has Prometheus trends');
    const problems = queries
      .map(({ dashboard, panel, query }) => ({
        where: `${dashboard.uid} "${panel.title}": ${query.expr}`,
        names: metricNames(query.expr),
        unknown: unknownNames(query.expr, new Set()),
      }))
      // An expression selecting no metric at all would chart nothing of the exporter's.
      .filter((item) => item.unknown.length > 0 || item.names.length === 0);
    assert.deepEqual(problems, []);
  });

  test('every Prometheus rule expression names only exposed, built-in or recorded metrics', () => {
    const rules = prometheusRules();
    assert.ok(rules.files.length > 0, 'provisioning/prometheus/rules has no rule file');
    assert.ok(rules.expressions.length > 0);
    const problems = rules.expressions
      .map((rule) => ({ rule: `${rule.name}: ${rule.expr}`, unknown: unknownNames(rule.expr, rules.recorded) }))
      .filter((item) => item.unknown.length > 0);
    assert.deepEqual(problems, []);
  });

  test('every data source query names a section the API serves (200 with the machine token)', async () => {
    const sections = [...new Set(keWhatsQueries(dashboards).map(({ query }) => query.section))].sort();
    assert.deepEqual(sections, SECTIONS.map((section) => section.name).sort());
    for (const section of sections) {
      const { status, body } = await sectionBody(section);
      assert.equal(status, 200, `GET /api/monitoring/${section}: ${JSON.stringify(body)}`);
      assert.equal(typeof body.generatedAt, 'string');
    }
    assert.equal((await sectionBody('no-such-section')).status, 404);
  });

  test('the stats frame rule (frames.ts) on live JSON: all numbers without field, one with a leaf field', async () => {
    const { body } = await sectionBody('dashboard');
    assert.equal(LAST_UPDATED_FIELD, FRAME_LAST_UPDATED, 'the generator and the data source name the age field alike');
    const all = defaultStatFields(statsFrameFields(body));
    // Without field the default numeric matcher would reduce every figure and the age: no single number.
    assert.ok(all.length > 2, `the dashboard frame has ${all.join(', ')}`);
    assert.deepEqual(all, [...numericLeaves(body), 'lastUpdated']);
    assert.deepEqual(defaultStatFields(statsFrameFields(body, 'messages.sent')), ['messages.sent']);
    assert.deepEqual(defaultStatFields(statsFrameFields(body, 'lastUpdated')), ['lastUpdated']);
    // A map path keeps every leaf under it: a card on it would not show one number.
    assert.ok(defaultStatFields(statsFrameFields(body, 'messages')).length > 1);
    assert.throws(() => statsFrameFields(body, 'messages.nope'), /no figure "messages\.nope"/);
  });

  test('every figure of every section is a number of its section JSON', async () => {
    for (const section of SECTIONS) {
      const leaves = numericLeaves((await sectionBody(section.name)).body);
      for (const figure of section.figures) {
        assert.ok(leaves.includes(figure.path), `${section.name} JSON has no number at ${figure.path}: ${leaves.join(', ')}`);
      }
    }
  });

  test('every stat card asks for one number by query field and shows it with the numeric default', async () => {
    let cards = 0;
    let ages = 0;
    for (const { dashboard, panel, query } of keWhatsQueries(dashboards).filter(({ query }) => query.shape === 'stats')) {
      const where = `${dashboard.uid} "${panel.title}"`;
      assert.equal(panel.type, 'stat', where);
      // Grafana matches a reduceOptions.fields pattern against the display name ("Messages sent"),
      // never the field name: the card must leave it empty and let the query pick the figure.
      assert.equal(reduceFields(panel), '', `${where}: reduceOptions.fields ${JSON.stringify(reduceFields(panel))}`);
      assert.ok(typeof query.field === 'string' && query.field !== '', `${where}: the query has no field`);
      const { body } = await sectionBody(query.section);
      if (query.field === FRAME_LAST_UPDATED) ages += 1;
      else assert.ok(numericLeaves(body).includes(query.field), `${where}: ${query.section} JSON has no number at ${query.field}`);
      const frame = statsFrameFields(body, query.field);
      assert.deepEqual(defaultStatFields(frame), [query.field], `${where}: the frame has ${JSON.stringify(frame)}`);
      cards += 1;
    }
    assert.equal(ages, dashboards.length, 'one Last updated card per dashboard');
    assert.equal(cards, ages + LANGUAGES.length * SECTIONS.reduce((sum, section) => sum + section.figures.length, 0));
  });

  test('every breakdown chart reads a count map (or the top-level counts) its section JSON has', async () => {
    let charts = 0;
    for (const { dashboard, panel, query } of keWhatsQueries(dashboards).filter(({ query }) => query.shape === 'breakdown')) {
      const where = `${dashboard.uid} "${panel.title}"`;
      const { body } = await sectionBody(query.section);
      const counts =
        query.field !== undefined
          ? (body[query.field] as Record<string, unknown> | undefined)
          : Object.fromEntries(Object.entries(body).filter(([key, value]) => key !== 'total' && typeof value === 'number'));
      assert.ok(counts && typeof counts === 'object', `${where}: ${query.section} JSON has no ${query.field}`);
      const values = Object.values(counts);
      assert.ok(values.length > 0, `${where}: nothing to chart in ${JSON.stringify(counts)}`);
      assert.ok(
        values.every((value) => typeof value === 'number'),
        `${where}: ${JSON.stringify(counts)} is not a count map`,
      );
      // The breakdown frame has the fields label (string) and value (number, the only numeric one).
      if (panel.type === 'piechart') assert.equal(reduceFields(panel), '', `${where}: pie slices come from the numeric fields`);
      else assert.equal(panel.options?.xField, 'label', where);
      charts += 1;
    }
    assert.ok(charts >= 3);
  });

  test('every breakdown of every section names a count map of its JSON, and every key the data has is labelled', async () => {
    // Integration types are free text: the data may hold types without words (shown as they are).
    const freeText = new Set(['integrations:byType']);
    let maps = 0;
    for (const section of SECTIONS) {
      const { body } = await sectionBody(section.name);
      for (const breakdown of section.breakdowns) {
        const where = `${section.name} breakdown "${breakdown.path}"`;
        const counts =
          breakdown.path === ''
            ? Object.fromEntries(Object.entries(body).filter(([key, value]) => key !== 'total' && typeof value === 'number'))
            : (breakdown.path.split('.').reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], body) as Record<
                string,
                unknown
              >);
        assert.ok(counts && typeof counts === 'object' && Object.keys(counts).length > 0, `${where}: ${JSON.stringify(counts)}`);
        assert.ok(
          Object.values(counts).every((value) => typeof value === 'number'),
          `${where} is not a count map`,
        );
        const labelled = new Set(breakdown.values.map((value) => value.key));
        const unlabelled = Object.keys(counts).filter((key) => !labelled.has(key));
        if (!freeText.has(`${section.name}:${breakdown.path}`)) assert.deepEqual(unlabelled, [], `${where}: keys without words`);
        maps += 1;
      }
    }
    assert.ok(maps >= 5);
  });
});
