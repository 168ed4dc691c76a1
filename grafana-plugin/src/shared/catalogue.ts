import type { Label, Language } from './language';

/**
 * The monitoring catalogue (GET /api/monitoring/catalogue), as far as the plugin reads it. The
 * exporter builds it from its section definitions (exporter/src/catalogue, docs/catalogue.md): the
 * plugin knows no section, figure or value of its own and shows whatever the catalogue lists.
 */
export interface Catalogue {
  version: number;
  generatedFrom: string;
  languages: string[];
  locales: Readonly<Record<Language, string>>;
  currency: string;
  currencySymbol: Label;
  reportTimeZone: string;
  texts: { lastUpdated: Label; generatedAt: Label; stale: Label };
  sections: CatalogueSection[];
}

export interface CatalogueSection {
  name: string;
  /** The section's API path, under /api/monitoring. */
  path: string;
  position: number;
  icon: string;
  title: Label;
  description: Label;
  timeRange: { from: string; to: string; default: string; figures: string[] } | null;
  figures: CatalogueFigure[];
  breakdowns: CatalogueBreakdown[];
  extras: CatalogueExtra[];
}

export interface CatalogueFigure {
  /** Dot path in the section's JSON body. */
  path: string;
  /** `count` or `currency`; a unit this plugin does not know reads as a count. */
  unit: string;
  label: Label;
  description: Label;
}

export interface CatalogueBreakdown {
  /** Dot path of the count map; `''` for the section's top-level counts but `total`. */
  path: string;
  chart: string;
  label: Label;
  description: Label;
  dimension: Label;
  values: Array<{ key: string; label: Label }>;
}

export interface CatalogueExport {
  type: string;
  path: string;
  fileStem: string;
  label: Label;
}

/** An extra panel: `contactExport` is the one kind this plugin draws; others are skipped. */
export interface CatalogueExtra {
  kind: string;
  exports?: CatalogueExport[];
}

/** The catalogue version this plugin was written for; additions keep the version. */
export const SUPPORTED_CATALOGUE_VERSION = 1;

/** Where the data source's proxy route reaches: every path of the catalogue must be under it. */
export const MONITORING_API_PATH = '/api/monitoring';

export class CatalogueError extends Error {
  override readonly name = 'CatalogueError';
}

/** Checks that an answer is a catalogue this plugin can read. */
export function parseCatalogue(body: unknown): Catalogue {
  const candidate = body as Partial<Catalogue> | undefined;
  if (
    !candidate ||
    typeof candidate !== 'object' ||
    typeof candidate.version !== 'number' ||
    !Array.isArray(candidate.sections)
  ) {
    throw new CatalogueError('not a KeWhats monitoring catalogue');
  }
  if (candidate.version > SUPPORTED_CATALOGUE_VERSION) {
    throw new CatalogueError(
      `catalogue version ${candidate.version} is newer than this plugin reads (${SUPPORTED_CATALOGUE_VERSION}): update the plugin`
    );
  }
  for (const section of candidate.sections) {
    if (typeof section?.path !== 'string' || !section.path.startsWith(`${MONITORING_API_PATH}/`)) {
      throw new CatalogueError(
        `section "${section?.name}" has a path outside ${MONITORING_API_PATH}: ${section?.path}`
      );
    }
  }
  return candidate as Catalogue;
}

export function findSection(catalogue: Catalogue, name: string): CatalogueSection | undefined {
  return catalogue.sections.find((section) => section.name === name);
}

/** The figure at a path, if the catalogue names it. */
export function findFigure(section: CatalogueSection, path: string): CatalogueFigure | undefined {
  return section.figures.find((figure) => figure.path === path);
}

/** The breakdown whose count map holds a path (`byPlan.free` → byPlan; `connected` → the top-level one). */
export function breakdownHolding(section: CatalogueSection, path: string): CatalogueBreakdown | undefined {
  const dot = path.lastIndexOf('.');
  const parent = dot > 0 ? path.slice(0, dot) : '';
  return section.breakdowns.find((breakdown) => breakdown.path === parent);
}

/** A key's words in a breakdown, or the key as it is (free text such as a new integration type). */
export function valueWords(breakdown: CatalogueBreakdown | undefined, key: string, language: Language): string {
  return breakdown?.values.find((value) => value.key === key)?.label[language] ?? key;
}

/** The sections with a CSV export, and their exports. */
export function exportsOf(section: CatalogueSection): CatalogueExport[] {
  return section.extras.filter((extra) => extra.kind === 'contactExport').flatMap((extra) => extra.exports ?? []);
}
