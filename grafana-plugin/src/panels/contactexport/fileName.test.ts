import { buildFileName } from './fileName';

const NOW = Date.parse('2026-11-24T20:30:05Z');

describe('buildFileName', () => {
  it('expands the default template with the file stem and the date', () => {
    expect(buildFileName(undefined, { fileStem: 'contacts', now: NOW, timeZone: 'utc' })).toBe(
      'kewhats-contacts-2026-11-24.csv'
    );
    expect(buildFileName('', { fileStem: 'emails', now: NOW, timeZone: 'utc' })).toBe('kewhats-emails-2026-11-24.csv');
  });

  it('uses the dashboard time zone for {date} and {time}', () => {
    expect(buildFileName('{date}_{time}', { fileStem: 'emails', now: NOW, timeZone: 'Asia/Jakarta' })).toBe(
      '2026-11-25_033005.csv'
    );
  });

  it('expands {datasource}, keeps unknown placeholders and replaces characters not allowed in file names', () => {
    expect(
      buildFileName('exports/{datasource}:{type}-{nope}.txt', { fileStem: 'contacts', now: NOW, datasourceUid: 'kw' })
    ).toBe('exports-kw-contacts-{nope}.txt');
  });

  it('falls back to the default when nothing usable is left', () => {
    expect(buildFileName(' /// ', { fileStem: 'contacts', now: NOW, timeZone: 'utc' })).toBe(
      'kewhats-contacts-2026-11-24.csv'
    );
  });
});
