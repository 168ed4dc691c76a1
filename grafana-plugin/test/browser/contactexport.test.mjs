// Real-browser test: Debian's Chromium (playwright-core) opens a harness page that renders the
// BUILT plugin (dist/) with Grafana's theme against a REAL exporter with demo data, through a
// proxy that adds the bearer token on the server like Grafana's data source route (and answers a
// rejected token the way Grafana's proxy does). It runs in Bahasa Indonesia and in English: every
// word is the catalogue's, numbers are written in the language's locale. Both download buttons are
// clicked and the CSV files checked; a second exporter with a ninth section, defined only in the
// tests, proves the plugin shows a section it was never built with. Screenshots and the
// downloaded files are kept under test-artifacts/grafana-plugin/.
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
  EXTRA_SECTION_EXPORTER,
  buildHarness,
  exporterVersion,
  parseCsv,
  startExporter,
  startHarnessServer,
} from './support.mjs';

const token = `kw-${randomBytes(24).toString('hex')}`;
const wrongToken = `kw-${randomBytes(24).toString('hex')}`;
const extraToken = `kw-${randomBytes(24).toString('hex')}`;

/** The two languages, as Grafana's UI names them and as the browser's locale. */
const LANGUAGES = [
  { language: 'id', grafana: 'id-ID', locale: 'id-ID' },
  { language: 'en', grafana: 'en-US', locale: 'en-US' },
];

let exporter;
let extraExporter;
let harness;
let browser;
let tmpDir;
let catalogue;
const consoleErrors = [];

/** GET from the exporter directly (the test's own view of the API, not the plugin's). */
async function api(pathname, { from = exporter, bearer = token } = {}) {
  const response = await fetch(`${from.url}${pathname}`, { headers: { Authorization: `Bearer ${bearer}` } });
  assert.equal(response.status, 200, `GET ${pathname} answered ${response.status}`);
  return response;
}

/** The catalogue section with CSV exports, and its exports. */
function exportSection() {
  const section = catalogue.sections.find((candidate) =>
    candidate.extras.some((extra) => extra.kind === 'contactExport')
  );
  const exports = section.extras.filter((extra) => extra.kind === 'contactExport').flatMap((extra) => extra.exports);
  return { section, exports };
}

