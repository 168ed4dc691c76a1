/**
 * Just enough PromQL lexing to list the metric names an expression selects: enough for the
 * expressions of our dashboards and rules, checked by promql.test.ts. (Prometheus 2.42 has no
 * parse endpoint, and pulling in a PromQL parser for a test would be a heavier dependency.)
 */

// Words that are PromQL syntax, not series selectors (compared lower-case).
const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'offset',
  'bool',
  'and',
  'or',
  'unless',
  'atan2',
  'inf',
  'nan',
]);

/** The metric names selected by `expr`, sorted and distinct. */
export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""') // string literals (label values)
    .replace(/#[^\n]*/g, ' ') // comments
    .replace(/\{[^}]*\}/g, ' ') // label matchers
    .replace(/\[[^\]]*\]/g, ' ') // range and subquery windows
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/gi, ' '); // label lists
  const names = new Set<string>();
  // An identifier not glued to a digit (30m, 1e3) or a dot; followed by "(" it is a function or aggregation.
  for (const match of stripped.matchAll(/(?<![\w.:])[a-zA-Z_:][\w:]*/g)) {
    const rest = stripped.slice(match.index + match[0].length);
    if (/^\s*\(/.test(rest)) continue;
    if (KEYWORDS.has(match[0].toLowerCase())) continue;
    names.add(match[0]);
  }
  return [...names].sort();
}

/**
 * The expression with every range window replaced by `window`. The dashboards use 5-minute
 * windows; a test Prometheus scraping every second has seconds of history, not minutes. rate()
 * and deriv() need two samples inside their window, so a window of some seconds, full of fresh
 * samples, shows the expression yields data the way the 5-minute one does in production.
 */
export function withRangeWindow(expr: string, window: string): string {
  return expr.replace(/\[\s*\d+[smhdwy]\s*\]/g, `[${window}]`);
}

/** Series Prometheus creates itself, and the alert series: never on an exporter's /metrics. */
export const PROMETHEUS_BUILTIN_SERIES = new Set([
  'up',
  'scrape_duration_seconds',
  'scrape_samples_scraped',
  'scrape_samples_post_metric_relabeling',
  'scrape_series_added',
  'ALERTS',
  'ALERTS_FOR_STATE',
]);

/** Metric families and sample names of a Prometheus text exposition. */
export function exposedMetricNames(exposition: string): { families: Map<string, string>; samples: Set<string> } {
  const families = new Map<string, string>();
  const samples = new Set<string>();
  for (const line of exposition.split('\n')) {
    const type = /^# TYPE ([a-zA-Z_:][\w:]*) (\w+)/.exec(line);
    if (type) families.set(type[1]!, type[2]!);
    else if (line && !line.startsWith('#')) {
      const sample = /^([a-zA-Z_:][\w:]*)/.exec(line);
      if (sample) samples.add(sample[1]!);
    }
  }
  return { families, samples };
}

/**
 * Whether `name` is something the exposition offers: a family, a sample, or a histogram's or
 * summary's _bucket/_sum/_count series (listed even when no observation has been made yet).
 */
export function isExposed(name: string, exposed: ReturnType<typeof exposedMetricNames>): boolean {
  if (exposed.families.has(name) || exposed.samples.has(name)) return true;
  const suffix = /^(.*)_(bucket|sum|count)$/.exec(name);
  if (!suffix) return false;
  const type = exposed.families.get(suffix[1]!);
  return type === 'histogram' || (type === 'summary' && suffix[2] !== 'bucket');
}
