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
    dashboard.panels.flatMap((panel) =>
      (panel.targets ?? []).filter(isPrometheusQuery).map((query) => ({ dashboard, panel, query })),
    ),
  );
}

export function keWhatsQueries(dashboards: readonly Dashboard[]): Array<PanelQuery<KeWhatsQuery>> {
  return dashboards.flatMap((dashboard) =>
    dashboard.panels.flatMap((panel) =>
      (panel.targets ?? []).filter(isKeWhatsQuery).map((query) => ({ dashboard, panel, query })),
    ),
  );
}

/** A reduceOptions.fields value ("/^messages\\.sent$/") as a RegExp, the way Grafana reads it. */
export function fieldsRegex(panel: Panel): RegExp | undefined {
  const fields = (panel.options?.reduceOptions as { fields?: string } | undefined)?.fields;
  if (!fields) return undefined;
  const match = /^\/(.*)\/([gimsuy]*)$/.exec(fields);
  return match ? new RegExp(match[1]!, match[2]) : new RegExp(`^${fields}$`);
}

/** Every numeric leaf of a JSON value by dotted path: the fields of the data source's stats frame. */
export function numericLeaves(value: unknown, prefix = ''): string[] {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, child]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof child === 'number') return [path];
    return numericLeaves(child, path);
  });
}
