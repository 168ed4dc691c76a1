import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { Dashboard, DataSourceRef, KeWhatsQuery, Panel, PrometheusQuery } from '../../../src/dashboards/index.js';

export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const DATASOURCES_DIR = join(REPO_ROOT, 'provisioning/grafana/provisioning/datasources');
export const RULES_DIR = join(REPO_ROOT, 'provisioning/prometheus/rules');

function yamlFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => join(dir, name));
}

/** The data sources Grafana provisions (uid and type), from every file of the datasources folder. */
export function provisionedDataSources(): DataSourceRef[] {
  return yamlFiles(DATASOURCES_DIR).flatMap((path) => {
    const doc = parse(readFileSync(path, 'utf8')) as { datasources?: Array<{ uid?: string; type?: string }> } | null;
    return (doc?.datasources ?? []).map((source) => ({ uid: String(source.uid), type: String(source.type) }));
  });
}

export interface RuleExpression {
  file: string;
  name: string;
  expr: string;
}

/** Every rule of provisioning/prometheus/rules, with the names its recording rules define. */
export function prometheusRules(): { expressions: RuleExpression[]; recorded: Set<string>; files: string[] } {
  const files = yamlFiles(RULES_DIR);
  const expressions: RuleExpression[] = [];
  const recorded = new Set<string>();
  for (const path of files) {
    const doc = parse(readFileSync(path, 'utf8')) as {
      groups?: Array<{ rules?: Array<{ record?: string; alert?: string; expr?: string | number }> }>;
    } | null;
    for (const group of doc?.groups ?? []) {
      for (const rule of group.rules ?? []) {
        if (rule.record) recorded.add(rule.record);
        expressions.push({ file: path, name: rule.record ?? rule.alert ?? '?', expr: String(rule.expr ?? '') });
      }
    }
  }
  return { expressions, recorded, files };
}

export interface PanelQuery<Query> {
  dashboard: Dashboard;
  panel: Panel;
  query: Query;
}

function isPrometheusQuery(query: unknown): query is PrometheusQuery {
  return typeof (query as PrometheusQuery).expr === 'string';
}

function isKeWhatsQuery(query: unknown): query is KeWhatsQuery {
  return typeof (query as KeWhatsQuery).section === 'string';
}

export function prometheusQueries(dashboards: readonly Dashboard[]): Array<PanelQuery<PrometheusQuery>> {
  return dashboards.flatMap((dashboard) =>
    dashboard.panels.flatMap((panel) => (panel.targets ?? []).filter(isPrometheusQuery).map((query) => ({ dashboard, panel, query }))),
  );
}

export function keWhatsQueries(dashboards: readonly Dashboard[]): Array<PanelQuery<KeWhatsQuery>> {
  return dashboards.flatMap((dashboard) =>
    dashboard.panels.flatMap((panel) => (panel.targets ?? []).filter(isKeWhatsQuery).map((query) => ({ dashboard, panel, query }))),
  );
}

/**
 * A panel's `options.reduceOptions.fields`: '' (or absent) is Grafana's default, every numeric
 * field; anything else is a name pattern that Grafana matches against the field's display name.
 */
export function reduceFields(panel: Panel): string | undefined {
  return (panel.options?.reduceOptions as { fields?: string } | undefined)?.fields;
}

/** Keys of a section response that are not figures (META_KEYS of frames.ts). */
const META_KEYS = new Set(['generatedAt', 'stale']);

/** The age field the data source adds to a stats frame (LAST_UPDATED of frames.ts). */
export const FRAME_LAST_UPDATED = 'lastUpdated';

/** Every numeric leaf of a section's JSON by dotted path, in document order: the figures of its stats frame. */
export function numericLeaves(value: unknown, prefix = ''): string[] {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, child]) => {
    if (!prefix && META_KEYS.has(key)) return [];
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof child === 'number') return Number.isFinite(child) ? [path] : [];
    return numericLeaves(child, path);
  });
}

export interface FrameField {
  name: string;
  type: 'time' | 'number';
}

/**
 * The fields (name and type) of the frame the KeWhats data source builds for a `shape: 'stats'`
 * query, following statsFrame() in grafana-plugin/src/datasource/frames.ts: generatedAt (time),
 * one number per numeric leaf, and lastUpdated (number); with `field`, only the leaf at that
 * path or the leaves under it, and no lastUpdated, except that `field: lastUpdated` keeps only
 * the age. An unknown field is an error there, so it throws here.
 *
 * A replica, not an import: frames.ts imports ./errors, which imports @grafana/runtime and, through
 * it, @grafana/ui, which needs a browser at load time (`window`, then `document` for its CSS), so
 * it cannot be loaded by node/tsx in these tests. Keep this in step with frames.ts; the plugin's
 * own tests (grafana-plugin/src/datasource/datasource.test.ts) check the real builder.
 */
export function statsFrameFields(body: Record<string, unknown>, field?: string): FrameField[] {
  if (typeof body.generatedAt !== 'string' || !Number.isFinite(Date.parse(body.generatedAt))) {
    throw new Error('the response has no valid generatedAt');
  }
  const all = numericLeaves(body);
  const wanted = field?.trim();
  let leaves = all;
  if (wanted) {
    leaves = all.filter((path) => path === wanted || path.startsWith(`${wanted}.`));
    if (leaves.length === 0 && wanted !== FRAME_LAST_UPDATED) {
      throw new Error(`no figure "${wanted}". Available: ${[...all, FRAME_LAST_UPDATED].join(', ')}.`);
    }
  }
  const withAge = !wanted || wanted === FRAME_LAST_UPDATED;
  return [
    { name: 'generatedAt', type: 'time' },
    ...leaves.map((name): FrameField => ({ name, type: 'number' })),
    ...(withAge ? [{ name: FRAME_LAST_UPDATED, type: 'number' } as const] : []),
  ];
}

/**
 * The fields a stat panel reduces when `reduceOptions.fields` is empty: Grafana's default
 * matcher takes every numeric field, the time field excluded (getFieldDisplayValues in
 * @grafana/data field/fieldDisplay: no pattern → FieldMatcherID.numeric).
 */
export function defaultStatFields(frame: readonly FrameField[]): string[] {
  return frame.filter((field) => field.type === 'number').map((field) => field.name);
}
