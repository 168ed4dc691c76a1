// Real-browser test: Debian's Chromium (playwright-core) opens a harness page that renders the
// BUILT plugin (dist/) with Grafana's theme against a REAL exporter with demo data, through a
// proxy that adds the bearer token on the server like Grafana's data source route. Both
// download buttons are clicked and the CSV files are checked. Screenshots and the downloaded
// files are kept under test-artifacts/grafana-plugin/.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium } from 'playwright-core';
import {
  ARTIFACTS_DIR,
  CHROMIUM,
  CHROMIUM_ARGS,
  DIST_DIR,
  buildHarness,
  exporterVersion,
  parseCsv,
  startExporter,
  startHarnessServer,
} from './support.mjs';

const token = `kw-${randomBytes(24).toString('hex')}`;
const wrongToken = `kw-${randomBytes(24).toString('hex')}`;

let exporter;
let harness;
let browser;
let tmpDir;
const consoleErrors = [];

/** GET from the exporter directly (the test's own view of the API, not the plugin's). */
async function api(pathname) {
  const response = await fetch(`${exporter.url}${pathname}`, { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(response.status, 200, `GET ${pathname} answered ${response.status}`);
  return response;
}

async function openPanel({ theme = 'dark', uid = 'kewhats-monitoring', height = 240 } = {}) {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 720, height: height + 180 } });
  const page = await context.newPage();
  page.on('console', (message) => {
    // The browser itself logs failed HTTP answers; the 401s of the wrong-token data source are
    // what that case is about (Grafana's own page logs them the same way).
    const expected401 =
      /status of 401/.test(message.text()) && message.location().url.includes('/uid/kewhats-wrong-token/');
    if (message.type() === 'error' && !expected401) {
      consoleErrors.push(`${theme}/${uid}: ${message.text()} (${message.location().url})`);
    }
  });
  page.on('pageerror', (error) => consoleErrors.push(`${theme}/${uid}: ${error.message}`));
  await page.goto(`${harness.url}/?theme=${theme}&uid=${uid}&height=${height}`);
  await page.evaluate(() => window.__harnessReady);
  return { context, page };
}

function luminance(rgb) {
  const [r, g, b] = rgb
    .match(/\d+(\.\d+)?/g)
    .slice(0, 3)
    .map(Number);
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
}

async function download(page, buttonName) {
  const [file] = await Promise.all([
    page.waitForEvent('download', { timeout: 60_000 }),
    page.getByRole('button', { name: buttonName }).click(),
  ]);
  const target = path.join(ARTIFACTS_DIR, file.suggestedFilename());
  await file.saveAs(target);
  assert.equal(await file.failure(), null);
  return { name: file.suggestedFilename(), text: await readFile(target, 'utf8') };
}

