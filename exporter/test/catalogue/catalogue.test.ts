import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildCatalogue, CATALOGUE_VERSION, type Catalogue } from '../../src/catalogue/catalogue.js';
import { checkSections, sectionLabels } from '../../src/catalogue/check-sections.js';
import { DEFAULT_CURRENCY, DEFAULT_REPORT_TIMEZONE } from '../../src/config.js';
import { SECTIONS } from '../../src/sections/index.js';
import { LANGUAGES } from '../../src/sections/presentation.js';
import { isSection, type Section } from '../../src/sections/section.js';
import { REPO_ROOT } from '../dashboards/support/repo-files.js';
import { getJson } from '../support/http.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { startTestExporter, type TestExporter } from '../support/test-exporter.js';

const DEFAULTS = { currency: DEFAULT_CURRENCY, reportTimeZone: DEFAULT_REPORT_TIMEZONE };
const catalogue = buildCatalogue(SECTIONS, DEFAULTS);
const sectionOf = (name: string) => catalogue.sections.find((section) => section.name === name)!;

/** Every `{ id, en }` object anywhere in a JSON value, with its path. */
function labelsIn(value: unknown, path = '', found: Array<{ path: string; label: Record<string, unknown> }> = []) {
  if (Array.isArray(value)) value.forEach((item, index) => labelsIn(item, `${path}[${index}]`, found));
  else if (value && typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.some((key) => (LANGUAGES as readonly string[]).includes(key))) found.push({ path, label: value as Record<string, unknown> });
    else for (const [key, child] of Object.entries(value)) labelsIn(child, path ? `${path}.${key}` : key, found);
  }
  return found;
}

/** A section like an existing one with some presentation changed. */
const changed = (section: Section, patch: Partial<Section>): Section => ({ ...section, ...patch }) as Section;

