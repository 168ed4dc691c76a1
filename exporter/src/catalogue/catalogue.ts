import { createHash } from 'node:crypto';
import { CONTACT_EXPORT_PATH, LANGUAGES, LOCALES, TIME_RANGE_PARAMETERS, type Label, type SectionExtra } from '../sections/presentation.js';
import type { Section } from '../sections/section.js';
import { checkSections } from './check-sections.js';
import { CATALOGUE_TEXTS } from './texts.js';

/**
 * The version of the catalogue's shape. Additions (a new field, a new unit, a new extra kind) keep
 * it; a change that would mislead a client written for this version (a field removed or renamed,
 * a meaning changed) raises it.
 */
export const CATALOGUE_VERSION = 1;

/** Where the monitoring API is mounted; sections answer at `<this>/<name>`. */
export const MONITORING_API_PATH = '/api/monitoring';

export interface CatalogueSettings {
  /** The platform currency (CURRENCY): the unit of `currency` figures. */
  currency: string;
  /** REPORT_TIMEZONE: where "the current month" begins and ends. */
  reportTimeZone: string;
}

/** The currency's symbol as each language writes it (`Rp` in Indonesian, `IDR` in English). */
function currencySymbol(currency: string): Label {
  const symbolIn = (locale: string) =>
    new Intl.NumberFormat(locale, { style: 'currency', currency }).formatToParts(0).find((part) => part.type === 'currency')?.value ?? currency;
  return { id: symbolIn(LOCALES.id), en: symbolIn(LOCALES.en) };
}

function extraEntry(extra: SectionExtra) {
  return {
    kind: extra.kind,
    exports: extra.exports.map((item) => ({
      type: item.type,
      path: `${MONITORING_API_PATH}/${CONTACT_EXPORT_PATH}?type=${encodeURIComponent(item.type)}`,
      fileStem: item.fileStem,
      label: item.label,
    })),
  };
}

function sectionEntry(section: Section) {
  return {
    name: section.name,
    path: `${MONITORING_API_PATH}/${section.name}`,
    position: section.position,
    icon: section.icon,
    title: section.title,
    description: section.description,
    timeRange: section.timeRange ? { ...TIME_RANGE_PARAMETERS, default: section.timeRange.default, figures: [...section.timeRange.figures] } : null,
    figures: section.figures.map((figure) => ({
      path: figure.path,
      unit: figure.unit ?? 'count',
      label: figure.label,
      description: figure.description,
    })),
    breakdowns: section.breakdowns.map((breakdown) => ({
      path: breakdown.path,
      chart: breakdown.chart,
      label: breakdown.label,
      description: breakdown.description,
      dimension: breakdown.dimension,
      values: breakdown.values.map((value) => ({ key: value.key, label: value.label })),
    })),
    extras: (section.extras ?? []).map(extraEntry),
  };
}

/**
 * The monitoring catalogue: every section with what a view needs to show it without knowing it
 * beforehand (its API path, figures, breakdowns, units, chart kinds, extras, time range, icon,
 * position and labels in every language). `generatedFrom` is a hash of everything else, so it
 * changes whenever a section's presentation, the currency or the time zone does.
 */
export function buildCatalogue(sections: readonly Section[], settings: CatalogueSettings) {
  checkSections(sections);
  const content = {
    languages: [...LANGUAGES],
    locales: LOCALES,
    currency: settings.currency,
    currencySymbol: currencySymbol(settings.currency),
    reportTimeZone: settings.reportTimeZone,
    texts: CATALOGUE_TEXTS,
    sections: [...sections].sort((a, b) => a.position - b.position).map(sectionEntry),
  };
  const generatedFrom = createHash('sha256').update(JSON.stringify(content)).digest('hex').slice(0, 16);
  return { version: CATALOGUE_VERSION, generatedFrom, ...content };
}

export type Catalogue = ReturnType<typeof buildCatalogue>;
export type CatalogueSection = Catalogue['sections'][number];
