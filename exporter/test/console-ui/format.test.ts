import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatAgo, formatBytes, formatValue } from '../../console/src/model/format.ts';

/** Intl separates a currency from its amount with a no-break space. */
const plain = (text: string) => text.replace(/\u00a0|\u202f/g, ' ');

describe('console number formats', () => {
  it('formats amounts in the catalogue currency for the chosen language', () => {
    assert.equal(plain(formatValue(29_191_000, 'currency', 'id', 'IDR')), 'Rp 29.191.000');
    assert.equal(plain(formatValue(29_191_000, 'currency', 'en', 'IDR')), 'IDR 29,191,000');
    assert.equal(plain(formatValue(12.5, 'currency', 'en', 'USD')), 'US$12.50');
    assert.equal(plain(formatValue(12, 'currency', 'en', 'USD')), 'US$12');
  });

  it('groups counts by the language, and draws units it does not know as numbers', () => {
    assert.equal(formatValue(2_518_311, 'count', 'id', 'IDR'), '2.518.311');
    assert.equal(formatValue(2_518_311, 'count', 'en', 'IDR'), '2,518,311');
    assert.equal(formatValue(0.25, 'ratio', 'en', 'IDR'), '0.25');
  });

  it('says how long ago in the language, in seconds under a minute', () => {
    const now = Date.parse('2026-11-29T10:00:00Z');
    assert.equal(formatAgo(now - 5_400, now, 'en'), '5 seconds ago');
    assert.equal(formatAgo(now - 5_400, now, 'id'), '5 detik yang lalu');
    assert.equal(formatAgo(now - 125_000, now, 'en'), '2 minutes ago');
    assert.equal(formatAgo(now + 3_000, now, 'en'), '0 seconds ago', 'a clock ahead of ours is "now", not the future');
  });

  it('writes download sizes', () => {
    assert.equal(plain(formatBytes(999, 'en')), '999 byte');
    assert.equal(plain(formatBytes(104_900, 'en')), '104.9 kB');
    assert.equal(plain(formatBytes(1_234_567, 'id')), '1,2 MB');
  });
});
