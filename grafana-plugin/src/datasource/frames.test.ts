import { getValueFormat, formattedValueToString } from '@grafana/data';
import { findSection } from '../shared/catalogue';
import { loadCatalogue } from '../testing/fakeGrafana';
import { describeStatus, GRAFANA_AUTH_FAILED } from './errors';
import { displayNameFor, figureUnit, numericLeaves, secondsSince } from './frames';

const catalogue = loadCatalogue();
const context = (name: string, language: 'id' | 'en') => ({
  catalogue,
  section: findSection(catalogue, name)!,
  language,
});

describe('frames helpers', () => {
  it('collects numeric leaves with dotted paths, skipping generatedAt, stale and strings', () => {
    expect(
      numericLeaves({ generatedAt: 'x', stale: false, total: 3, a: { b: 1, c: 'no', d: { e: 2 } }, list: [1, 2] })
    ).toEqual([
      ['total', 3],
      ['a.b', 1],
      ['a.d.e', 2],
    ]);
  });

  it.each([
    ['dashboard', 'messages.sent', 'id', 'Total Pesan Terkirim'],
    ['dashboard', 'revenue.amount', 'en', 'Monthly revenue'],
    ['users', 'byPlan.unlimited', 'id', 'Pengguna Paket Tanpa Batas'],
    ['users', 'byRole.admin', 'en', 'Users with the Admin role'],
    ['integrations', 'byType.slack', 'en', 'Integrations by type · Slack'],
    ['integrations', 'byType.line', 'en', 'Integrations by type · line'],
    ['chatbots', 'activeSessions', 'id', 'Session Aktif'],
    ['dashboard', 'someNewThing.countPerDay', 'en', 'someNewThing.countPerDay'],
  ] as const)('names %s %s in %s "%s"', (section, path, language, name) => {
    expect(displayNameFor(context(section, language), path)).toBe(name);
  });

  it('formats money as the full amount with the language’s symbol, counts whole, grouped by the locale', () => {
    const money = figureUnit('currency', catalogue, 'id');
    expect(money).toEqual({ unit: 'currency:financial:Rp ', decimals: 0 });
    // Grafana's own formatter, as a dashboard would run it (digit grouping follows the browser's locale).
    const formatted = formattedValueToString(getValueFormat(money.unit)(29191000, money.decimals));
    expect(formatted).toBe(`Rp ${new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 }).format(29191000)}`);
    expect(figureUnit('count', catalogue, 'en')).toEqual({ unit: 'locale', decimals: 0 });
    expect(figureUnit('a-unit-from-a-newer-exporter', catalogue, 'en')).toEqual({ unit: 'locale', decimals: 0 });
  });

  it('never reports a negative age', () => {
    expect(secondsSince(10_000, 5_000)).toBe(0);
    expect(secondsSince(0, 61_400)).toBe(61);
  });

  it('describes statuses an operator can act on, in both languages', () => {
    expect(describeStatus(401, undefined, 'en')).toMatch(/^Authentication failed \(401\)/);
    expect(describeStatus(401, undefined, 'id')).toMatch(/^Autentikasi gagal \(401\)/);
    expect(describeStatus(400, GRAFANA_AUTH_FAILED, 'en')).toMatch(/^Authentication failed: .*valid monitoring token/);
    expect(describeStatus(400, 'from must be before to', 'en')).toBe(
      'The monitoring API rejected the request (400): from must be before to.'
    );
    expect(describeStatus(403, undefined, 'en')).toMatch(/^Access denied \(403\)/);
    expect(describeStatus(429, 'slow down', 'en')).toBe(
      'Rate limited (429): slow down. Wait a few seconds and try again.'
    );
    expect(describeStatus(504, 'Gateway Timeout', 'en')).toBe(
      'Cannot reach the exporter (504). Check the data source URL and that the exporter is running.'
    );
    expect(describeStatus(504, 'Gateway Timeout', 'id')).toBe(
      'Tidak dapat menghubungi exporter (504). Periksa URL sumber data dan bahwa exporter berjalan.'
    );
    expect(describeStatus(418, undefined, 'en')).toBe('Request failed (418).');
  });
});
