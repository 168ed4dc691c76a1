// `npm run grafana:generate -w exporter [-- --check]`
//
// Writes what Grafana shows of the monitoring sections, from the exporter's section definitions:
// the dashboards of provisioning/grafana/dashboards/<language>/ (one per section and language,
// dashboard.json the home one; dashboards of sections that no longer exist are removed) and the
// sidebar `includes` of grafana-plugin/src/plugin.json. With --check it writes nothing and fails
// when a committed file differs from the generators' output (for CI).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import { APP_PLUGIN_DIR, DASHBOARDS_DIR, generateAppPluginJson, generateDashboards, planFiles, writeFiles } from '../dashboards/index.js';
import { SECTIONS } from '../sections/index.js';
import { runCli } from './run-cli.js';

await runCli(async () => {
  const { values } = parseArgs({ args: process.argv.slice(2), options: { check: { type: 'boolean' } }, strict: true });
  const dashboards = generateDashboards(SECTIONS);
  const plugin = generateAppPluginJson(SECTIONS);
  const pluginPath = join(APP_PLUGIN_DIR, plugin.fileName);
  // Compared as data: a reformatted plugin.json (Prettier) is still up to date.
  const pluginCurrent = existsSync(pluginPath) ? readFileSync(pluginPath, 'utf8') : undefined;
  const pluginUpToDate = pluginCurrent !== undefined && isDeepStrictEqual(JSON.parse(pluginCurrent), JSON.parse(plugin.json));
  if (values.check) {
    const changes = planFiles(dashboards);
    const stale = [
      ...changes.written.map((name) => `${name} (out of date)`),
      ...changes.removed.map((name) => `${name} (no such section or language)`),
      ...(pluginUpToDate ? [] : ['grafana-plugin/src/plugin.json (out of date)']),
    ];
    if (stale.length > 0) throw new Error(`Grafana files differ from the generators, run npm run grafana:generate -w exporter: ${stale.join(', ')}`);
    console.log(`${dashboards.length} dashboards and the app plugin's sidebar up to date`);
    return;
  }
  const changes = writeFiles(dashboards);
  for (const name of changes.written) console.log(`wrote ${name}`);
  for (const name of changes.removed) console.log(`removed ${name}`);
  console.log(`${dashboards.length} dashboards in ${DASHBOARDS_DIR} (${changes.unchanged.length} unchanged)`);
  if (!pluginUpToDate) writeFileSync(pluginPath, plugin.json);
  console.log(`${pluginPath} ${pluginUpToDate ? 'unchanged' : 'written'}`);
});
