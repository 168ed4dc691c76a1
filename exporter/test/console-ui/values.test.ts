import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CatalogueBreakdown } from '../../console/src/api/catalogue.ts';
import { breakdownEntries, numberAt, valueAt } from '../../console/src/model/values.ts';

const body = {
  generatedAt: '2026-11-29T10:00:00.000Z',
  stale: false,
  total: 9,
  a: { b: { c: 3 } },
  byKind: { beta: 2, alpha: 5, 'free text': 1 },
  on: 4,
  off: 5,
};

describe('section body values', () => {
  it('follows dot paths and refuses what is not there', () => {
    assert.equal(valueAt(body, 'a.b.c'), 3);
    assert.equal(valueAt(body, 'a.x.c'), undefined);
    assert.equal(valueAt(body, 'total.toString'), undefined, 'no walking into prototypes');
    assert.equal(numberAt(body, 'generatedAt'), undefined);
    assert.equal(numberAt(body, 'total'), 9);
  });

  it('lists known values first in the catalogue order with their labels (zero when absent), then unknown keys raw', () => {
    const breakdown: CatalogueBreakdown = {
      path: 'byKind',
      chart: 'bar',
      label: { en: 'By kind' },
      values: [
        { key: 'alpha', label: { id: 'Alfa', en: 'Alpha' } },
        { key: 'gamma', label: { id: 'Gama', en: 'Gamma' } },
        { key: 'beta', label: { id: 'Beta', en: 'Beta' } },
      ],
    };
    assert.deepEqual(breakdownEntries(body, breakdown, 'id'), [
      { key: 'alpha', label: 'Alfa', value: 5 },
      { key: 'gamma', label: 'Gama', value: 0 },
      { key: 'beta', label: 'Beta', value: 2 },
      { key: 'free text', label: 'free text', value: 1 },
    ]);
  });

  it("takes the body's own numeric keys but total for an empty path", () => {
    const breakdown: CatalogueBreakdown = { path: '', chart: 'donut', label: { en: 'On/off' }, values: [{ key: 'off', label: { en: 'Off' } }] };
    assert.deepEqual(breakdownEntries(body, breakdown, 'en'), [
      { key: 'off', label: 'Off', value: 5 },
      { key: 'on', label: 'on', value: 4 },
    ]);
  });

  it('has no entries before the first body arrives', () => {
    assert.deepEqual(breakdownEntries(undefined, { path: 'byKind', chart: 'pie', label: {}, values: [] }, 'en'), []);
  });
});
