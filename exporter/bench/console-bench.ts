// The console's budgets (docs/benchmark.md, part "console"), with the system Chromium: the size of
// its JavaScript and CSS, the first render of the dashboard page, the page's JS heap after 3,600
// refreshes, and what 200 open live streams cost the exporter (RSS, /metrics p99). Runs on a
// database of its own with the demo data, so it needs no synthetic scale data.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Browser, Page } from 'playwright-core';
import { hashPassword } from '../src/auth/passwords.js';
import { buildConsole, consoleBundleSize } from '../src/console/console-build.js';
import { applyMigrations } from '../src/db/migrate.js';
import { seedDemoData } from '../src/demo/seed.js';
import { launchChromium } from '../test/support/chromium.js';
import { sampleRss, startChildExporter, type ChildExporter } from './child-exporter.js';
import { DEFAULT_SERVER_URL, withClient } from './database.js';
import { measureHttp, type HttpResult } from './http-bench.js';
import { megabytes, ms, perSecond, verdict, type ReportRow } from './report.js';
import { median, sleep } from './stats.js';

export const CONSOLE_TARGETS = {
  bundleGzipBytes: 150 * 1024,
  firstRenderMs: 1_000,
  heapGrowthBytes: 5 * 1024 * 1024,
  streamRssBytes: 50 * 1024 * 1024,
  metricsP99Ms: 25,
};
export const REFRESHES = 3_600;
export const STREAMS = 200;
const FIRST_RENDER_RUNS = 5;
const STREAM_REFRESH_SECONDS = 5;
/**
 * The scrape load /metrics must keep its p99 under while the streams run: 500 requests each second
 * over 10 connections (autocannon -R: each connection sends its 50 back to back, then waits for the
 * next second, so up to 10 are in flight at once). Prometheus scrapes a target every 15 s or so per
 * server, so this is far above any real fleet, yet under the machine's saturation point. A closed
 * loop with 100 connections would measure queueing instead: its p99 is about connections /
 * throughput, set by the machine (docs/benchmark.md, "Reading the HTTP rows").
 */
const SCRAPE_LOAD = { connections: 10, overallRate: 500 };
const SATURATING_CONNECTIONS = 100;
const STAFF = { email: 'monitoring@kewhats.app', password: 'monitoring123' };
const DATABASE_NAME = 'kewhats_bench_console';

export interface ConsoleBenchResult {
  bundle: { totalGzipBytes: number; files: Record<string, number> };
  firstRender: { runsMs: number[]; medianMs: number };
  heap: { refreshes: number; beforeBytes: number; afterBytes: number; growthBytes: number; seconds: number };
  streams: {
    count: number;
    rssBaselineBytes: number;
    rssPeakBytes: number;
    rssGrowthBytes: number;
    eventsPerStream: number;
    /** /metrics at the scrape rate with the streams open, and on the same exporter right after they closed */
    metrics: HttpResult;
    metricsWithout: HttpResult;
    /** /metrics saturated (closed loop), with the streams open and closed: what the streams cost in throughput */
    saturated: HttpResult;
    saturatedWithout: HttpResult;
  };
}

type Log = (line: string) => void;

const withAdmin = <T>(run: (client: pg.Client) => Promise<T>) => withClient(DEFAULT_SERVER_URL, run);

