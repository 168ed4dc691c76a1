import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { seedDemoData } from '../../src/demo/seed.js';
import { DASHBOARDS_DIR, listJsonFiles, type Dashboard } from '../../src/dashboards/index.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { startTestExporter, type TestExporter } from '../support/test-exporter.js';
import { hasData, startTestPrometheus, type TestPrometheus } from './support/prometheus-server.js';
import { withRangeWindow } from './support/promql.js';
import { prometheusQueries } from './support/repo-files.js';

/**
 * End to end: a real Prometheus (the apt `prometheus` binary) scrapes a real exporter over the
 * demo data every second, and every PromQL query of the committed dashboards answers with data.
 *
 * Substitution: the dashboards' 5-minute windows ([5m]) are queried as [WINDOW] here. The test
 * Prometheus has seconds of history; rate() and deriv() need two samples inside their window,
 * and WINDOW holds several once SCRAPES scrapes have landed in it.
 */
const JOB = 'kewhats-exporter';
const WINDOW = '10s';
const SCRAPES = 5;

// Both languages: the queries are the same, the words differ.
const dashboards = listJsonFiles(DASHBOARDS_DIR).map((name) => JSON.parse(readFileSync(join(DASHBOARDS_DIR, name), 'utf8')) as Dashboard);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let database: TestDatabase | undefined;
let exporter: TestExporter | undefined;
let prometheus: TestPrometheus | undefined;

/** Waits until the exporter target is up and SCRAPES samples are in the window; explains a failure. */
async function waitForScrapes(server: TestPrometheus): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const result = await server.query(`count_over_time(up{job="${JOB}"}[${WINDOW}]) >= ${SCRAPES} and up{job="${JOB}"} == 1`);
    if (hasData(result)) return;
    if (Date.now() > deadline) {
      const targets = await fetch(`${server.url}/api/v1/targets`).then((res) => res.json());
      throw new Error(`Prometheus did not scrape the exporter ${SCRAPES} times in 60 s: ${JSON.stringify(targets)}`);
    }
    await sleep(500);
  }
}

describe('dashboard PromQL against a real Prometheus scraping the exporter', () => {
  before(async () => {
    database = await createTestDatabase();
    await seedDemoData(database.pool);
    exporter = await startTestExporter({ pool: database.pool });
    prometheus = await startTestPrometheus({ target: new URL(exporter.url).host, token: exporter.machineToken, job: JOB });
    await waitForScrapes(prometheus);
  });

  // Prometheus is stopped whatever happened above, before the exporter and database go.
  after(async () => {
    await prometheus?.close();
    await exporter?.close();
    await database?.drop();
  });

  test('the scrape is authenticated and carries the demo data', async () => {
    const devices = await prometheus!.query(`sum(kewhats_devices{job="${JOB}"})`);
    assert.ok(hasData(devices));
    const [sample] = devices.result as Array<{ value: [number, string] }>;
    assert.ok(Number(sample!.value[1]) > 0, 'the demo data has devices');
    assert.ok(!hasData(await prometheus!.query('kewhats_not_a_metric')), 'an unknown metric has no data');
  });

  test(`every dashboard query returns data (windows shortened to [${WINDOW}])`, async () => {
    const queries = prometheusQueries(dashboards);
    assert.ok(queries.length >= dashboards.length);
    const empty: string[] = [];
    for (const { dashboard, panel, query } of queries) {
      const expr = withRangeWindow(query.expr, WINDOW);
      const result = await prometheus!.query(expr);
      if (!hasData(result)) empty.push(`${dashboard.uid} "${panel.title}" ${query.refId}: ${expr}`);
    }
    assert.deepEqual(empty, [], 'queries without data');
  });

  test('the unshortened 5-minute expressions are valid PromQL and answer too', async () => {
    for (const { query } of prometheusQueries(dashboards)) {
      assert.ok(hasData(await prometheus!.query(query.expr)), query.expr);
    }
  });
});
