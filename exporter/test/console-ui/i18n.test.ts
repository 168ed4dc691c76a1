import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { localized, pickLanguage } from '../../console/src/i18n/i18n.ts';

describe('language choice', () => {
  it('takes the remembered choice first, then the browser languages by their primary tag', () => {
    assert.equal(pickLanguage(['en', 'id-ID'], ['id', 'en']), 'en');
    assert.equal(pickLanguage([undefined, 'id-ID', 'en-US'], ['id', 'en']), 'id');
    assert.equal(pickLanguage([undefined, 'fr-FR', 'EN-gb'], ['id', 'en']), 'en');
  });

  it('falls back to English, and only offers languages the catalogue has', () => {
    assert.equal(pickLanguage(['fr', 'de'], ['id', 'en']), 'en');
    assert.equal(pickLanguage(['id'], ['en']), 'en');
    assert.equal(pickLanguage(['en'], ['id']), 'id');
  });

  it('reads catalogue texts in the chosen language, else English, else any', () => {
    assert.equal(localized({ id: 'Pengguna', en: 'Users' }, 'id'), 'Pengguna');
    assert.equal(localized({ en: 'Users' }, 'id'), 'Users');
    assert.equal(localized({ jv: 'Pangguna' }, 'id'), 'Pangguna');
    assert.equal(localized(undefined, 'id'), '');
  });
});
