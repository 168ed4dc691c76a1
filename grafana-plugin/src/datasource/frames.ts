import {
  createDataFrame,
  FieldType,
  type DataFrame,
  type FieldConfig,
  type QueryResultMetaNotice,
} from '@grafana/data';
import {
  breakdownHolding,
  findFigure,
  valueWords,
  type Catalogue,
  type CatalogueBreakdown,
  type CatalogueSection,
} from '../shared/catalogue';
import { fill, type Label, type Language } from '../shared/language';
import { KewhatsApiError } from './errors';
import type { KewhatsQuery, SectionResponse } from './types';

/** Keys of every response that are not figures. */
const META_KEYS = new Set(['generatedAt', 'stale']);

/** Name of the age field of a stats frame (seconds since generatedAt). */
export const LAST_UPDATED = 'lastUpdated';

/** What a frame is built from: the catalogue, the query's section in it, and the display language. */
export interface FrameContext {
  catalogue: Catalogue;
  section: CatalogueSection;
  language: Language;
}

const TEXT = {
  noFigure: {
    id: 'Bagian "{section}" tidak memiliki angka "{field}". Yang ada: {available}.',
    en: 'The "{section}" section has no figure "{field}". Available: {available}.',
  },
  noCountMap: {
    id: 'Bagian "{section}" tidak memiliki peta hitungan "{field}".',
    en: 'The "{section}" section has no count map "{field}".',
  },
  available: { id: 'Yang ada: {available}.', en: 'Available: {available}.' },
  emptyField: {
    id: 'Kosongkan field untuk hitungan tingkat atas.',
    en: 'Leave the field empty for the top-level counts.',
  },
  noTopLevel: {
    id: 'Bagian "{section}" tidak memiliki hitungan tingkat atas untuk dirinci: pilih field ({available}).',
    en: 'The "{section}" section has no top-level counts to break down: choose a field ({available}).',
  },
  noGeneratedAt: {
    id: 'Jawaban "{section}" tidak memiliki generatedAt yang valid: apakah URL sumber data mengarah ke exporter KeWhats?',
    en: 'The "{section}" response has no valid generatedAt: is the data source URL pointing at a KeWhats exporter?',
  },
} satisfies Record<string, Label>;

/**
 * Grafana's unit for a figure. Money uses Grafana's full-amount currency unit with the currency
 * symbol of the language (`Rp` in Indonesian), so the amount reads `Rp 29.191.000` rather than a
 * scaled `Rp29.2M`; counts use the `locale` unit. Both group digits in the browser's locale
 * (fullCurrency and locale in @grafana/data valueFormats), which Grafana offers no other way to set.
 */
export function figureUnit(unit: string | undefined, catalogue: Catalogue, language: Language): FieldConfig {
  if (unit === 'currency') {
    return { unit: `currency:financial:${catalogue.currencySymbol[language]} `, decimals: 0 };
  }
  return { unit: 'locale', decimals: 0 };
}

/** Every numeric leaf of a JSON value, nested keys joined by '.', in document order. */
export function numericLeaves(value: unknown, prefix = ''): Array<[string, number]> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    return [];
  }
  const leaves: Array<[string, number]> = [];
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    if (!prefix && META_KEYS.has(key)) {
      continue;
    }
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof child === 'number' && Number.isFinite(child)) {
      leaves.push([path, child]);
    } else if (child && typeof child === 'object') {
      leaves.push(...numericLeaves(child, path));
    }
  }
  return leaves;
}

