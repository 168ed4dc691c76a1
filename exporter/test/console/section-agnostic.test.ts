// The console draws whatever the catalogue lists: no section, figure, breakdown or list of a
// breakdown's values may be written into its code (a new section must appear without a console
// change). Today's sections are the sample: their names must not be in the console's literals.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { CONSOLE_SOURCE_DIR } from '../../src/console/console-files.js';
import { SECTIONS } from '../../src/sections/index.js';

/** Words the catalogue's own rules name (a breakdown with an empty path skips `total`). */
const CATALOGUE_RULE_WORDS = new Set(['total']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'icons' ? [] : sourceFiles(path); // icon names are Grafana's, not sections'
    return /\.(ts|tsx)$/.test(entry.name) ? [path] : [];
  });
}

/** The string literals of a file, comments left out. */
function literalsOf(source: string): string[] {
  const code = source.replace(/\/\*[^]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  return [...code.matchAll(/(['"`])((?:(?!\1)[^\\\n]|\\.)*)\1/g)].map((match) => match[2]!);
}

/**
 * Names a section defines: its name and title, its breakdowns' paths and labels, its figures'
 * dotted paths. (A one-word figure path such as `connected` is an ordinary word: the next test
 * catches those as lists.)
 */
function sectionNames(): Set<string> {
  const names = new Set<string>();
  for (const section of SECTIONS) {
    names.add(section.name);
    for (const title of Object.values(section.title)) names.add(title);
    for (const figure of section.figures) if (figure.path.includes('.')) names.add(figure.path);
    for (const breakdown of section.breakdowns) {
      for (const label of Object.values(breakdown.label)) names.add(label);
      if (breakdown.path) names.add(breakdown.path);
    }
  }
  for (const word of CATALOGUE_RULE_WORDS) names.delete(word);
  return names;
}

/** The values of each breakdown (plan names, device statuses…): the keys sharing a figure path's parent. */
function valueLists(): Array<Set<string>> {
  const lists = new Map<string, Set<string>>();
  for (const section of SECTIONS) {
    for (const figure of section.figures) {
      const parts = figure.path.split('.');
      const key = `${section.name}:${parts.slice(0, -1).join('.')}`;
      if (!lists.has(key)) lists.set(key, new Set());
      lists.get(key)!.add(parts.at(-1)!);
    }
  }
  return [...lists.values()]
    .map((values) => new Set([...values].filter((value) => !CATALOGUE_RULE_WORDS.has(value))))
    .filter((values) => values.size > 1);
}

describe('console code is section-agnostic', () => {
  const files = sourceFiles(join(CONSOLE_SOURCE_DIR, 'src')).map((file) => ({
    name: relative(CONSOLE_SOURCE_DIR, file),
    literals: new Set(literalsOf(readFileSync(file, 'utf8'))),
  }));

  it('has no literal naming a section, a figure or a breakdown', () => {
    const names = sectionNames();
    assert.ok(names.has('users') && names.has('byPlan') && names.has('messages.sent'), 'the sections were read');
    const found = files.flatMap((file) => [...file.literals].filter((literal) => names.has(literal)).map((literal) => `${file.name}: ${literal}`));
    assert.deepEqual(found, []);
  });

  it("has no list of a breakdown's values (two or more of one breakdown in a file)", () => {
    const lists = valueLists();
    assert.ok(
      lists.some((values) => values.has('free') && values.has('pro')),
      'the plans were read',
    );
    const found = files.flatMap((file) =>
      lists
        .map((values) => [...values].filter((value) => file.literals.has(value)))
        .filter((hits) => hits.length > 1)
        .map((hits) => `${file.name}: ${hits.join(', ')}`),
    );
    assert.deepEqual(found, []);
  });
});
