// The console end to end in a real Chromium, on the real exporter with the demo data, for what
// changes over time: "Last updated" after a manual refresh and an auto-refresh (the page's clock
// is Playwright's, moved by hand); live mode showing a database change; the revenue filter's
// custom range; both contact downloads; a password change ending the other sessions; the
// language from the browser, then the account's; signing out; the stale badge while the
// database is down (a loopback proxy in front of it is cut).
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Catalogue, CatalogueSection } from '../../console/src/api/catalogue.ts';
import { buildConsole } from '../../src/console/console-build.js';
import { createPool } from '../../src/db/pool.js';
import { seedDemoData } from '../../src/demo/seed.js';
import { createAccount } from '../auth/support/accounts.js';
import { launchChromium } from '../support/chromium.js';
import { fixtures } from '../support/fixtures.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { startTestExporter, type TestExporter } from '../support/test-exporter.js';
import { apiBody, catalogueOf, sectionsInOrder, signInThroughPage, waitForNumbers } from './support/console-pages.js';

const REFRESH_INTERVAL_SECONDS = 2;

describe('console freshness and account in a real browser', () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let pool: ReturnType<typeof createPool>;
  let exporter: TestExporter;
  let browser: Browser;
  let catalogue: Catalogue;
  const contexts: BrowserContext[] = [];

  const sectionWith = (test: (section: CatalogueSection) => boolean) => sectionsInOrder(catalogue).find(test)!;
  const usersSection = () => sectionWith((section) => section.figures.some((figure) => figure.path === 'total') && section.breakdowns.length > 0);

  async function newPage(options: { locale?: string } = {}): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: options.locale ?? 'en-US', acceptDownloads: true });
    contexts.push(context);
    return context.newPage();
  }

  /** A signed-in page of `section` in live mode, its stream open. */
  async function liveOn(section: CatalogueSection): Promise<Page> {
    const page = await newPage();
    await signInThroughPage(page, exporter.url, `/console/${section.name}`);
    await waitForNumbers(page, section);
    await page.selectOption('#refresh-choice', 'live');
    await page.locator('.badge-live').waitFor();
    return page;
  }

  /** The newest snapshot time the API serves. */
  const apiGeneratedAt = async (section: CatalogueSection) =>
    Date.parse(((await apiBody(exporter, section.path)) as { generatedAt: string }).generatedAt);
  const shownGeneratedAt = async (page: Page) => Date.parse((await page.getAttribute('.last-updated', 'data-generated-at')) ?? '');
  /** Waits until the page shows a snapshot newer than `than`. */
  const shownAfter = (page: Page, than: number) => until(async () => (await shownGeneratedAt(page)) > than);
  /** Waits until a figure card shows `value`. */
  const figureShows = (page: Page, path: string, value: number, timeout?: number) =>
    page.locator(`[data-figure-path="${path}"] [data-value="${value}"]`).waitFor({ timeout });
  /** Waits until the exporter has a snapshot newer than `than` (it makes one every interval while asked). */
  const newerSnapshot = (section: CatalogueSection, than: number) => until(async () => (await apiGeneratedAt(section)) > than);

  before(async () => {
    await buildConsole({ ifStale: true });
    db = await createTestDatabase();
    await seedDemoData(db.pool);
    proxy = await startTcpProxy(db.url);
    pool = createPool(proxy.url, { max: 6 });
    exporter = await startTestExporter({ pool, env: { REFRESH_INTERVAL_SECONDS: String(REFRESH_INTERVAL_SECONDS) } });
    catalogue = await catalogueOf(exporter);
    // The Blob download path (the File System Access picker cannot be answered headless).
    browser = await launchChromium(['--disable-blink-features=FileSystemAccessLocal']);
  });
  after(async () => {
    await browser?.close();
    await exporter?.close();
    await pool?.end();
    await proxy?.close();
    await db?.drop();
  });

  it('updates "Last updated" on a manual refresh and on the auto-refresh, and ticks every second', async () => {
    const page = await newPage();
    await page.clock.install();
    const section = usersSection();
    await signInThroughPage(page, exporter.url, `/console/${section.name}`);
    await waitForNumbers(page, section);
    await page.selectOption('#refresh-choice', 'off');
    const first = await shownGeneratedAt(page);
    assert.ok(Number.isFinite(first));
    await newerSnapshot(section, first);
    await page.click('.refresh-button');
    await shownAfter(page, first);
    // The text follows the page's clock, second by second, with no request.
    const ago = async () => Number(/(\d+)/.exec((await page.textContent('.last-updated')) ?? '')?.[1] ?? 0);
    // Paused, the page's clock moves only by runFor: real time passing between two readings (a
    // loaded machine) cannot add a second to the text.
    await page.clock.pauseAt((await page.evaluate(() => Date.now())) + 5_000);
    const before = await ago();
    await page.clock.runFor(5_000);
    assert.equal(await ago(), before + 5, 'five seconds later it says five more');
    // Auto-refresh every 10 s: moving the page's clock 10 s on loads the newer snapshot.
    await page.selectOption('#refresh-choice', '10000');
    const second = await shownGeneratedAt(page);
    await newerSnapshot(section, second);
    await page.clock.runFor(10_000);
    await shownAfter(page, second);
    assert.match((await page.textContent('.last-updated'))!, /Last updated: /);
  });

  it('shows a change written to the database within one refresh interval in live mode', async () => {
    const section = usersSection();
    const page = await liveOn(section);
    const card = page.locator('[data-figure-path="total"] [data-value]');
    const before = Number(await card.getAttribute('data-value'));
    await fixtures(db.pool).user();
    // The next snapshot comes at most one interval later, and is pushed as soon as it is made.
    await figureShows(page, 'total', before + 1, 2 * REFRESH_INTERVAL_SECONDS * 1000);
    await page.selectOption('#refresh-choice', '30000');
  });

  it('gives the revenue of a custom range, as the API computes it for those days', async () => {
    const page = await newPage();
    const section = sectionWith((candidate) => candidate.timeRange !== null && candidate.timeRange !== undefined);
    const timeRange = section.timeRange!;
    const figure = timeRange.figures[0]!;
    await signInThroughPage(page, exporter.url, `/console/${section.name}`);
    await waitForNumbers(page, section);
    const card = page.locator(`[data-figure-path="${figure}"] [data-value]`);
    const thisMonth = Number(await card.getAttribute('data-value'));
    // Last month's first three weeks, in the report time zone.
    const today = new Date();
    const lastMonth = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - 1, 1));
    const day = (date: number) =>
      `${lastMonth.getUTCFullYear()}-${String(lastMonth.getUTCMonth() + 1).padStart(2, '0')}-${String(date).padStart(2, '0')}`;
    await page.click('.range-filter .segmented button:nth-child(3)');
    await page.fill('input[name="from"]', day(1));
    await page.fill('input[name="to"]', day(21));
    await page.click('.range-filter button[type="submit"]');
    const expected = (await apiBody(exporter, `${section.path}?${timeRange.from}=${day(1)}&${timeRange.to}=${day(22)}`)) as Record<string, unknown>;
    const value = figure.split('.').reduce<unknown>((holder, key) => (holder as Record<string, unknown>)[key], expected) as number;
    assert.notEqual(value, thisMonth, 'the demo data gives the range its own revenue');
    await figureShows(page, figure, value);
    assert.match((await page.textContent('.range-shown'))!, new RegExp(`\\(${catalogue.reportTimeZone}\\)`));
  });

  it('downloads both contact exports, byte for byte the API’s CSV', async () => {
    const page = await newPage();
    const section = sectionWith((candidate) => (candidate.extras ?? []).some((extra) => extra.kind === 'contactExport'));
    await signInThroughPage(page, exporter.url, `/console/${section.name}`);
    await waitForNumbers(page, section);
    const exports = (section.extras ?? []).flatMap((extra) => (extra as { exports?: Array<{ type: string; path: string }> }).exports ?? []);
    assert.equal(exports.length, 2);
    for (const item of exports) {
      const [download] = await Promise.all([page.waitForEvent('download'), page.click(`[data-export-type="${item.type}"] button`)]);
      const file = await readFile((await download.path())!);
      const api = await fetch(`${exporter.url}${item.path}`, { headers: exporter.authHeaders() });
      assert.equal(api.status, 200);
      const expected = Buffer.from(await api.arrayBuffer());
      assert.ok(expected.length > 100, `${item.type}: a real export`);
      assert.ok(file.equals(expected), `${item.type}: the downloaded file (${file.length} bytes) is the API's CSV (${expected.length} bytes)`);
      assert.match(download.suggestedFilename(), /\.csv$/);
    }
  });

  it('changes the password, which ends the account’s other sessions and keeps this one', async () => {
    const account = await createAccount(db.pool, { email: 'rina@test.example', role: 'monitoring', password: 'first-password-1' });
    const section = usersSection();
    const here = await newPage();
    const elsewhere = await newPage();
    await signInThroughPage(here, exporter.url, '/console/profile', account);
    await signInThroughPage(elsewhere, exporter.url, `/console/${section.name}`, account);
    await waitForNumbers(elsewhere, section);
    const newPassword = 'Tidal-Harbor-Quartz-7491';
    await here.fill('input[name="currentPassword"]', account.password);
    await here.fill('input[name="newPassword"]', newPassword);
    await here.fill('input[name="confirmPassword"]', newPassword);
    await here.click('form.stacked-form button[type="submit"]');
    await here.locator('.form-success').waitFor();
    // The other browser is signed out: its next page load goes to the sign-in page.
    await elsewhere.goto(`${exporter.url}/console/${section.name}`);
    assert.equal(new URL(elsewhere.url()).pathname, '/login');
    await here.goto(`${exporter.url}/console/${section.name}`);
    await waitForNumbers(here, section);
    const third = await newPage();
    await signInThroughPage(third, exporter.url, `/console/${section.name}`, { email: account.email, password: newPassword });
    await waitForNumbers(third, section);
  });

  it('first speaks the browser’s language, then the one the account chose, in any browser', async () => {
    const account = await createAccount(db.pool, { email: 'dewi@test.example', role: 'monitoring', password: 'dewi-password-1' });
    const indonesianBrowser = await newPage({ locale: 'id-ID' });
    await signInThroughPage(indonesianBrowser, exporter.url, '/console/profile', account);
    await indonesianBrowser.locator('html[lang="id"] .settings-grid').waitFor();
    await indonesianBrowser.selectOption('select[name="language"]', 'en');
    await indonesianBrowser.locator('html[lang="en"]').waitFor();
    const another = await newPage({ locale: 'id-ID' });
    await signInThroughPage(another, exporter.url, '/console/profile', account);
    await another.locator('html[lang="en"] .settings-grid').waitFor();
  });

  it('signs out from the sidebar: the console then sends the browser to sign in', async () => {
    const page = await newPage();
    await signInThroughPage(page, exporter.url, '/console/profile');
    await page.locator('.settings-grid').waitFor();
    await Promise.all([page.waitForURL((url) => url.pathname === '/login'), page.click('.sidebar nav button.nav-link')]);
    await page.goto(`${exporter.url}/console/`);
    assert.equal(new URL(page.url()).pathname, '/login');
  });

  it('shows the stale badge while the database is down, keeping the numbers, and clears it after', async () => {
    const section = usersSection();
    const page = await liveOn(section);
    const shown = await page.getAttribute('[data-figure-path="total"] [data-value]', 'data-value');
    proxy.cut();
    try {
      // Live: the exporter pushes its snapshot again, flagged stale.
      await page.locator('.badge-stale').waitFor();
      await page.locator('[data-banner="stale"]').waitFor();
      // Polling: the session cannot be checked either, and the page says why, keeping its numbers.
      await page.selectOption('#refresh-choice', 'off');
      await page.click('.refresh-button');
      await page.locator('[data-banner="failed"]').waitFor();
      assert.equal(await page.locator('.badge-stale').count(), 1);
      assert.equal(await page.getAttribute('[data-figure-path="total"] [data-value]', 'data-value'), shown);
    } finally {
      proxy.restore();
    }
    // Once the exporter has a fresh snapshot again, a refresh shows it.
    await until(async () => !((await apiBody(exporter, section.path)) as { stale: boolean }).stale);
    await page.click('.refresh-button');
    await page.locator('.badge-stale').waitFor({ state: 'detached', timeout: 20_000 });
    assert.equal(await page.locator('[data-banner]').count(), 0);
  });
});

/** Checks `condition` every 100 ms until it holds (or fails after `timeoutMs`). */
async function until(condition: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
