// Every icon the real catalogue names is drawn by the console (not the generic square).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ICON_PATHS, SECTION_ICONS } from '../../console/src/icons/icon-paths.ts';
import { buildCatalogue } from '../../src/catalogue/catalogue.js';
import { SECTIONS } from '../../src/sections/index.js';

describe('console icons', () => {
  it('ship every icon the catalogue uses', () => {
    const catalogue = buildCatalogue(SECTIONS, { currency: 'IDR', reportTimeZone: 'Asia/Jakarta' });
    assert.ok(catalogue.sections.length > 0);
    for (const section of catalogue.sections) {
      assert.ok(
        SECTION_ICONS.includes(section.icon),
        `${section.name}: icon ${section.icon} is not in SECTION_ICON_NAMES (src/console/console-icons.ts)`,
      );
      assert.ok((ICON_PATHS[section.icon]?.length ?? 0) > 0, `${section.name}: no path data for ${section.icon} (npm run console:icons -w exporter)`);
    }
  });
});