describe('the section catalogue', () => {
  test('is versioned, hashed and names the languages, currency and report time zone', () => {
    assert.equal(catalogue.version, CATALOGUE_VERSION);
    assert.equal(catalogue.version, 1);
    assert.match(catalogue.generatedFrom, /^[0-9a-f]{16}$/);
    assert.deepEqual(catalogue.languages, ['id', 'en']);
    assert.deepEqual(catalogue.locales, { id: 'id-ID', en: 'en-US' });
    assert.equal(catalogue.currency, 'IDR');
    assert.deepEqual(catalogue.currencySymbol, { id: 'Rp', en: 'IDR' });
    assert.equal(catalogue.reportTimeZone, 'Asia/Jakarta');
  });

  test('lists every section in sidebar order with its API path, icon and the shape views rely on', () => {
    assert.deepEqual(
      catalogue.sections.map((section) => section.name),
      ['dashboard', 'users', 'connections', 'integrations', 'chatbots', 'broadcasts', 'contacts', 'webhooks'],
    );
    assert.deepEqual(
      catalogue.sections.map((section) => section.position),
      [...catalogue.sections.map((section) => section.position)].sort((a, b) => a - b),
    );
    for (const section of catalogue.sections) {
      assert.deepEqual(Object.keys(section), [
        'name',
        'path',
        'position',
        'icon',
        'title',
        'description',
        'timeRange',
        'figures',
        'breakdowns',
        'extras',
      ]);
      assert.equal(section.path, `/api/monitoring/${section.name}`);
      for (const figure of section.figures) assert.deepEqual(Object.keys(figure), ['path', 'unit', 'label', 'description']);
      for (const breakdown of section.breakdowns) {
        assert.deepEqual(Object.keys(breakdown), ['path', 'chart', 'label', 'description', 'dimension', 'values']);
        assert.ok(['pie', 'donut', 'bar'].includes(breakdown.chart));
      }
    }
    assert.deepEqual(sectionOf('users').title, { id: 'Pengguna', en: 'Users' });
    assert.equal(sectionOf('users').icon, 'users-alt');
  });

  test('figures carry their units and the product wording; breakdowns their chart, dimension and labelled values', () => {
    const dashboard = sectionOf('dashboard');
    const figure = (path: string) => dashboard.figures.find((candidate) => candidate.path === path)!;
    assert.deepEqual(figure('messages.incoming').label, { id: 'Total Pesan Masuk', en: 'Messages received' });
    assert.equal(figure('messages.sent').label.id, 'Total Pesan Terkirim');
    assert.equal(figure('messages.failed').label.id, 'Total Pesan Gagal');
    assert.equal(figure('users.total').label.id, 'Total User Terdaftar');
    assert.equal(figure('revenue.amount').label.id, 'Pendapatan Bulanan');
    assert.equal(figure('revenue.amount').unit, 'currency');
    assert.equal(figure('messages.sent').unit, 'count');
    const byPlan = sectionOf('users').breakdowns.find((breakdown) => breakdown.path === 'byPlan')!;
    assert.equal(byPlan.chart, 'pie');
    assert.deepEqual(byPlan.dimension, { id: 'Paket', en: 'Plan' });
    assert.deepEqual(byPlan.values[0], { key: 'free', label: { id: 'Gratis', en: 'Free' } });
    assert.deepEqual(
      byPlan.values.map((value) => value.key),
      ['free', 'pro', 'enterprise', 'unlimited'],
    );
    const devices = sectionOf('connections').breakdowns[0]!;
    assert.equal(devices.path, '', 'the top-level counts');
    assert.equal(devices.chart, 'donut');
    assert.equal(sectionOf('integrations').breakdowns[0]!.chart, 'bar');
  });

  test('the home section declares its time range; the others have none', () => {
    assert.deepEqual(sectionOf('dashboard').timeRange, { from: 'from', to: 'to', default: 'currentMonth', figures: ['revenue.amount'] });
    for (const section of catalogue.sections.filter((candidate) => candidate.name !== 'dashboard'))
      assert.equal(section.timeRange, null, section.name);
  });

  test('the contacts section carries the CSV exports with their API paths and labels', () => {
    assert.deepEqual(sectionOf('contacts').extras, [
      {
        kind: 'contactExport',
        exports: [
          {
            type: 'contact',
            path: '/api/monitoring/contacts/export?type=contact',
            fileStem: 'contacts',
            label: { id: 'Unduh kontak (CSV)', en: 'Download contacts (CSV)' },
          },
          {
            type: 'email',
            path: '/api/monitoring/contacts/export?type=email',
            fileStem: 'emails',
            label: { id: 'Unduh email (CSV)', en: 'Download emails (CSV)' },
          },
        ],
      },
    ]);
    for (const section of catalogue.sections.filter((candidate) => candidate.name !== 'contacts')) assert.deepEqual(section.extras, [], section.name);
  });

  test('every label has words in every language, and every section label reaches the catalogue', () => {
    const labels = labelsIn(catalogue);
    assert.ok(labels.length > 100, `${labels.length} labels`);
    for (const { path, label } of labels) {
      assert.deepEqual(Object.keys(label).sort(), [...LANGUAGES].sort(), path);
      for (const language of LANGUAGES) {
        assert.equal(typeof label[language], 'string', `${path}.${language}`);
        assert.notEqual((label[language] as string).trim(), '', `${path}.${language}`);
      }
    }
    // Trend labels are the dashboards' (not in the catalogue); every other section label is.
    for (const section of SECTIONS) {
      for (const { where, label } of sectionLabels(section).filter((item) => !item.where.startsWith('trend'))) {
        assert.ok(
          labels.some((item) => item.label.id === label.id && item.label.en === label.en),
          `${section.name} ${where} is not in the catalogue`,
        );
      }
    }
  });

  test('a label without words in one language, a taken name or a shared position is refused at start-up', () => {
    const users = SECTIONS.find((section) => section.name === 'users')!;
    const untranslated = changed(users, {
      figures: [{ path: 'total', label: { id: 'Total', en: ' ' }, description: users.figures[0]!.description }],
    });
    assert.throws(() => checkSections([untranslated]), /section "users": figure total label has no "en" words/);
    const missing = changed(users, { title: { en: 'Users' } as never });
    assert.throws(() => buildCatalogue([missing], DEFAULTS), /section "users": title has no "id" words/);
    assert.throws(() => checkSections([changed(users, { name: 'catalogue' })]), /the name is taken/);
    assert.throws(() => checkSections([users, changed(users, { name: 'people' })]), /share position 2/);
    assert.throws(() => checkSections([changed(users, { name: 'Users!' })]), /lower-case/);
    assert.doesNotThrow(() => checkSections(SECTIONS));
  });

  test('generatedFrom is stable, and changes whenever a section presentation, the currency or the time zone does', () => {
    assert.equal(buildCatalogue(SECTIONS, DEFAULTS).generatedFrom, catalogue.generatedFrom);
    const renamed = SECTIONS.map((section) =>
      section.name === 'webhooks' ? changed(section, { title: { id: 'Kait web', en: 'Webhooks' } }) : section,
    );
    const moved = SECTIONS.map((section) => (section.name === 'webhooks' ? changed(section, { icon: 'link-broken' }) : section));
    const hashes = [
      catalogue.generatedFrom,
      buildCatalogue(renamed, DEFAULTS).generatedFrom,
      buildCatalogue(moved, DEFAULTS).generatedFrom,
      buildCatalogue(SECTIONS, { ...DEFAULTS, currency: 'USD' }).generatedFrom,
      buildCatalogue(SECTIONS, { ...DEFAULTS, reportTimeZone: 'Asia/Makassar' }).generatedFrom,
    ];
    assert.equal(new Set(hashes).size, hashes.length);
  });

  test('the section list is every section the files of src/sections export, by position', () => {
    assert.ok(SECTIONS.every(isSection));
    assert.equal(new Set(SECTIONS.map((section) => section.position)).size, SECTIONS.length);
  });

  test('the Grafana plugin’s recorded catalogue is this catalogue (re-record: grafana-plugin/scripts/record-fixtures.mjs)', () => {
    const fixture = JSON.parse(readFileSync(join(REPO_ROOT, 'grafana-plugin/test/fixtures/catalogue.json'), 'utf8')) as { body: Catalogue };
    assert.deepEqual(fixture.body, JSON.parse(JSON.stringify(catalogue)));
  });
});

