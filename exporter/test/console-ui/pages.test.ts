import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CatalogueSection } from '../../console/src/api/catalogue.ts';
import { pageFor, sectionHref } from '../../console/src/model/pages.ts';

const section = (name: string): CatalogueSection => ({
  name,
  path: `/api/x/${name}`,
  position: 0,
  icon: 'apps',
  title: { en: name },
  timeRange: null,
  figures: [],
  breakdowns: [],
});
const sections = [section('first'), section('second one')];

describe('console URLs', () => {
  it('opens the first section at the root and each section at its name', () => {
    assert.deepEqual(pageFor('/console/', sections), { kind: 'section', section: sections[0] });
    assert.deepEqual(pageFor('/console', sections), { kind: 'section', section: sections[0] }, 'the router may drop the slash');
    assert.deepEqual(pageFor('/consoles', sections), { kind: 'not-found' });
    assert.deepEqual(pageFor('/console/second%20one', sections), { kind: 'section', section: sections[1] });
    assert.deepEqual(pageFor('/console/second%20one/', sections), { kind: 'section', section: sections[1] });
    assert.equal(sectionHref(sections[1]!), '/console/second%20one');
  });

  it('has Profile Settings, and a not-found page for anything else', () => {
    assert.deepEqual(pageFor('/console/profile', sections), { kind: 'profile' });
    assert.deepEqual(pageFor('/console/nothing', sections), { kind: 'not-found' });
    assert.deepEqual(pageFor('/console/%E0%A4%A', sections), { kind: 'not-found' });
    assert.deepEqual(pageFor('/elsewhere', sections), { kind: 'not-found' });
    assert.deepEqual(pageFor('/console/', []), { kind: 'not-found' });
  });
});