describe('contact-export panel in Chromium against the real exporter', { timeout: 600_000 }, () => {
  before(async () => {
    assert.ok(
      existsSync(path.join(DIST_DIR, 'panels', 'contactexport', 'module.js')),
      'build the plugin first (npm test does)'
    );
    assert.ok(existsSync(CHROMIUM), `Chromium not found at ${CHROMIUM} (apt-get install chromium)`);
    await mkdir(ARTIFACTS_DIR, { recursive: true });
    tmpDir = await mkdtemp(path.join(os.tmpdir(), 'kewhats-plugin-harness-'));
    const [started, harnessFile] = await Promise.all([startExporter({ token }), buildHarness(tmpDir)]);
    exporter = started;
    harness = await startHarnessServer({
      exporterUrl: exporter.url,
      tokens: { 'kewhats-monitoring': token, 'kewhats-wrong-token': wrongToken },
      harnessFile,
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  });

  after(async () => {
    await browser?.close();
    await harness?.close();
    await exporter?.stop();
    if (tmpDir) {
      await rm(tmpDir, { recursive: true, force: true });
    }
  });

  it('shows the totals the API reports, in the dark theme', async () => {
    const contacts = await (await api('/api/monitoring/contacts')).json();
    const { context, page } = await openPanel({ theme: 'dark' });
    try {
      await page.getByTestId('kewhats-total-contacts').waitFor();
      const shown = (await page.getByTestId('kewhats-total-contacts').textContent()).replace(/\D/g, '');
      const shownEmails = (await page.getByTestId('kewhats-total-emails').textContent()).replace(/\D/g, '');
      assert.equal(Number(shown), contacts.total);
      assert.equal(Number(shownEmails), contacts.withEmail);
      assert.ok(contacts.total > 0, 'the demo data has contacts');
      const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      const text = await page.getByTestId('kewhats-total-contacts').evaluate((node) => getComputedStyle(node).color);
      assert.ok(luminance(background) < 0.2, `dark background, got ${background}`);
      assert.ok(luminance(text) > 0.7, `light text on dark, got ${text}`);
      await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'panel-dark.png'), animations: 'disabled' });
    } finally {
      await context.close();
    }
  });

  it('downloads both CSV files with the right headers and rows', async () => {
    const { context, page } = await openPanel({ theme: 'dark' });
    try {
      await page.getByTestId('kewhats-total-contacts').waitFor();
      const contacts = await (await api('/api/monitoring/contacts')).json();

      const contactFile = await download(page, 'Download contacts (CSV)');
      assert.match(contactFile.name, /^kewhats-contacts-\d{4}-\d{2}-\d{2}\.csv$/);
      const contactRows = parseCsv(contactFile.text);
      assert.deepEqual(contactRows[0], ['name', 'phone', 'created_at']);
      const contactData = contactRows.slice(1);
      assert.equal(contactData.length, contacts.total, 'one row per contact');
      for (const row of contactData) {
        assert.equal(row.length, 3, `three columns: ${JSON.stringify(row)}`);
        assert.match(row[2], /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/, 'created_at is ISO 8601 UTC');
      }
      // The file is exactly what the API serves (nothing lost or changed on the way).
      assert.equal(contactFile.text, await (await api('/api/monitoring/contacts/export?type=contact')).text());
      await page.getByText(/^Downloaded kewhats-contacts-/).waitFor();
      await page.screenshot({
        path: path.join(ARTIFACTS_DIR, 'panel-dark-after-contacts-download.png'),
        animations: 'disabled',
      });

      const emailFile = await download(page, 'Download emails (CSV)');
      assert.match(emailFile.name, /^kewhats-emails-\d{4}-\d{2}-\d{2}\.csv$/);
      const emailRows = parseCsv(emailFile.text);
      assert.deepEqual(emailRows[0], ['email']);
      const emails = emailRows.slice(1).map((row) => {
        assert.equal(row.length, 1);
        return row[0];
      });
      assert.ok(emails.length > 0, 'the demo data has emails');
      assert.ok(emails.length <= contacts.withEmail, 'at most one email per contact with email');
      for (const email of emails) {
        assert.notEqual(email, '');
        assert.equal(email, email.trim().toLowerCase(), `written trimmed and lower-case: ${email}`);
        assert.match(email, /^[^@\s]+@[^@\s]+$/);
      }
      assert.equal(new Set(emails).size, emails.length, 'distinct emails');
      assert.equal(emailFile.text, await (await api('/api/monitoring/contacts/export?type=email')).text());
      await page.getByText(/^Downloaded kewhats-emails-/).waitFor();
      await page.screenshot({
        path: path.join(ARTIFACTS_DIR, 'panel-dark-after-emails-download.png'),
        animations: 'disabled',
      });
    } finally {
      await context.close();
    }
  });

  it('is right in the light theme', async () => {
    const { context, page } = await openPanel({ theme: 'light' });
    try {
      await page.getByTestId('kewhats-total-contacts').waitFor();
      const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      const text = await page.getByTestId('kewhats-total-contacts').evaluate((node) => getComputedStyle(node).color);
      assert.ok(luminance(background) > 0.8, `light background, got ${background}`);
      assert.ok(luminance(text) < 0.3, `dark text on light, got ${text}`);
      const file = await download(page, 'Download emails (CSV)');
      assert.deepEqual(parseCsv(file.text)[0], ['email']);
      await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'panel-light.png'), animations: 'disabled' });
    } finally {
      await context.close();
    }
  });

  it('shows the exporter’s 401 clearly when the data source token is wrong', async () => {
    const { context, page } = await openPanel({ theme: 'dark', uid: 'kewhats-wrong-token', height: 400 });
    try {
      const totalsAlert = page.getByRole('alert', { name: 'Cannot load contact totals' });
      await totalsAlert.waitFor();
      assert.match(await totalsAlert.textContent(), /Authentication failed \(401\)/);
      await page.getByRole('button', { name: 'Download contacts (CSV)' }).click();
      const downloadAlert = page.getByRole('alert', { name: 'Download of contacts failed' });
      await downloadAlert.waitFor();
      assert.match(await downloadAlert.textContent(), /Authentication failed \(401\)/);
      await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'panel-dark-401.png'), animations: 'disabled' });
    } finally {
      await context.close();
    }
  });

  it('the built data source reads every section through the proxy and passes its health check', async () => {
    const { context, page } = await openPanel({ theme: 'dark' });
    try {
      const result = await page.evaluate(async () => {
        const ds = window.__harness.dataSource('kewhats-monitoring');
        const health = await ds.testDatasource();
        const badHealth = await window.__harness.dataSource('kewhats-wrong-token').testDatasource();
        const sections = [
          'dashboard',
          'users',
          'connections',
          'integrations',
          'chatbots',
          'broadcasts',
          'contacts',
          'webhooks',
        ];
        const from = Date.UTC(2026, 0, 1);
        const to = Date.UTC(2027, 0, 1);
        const range = { from: { valueOf: () => from }, to: { valueOf: () => to }, raw: { from: 'now-1y', to: 'now' } };
        const targets = [
          ...sections.map((section, index) => ({ refId: `S${index}`, section, shape: 'stats' })),
          { refId: 'B1', section: 'users', shape: 'breakdown', field: 'byPlan' },
          { refId: 'B2', section: 'connections', shape: 'breakdown' },
          { refId: 'B3', section: 'integrations', shape: 'breakdown', field: 'byType' },
        ];
        const response = await ds.query({ targets, range, scopedVars: {} });
        return {
          health,
          badHealth,
          errors: response.errors ?? [],
          frames: response.data.map((frame) => ({
            refId: frame.refId,
            fields: frame.fields.map((field) => ({
              name: field.name,
              unit: field.config.unit,
              value: field.values[0],
            })),
          })),
          requests: window.__harness.requests.map((request) => request.url),
          sentHeaders: window.__harness.requests.map((request) => request.headers),
        };
      });

      assert.equal(result.health.status, 'success', result.health.message);
      assert.match(result.health.message, new RegExp(`exporter version ${exporterVersion().replace(/\./g, '\\.')}`));
      assert.match(result.health.message, /Figures generated \d+ s ago/);
      assert.equal(result.badHealth.status, 'error');
      assert.match(result.badHealth.message, /Authentication failed \(401\)/);

      assert.deepEqual(result.errors, []);
      const byRef = Object.fromEntries(result.frames.map((frame) => [frame.refId, frame.fields]));
      const names = (refId) => byRef[refId].map((field) => field.name);
      const dashboard = await (
        await api(`/api/monitoring/dashboard?from=${Date.UTC(2026, 0, 1)}&to=${Date.UTC(2027, 0, 1)}`)
      ).json();
      const value = (refId, name) => byRef[refId].find((field) => field.name === name)?.value;
      assert.equal(value('S0', 'messages.sent'), dashboard.messages.sent);
      assert.equal(value('S0', 'revenue.amount'), dashboard.revenue.amount, 'revenue of the dashboard time range');
      assert.equal(
        byRef.S0.find((field) => field.name === 'revenue.amount').unit,
        `currency${dashboard.revenue.currency}`
      );
      assert.ok(value('S0', 'lastUpdated') >= 0);
      assert.deepEqual(names('S1').slice(0, 3), ['generatedAt', 'total', 'byPlan.free']);
      assert.ok(names('S5').includes('failed'));
      for (const refId of ['B1', 'B2', 'B3']) {
        assert.deepEqual(names(refId), ['label', 'value']);
      }
      assert.ok(
        result.requests.includes(
          `/api/datasources/proxy/uid/kewhats-monitoring/api/monitoring/dashboard?from=${Date.UTC(2026, 0, 1)}&to=${Date.UTC(2027, 0, 1)}`
        ),
        `the time range reaches the URL: ${result.requests.join(' ')}`
      );
      assert.ok(result.sentHeaders.every((headers) => !('Authorization' in headers) && !('authorization' in headers)));
    } finally {
      await context.close();
    }
  });

  it('never puts the token in the browser', async () => {
    assert.ok(harness.proxied.length > 10, 'the panel went through the proxy');
    for (const request of harness.proxied) {
      assert.equal(request.method, 'GET');
      assert.equal(request.authorization, undefined, `the browser sent no Authorization header (${request.path})`);
    }
    const { context, page } = await openPanel({ theme: 'dark' });
    try {
      await page.getByTestId('kewhats-total-contacts').waitFor();
      const everything = await page.evaluate(
        () => document.documentElement.outerHTML + JSON.stringify(localStorage) + document.cookie
      );
      assert.ok(!everything.includes(token));
    } finally {
      await context.close();
    }
  });

  it('logged no console errors', async () => {
    await writeFile(path.join(ARTIFACTS_DIR, 'console-errors.txt'), consoleErrors.join('\n'));
    assert.deepEqual(consoleErrors, []);
  });
});