describe('GET /api/monitoring/catalogue', () => {
  let db: TestDatabase;
  let exporter: TestExporter;

  before(async () => {
    db = await createTestDatabase();
    exporter = await startTestExporter({ pool: db.pool });
  });
  after(async () => {
    await exporter?.close();
    await db?.drop();
  });

  test('answers the catalogue with the monitoring credentials, as JSON', async () => {
    for (const role of ['machine', 'monitoring', 'admin'] as const) {
      const response = await getJson(`${exporter.url}/api/monitoring/catalogue`, { headers: exporter.authHeaders(role) });
      assert.equal(response.status, 200, role);
      assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
      assert.deepEqual(response.body, JSON.parse(JSON.stringify(buildCatalogue(SECTIONS, exporter.config))));
    }
  });

  test('refuses what the other monitoring routes refuse: no credentials 401, the user role 403, writes 405', async () => {
    const anonymous = await getJson(`${exporter.url}/api/monitoring/catalogue`);
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.body.error.code, 'unauthorized');
    const user = await getJson(`${exporter.url}/api/monitoring/catalogue`, { headers: exporter.authHeaders('user') });
    assert.equal(user.status, 403);
    const post = await getJson(`${exporter.url}/api/monitoring/catalogue`, { method: 'POST', headers: exporter.authHeaders('machine') });
    assert.equal(post.status, 405);
  });

  test('revalidates with the generatedFrom ETag (304) and answers HEAD', async () => {
    const first = await fetch(`${exporter.url}/api/monitoring/catalogue`, { headers: exporter.authHeaders('machine') });
    const { generatedFrom } = (await first.json()) as Catalogue;
    assert.equal(first.headers.get('etag'), `"${generatedFrom}"`);
    assert.equal(first.headers.get('cache-control'), 'no-cache');
    const again = await fetch(`${exporter.url}/api/monitoring/catalogue`, {
      headers: { ...exporter.authHeaders('machine'), 'If-None-Match': `"${generatedFrom}"` },
    });
    assert.equal(again.status, 304);
    assert.equal(await again.text(), '');
    const other = await fetch(`${exporter.url}/api/monitoring/catalogue`, {
      headers: { ...exporter.authHeaders('machine'), 'If-None-Match': '"0"' },
    });
    assert.equal(other.status, 200);
    await other.arrayBuffer();
    const head = await fetch(`${exporter.url}/api/monitoring/catalogue`, { method: 'HEAD', headers: exporter.authHeaders('machine') });
    assert.equal(head.status, 200);
    assert.equal(await head.text(), '');
  });

  test('an exporter whose sections the views could not show does not start, and says why', async () => {
    const users = SECTIONS.find((section) => section.name === 'users')!;
    const untranslated = changed(users, { description: { id: 'Pengguna per paket dan peran', en: '' } });
    await assert.rejects(
      startTestExporter({ pool: db.pool, sections: [untranslated] }),
      /invalid monitoring sections: section "users": description has no "en" words/,
    );
  });

  test('every section path and export path of the catalogue answers 200', async () => {
    const { body } = await getJson(`${exporter.url}/api/monitoring/catalogue`, { headers: exporter.authHeaders('machine') });
    const paths = (body as Catalogue).sections.flatMap((section) => [
      section.path,
      ...section.extras.flatMap((extra) => extra.exports.map((item) => item.path)),
    ]);
    for (const path of paths) {
      const response = await fetch(`${exporter.url}${path}`, { method: 'HEAD', headers: exporter.authHeaders('machine') });
      assert.equal(response.status, 200, path);
    }
  });
});
