// The section catalogue (GET /api/monitoring/catalogue): everything the console draws comes
// from here. The console never names a section, a figure or a value itself.

/** A text in every catalogue language, keyed by language code (`id`, `en`). */
export type LocalizedText = Readonly<Record<string, string>>;

export interface CatalogueFigure {
  /** dot path into the section's JSON body (`messages.sent`) */
  path: string;
  /** `count`, `currency` or another unit the catalogue documents (drawn as a plain number) */
  unit: string;
  label: LocalizedText;
  description?: LocalizedText;
}

export interface CatalogueBreakdownValue {
  key: string;
  label: LocalizedText;
}

export interface CatalogueBreakdown {
  /** the object holding the counts, or "" for the body's own numeric keys but `total` */
  path: string;
  chart: string;
  label: LocalizedText;
  dimension?: LocalizedText;
  /** known keys in display order; other keys in the data follow, shown raw */
  values: readonly CatalogueBreakdownValue[];
}

export interface CatalogueTimeRange {
  /** query parameter names */
  from: string;
  to: string;
  default: string;
  /** paths of the figures the range applies to */
  figures: readonly string[];
}

export interface CatalogueExport {
  type: string;
  path: string;
  label: LocalizedText;
}

/** Extra drawings a section asks for; `kind` is a closed set, unknown kinds are skipped. */
export type CatalogueExtra = { kind: 'contactExport'; exports: readonly CatalogueExport[] } | { kind: string; [field: string]: unknown };

export interface CatalogueSection {
  name: string;
  path: string;
  position: number;
  icon: string;
  title: LocalizedText;
  description?: LocalizedText;
  timeRange: CatalogueTimeRange | null;
  figures: readonly CatalogueFigure[];
  breakdowns: readonly CatalogueBreakdown[];
  extras?: readonly CatalogueExtra[];
}

export interface Catalogue {
  version: number;
  generatedFrom: string;
  languages: readonly string[];
  currency: string;
  reportTimeZone: string;
  sections: readonly CatalogueSection[];
}

export const CATALOGUE_URL = '/api/monitoring/catalogue';

/** The catalogue's sections in sidebar order (by position; ties keep the catalogue's order). */
export function orderedSections(catalogue: Catalogue): CatalogueSection[] {
  return [...catalogue.sections].sort((a, b) => a.position - b.position);
}

export function isContactExport(extra: CatalogueExtra): extra is { kind: 'contactExport'; exports: readonly CatalogueExport[] } {
  return extra.kind === 'contactExport' && Array.isArray((extra as { exports?: unknown }).exports);
}
