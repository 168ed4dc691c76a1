import {
  createDataFrame,
  FieldType,
  getValueFormatterIndex,
  type DataFrame,
  type FieldConfig,
  type QueryResultMetaNotice,
} from '@grafana/data';
import { KewhatsApiError } from './errors';
import type { KewhatsQuery, SectionId, SectionResponse } from './types';

/** Keys of every response that are not figures. */
const META_KEYS = new Set(['generatedAt', 'stale']);

/** Noun of a section's top-level counts ("Devices connected"). */
const NOUNS: Record<SectionId, string> = {
  dashboard: '',
  users: 'Users',
  connections: 'Devices',
  integrations: 'Integrations',
  chatbots: 'Chatbots',
  broadcasts: 'Broadcasts',
  contacts: 'Contacts',
  webhooks: 'Webhooks',
};

const SPECIAL_NAMES: Record<string, string> = {
  'dashboard:revenue.amount': 'Revenue',
  'chatbots:activeSessions': 'Chatbot sessions active',
  'contacts:withEmail': 'Contacts with email',
};

/** Count map used by a breakdown with no field, where the top level has no counts but `total`. */
const DEFAULT_BREAKDOWN_FIELD: Partial<Record<SectionId, string>> = {
  users: 'byPlan',
  integrations: 'byType',
};

const LABEL_NAMES: Record<string, string> = {
  byPlan: 'Plan',
  byRole: 'Role',
  byType: 'Type',
};

const TOP_LEVEL_LABEL_NAMES: Partial<Record<SectionId, string>> = {
  connections: 'Status',
  broadcasts: 'Status',
  webhooks: 'State',
  chatbots: 'Chatbots',
};

function capitalize(text: string): string {
  return text ? text[0]!.toUpperCase() + text.slice(1) : text;
}

/** "apiTraffic" → "API traffic", "withEmail" → "with email". */
function words(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .replace(/\bapi\b/g, 'API');
}

/** Human name of a figure: "Messages sent", "Users total", "API traffic incoming", "Revenue". */
export function displayNameFor(section: SectionId, path: string): string {
  const special = SPECIAL_NAMES[`${section}:${path}`];
  if (special) {
    return special;
  }
  const parts = path.split('.');
  if (parts.length === 2) {
    const [map, key] = parts as [string, string];
    if (map === 'byPlan') {
      return `Users on ${key} plan`;
    }
    if (map === 'byRole') {
      return `Users with ${key} role`;
    }
    if (map === 'byType') {
      return `${capitalize(key)} integrations`;
    }
  }
  const noun = NOUNS[section];
  if (parts.length === 1 && noun) {
    return `${noun} ${words(path)}`;
  }
  return capitalize(parts.map(words).join(' '));
}

