import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CatalogueTimeRange } from '../../console/src/api/catalogue.ts';
import { addDays, checkCustomRange, formatDay, rangeDays, rangeQuery, todayIn } from '../../console/src/model/time-range.ts';

const timeRange: CatalogueTimeRange = { from: 'from', to: 'to', default: 'currentMonth', figures: ['revenue.amount'] };
// 2026-12-31 20:00 UTC is already 1 January 2027 in Jakarta (UTC+7).
const newYearInJakarta = new Date('2026-12-31T20:00:00Z');

describe('revenue range filter', () => {
  it("reads today on the report time zone's wall clock", () => {
    assert.equal(todayIn('Asia/Jakarta', newYearInJakarta), '2027-01-01');
    assert.equal(todayIn('UTC', newYearInJakarta), '2026-12-31');
  });

  it('sends nothing for this month: the exporter serves its own current month', () => {
    assert.deepEqual(rangeQuery({ kind: 'current' }, timeRange, 'Asia/Jakarta', newYearInJakarta), {});
    assert.deepEqual(rangeDays({ kind: 'current' }, 'Asia/Jakarta', newYearInJakarta), { first: '2027-01-01', last: '2027-01-31' });
  });

  it('asks for last month as dates of the report zone, the end exclusive, across a year boundary', () => {
    assert.deepEqual(rangeQuery({ kind: 'previous' }, timeRange, 'Asia/Jakarta', newYearInJakarta), { from: '2026-12-01', to: '2027-01-01' });
    assert.deepEqual(rangeQuery({ kind: 'previous' }, timeRange, 'UTC', newYearInJakarta), { from: '2026-11-01', to: '2026-12-01' });
  });

  it("includes both custom days, under the catalogue's parameter names", () => {
    const renamed = { ...timeRange, from: 'since', to: 'until' };
    assert.deepEqual(rangeQuery({ kind: 'custom', from: '2026-02-01', to: '2026-02-28' }, renamed, 'Asia/Jakarta', newYearInJakarta), {
      since: '2026-02-01',
      until: '2026-03-01',
    });
    assert.equal(addDays('2028-02-28', 1), '2028-02-29');
  });

  it('refuses incomplete, impossible and reversed custom ranges', () => {
    assert.equal(checkCustomRange('', '2026-01-31'), 'incomplete');
    assert.equal(checkCustomRange('2026-02-30', '2026-03-01'), 'incomplete');
    assert.equal(checkCustomRange('2026-03-02', '2026-03-01'), 'reversed');
    assert.equal(checkCustomRange('2026-03-01', '2026-03-01'), undefined);
  });

  it('shows days in the language without shifting them by a zone', () => {
    assert.equal(formatDay('2026-11-01', 'en'), '1 Nov 2026');
    assert.equal(formatDay('2026-08-17', 'id'), '17 Agu 2026');
  });
});
