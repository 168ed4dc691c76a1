// The console end to end in a real Chromium, on the real exporter with the demo data: signing in
// through the sign-in page; every page's numbers equal the API's; the language switch (nothing
// English left in Indonesian); dark and light themes; axe-core on every page; screenshots of
// each page in both themes and languages (test-artifacts/console/); the session out of scripts'
// reach and a cross-site write refused.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Catalogue } from '../../console/src/api/catalogue.ts';
import { buildConsole } from '../../src/console/console-build.js';
import { seedDemoData } from '../../src/demo/seed.js';
import { ARTIFACTS_DIR, launchChromium } from '../support/chromium.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { startTestExporter, type TestExporter } from '../support/test-exporter.js';
import {
  apiBody,
  assertNumbersEqual,
  axeViolations,
  catalogueOf,
  englishOnlyPhrases,
  sectionsInOrder,
  shownNumbers,
  signInThroughPage,
  waitForNumbers,
} from './support/console-pages.js';

const SCREENSHOTS = join(ARTIFACTS_DIR, 'console');

describe('console pages in a real browser', () => {
  let db: TestDatabase;
  let exporter: TestExporter;
  let browser: Browser;
  let catalogue: Catalogue;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];

  before(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    await buildConsole({ ifStale: true });
    db = await createTestDatabase();
    await seedDemoData(db.pool);
    // The snapshot stays put (nothing writes meanwhile): the page and the API read the same one.
    exporter = await startTestExporter({ pool: db.pool, env: { REFRESH_INTERVAL_SECONDS: '3600' } });
    catalogue = await catalogueOf(exporter);
    browser = await launchChromium();
    // An English browser: the console's first language comes from it.
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    page = await context.newPage();
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (/Content Security Policy|Trusted Type|Refused to/i.test(message.text())) problems.push(message.text());
    });
    await signInThroughPage(page, exporter.url);
  });
  after(async () => {
    await browser?.close();
    await exporter?.close();
    await db?.drop();
  });

  const pagePaths = () => [...sectionsInOrder(catalogue).map((section) => `/console/${section.name}`), '/console/profile'];

  async function open(path: string): Promise<void> {
    await page.goto(`${exporter.url}${path}`);
    const section = catalogue.sections.find((candidate) => path === `/console/${candidate.name}`);
    if (section) await waitForNumbers(page, section);
    else await page.locator('.settings-grid').waitFor();
  }

  it('lands on the first section after signing in, with the sidebar in catalogue order and the page marked', async () => {
    assert.equal(new URL(page.url()).pathname, '/console/');
    const sections = sectionsInOrder(catalogue);
    await waitForNumbers(page, sections[0]!);
    const links = await page.locator('.sidebar nav .nav-link').allTextContents();
    assert.deepEqual(links, [...sections.map((section) => section.title.en), 'Profile Settings', 'Logout']);
    assert.equal(await page.locator('.sidebar [aria-current="page"]').textContent(), sections[0]!.title.en);
  });

  it('shows on every page exactly the numbers the API answers', async () => {
    for (const section of sectionsInOrder(catalogue)) {
      await open(`/console/${section.name}`);
      assertNumbersEqual(await shownNumbers(page), section, await apiBody(exporter, section.path));
      assert.equal(await page.locator('.sidebar [aria-current="page"]').textContent(), section.title.en);
    }
  });

  it('keeps the session out of scripts’ reach', async () => {
    const cookies = await context.cookies(exporter.url);
    assert.ok(cookies.some((cookie) => cookie.name === 'kewhats_session' && cookie.httpOnly && cookie.sameSite === 'Lax'));
    assert.doesNotMatch(String(await page.evaluate('document.cookie')), /kewhats_session/);
  });

  it('refuses a write from another site: the session survives', async () => {
    // Another origin (another site: 127.0.0.2) whose page posts forms to the exporter, as a foreign site would.
    const foreign: Server = createServer((req, res) => {
      const target = new URL(req.url!, 'http://x').searchParams.get('target')!;
      res.setHeader('Content-Type', 'text/html');
      res.end(
        `<!doctype html><title>elsewhere</title><form method="post" action="${target}"><input name="everywhere" value="1"><button>go</button></form>`,
      );
    });
    await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.2', resolve));
    try {
      const other = await context.newPage();
      for (const target of ['/logout', '/api/auth/sessions/revoke-all', '/api/auth/logout']) {
        await other.goto(`http://127.0.0.2:${(foreign.address() as AddressInfo).port}/?target=${encodeURIComponent(exporter.url + target)}`);
        const [response] = await Promise.all([other.waitForResponse((candidate) => candidate.url().startsWith(exporter.url)), other.click('button')]);
        assert.ok([401, 403].includes(response.status()), `${target}: ${response.status()}`);
      }
      await other.close();
      const status = await page.evaluate(`fetch('/api/auth/session').then((response) => response.status)`);
      assert.equal(status, 200, 'still signed in');
    } finally {
      foreign.close();
    }
  });

  it('passes axe-core with no serious or critical violation on any page, in both themes', async () => {
    for (const theme of ['dark', 'light']) {
      await setPreferences({ language: 'en', theme });
      for (const path of pagePaths()) {
        await open(path);
        const serious = (await axeViolations(page)).filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
        assert.deepEqual(serious, [], `${path} (${theme})`);
      }
    }
  });

  it('switches every label to Indonesian (no English left), remembers it for the account, and takes screenshots', async () => {
    await setPreferences({ language: null, theme: null });
    await open('/console/profile');
    // The page switches at once and saves the choice with the account: the next page loads read it from there.
    const [saved] = await Promise.all([
      page.waitForResponse((response) => response.url().endsWith('/api/auth/preferences') && response.request().method() === 'PUT'),
      page.selectOption('select[name="language"]', 'id'),
    ]);
    assert.equal(saved.status(), 200, 'the choice saved with the account');
    await page.locator('html[lang="id"]').waitFor();
    const english = englishOnlyPhrases(catalogue);
    assert.ok(english.length > 50, `${english.length} English phrases to look for`);
    for (const path of pagePaths()) {
      await open(path);
      assert.equal(await page.getAttribute('html', 'lang'), 'id', `${path}: the choice is remembered across page loads`);
      const text = String(await page.evaluate('document.body.innerText'));
      const left = english.filter((phrase) =>
        new RegExp(`(^|[^\\p{L}])${phrase.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([^\\p{L}]|$)`, 'u').test(text),
      );
      assert.deepEqual(left, [], `${path}: English left in Indonesian mode`);
      assert.doesNotMatch(text, /\b(seconds?|minutes?) ago\b/, path);
      const sidebar = await page.locator('.sidebar nav .nav-link').allTextContents();
      assert.deepEqual(sidebar, [...sectionsInOrder(catalogue).map((section) => section.title.id), 'Pengaturan Profil', 'Keluar']);
    }
    for (const language of ['id', 'en'] as const) {
      for (const theme of ['dark', 'light'] as const) {
        await setPreferences({ language, theme });
        for (const path of pagePaths()) {
          await open(path);
          await page.locator(`html[data-theme="${theme}"][lang="${language}"]`).waitFor();
          await page.screenshot({ path: join(SCREENSHOTS, `${path.split('/').pop()}-${theme}-${language}.png`), fullPage: true });
        }
      }
    }
    await page.setViewportSize({ width: 360, height: 740 });
    await open(`/console/${sectionsInOrder(catalogue)[0]!.name}`);
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-360px.png'), fullPage: true });
    assert.deepEqual(problems, []);
  });

  /** The account's preferences, as the profile page would save them. */
  async function setPreferences(preferences: { language: string | null; theme: string | null }): Promise<void> {
    const status = await page.evaluate(`(async () => {
      const session = await (await fetch('/api/auth/session')).json();
      const response = await fetch('/api/auth/preferences', {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': session.csrfToken },
        body: ${JSON.stringify(JSON.stringify(preferences))},
      });
      return response.status;
    })()`);
    assert.equal(status, 200);
  }
});
