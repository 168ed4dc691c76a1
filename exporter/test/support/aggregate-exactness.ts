import assert from 'node:assert/strict';
import type pg from 'pg';
import { verifyAggregates } from '../../src/aggregates/verify.js';
import { SECTIONS } from '../../src/sections/index.js';
import type { AggregateContext } from '../../src/sections/section.js';
import { fullScanSections, renderSections } from './full-scan-sections.js';

export const EXACTNESS_CONTEXT: AggregateContext = { now: new Date('2026-11-15T03:00:00Z'), currency: 'IDR', reportTimeZone: 'Asia/Jakarta' };

/**
 * The maintained figures are exact: verification finds no drift on any figure, and every section's
 * JSON and the aggregate metrics are byte-identical to the full scans'.
 */
export async function assertAggregatesExact(pool: pg.Pool, context: AggregateContext = EXACTNESS_CONTEXT, message = ''): Promise<void> {
  const report = await verifyAggregates(pool, { repair: false });
  assert.equal(report.skipped, false);
  assert.deepEqual(
    report.figures.filter((figure) => figure.drift !== 0),
    [],
    `${message}: every figure equals its full recount`,
  );
  const maintained = await renderSections(pool, SECTIONS, context);
  const fullScan = await renderSections(pool, fullScanSections(SECTIONS), context);
  assert.deepEqual(maintained, fullScan, `${message}: JSON and metrics byte-identical to the full scans`);
}
