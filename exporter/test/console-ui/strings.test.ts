// The console's own texts: every one in every language, with the same placeholders.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fill, translator } from '../../console/src/i18n/i18n.ts';
import { CONSOLE_LANGUAGES, LANGUAGE_NAMES, SAME_IN_EVERY_LANGUAGE, STRINGS, type StringKey } from '../../console/src/i18n/strings.ts';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

describe('console strings', () => {
  const entries = Object.entries(STRINGS) as Array<[StringKey, Record<string, string>]>;

  it('has every string in every console language, none blank', () => {
    for (const [key, texts] of entries) {
      assert.deepEqual(Object.keys(texts).sort(), [...CONSOLE_LANGUAGES].sort(), `${key}: languages`);
      for (const language of CONSOLE_LANGUAGES) assert.ok(texts[language]?.trim(), `${key}: blank in ${language}`);
    }
    for (const language of CONSOLE_LANGUAGES) assert.ok(LANGUAGE_NAMES[language], `no name for ${language}`);
  });

  it('uses the same placeholders in every language', () => {
    for (const [key, texts] of entries) {
      const expected = placeholders(texts.en!);
      for (const language of CONSOLE_LANGUAGES) assert.deepEqual(placeholders(texts[language]!), expected, `${key} in ${language}`);
    }
  });

  it('has each string translated: languages differ unless the string is listed as the same everywhere', () => {
    for (const [key, texts] of entries) {
      const distinct = new Set(CONSOLE_LANGUAGES.map((language) => texts[language])).size;
      if (SAME_IN_EVERY_LANGUAGE.has(key)) assert.equal(distinct, 1, `${key} is listed as the same everywhere but differs`);
      else
        assert.equal(distinct, CONSOLE_LANGUAGES.length, `${key} reads the same in two languages: translate it or list it in SAME_IN_EVERY_LANGUAGE`);
    }
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    assert.equal(translator('id')('lastUpdated', { ago: '5 detik yang lalu' }), 'Terakhir diperbarui: 5 detik yang lalu');
    assert.equal(translator('en')('exportBusy', { seconds: 10 }), 'Too many exports are running. Try again in 10 seconds.');
    assert.equal(fill('{a} and {b}', { a: 1 }), '1 and {b}');
  });
});
