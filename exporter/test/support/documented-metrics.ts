// The metric families the README's "Metrics" table documents: the tests hold the exposition and
// the alert rules to it, so the table cannot drift from what /metrics serves.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const README = fileURLToPath(new URL('../../../README.md', import.meta.url));

/** `name` → Prometheus type, from the rows of the table under `## Metrics`. */
export function documentedMetrics(): Map<string, string> {
  const readme = readFileSync(README, 'utf8');
  const section = /^## Metrics\n([\s\S]*?)(?=^## )/m.exec(readme)?.[1];
  if (!section) throw new Error('README.md has no "## Metrics" section');
  const metrics = new Map<string, string>();
  for (const match of section.matchAll(/^\| `([a-z_:]+)` \| (gauge|counter|histogram|summary) \|/gm)) metrics.set(match[1]!, match[2]!);
  if (metrics.size === 0) throw new Error('README.md\'s "## Metrics" section has no table rows');
  return metrics;
}