/** Grafana unit for an amount in a currency: the built-in `currencyIDR` style id when Grafana has one. */
export function currencyUnit(currency: string): string {
  const code = currency.trim().toUpperCase();
  const builtIn = `currency${code}`;
  return getValueFormatterIndex()[builtIn] ? builtIn : `currency:${code} `;
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

function unitFor(body: SectionResponse, path: string): FieldConfig {
  const dot = path.lastIndexOf('.');
  const parentPath = dot > 0 ? path.slice(0, dot) : '';
  const leaf = path.slice(dot + 1);
  const parent = parentPath ? valueAt(body, parentPath) : body;
  const currency = parent && typeof parent === 'object' ? (parent as Record<string, unknown>).currency : undefined;
  if (leaf === 'amount' && typeof currency === 'string' && currency.trim()) {
    return { unit: currencyUnit(currency) };
  }
  return { unit: 'short', decimals: 0 };
}

function generatedAtOf(body: SectionResponse, section: SectionId): number {
  const time = typeof body.generatedAt === 'string' ? Date.parse(body.generatedAt) : NaN;
  if (!Number.isFinite(time)) {
    throw new KewhatsApiError(
      `The "${section}" response has no valid generatedAt: is the data source URL pointing at a KeWhats exporter?`
    );
  }
  return time;
}

function notices(body: SectionResponse): QueryResultMetaNotice[] | undefined {
  if (body.stale === true) {
    return [
      {
        severity: 'warning',
        text: 'Stale figures: the monitoring database is unavailable, showing the last snapshot.',
      },
    ];
  }
  return undefined;
}

/** Seconds between generatedAt and now, never negative (clocks may differ a little). */
export function secondsSince(generatedAt: number, now: number): number {
  return Math.max(0, Math.round((now - generatedAt) / 1000));
}

/** Name of the age field of a stats frame (seconds since generatedAt). */
export const LAST_UPDATED = 'lastUpdated';

/**
 * shape 'stats': one row, one number field per numeric leaf, plus generatedAt and lastUpdated.
 * With `field`, only that leaf (or the leaves under that key) besides generatedAt, so a stat
 * panel shows exactly that figure without a field regex; `field: lastUpdated` gives the age only.
 */
export function statsFrame(query: KewhatsQuery, body: SectionResponse, now: number): DataFrame {
  const generatedAt = generatedAtOf(body, query.section);
  let leaves = numericLeaves(body);
  const field = query.field?.trim();
  const withAge = !field || field === LAST_UPDATED;
  if (field) {
    const all = leaves;
    leaves = all.filter(([path]) => path === field || path.startsWith(`${field}.`));
    if (!leaves.length && field !== LAST_UPDATED) {
      throw new KewhatsApiError(
        `The "${query.section}" section has no figure "${field}". Available: ${[...all.map(([path]) => path), LAST_UPDATED].join(', ')}.`
      );
    }
  }
  return createDataFrame({
    refId: query.refId,
    name: query.section,
    meta: { notices: notices(body), custom: { generatedAt: body.generatedAt } },
    fields: [
      {
        name: 'generatedAt',
        type: FieldType.time,
        values: [generatedAt],
        config: { displayNameFromDS: 'Generated at' },
      },
      ...leaves.map(([path, value]) => ({
        name: path,
        type: FieldType.number,
        values: [value],
        config: { displayNameFromDS: displayNameFor(query.section, path), ...unitFor(body, path) },
      })),
      ...(withAge
        ? [
            {
              name: LAST_UPDATED,
              type: FieldType.number,
              values: [secondsSince(generatedAt, now)],
              config: { displayNameFromDS: 'Last updated', unit: 's', decimals: 0 },
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

/** shape 'breakdown': fields label (string) and value (number), one row per entry of a count map. */
export function breakdownFrame(query: KewhatsQuery, body: SectionResponse): DataFrame {
  generatedAtOf(body, query.section);
  const requested = query.field?.trim() || DEFAULT_BREAKDOWN_FIELD[query.section] || '';
  let entries: Array<[string, number]>;
  if (requested) {
    entries = countMap(valueAt(body, requested));
    if (!entries.length) {
      const maps = countMapKeys(body);
      throw new KewhatsApiError(
        `The "${query.section}" section has no count map "${requested}".` +
          (maps.length ? ` Available: ${maps.join(', ')}.` : ' Leave the field empty for the top-level counts.')
      );
    }
  } else {
    entries = countMap(body).filter(([key]) => key !== 'total' && !META_KEYS.has(key));
    if (!entries.length) {
      throw new KewhatsApiError(
        `The "${query.section}" section has no top-level counts to break down: choose a field (${countMapKeys(body).join(', ')}).`
      );
    }
  }
  const labelName = requested
    ? (LABEL_NAMES[requested.split('.').pop()!] ?? capitalize(words(requested)))
    : (TOP_LEVEL_LABEL_NAMES[query.section] ?? 'Label');
  return createDataFrame({
    refId: query.refId,
    name: requested ? `${query.section}.${requested}` : query.section,
    meta: { notices: notices(body), custom: { generatedAt: body.generatedAt } },
    fields: [
      {
        name: 'label',
        type: FieldType.string,
        values: entries.map(([key]) => key),
        config: { displayNameFromDS: labelName },
      },
      {
        name: 'value',
        type: FieldType.number,
        values: entries.map(([, value]) => value),
        config: { displayNameFromDS: NOUNS[query.section] || 'Count', unit: 'short', decimals: 0 },
      },
    ],
  });
}
