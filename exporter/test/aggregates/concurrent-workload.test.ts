import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { foldAggregateDeltas } from '../../src/aggregates/fold.js';
import { verifyAggregates } from '../../src/aggregates/verify.js';
import { SECTIONS } from '../../src/sections/index.js';
import { runAggregateWorkload } from '../support/aggregate-workload.js';
import { fullScanSections, renderSections } from '../support/full-scan-sections.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const CONTEXT = { now: new Date('2026-11-15T03:00:00Z'), currency: 'IDR', reportTimeZone: 'Asia/Kathmandu' };

describe('a seeded randomized concurrent workload', () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase();
  });
  after(async () => {
    await db?.drop();
  });

  test('8 clients of mixed inserts, updates, deletes, rollbacks, a COPY and a TRUNCATE end with zero drift on every figure', async () => {
    // On the embedded PGlite (one session) the clients take turns, a transaction at a time.
    const result = await runAggregateWorkload({
      databaseUrl: db.url,
      clients: 8,
      operations: 3_000,
      seed: 20261129,
      embedded: db.kind === 'embedded',
    });
    assert.ok(result.operations >= 3_000, `${result.operations} operations`);
    assert.ok(result.rolledBack > 100, `${result.rolledBack} rolled back`);
    assert.equal(result.copiedRows, 500);
    assert.equal(result.truncates, 1);
    assert.ok(result.folds > 0);

    const report = await verifyAggregates(db.pool, { repair: false });
    assert.equal(report.skipped, false);
    assert.deepEqual(
      report.figures.filter((figure) => figure.drift !== 0),
      [],
      'every figure equals its full recount',
    );
    assert.equal(report.figures.length, 11, 'ten figures and the revenue_days rollup');

    // What clients see: every section's JSON and /metrics, byte for byte, before and after a fold.
    const fullScan = await renderSections(db.pool, fullScanSections(SECTIONS), CONTEXT);
    assert.ok(fullScan.metricsText.includes('kewhats_messages{kind="sent"}'));
    assert.deepEqual(await renderSections(db.pool, SECTIONS, CONTEXT), fullScan);
    await foldAggregateDeltas(db.pool);
    assert.deepEqual(await renderSections(db.pool, SECTIONS, CONTEXT), fullScan);
  });
});
