// A section page is drawn from its catalogue entry alone: this one is made up (no such section
// exists), so nothing in the console can be keyed to a real section's name or figures.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { h } from 'preact';
import { render } from 'preact-render-to-string';
import type { CatalogueSection } from '../../console/src/api/catalogue.ts';
import { translator } from '../../console/src/i18n/i18n.ts';
import { SAME_IN_EVERY_LANGUAGE, STRINGS, type ConsoleLanguage, type StringKey } from '../../console/src/i18n/strings.ts';
import type { RangeChoice } from '../../console/src/model/time-range.ts';
import { SectionPage } from '../../console/src/ui/SectionPage.tsx';

const zebras: CatalogueSection = {
  name: 'zebras',
  path: '/api/monitoring/zebras',
  position: 3,
  icon: 'no-such-icon',
  title: { id: 'Zebra', en: 'Zebras' },
  description: { id: 'Semua zebra.', en: 'Every zebra.' },
  timeRange: { from: 'since', to: 'until', default: 'currentMonth', figures: ['herd.takings'] },
  figures: [
    { path: 'total', unit: 'count', label: { id: 'Jumlah zebra', en: 'Zebras counted' } },
    {
      path: 'herd.takings',
      unit: 'currency',
      label: { id: 'Pendapatan kawanan', en: 'Herd takings' },
      description: { id: 'Bulan ini.', en: 'This month.' },
    },
    { path: 'herd.missing', unit: 'count', label: { id: 'Hilang', en: 'Missing' } },
  ],
  breakdowns: [
    {
      path: 'byStripe',
      chart: 'donut',
      label: { id: 'Menurut belang', en: 'By stripe' },
      dimension: { id: 'Belang', en: 'Stripe' },
      values: [
        { key: 'thin', label: { id: 'Tipis', en: 'Thin' } },
        { key: 'bold', label: { id: 'Tebal', en: 'Bold' } },
      ],
    },
    { path: '', chart: 'bar', label: { id: 'Menurut jenis', en: 'By kind' }, values: [] },
  ],
  extras: [
    {
      kind: 'contactExport',
      exports: [
        { type: 'zebra', path: '/api/monitoring/zebras/export?type=zebra', label: { id: 'Unduh zebra (CSV)', en: 'Download zebras (CSV)' } },
        { type: 'stripe', path: '/api/monitoring/zebras/export?type=stripe', label: { id: 'Unduh belang (CSV)', en: 'Download stripes (CSV)' } },
      ],
    },
    { kind: 'somethingNew', data: 1 },
  ],
};

const body = {
  generatedAt: '2026-11-29T03:00:00.000Z',
  stale: false,
  total: 1234,
  plains: 1000,
  hills: 234,
  herd: { takings: 29_191_000 },
  byStripe: { bold: 700, thin: 500, wavy: 34 },
};

function renderPage(language: ConsoleLanguage, options: { section?: CatalogueSection; range?: RangeChoice; withBody?: boolean } = {}): string {
  return render(
    h(SectionPage, {
      section: options.section ?? zebras,
      data: options.withBody === false ? undefined : { body, generatedAt: body.generatedAt, stale: false },
      language,
      t: translator(language),
      currency: 'IDR',
      reportTimeZone: 'Asia/Jakarta',
      range: options.range ?? { kind: 'current' },
      onRangeChange: () => {},
      now: new Date('2026-11-29T03:00:00Z'),
    }),
  ).replace(/\u00a0/g, ' ');
}

