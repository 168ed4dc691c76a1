import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pg from 'pg';
import { createApiUsageRecorder } from '../../src/tracking/index.js';
import { ReportDayClock } from '../../src/tracking/report-day.js';

const ms = (iso: string) => Date.parse(iso);

describe('ReportDayClock', () => {
  it('switches day at local midnight in Asia/Jakarta (UTC+7)', () => {
    const clock = new ReportDayClock('Asia/Jakarta');
    assert.equal(clock.dayOf(ms('2026-03-01T16:59:59.999Z')), '2026-03-01');
    assert.equal(clock.dayOf(ms('2026-03-01T17:00:00.000Z')), '2026-03-02');
    // back within the cached minute of the earlier instant: the cache must not leak across days
    assert.equal(clock.dayOf(ms('2026-03-01T16:59:30.000Z')), '2026-03-01');
  });

  it('handles zones offset by minutes, not hours (Asia/Kathmandu, UTC+5:45)', () => {
    const clock = new ReportDayClock('Asia/Kathmandu');
    assert.equal(clock.dayOf(ms('2026-12-31T18:14:59.999Z')), '2026-12-31');
    assert.equal(clock.dayOf(ms('2026-12-31T18:15:00.000Z')), '2027-01-01');
  });

  it('follows daylight saving time (America/New_York)', () => {
    const clock = new ReportDayClock('America/New_York');
    assert.equal(clock.dayOf(ms('2026-07-02T03:59:59.999Z')), '2026-07-01'); // EDT, UTC-4
    assert.equal(clock.dayOf(ms('2026-07-02T04:00:00.000Z')), '2026-07-02');
    assert.equal(clock.dayOf(ms('2026-01-02T04:59:59.999Z')), '2026-01-01'); // EST, UTC-5
    assert.equal(clock.dayOf(ms('2026-01-02T05:00:00.000Z')), '2026-01-02');
  });

  it('refuses an unknown time zone when the recorder is created', () => {
    // never connects: the pool is only handed over
    const pool = new pg.Pool({ connectionString: 'postgresql://unused.invalid/none' });
    assert.throws(() => createApiUsageRecorder(pool, { timeZone: 'Mars/Olympus_Mons' }), RangeError);
    assert.throws(() => createApiUsageRecorder(pool, { flushIntervalMs: 0 }), RangeError);
    assert.throws(() => createApiUsageRecorder(pool, { maxPendingEntries: 0 }), RangeError);
  });
});