async function openPanel({ theme = 'dark', uid = 'kewhats-monitoring', height = 240, lang = LANGUAGES[1] } = {}) {
  const context = await browser.newContext({
    acceptDownloads: true,
    viewport: { width: 720, height: height + 180 },
    locale: lang.locale,
  });
  const page = await context.newPage();
  page.on('console', (message) => {
    // The browser itself logs failed HTTP answers; the 400s Grafana's proxy gives the wrong-token
    // data source are what that case is about (Grafana's own page logs them the same way).
    const expected =
      /status of 400/.test(message.text()) && message.location().url.includes('/uid/kewhats-wrong-token/');
    if (message.type() === 'error' && !expected) {
      consoleErrors.push(`${theme}/${uid}/${lang.language}: ${message.text()} (${message.location().url})`);
    }
  });
  page.on('pageerror', (error) => consoleErrors.push(`${theme}/${uid}/${lang.language}: ${error.message}`));
  await page.goto(`${harness.url}/?theme=${theme}&uid=${uid}&height=${height}&lang=${lang.grafana}`);
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

/** Runs queries of the built data source in the page and returns what a panel would get. */
async function runQueries(page, uid, targets) {
  return page.evaluate(
    async ({ uid, targets }) => {
      const from = Date.UTC(2026, 0, 1);
      const to = Date.UTC(2027, 0, 1);
      const range = { from: { valueOf: () => from }, to: { valueOf: () => to }, raw: { from: 'now-1y', to: 'now' } };
      const response = await window.__harness.dataSource(uid).query({ targets, range, scopedVars: {} });
      return {
        errors: response.errors ?? [],
        frames: response.data.map((frame) => ({
          refId: frame.refId,
          fields: frame.fields.map((field) => ({
            name: field.name,
            displayName: field.config.displayNameFromDS,
            unit: field.config.unit,
            decimals: field.config.decimals,
            values: [...field.values],
          })),
        })),
      };
    },
    { uid, targets }
  );
}

describe('the plugin in Chromium against the real exporter', { timeout: 900_000 }, () => {
  before(async () => {
    assert.ok(
      existsSync(path.join(DIST_DIR, 'panels', 'contactexport', 'module.js')),
      'build the plugin first (npm test does)'
    );
    assert.ok(existsSync(CHROMIUM), `Chromium not found at ${CHROMIUM} (apt-get install chromium)`);
    await mkdir(ARTIFACTS_DIR, { recursive: true });
    tmpDir = await mkdtemp(path.join(os.tmpdir(), 'kewhats-plugin-harness-'));
    const [started, extra, harnessFile] = await Promise.all([
      startExporter({ token }),
      startExporter({
        token: extraToken,
        entry: EXTRA_SECTION_EXPORTER,
        env: { DASHBOARDS_OUT: path.join(tmpDir, 'dashboards') },
      }),
      buildHarness(tmpDir),
    ]);
    exporter = started;
    extraExporter = extra;
    harness = await startHarnessServer({
      dataSources: {
        'kewhats-monitoring': { url: exporter.url, token },
        'kewhats-wrong-token': { url: exporter.url, token: wrongToken },
        'kewhats-extra-section': { url: extraExporter.url, token: extraToken },
      },
      harnessFile,
    });
    catalogue = await (await api('/api/monitoring/catalogue')).json();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  });

  after(async () => {
    await browser?.close();
    await harness?.close();
    await Promise.all([exporter?.stop(), extraExporter?.stop()]);
    if (tmpDir) {
      await rm(tmpDir, { recursive: true, force: true });
    }
  });

  for (const lang of LANGUAGES) {
    const { language, locale } = lang;

    describe(`in ${language === 'id' ? 'Bahasa Indonesia' : 'English'}`, () => {
      it('the panel shows the figures the API reports, named by the catalogue and written in the locale', async () => {
        const { section, exports } = exportSection();
        const body = await (await api(section.path)).json();
        const { context, page } = await openPanel({ theme: 'dark', lang });
        try {
          const panel = page.getByTestId('kewhats-contactexport-panel');
          for (const figure of section.figures) {
            const value = figure.path.split('.').reduce((node, key) => node[key], body);
            const shown = page.getByTestId(`kewhats-figure-${figure.path}`);
            await shown.waitFor();
            assert.equal(
              await shown.textContent(),
              new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(value)
            );
            assert.ok(
              await panel.getByText(figure.label[language], { exact: true }).isVisible(),
              figure.label[language]
            );
          }
          assert.ok(body.total >= 1000, 'enough demo contacts for a thousands separator');
          assert.match(
            await page.getByTestId('kewhats-figure-total').textContent(),
            language === 'id' ? /^\d{1,3}(\.\d{3})+$/ : /^\d{1,3}(,\d{3})+$/
          );
          for (const item of exports) {
            assert.ok(await page.getByRole('button', { name: item.label[language] }).isEnabled(), item.label[language]);
          }
          if (language === 'id') {
            // Nothing of the English words the catalogue has for this panel.
            const text = await panel.textContent();
            for (const words of [
              ...section.figures.map((figure) => figure.label.en),
              ...exports.map((item) => item.label.en),
            ]) {
              assert.ok(!text.includes(words), `English left in the Indonesian panel: ${words}`);
            }
            assert.equal(await panel.getAttribute('lang'), 'id');
          }
          const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
          const color = await page.getByTestId('kewhats-figure-total').evaluate((node) => getComputedStyle(node).color);
          assert.ok(luminance(background) < 0.2, `dark background, got ${background}`);
          assert.ok(luminance(color) > 0.7, `light text on dark, got ${color}`);
          await page.screenshot({
            path: path.join(ARTIFACTS_DIR, `panel-dark-${language}.png`),
            animations: 'disabled',
          });
        } finally {
          await context.close();
        }
      });

      it('the panel downloads both CSV files with the right headers and rows', async () => {
        const { section, exports } = exportSection();
        const [contactExport, emailExport] = exports;
        const { context, page } = await openPanel({ theme: 'dark', lang });
        try {
          await page.getByTestId('kewhats-figure-total').waitFor();
          const body = await (await api(section.path)).json();
          const done = language === 'id' ? 'Terunduh' : 'Downloaded';

          const contactFile = await download(page, contactExport.label[language]);
          assert.match(contactFile.name, /^kewhats-contacts-\d{4}-\d{2}-\d{2}\.csv$/);
          const contactRows = parseCsv(contactFile.text);
          assert.deepEqual(contactRows[0], ['name', 'phone', 'created_at']);
          const contactData = contactRows.slice(1);
          assert.equal(contactData.length, body.total, 'one row per contact');
          for (const row of contactData) {
            assert.equal(row.length, 3, `three columns: ${JSON.stringify(row)}`);
            assert.match(row[2], /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/, 'created_at is ISO 8601 UTC');
          }
          // The file is exactly what the API serves (nothing lost or changed on the way).
          assert.equal(contactFile.text, await (await api(contactExport.path)).text());
          await page.getByText(new RegExp(`^${done} kewhats-contacts-`)).waitFor();
          await page.screenshot({
            path: path.join(ARTIFACTS_DIR, `panel-dark-${language}-after-contacts-download.png`),
            animations: 'disabled',
          });

          const emailFile = await download(page, emailExport.label[language]);
          assert.match(emailFile.name, /^kewhats-emails-\d{4}-\d{2}-\d{2}\.csv$/);
          const emailRows = parseCsv(emailFile.text);
          assert.deepEqual(emailRows[0], ['email']);
          const emails = emailRows.slice(1).map((row) => {
            assert.equal(row.length, 1);
            return row[0];
          });
          assert.ok(emails.length > 0, 'the demo data has emails');
          assert.ok(emails.length <= body.withEmail, 'at most one email per contact with email');
          for (const email of emails) {
            assert.notEqual(email, '');
            assert.equal(email, email.trim().toLowerCase(), `written trimmed and lower-case: ${email}`);
            assert.match(email, /^[^@\s]+@[^@\s]+$/);
          }
          assert.equal(new Set(emails).size, emails.length, 'distinct emails');
          assert.equal(emailFile.text, await (await api(emailExport.path)).text());
          await page.getByText(new RegExp(`^${done} kewhats-emails-`)).waitFor();
        } finally {
          await context.close();
        }
      });

      it('a rejected token reads as such, although Grafana’s proxy turns the 401 into a 400', async () => {
        const { context, page } = await openPanel({ theme: 'dark', uid: 'kewhats-wrong-token', height: 400, lang });
        try {
          const alert = page.getByRole('alert', {
            name: language === 'id' ? 'Angka tidak dapat dimuat' : 'Cannot load the figures',
          });
          await alert.waitFor();
          assert.match(
            await alert.textContent(),
            language === 'id'
              ? /Autentikasi gagal: exporter menolak token sumber data\. Administrator harus memasang token pemantauan yang valid/
              : /Authentication failed: the exporter rejected the data source token\. An administrator must set a valid monitoring token/
          );
          await page.screenshot({
            path: path.join(ARTIFACTS_DIR, `panel-dark-${language}-wrong-token.png`),
            animations: 'disabled',
          });
        } finally {
          await context.close();
        }
      });

      it('the built data source reads every catalogue section, named in the language, and passes its health check', async () => {
        const { context, page } = await openPanel({ theme: 'dark', lang });
        try {
          const health = await page.evaluate(() => window.__harness.dataSource('kewhats-monitoring').testDatasource());
          const badHealth = await page.evaluate(() =>
            window.__harness.dataSource('kewhats-wrong-token').testDatasource()
          );
          assert.equal(health.status, 'success', health.message);
          assert.match(health.message, new RegExp(`${exporterVersion().replace(/\./g, '\\.')}`));
          assert.match(
            health.message,
            language === 'id' ? /Angka dihitung \d+ detik lalu/ : /Figures generated \d+ s ago/
          );
          assert.equal(badHealth.status, 'error');
          assert.match(badHealth.message, language === 'id' ? /token pemantauan yang valid/ : /valid monitoring token/);

          // No language in the queries: the frames follow Grafana's UI language.
          const targets = [
            ...catalogue.sections.map((section, index) => ({
              refId: `S${index}`,
              section: section.name,
              shape: 'stats',
            })),
            ...catalogue.sections.flatMap((section, index) =>
              section.breakdowns.map((breakdown, at) => ({
                refId: `B${index}-${at}`,
                section: section.name,
                shape: 'breakdown',
                field: breakdown.path,
              }))
            ),
          ];
          const result = await runQueries(page, 'kewhats-monitoring', targets);
          assert.deepEqual(result.errors, []);
          const byRef = Object.fromEntries(result.frames.map((frame) => [frame.refId, frame.fields]));
          for (const [index, section] of catalogue.sections.entries()) {
            const fields = byRef[`S${index}`];
            for (const figure of section.figures) {
              const shown = fields.find((candidate) => candidate.name === figure.path);
              assert.ok(shown, `${section.name}: no field ${figure.path}`);
              assert.equal(shown.displayName, figure.label[language], `${section.name} ${figure.path}`);
            }
            for (const [at, breakdown] of section.breakdowns.entries()) {
              const labels = byRef[`B${index}-${at}`].find((candidate) => candidate.name === 'label').values;
              // The catalogue's keys first, in its order, each in the language's words.
              const known = breakdown.values
                .map((value) => value.label[language])
                .filter((words) => labels.includes(words));
              assert.ok(known.length > 0, `${section.name} ${breakdown.path}: no known key`);
              assert.deepEqual(labels.slice(0, known.length), known);
            }
          }

          // Money as Grafana shows it on the card, in the browser's locale: Rp 29.191.000 / IDR 29,191,000.
          const ranged = catalogue.sections.findIndex((section) => section.timeRange);
          const money = byRef[`S${ranged}`].find(
            (candidate) => candidate.name === catalogue.sections[ranged].timeRange.figures[0]
          );
          const dashboard = await (
            await api(`${catalogue.sections[ranged].path}?from=${Date.UTC(2026, 0, 1)}&to=${Date.UTC(2027, 0, 1)}`)
          ).json();
          assert.equal(money.values[0], dashboard.revenue.amount, 'revenue of the dashboard time range');
          const shown = await page.evaluate(
            ({ unit, decimals, value }) => window.__harness.formatValue(unit, decimals, value),
            {
              unit: money.unit,
              decimals: money.decimals,
              value: 29191000,
            }
          );
          assert.equal(shown, language === 'id' ? 'Rp 29.191.000' : 'IDR 29,191,000');

          const requests = await page.evaluate(() => window.__harness.requests.map((request) => request));
          assert.ok(
            requests.some(
              (request) =>
                request.url ===
                `/api/datasources/proxy/uid/kewhats-monitoring${catalogue.sections[ranged].path}?from=${Date.UTC(2026, 0, 1)}&to=${Date.UTC(2027, 0, 1)}`
            ),
            'the time range reaches the URL'
          );
          assert.ok(
            requests.every((request) => !('Authorization' in request.headers) && !('authorization' in request.headers))
          );
        } finally {
          await context.close();
        }
      });

      it('a section the plugin was never built with reaches the frames of its generated dashboards', async () => {
        // The second exporter serves src/sections plus "payments" (exporter/test/support/extra-section.ts)
        // and wrote the dashboards generated for the nine sections.
        const extraCatalogue = await (
          await api('/api/monitoring/catalogue', { from: extraExporter, bearer: extraToken })
        ).json();
        const payments = extraCatalogue.sections.find((section) => section.name === 'payments');
        assert.ok(payments, 'the catalogue lists the extra section');
        const body = await (await api(payments.path, { from: extraExporter, bearer: extraToken })).json();
        const metrics = await (await api('/metrics', { from: extraExporter, bearer: extraToken })).text();
        assert.match(metrics, new RegExp(`^kewhats_payments\\{status="paid"\\} ${body.byStatus.paid}$`, 'm'));
        const dashboard = JSON.parse(
          await readFile(path.join(tmpDir, 'dashboards', language, 'payments.json'), 'utf8')
        );
        const targets = dashboard.panels.flatMap((panel, index) =>
          (panel.targets ?? [])
            .filter((target) => 'section' in target)
            .map((target) => ({
              ...target,
              refId: `P${index}`,
              datasource: { type: target.datasource.type, uid: 'kewhats-extra-section' },
            }))
        );
        assert.ok(targets.length > payments.figures.length, 'cards and a chart');
        const { context, page } = await openPanel({ theme: 'dark', lang });
        try {
          const result = await runQueries(page, 'kewhats-extra-section', targets);
          assert.deepEqual(result.errors, []);
          assert.equal(result.frames.length, targets.length);
          for (const figure of payments.figures) {
            const frame = result.frames.find((candidate) =>
              candidate.fields.some((field) => field.name === figure.path)
            );
            assert.ok(frame, `no frame for ${figure.path}`);
            const field = frame.fields.find((candidate) => candidate.name === figure.path);
            assert.equal(field.displayName, figure.label[language]);
            assert.equal(
              field.values[0],
              figure.path.split('.').reduce((node, key) => node[key], body)
            );
          }
          const breakdown = result.frames.find((frame) => frame.fields.some((field) => field.name === 'label'));
          assert.deepEqual(
            breakdown.fields.find((field) => field.name === 'label').values,
            payments.breakdowns[0].values.map((value) => value.label[language])
          );
        } finally {
          await context.close();
        }
      });
    });
  }

  it('the panel is right in the light theme', async () => {
    const { exports } = exportSection();
    const { context, page } = await openPanel({ theme: 'light' });
    try {
      await page.getByTestId('kewhats-figure-total').waitFor();
      const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      const color = await page.getByTestId('kewhats-figure-total').evaluate((node) => getComputedStyle(node).color);
      assert.ok(luminance(background) > 0.8, `light background, got ${background}`);
      assert.ok(luminance(color) < 0.3, `dark text on light, got ${color}`);
      const file = await download(page, exports[1].label.en);
      assert.deepEqual(parseCsv(file.text)[0], ['email']);
      await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'panel-light.png'), animations: 'disabled' });
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
      await page.getByTestId('kewhats-figure-total').waitFor();
      const everything = await page.evaluate(
        () => document.documentElement.outerHTML + JSON.stringify(localStorage) + document.cookie
      );
      for (const secret of [token, wrongToken, extraToken]) {
        assert.ok(!everything.includes(secret));
      }
    } finally {
      await context.close();
    }
  });

  it('logged no console errors', async () => {
    await writeFile(path.join(ARTIFACTS_DIR, 'console-errors.txt'), consoleErrors.join('\n'));
    assert.deepEqual(consoleErrors, []);
  });
});