const count = (html: string, pattern: RegExp) => html.match(new RegExp(pattern, 'g'))?.length ?? 0;
const textOf = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('section page from the catalogue', () => {
  it('draws one card per figure with its value formatted by unit, and says when a value is missing', () => {
    const html = renderPage('id');
    assert.equal(count(html, /data-figure-path=/), 3);
    assert.match(html, /data-figure-path="total"[^]*?>1\.234</);
    assert.match(html, /data-figure-path="herd\.takings"[^]*?>Rp 29\.191\.000</);
    assert.match(html, /data-figure-path="herd\.missing"[^]*?Tidak ada nilai/);
    assert.match(renderPage('en'), /data-figure-path="herd\.takings"[^]*?>IDR 29,191,000</);
  });

  it('draws each breakdown as its chart kind with a table of the same numbers, known values first', () => {
    const html = renderPage('id');
    assert.equal(count(html, /data-chart=/), 2);
    assert.match(html, /data-chart="donut"/);
    assert.match(html, /data-chart="bar"/);
    assert.equal(count(html, /class="slice /), 3, 'a donut slice per non-zero value');
    assert.equal(count(html, /class="bar-fill /), 2, 'a bar per value');
    const donutRows = [...html.split('data-chart="bar"')[0]!.matchAll(/data-key="([^"]+)"/g)].map((match) => match[1]);
    assert.deepEqual(donutRows, ['thin', 'bold', 'wavy']);
    assert.match(textOf(html), /Tipis 500 /);
    assert.match(textOf(html), /wavy 34 /, 'a key the catalogue does not know is shown raw');
    assert.match(textOf(html), /Belang Jumlah Porsi/);
    const barRows = [...html.split('data-chart="bar"')[1]!.matchAll(/data-key="([^"]+)"/g)].map((match) => match[1]);
    assert.deepEqual(barRows, ['plains', 'hills'], 'an empty path takes the top-level counts but total');
  });

  it('offers the range filter only with a timeRange, and notes the range on the figures it applies to', () => {
    const html = renderPage('en', { range: { kind: 'previous' } });
    assert.match(html, /class="range-filter"/);
    assert.match(textOf(html), /This month Last month Custom dates/);
    assert.equal(count(html, /1 Oct 2026 – 31 Oct 2026 \(Asia\/Jakarta\)/), 2, 'once under the filter, once on the revenue card');
    assert.match(html, /data-figure-path="herd\.takings"[^]*?figure-note">1 Oct 2026/);
    const plain = renderPage('en', { section: { ...zebras, timeRange: null } });
    assert.doesNotMatch(plain, /range-filter|figure-note/);
  });

  it('draws one download button per export of a contactExport extra, and skips kinds it does not know', () => {
    const html = renderPage('id');
    assert.equal(count(html, /data-export-type=/), 2);
    assert.match(textOf(html), /Unduh zebra \(CSV\)/);
    assert.match(textOf(html), /Unduh belang \(CSV\)/);
    assert.doesNotMatch(html, /somethingNew/);
  });

  it('leaves no English in Indonesian: catalogue texts in id, console texts from the id column', () => {
    const text = textOf(renderPage('id', { range: { kind: 'custom', from: '2026-11-01', to: '2026-11-15' } }));
    for (const label of ['Zebras counted', 'Herd takings', 'By stripe', 'Download zebras', 'Every zebra']) assert.ok(!text.includes(label), label);
    const english = (Object.keys(STRINGS) as StringKey[])
      .filter((key) => !SAME_IN_EVERY_LANGUAGE.has(key))
      .map((key) => STRINGS[key].en.split('{')[0]!.trim());
    for (const phrase of english.filter((phrase) => phrase.length > 3)) {
      assert.ok(!new RegExp(`\\b${phrase.replace(/[.*+?^$()|[\]\\]/g, '\\$&')}\\b`).test(text), `English "${phrase}" in the Indonesian page`);
    }
    assert.match(text, /Semua zebra\./);
    assert.match(text, /1 Nov 2026 – 15 Nov 2026 \(Asia\/Jakarta\)/);
  });

  it('shows the page before the first body arrives, marked busy, with no numbers', () => {
    const html = renderPage('en', { withBody: false });
    assert.match(html, /aria-busy="true"/);
    assert.equal(count(html, /data-value=/), 0);
    assert.equal(count(html, /No data for this chart yet/), 2);
  });
});
