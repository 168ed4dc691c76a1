import type { CatalogueBreakdown } from '../api/catalogue.ts';
import { localized } from '../i18n/i18n.ts';

/** The value at a dot path (`messages.sent`) of a section body; undefined when absent. */
export function valueAt(body: unknown, path: string): unknown {
  if (path === '') return body;
  let value: unknown = body;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

export function numberAt(body: unknown, path: string): number | undefined {
  const value = valueAt(body, path);
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export interface BreakdownEntry {
  key: string;
  label: string;
  value: number;
}

/**
 * The counts of a breakdown in display order: the catalogue's known values first (with their
 * labels, zero when absent), then any other numeric key of the data under its raw name. With an
 * empty path the counts are the body's own numeric keys but `total`.
 */
export function breakdownEntries(body: unknown, breakdown: CatalogueBreakdown, language: string): BreakdownEntry[] {
  const holder = valueAt(body, breakdown.path);
  if (holder === null || typeof holder !== 'object') return [];
  const counts = Object.entries(holder as Record<string, unknown>).filter(
    (entry): entry is [string, number] =>
      typeof entry[1] === 'number' && Number.isFinite(entry[1]) && !(breakdown.path === '' && entry[0] === 'total'),
  );
  const byKey = new Map(counts);
  const known = breakdown.values.map((value) => ({
    key: value.key,
    label: localized(value.label, language) || value.key,
    value: byKey.get(value.key) ?? 0,
  }));
  const knownKeys = new Set(breakdown.values.map((value) => value.key));
  const others = counts.filter(([key]) => !knownKeys.has(key)).map(([key, value]) => ({ key, label: key, value }));
  return [...known, ...others];
}