function valueAt(body: unknown, path: string): unknown {
  let current = body;
  for (const key of path.split('.')) {
    if (!current || typeof current !== 'object') {
      return undefined;
    }
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/**
 * The display name of a number of the section: the catalogue's figure label; a count the catalogue
 * has no figure for (an integration type) is named by its breakdown and its key's words; anything
 * else keeps its path.
 */
export function displayNameFor({ section, language }: FrameContext, path: string): string {
  const figure = findFigure(section, path);
  if (figure) {
    return figure.label[language];
  }
  const breakdown = breakdownHolding(section, path);
  if (breakdown) {
    return `${breakdown.label[language]} · ${valueWords(breakdown, path.slice(path.lastIndexOf('.') + 1), language)}`;
  }
  return path;
}

function generatedAtOf(body: SectionResponse, { section, language }: FrameContext): number {
  const time = typeof body.generatedAt === 'string' ? Date.parse(body.generatedAt) : NaN;
  if (!Number.isFinite(time)) {
    throw new KewhatsApiError(fill(TEXT.noGeneratedAt, language, { section: section.name }));
  }
  return time;
}

function notices(body: SectionResponse, { catalogue, language }: FrameContext): QueryResultMetaNotice[] | undefined {
  return body.stale === true ? [{ severity: 'warning', text: catalogue.texts.stale[language] }] : undefined;
}

/** Seconds between generatedAt and now, never negative (clocks may differ a little). */
export function secondsSince(generatedAt: number, now: number): number {
  return Math.max(0, Math.round((now - generatedAt) / 1000));
}

/**
 * shape 'stats': one row, one number field per numeric leaf, plus generatedAt and lastUpdated.
 * With `field`, only that leaf (or the leaves under that key) besides generatedAt, so a stat
 * panel shows exactly that figure without a field regex; `field: lastUpdated` gives the age only.
 */
export function statsFrame(query: KewhatsQuery, body: SectionResponse, now: number, context: FrameContext): DataFrame {
  const { catalogue, section, language } = context;
  const generatedAt = generatedAtOf(body, context);
  let leaves = numericLeaves(body);
  const field = query.field?.trim();
  const withAge = !field || field === LAST_UPDATED;
  if (field) {
    const all = leaves;
    leaves = all.filter(([path]) => path === field || path.startsWith(`${field}.`));
    if (!leaves.length && field !== LAST_UPDATED) {
      const available = [...all.map(([path]) => path), LAST_UPDATED].join(', ');
      throw new KewhatsApiError(fill(TEXT.noFigure, language, { section: section.name, field, available }));
    }
  }
  return createDataFrame({
    refId: query.refId,
    name: section.name,
    meta: { notices: notices(body, context), custom: { generatedAt: body.generatedAt } },
    fields: [
      {
        name: 'generatedAt',
        type: FieldType.time,
        values: [generatedAt],
        config: { displayNameFromDS: catalogue.texts.generatedAt[language] },
      },
      ...leaves.map(([path, value]) => ({
        name: path,
        type: FieldType.number,
        values: [value],
        config: {
          displayNameFromDS: displayNameFor(context, path),
          ...figureUnit(findFigure(section, path)?.unit, catalogue, language),
        },
      })),
      ...(withAge
        ? [
            {
              name: LAST_UPDATED,
              type: FieldType.number,
              values: [secondsSince(generatedAt, now)],
              config: { displayNameFromDS: catalogue.texts.lastUpdated[language], unit: 's', decimals: 0 },
            },
          ]
        : []),
    ],
  });
}

function countMap(value: unknown): Array<[string, number]> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    return [];
  }
  return Object.entries(value as Record<string, unknown>).filter(
    (entry): entry is [string, number] => typeof entry[1] === 'number' && Number.isFinite(entry[1])
  );
}

/** Keys of the section's JSON that hold count maps, for error messages and the query editor. */
export function countMapKeys(body: SectionResponse): string[] {
  return Object.entries(body)
    .filter(([key, value]) => !META_KEYS.has(key) && countMap(value).length > 0)
    .map(([key]) => key);
}

/** The catalogue's keys first, in its order (those the data has), then the others as the data lists them. */
function inDisplayOrder(
  entries: Array<[string, number]>,
  breakdown: CatalogueBreakdown | undefined
): Array<[string, number]> {
  const known = breakdown?.values.map((value) => value.key) ?? [];
  const byKey = new Map(entries);
  return [
    ...known.filter((key) => byKey.has(key)).map((key): [string, number] => [key, byKey.get(key)!]),
    ...entries.filter(([key]) => !known.includes(key)),
  ];
}

/**
 * shape 'breakdown': fields label (string, the key's words) and value (number), one row per entry
 * of a count map. Without a field: the section's first breakdown, else its top-level counts but total.
 */
export function breakdownFrame(query: KewhatsQuery, body: SectionResponse, context: FrameContext): DataFrame {
  const { section, language } = context;
  generatedAtOf(body, context);
  const requested = query.field?.trim() || section.breakdowns[0]?.path || '';
  const breakdown = section.breakdowns.find((candidate) => candidate.path === requested);
  let entries: Array<[string, number]>;
  if (requested) {
    entries = countMap(valueAt(body, requested));
    if (!entries.length) {
      const maps = countMapKeys(body);
      throw new KewhatsApiError(
        `${fill(TEXT.noCountMap, language, { section: section.name, field: requested })} ` +
          (maps.length ? fill(TEXT.available, language, { available: maps.join(', ') }) : TEXT.emptyField[language])
      );
    }
  } else {
    entries = countMap(body).filter(([key]) => key !== 'total' && !META_KEYS.has(key));
    if (!entries.length) {
      throw new KewhatsApiError(
        fill(TEXT.noTopLevel, language, { section: section.name, available: countMapKeys(body).join(', ') })
      );
    }
  }
  const rows = inDisplayOrder(entries, breakdown);
  return createDataFrame({
    refId: query.refId,
    name: requested ? `${section.name}.${requested}` : section.name,
    meta: { notices: notices(body, context), custom: { generatedAt: body.generatedAt } },
    fields: [
      {
        name: 'label',
        type: FieldType.string,
        values: rows.map(([key]) => valueWords(breakdown, key, language)),
        config: { displayNameFromDS: breakdown?.dimension[language] ?? (requested || section.title[language]) },
      },
      {
        name: 'value',
        type: FieldType.number,
        values: rows.map(([, value]) => value),
        config: { displayNameFromDS: (breakdown?.label ?? section.title)[language], unit: 'locale', decimals: 0 },
      },
    ],
  });
}