/** A session cookie (`name=value`) from the exporter's JSON sign-in. */
async function signIn(exporter: ChildExporter, account: { email: string; password: string }): Promise<string> {
  const response = await fetch(`${exporter.url}/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(account),
  });
  if (response.status !== 200) throw new Error(`sign-in of ${account.email} answered ${response.status}`);
  const cookie = response.headers.getSetCookie().find((header) => header.startsWith('kewhats_session='));
  return cookie!.split(';', 1)[0]!;
}

async function pageWithSession(browser: Browser, exporter: ChildExporter, cookie: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  const [name, value] = cookie.split('=') as [string, string];
  await context.addCookies([{ name, value, url: exporter.url, httpOnly: true, sameSite: 'Lax' }]);
  return context.newPage();
}

const CARDS_FILLED = '.section-page[data-section="dashboard"]:not([aria-busy="true"]) [data-figure-path] [data-value]';

/** Navigation start to the dashboard's cards filled, in a fresh browser context (nothing cached). */
async function firstRender(browser: Browser, exporter: ChildExporter, cookie: string): Promise<number> {
  const page = await pageWithSession(browser, exporter, cookie);
  try {
    await page.goto(`${exporter.url}/console/dashboard`, { waitUntil: 'commit' });
    // The page notes the moment itself: a MutationObserver sees the first filled card.
    const ms = await page.evaluate(`new Promise((resolve) => {
      const done = () => document.querySelector('${CARDS_FILLED}') && (resolve(performance.now()), true);
      if (done()) return;
      new MutationObserver((_changes, observer) => done() && observer.disconnect()).observe(document, { subtree: true, childList: true, attributes: true });
    })`);
    return ms as number;
  } finally {
    await page.context().close();
  }
}

/** The page's JS heap after a forced garbage collection. */
async function heapAfterGc(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  await cdp.detach();
  return usedSize;
}

/**
 * 3,600 auto-refreshes of the dashboard at the picker's shortest period (10 s), the page's clock
 * moved by hand so they run back to back: each one waits for its response before the next.
 */
async function heapGrowth(browser: Browser, exporter: ChildExporter, cookie: string, log: Log): Promise<ConsoleBenchResult['heap']> {
  const page = await pageWithSession(browser, exporter, cookie);
  try {
    await page.clock.install();
    await page.goto(`${exporter.url}/console/dashboard`);
    await page.locator(CARDS_FILLED).first().waitFor();
    await page.selectOption('#refresh-choice', '10000');
    const refresh = async () => {
      await Promise.all([
        page.waitForResponse((response) => new URL(response.url()).pathname === '/api/monitoring/dashboard'),
        page.clock.runFor(10_000),
      ]);
    };
    for (let index = 0; index < 100; index += 1) await refresh(); // warm-up: caches and JIT settle
    const beforeBytes = await heapAfterGc(page);
    const started = performance.now();
    for (let index = 1; index <= REFRESHES; index += 1) {
      await refresh();
      if (index % 900 === 0) log(`    ${index} refreshes`);
    }
    const seconds = (performance.now() - started) / 1000;
    const afterBytes = await heapAfterGc(page);
    return { refreshes: REFRESHES, beforeBytes, afterBytes, growthBytes: afterBytes - beforeBytes, seconds };
  } finally {
    await page.context().close();
  }
}

/** One live stream read by the bench: it only counts the snapshot events. */
async function openStream(url: string, cookie: string, signal: AbortSignal): Promise<{ events: () => number; firstEvent: Promise<void> }> {
  const response = await fetch(url, { headers: { Accept: 'text/event-stream', Cookie: cookie }, signal });
  if (response.status !== 200) throw new Error(`a live stream was refused: ${response.status}`);
  let events = 0;
  let seen = () => {};
  const firstEvent = new Promise<void>((resolve) => (seen = resolve));
  void (async () => {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of response.body!) {
        events += decoder.decode(chunk as Uint8Array, { stream: true }).split('event: snapshot').length - 1;
        if (events > 0) seen();
      }
    } catch {
      // aborted at the end
    }
  })();
  return { events: () => events, firstEvent };
}

async function liveStreams(exporter: ChildExporter, databaseUrl: string, durationSeconds: number, log: Log): Promise<ConsoleBenchResult['streams']> {
  // Staff sessions as browsers hold them: 10 accounts with 20 sessions each (the per-user cap).
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  const cookies: string[] = [];
  try {
    for (let account = 0; account < STREAMS / 20; account += 1) {
      const email = `live-${account}-${randomUUID().slice(0, 8)}@bench.example`;
      const password = `bench-${randomUUID()}`;
      await pool.query(`INSERT INTO "User" ("id", "email", "passwordHash", "role", "updatedAt") VALUES ($1, $2, $3, 'monitoring', now())`, [
        randomUUID(),
        email,
        await hashPassword(password),
      ]);
      for (let session = 0; session < 20; session += 1) cookies.push(await signIn(exporter, { email, password }));
    }
  } finally {
    await pool.end();
  }
  await fetch(`${exporter.url}/api/monitoring/dashboard`, { headers: exporter.headers });
  await sleep(1_000);
  const rss = sampleRss(exporter.pid);
  const controller = new AbortController();
  try {
    const streams = await Promise.all(cookies.map((cookie) => openStream(`${exporter.url}/api/monitoring/stream`, cookie, controller.signal)));
    await Promise.all(streams.map((stream) => stream.firstEvent));
    // The streams' own cost: open, and two more snapshots pushed to each, before any other load.
    while (Math.min(...streams.map((stream) => stream.events())) < 3) await sleep(250);
    const sampled = rss.stop();
    const scrapes = { ...SCRAPE_LOAD, durationSeconds };
    const saturating = { connections: SATURATING_CONNECTIONS, durationSeconds };
    log(
      `    ${streams.length} streams open; /metrics at ${SCRAPE_LOAD.overallRate} req/s, then saturated, while snapshots are pushed every ${STREAM_REFRESH_SECONDS} s`,
    );
    const metrics = await measureHttp(`${exporter.url}/metrics`, exporter.headers, scrapes);
    const saturated = await measureHttp(`${exporter.url}/metrics`, exporter.headers, saturating);
    controller.abort();
    await sleep(1_000);
    log('    the same again, the streams closed (reference)');
    const metricsWithout = await measureHttp(`${exporter.url}/metrics`, exporter.headers, scrapes);
    const saturatedWithout = await measureHttp(`${exporter.url}/metrics`, exporter.headers, saturating);
    return {
      count: streams.length,
      rssBaselineBytes: sampled.baselineBytes,
      rssPeakBytes: sampled.peakBytes,
      rssGrowthBytes: sampled.peakBytes - sampled.baselineBytes,
      eventsPerStream: median(streams.map((stream) => stream.events())),
      metrics,
      metricsWithout,
      saturated,
      saturatedWithout,
    };
  } finally {
    controller.abort();
  }
}

export async function benchConsole(options: { durationSeconds: number; log: Log }): Promise<ConsoleBenchResult> {
  const { log } = options;
  await buildConsole({ ifStale: true });
  const bundle = consoleBundleSize();
  log(
    `  bundle: ${Object.entries(bundle.files)
      .map(([name, bytes]) => `${name} ${(bytes / 1024).toFixed(1)} KB`)
      .join(', ')} (gzipped)`,
  );

  const url = new URL(DEFAULT_SERVER_URL);
  url.pathname = `/${DATABASE_NAME}`;
  const databaseUrl = url.toString();
  await withAdmin(async (client) => {
    await client.query(`DROP DATABASE IF EXISTS "${DATABASE_NAME}" WITH (FORCE)`);
    await client.query(`CREATE DATABASE "${DATABASE_NAME}"`);
  });
  let exporter: ChildExporter | undefined;
  let browser: Browser | undefined;
  try {
    await applyMigrations(databaseUrl);
    const seedPool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
    await seedDemoData(seedPool).finally(() => seedPool.end());
    exporter = await startChildExporter({
      databaseUrl,
      env: { REFRESH_INTERVAL_SECONDS: String(STREAM_REFRESH_SECONDS), LIVE_STREAM_MAX: String(STREAMS * 2) },
    });
    browser = await launchChromium();
    const cookie = await signIn(exporter, STAFF);

    await firstRender(browser, exporter, cookie); // the first page load of the process warms the exporter
    const runsMs: number[] = [];
    for (let run = 0; run < FIRST_RENDER_RUNS; run += 1) runsMs.push(await firstRender(browser, exporter, cookie));
    log(`  first render: ${runsMs.map((ms) => ms.toFixed(0)).join(', ')} ms`);

    log(`  heap: ${REFRESHES.toLocaleString('en')} refreshes of the dashboard page`);
    const heap = await heapGrowth(browser, exporter, cookie, log);
    await browser.close();
    browser = undefined;

    log(`  live streams: ${STREAMS} sessions signing in`);
    const streams = await liveStreams(exporter, databaseUrl, options.durationSeconds, log);
    return { bundle, firstRender: { runsMs, medianMs: median(runsMs) }, heap, streams };
  } finally {
    await browser?.close();
    await exporter?.stop();
    await withAdmin((client) => client.query(`DROP DATABASE IF EXISTS "${DATABASE_NAME}" WITH (FORCE)`));
  }
}

const failures = (result: HttpResult) => (result.failures ? `, ${result.failures} failed` : '');

/** The table rows of the console part. */
export function consoleRows(result: ConsoleBenchResult): ReportRow[] {
  const { bundle, firstRender, heap, streams } = result;
  return [
    {
      measure: 'console JavaScript + CSS (gzipped, as served)',
      result: `${(bundle.totalGzipBytes / 1024).toFixed(1)} KB`,
      reference: `${Object.keys(bundle.files).length} files`,
      target: `<= ${CONSOLE_TARGETS.bundleGzipBytes / 1024} KB`,
      verdict: verdict(bundle.totalGzipBytes <= CONSOLE_TARGETS.bundleGzipBytes),
    },
    {
      measure: `console first render, dashboard with numbers (median of ${firstRender.runsMs.length}, cold cache)`,
      result: ms(firstRender.medianMs, 0),
      reference: `runs: ${firstRender.runsMs.map((value) => value.toFixed(0)).join(' / ')} ms`,
      target: `<= ${CONSOLE_TARGETS.firstRenderMs} ms`,
      verdict: verdict(firstRender.medianMs <= CONSOLE_TARGETS.firstRenderMs),
    },
    {
      measure: `console JS heap growth after ${heap.refreshes.toLocaleString('en')} refreshes`,
      result: megabytes(heap.growthBytes),
      reference: `heap ${megabytes(heap.beforeBytes)} -> ${megabytes(heap.afterBytes)} (${heap.seconds.toFixed(0)} s)`,
      target: `<= ${megabytes(CONSOLE_TARGETS.heapGrowthBytes)}`,
      verdict: verdict(heap.growthBytes <= CONSOLE_TARGETS.heapGrowthBytes),
    },
    {
      measure: `exporter RSS growth with ${streams.count} live streams open`,
      result: megabytes(streams.rssGrowthBytes),
      reference: `baseline RSS ${megabytes(streams.rssBaselineBytes)}; ${streams.eventsPerStream} snapshots pushed to each`,
      target: `<= ${megabytes(CONSOLE_TARGETS.streamRssBytes)}`,
      verdict: verdict(streams.rssGrowthBytes <= CONSOLE_TARGETS.streamRssBytes),
    },
    {
      measure: `GET /metrics with ${streams.count} live streams open, ${streams.metrics.overallRate} req/s over ${streams.metrics.connections} conn. (median of ${streams.metrics.runs.length} x ${streams.metrics.durationSeconds} s)`,
      result: `p50 ${ms(streams.metrics.p50Ms, 0)}, p99 ${ms(streams.metrics.p99Ms, 0)}${failures(streams.metrics)}`,
      reference: `streams closed, right after: p99 ${ms(streams.metricsWithout.p99Ms, 0)} (runs: p99 ${streams.metrics.runs.map((run) => run.p99Ms.toFixed(0)).join(' / ')} ms)`,
      target: `p99 <= ${CONSOLE_TARGETS.metricsP99Ms} ms`,
      verdict: verdict(streams.metrics.p99Ms <= CONSOLE_TARGETS.metricsP99Ms && streams.metrics.failures === 0),
    },
    {
      measure: `GET /metrics saturated with ${streams.count} live streams open (${streams.saturated.connections} conn., closed loop)`,
      result: `${perSecond(streams.saturated.requestsPerSecond, 'req')}, p99 ${ms(streams.saturated.p99Ms, 0)}${failures(streams.saturated)}`,
      reference: `streams closed: ${perSecond(streams.saturatedWithout.requestsPerSecond, 'req')}, p99 ${ms(streams.saturatedWithout.p99Ms, 0)} (${((streams.saturated.requestsPerSecond / streams.saturatedWithout.requestsPerSecond) * 100).toFixed(0)} % kept)`,
      target: 'reference only',
      verdict: 'info',
    },
  ];
}
