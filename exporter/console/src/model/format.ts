// Numbers, money, sizes and times in the chosen language. Intl does the locale work; formatters
// are cached because cards re-render every second (the "Last updated" tick).

const LOCALES: Record<string, string> = { id: 'id-ID', en: 'en-GB' };

/** The BCP 47 locale of a console language (Indonesian grouping `29.191.000`, English `29,191,000`). */
export function localeOf(language: string): string {
  return LOCALES[language] ?? language;
}

const cache = new Map<string, Intl.NumberFormat>();
function numberFormat(language: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${language}|${JSON.stringify(options)}`;
  let format = cache.get(key);
  if (!format) {
    format = new Intl.NumberFormat(localeOf(language), options);
    cache.set(key, format);
  }
  return format;
}

/**
 * A figure's value by its unit: `currency` in the catalogue's currency (whole amounts without
 * decimals: `Rp 29.191.000`, `$12.50`), anything else as a grouped number.
 */
export function formatValue(value: number, unit: string, language: string, currency: string): string {
  if (unit === 'currency') {
    return numberFormat(language, { style: 'currency', currency, trailingZeroDisplay: 'stripIfInteger' }).format(value);
  }
  return numberFormat(language, { maximumFractionDigits: 2 }).format(value);
}

export function formatPercent(share: number, language: string): string {
  return numberFormat(language, { style: 'percent', maximumFractionDigits: 1 }).format(share);
}

/** A byte count as the download progress shows it (`1.2 MB`). */
export function formatBytes(bytes: number, language: string): string {
  const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte'] as const;
  let value = bytes;
  let index = 0;
  while (value >= 1000 && index < units.length - 1) {
    value /= 1000;
    index += 1;
  }
  return numberFormat(language, { style: 'unit', unit: units[index], unitDisplay: 'short', maximumFractionDigits: index === 0 ? 0 : 1 }).format(
    value,
  );
}

/** "5 seconds ago", "2 minutes ago" from the snapshot's time to now. */
export function formatAgo(sinceMs: number, nowMs: number, language: string): string {
  const seconds = Math.max(0, Math.floor((nowMs - sinceMs) / 1000));
  const format = new Intl.RelativeTimeFormat(localeOf(language), { numeric: 'always' });
  if (seconds < 60) return format.format(-seconds, 'second');
  if (seconds < 3600) return format.format(-Math.floor(seconds / 60), 'minute');
  if (seconds < 86_400) return format.format(-Math.floor(seconds / 3600), 'hour');
  return format.format(-Math.floor(seconds / 86_400), 'day');
}

/** A moment for the sessions list, in the browser's time zone. */
export function formatDateTime(iso: string, language: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : new Intl.DateTimeFormat(localeOf(language), { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}
