// What the console's end-to-end tests share: signing in through the real sign-in page, waiting
// for a page's numbers, reading them off the page (cards carry data-figure-path/data-value,
// chart rows data-breakdown-path/data-key) and comparing them with the monitoring API.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import type { Catalogue, CatalogueSection } from '../../../console/src/api/catalogue.ts';
import { STRINGS } from '../../../console/src/i18n/strings.ts';
import type { TestExporter } from '../../support/test-exporter.js';

export const STAFF = { email: 'monitoring@kewhats.app', password: 'monitoring123' };

export async function catalogueOf(exporter: TestExporter): Promise<Catalogue> {
  const response = await fetch(`${exporter.url}/api/monitoring/catalogue`, { headers: exporter.authHeaders() });
  assert.equal(response.status, 200);
  return (await response.json()) as Catalogue;
}

export const sectionsInOrder = (catalogue: Catalogue) => [...catalogue.sections].sort((a, b) => a.position - b.position);

/** Opens `path`, is sent to the sign-in page, signs in there and lands back on `path`. */
export async function signInThroughPage(page: Page, baseUrl: string, path = '/console/', account = STAFF): Promise<void> {
  await page.goto(`${baseUrl}${path}`);
  await page.waitForURL((url) => url.pathname === '/login');
  await page.fill('#email', account.email);
  await page.fill('#password', account.password);
  await Promise.all([page.waitForURL((url) => url.pathname.startsWith('/console')), page.click('button[type="submit"]')]);
}

/** Waits until the section page shows its body (every card filled). */
export async function waitForNumbers(page: Page, section: CatalogueSection): Promise<void> {
  await page.locator(`.section-page[data-section="${section.name}"]:not([aria-busy="true"])`).waitFor();
}

export interface ShownNumbers {
  figures: Record<string, number | null>;
  breakdowns: Record<string, Record<string, number>>;
}

// Evaluated as source text: the test runner's compiler adds helpers to functions that the page lacks.
const READ_NUMBERS = `(() => {
  const number = (element) => (element === null || element.getAttribute('data-value') === null ? null : Number(element.getAttribute('data-value')));
  const figures = [...document.querySelectorAll('[data-figure-path]')].map((card) => [card.getAttribute('data-figure-path'), number(card.querySelector('[data-value]'))]);
  const breakdowns = [...document.querySelectorAll('[data-breakdown-path]')].map((chart) => [
    chart.getAttribute('data-breakdown-path'),
    Object.fromEntries([...chart.querySelectorAll('tr[data-key]')].map((row) => [row.getAttribute('data-key'), number(row.querySelector('[data-value]'))])),
  ]);
  return { figures: Object.fromEntries(figures), breakdowns: Object.fromEntries(breakdowns) };
})()`;

export function shownNumbers(page: Page): Promise<ShownNumbers> {
  return page.evaluate(READ_NUMBERS) as Promise<ShownNumbers>;
}

function dig(body: unknown, path: string): unknown {
  return path === '' ? body : path.split('.').reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], body);
}

/** Every figure and every breakdown count on the page equals the API body's. */
export function assertNumbersEqual(shown: ShownNumbers, section: CatalogueSection, body: unknown): void {
  for (const figure of section.figures) {
    const expected = dig(body, figure.path);
    assert.equal(typeof expected, 'number', `${section.name}: the API has a number at ${figure.path}`);
    assert.equal(shown.figures[figure.path], expected, `${section.name}: figure ${figure.path}`);
  }
  for (const breakdown of section.breakdowns) {
    const holder = dig(body, breakdown.path) as Record<string, unknown>;
    const counts = Object.entries(holder).filter(([key, value]) => typeof value === 'number' && !(breakdown.path === '' && key === 'total'));
    const rows = shown.breakdowns[breakdown.path];
    assert.ok(rows, `${section.name}: chart ${breakdown.path || '(top level)'} is shown`);
    for (const [key, value] of counts) assert.equal(rows[key], value, `${section.name}: ${breakdown.path || '(top level)'}.${key}`);
    for (const [key, value] of Object.entries(rows)) assert.equal(value, (holder[key] as number | undefined) ?? 0, `${section.name}: row ${key}`);
  }
}

export async function apiBody(exporter: TestExporter, url: string): Promise<unknown> {
  const response = await fetch(`${exporter.url}${url}`, { headers: exporter.authHeaders() });
  assert.equal(response.status, 200, url);
  return response.json();
}

/**
 * Words that would be English left over in Indonesian mode: the console's English strings and the
 * catalogue's English labels, minus those that also read so in Indonesian (product names, loan
 * words) or are part of an Indonesian text. Placeholders split a string into its literal parts.
 */
export function englishOnlyPhrases(catalogue: Catalogue): string[] {
  const pairs: Array<{ id: string; en: string }> = Object.values(STRINGS).map((text) => ({ id: text.id, en: text.en }));
  const collect = (label: Record<string, string> | undefined) => label && pairs.push({ id: label.id ?? '', en: label.en ?? '' });
  for (const section of catalogue.sections) {
    collect(section.title);
    collect(section.description);
    for (const figure of section.figures) collect(figure.label);
    for (const breakdown of section.breakdowns) {
      collect(breakdown.label);
      collect(breakdown.dimension);
      for (const value of breakdown.values) collect(value.label);
    }
    for (const extra of section.extras ?? [])
      for (const item of (extra as { exports?: Array<{ label: Record<string, string> }> }).exports ?? []) collect(item.label);
  }
  const indonesian = pairs.map((pair) => pair.id.toLowerCase());
  return [
    ...new Set(
      pairs
        .filter((pair) => pair.en !== pair.id)
        .flatMap((pair) => pair.en.split(/\{\w+\}/))
        .map((part) =>
          part
            .trim()
            .replace(/^[:.,;()–-]+|[:.,;()–-]+$/g, '')
            .trim(),
        )
        .filter((part) => part.length >= 4 && !indonesian.some((text) => text.includes(part.toLowerCase()))),
    ),
  ];
}

/** axe-core, injected as source (the console's CSP refuses script elements that are not its own). */
export async function axeViolations(page: Page): Promise<Array<{ id: string; impact: string; help: string; nodes: string[] }>> {
  const source = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(source);
  return page.evaluate(`(async () => {
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((violation) => ({ id: violation.id, impact: violation.impact, help: violation.help, nodes: violation.nodes.map((node) => node.target.join(' ')) }));
  })()`) as Promise<Array<{ id: string; impact: string; help: string; nodes: string[] }>>;
}
