// The built console in a real Chromium, served by the real exporter: its headers, its CSP (the
// browser enforces it), that it loads nothing from anywhere else, and that a signed-out visitor
// is sent to the sign-in page (by the server) with the way back.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Response } from 'playwright-core';
import { buildConsole } from '../../src/console/console-build.js';
import { CONSOLE_CSP, IMMUTABLE_CACHE_CONTROL } from '../../src/console/console-routes.js';
import { createAccount, type TestAccount } from '../auth/support/accounts.js';
import { launchChromium } from '../support/chromium.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { startTestExporter, type TestExporter } from '../support/test-exporter.js';

interface Visit {
  context: BrowserContext;
  responses: Response[];
  /** requests to any other origin (all aborted: the machine may have no internet) */
  foreign: string[];
  problems: string[];
}

describe('console in a real browser', () => {
  let db: TestDatabase;
  let exporter: TestExporter;
  let browser: Browser;
  let account: TestAccount;

  before(async () => {
    await buildConsole({ ifStale: true });
    db = await createTestDatabase();
    exporter = await startTestExporter({ pool: db.pool });
    account = await createAccount(db.pool, { email: 'deep-link@test.example', role: 'monitoring' });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await exporter?.close();
    await db?.drop();
  });

  async function visit(viewport: { width: number; height: number }): Promise<Visit & { page: Awaited<ReturnType<BrowserContext['newPage']>> }> {
    const context = await browser.newContext({ viewport });
    const responses: Response[] = [];
    const foreign: string[] = [];
    const problems: string[] = [];
    const origin = new URL(exporter.url).origin;
    await context.route('**/*', (route) => {
      if (new URL(route.request().url()).origin === origin) return route.continue();
      foreign.push(route.request().url());
      return route.abort();
    });
    const page = await context.newPage();
    page.on('response', (response) => responses.push(response));
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      // Refusals are logged by the browser as console errors: a CSP or Trusted Types violation
      // means the console does something its own policy forbids.
      if (/Content Security Policy|Trusted Type|Refused to/i.test(message.text())) problems.push(message.text());
    });
    return { context, page, responses, foreign, problems };
  }

  for (const viewport of [
    { width: 1280, height: 800 },
    { width: 360, height: 740 },
  ]) {
    it(`sends a signed-out visitor of a deep link to sign in, and back afterwards (${viewport.width} px)`, { timeout: 60_000 }, async () => {
      const { context, page, responses, foreign, problems } = await visit(viewport);
      try {
        await page.goto(`${exporter.url}/console/users`);
        await page.waitForURL((url) => url.pathname === '/login');
        assert.equal(new URL(page.url()).searchParams.get('next'), '/console/users');
        const redirect = responses.find((response) => new URL(response.url()).pathname === '/console/users')!;
        assert.equal(redirect.status(), 302, 'the server sends a signed-out visitor away before any page is served');
        assert.ok(!responses.some((response) => new URL(response.url()).pathname.startsWith('/console/assets/')), 'nothing of the console loaded');

        await page.fill('#email', account.email);
        await page.fill('#password', account.password);
        await Promise.all([page.waitForURL((url) => url.pathname === '/console/users'), page.click('button[type="submit"]')]);
        await page.locator('.section-page[data-section="users"]').waitFor();
        const shell = responses.filter((response) => new URL(response.url()).pathname === '/console/users').at(-1)!;
        assert.equal(shell.status(), 200);
        assert.equal(await shell.headerValue('content-security-policy'), CONSOLE_CSP);
        assert.equal(await shell.headerValue('cache-control'), 'no-store');

        const assets = responses.filter((response) => new URL(response.url()).pathname.startsWith('/console/assets/'));
        const kinds = assets.map((response) => new URL(response.url()).pathname.split('.').pop());
        assert.ok(kinds.includes('js') && kinds.includes('css'), `assets loaded: ${kinds.join(', ')}`);
        for (const asset of assets) {
          assert.equal(asset.status(), 200, asset.url());
          assert.equal(await asset.headerValue('cache-control'), IMMUTABLE_CACHE_CONTROL, asset.url());
          assert.match(new URL(asset.url()).pathname, /-[A-Za-z0-9]{8,}\.(js|css|svg)$/);
        }
        assert.deepEqual(foreign, [], 'no request left the exporter');
        assert.deepEqual(problems, []);
      } finally {
        await context.close();
      }
    });
  }

  it('opens the console at / (no Grafana), which signs the visitor in first', { timeout: 60_000 }, async () => {
    const { context, page, foreign, problems } = await visit({ width: 1024, height: 768 });
    try {
      await page.goto(`${exporter.url}/`);
      await page.waitForURL((url) => url.pathname === '/login');
      assert.equal(new URL(page.url()).searchParams.get('next'), '/console/');
      assert.deepEqual(foreign, []);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});
