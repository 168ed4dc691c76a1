// `npm run dashboards:generate [-- --check]`
//
// Writes the Grafana dashboards of provisioning/grafana/dashboards (one per monitoring section,
// dashboard.json being the home one) from the exporter's section definitions, and removes the
// dashboards of sections that no longer exist. With --check it writes nothing and fails when the
// committed files differ from the generator's output (for CI).
import { parseArgs } from 'node:util';
import { DASHBOARDS_DIR, generateDashboards, planDashboardFiles, writeDashboardFiles } from '../dashboards/index.js';
import { SECTIONS } from '../sections/index.js';
import { runCli } from './run-cli.js';

await runCli(async () => {
  const { values } = parseArgs({ args: process.argv.slice(2), options: { check: { type: 'boolean' } }, strict: true });
  const generated = generateDashboards(SECTIONS);
  if (values.check) {
    const changes = planDashboardFiles(generated);
    const stale = [...changes.written.map((name) => `${name} (out of date)`), ...changes.removed.map((name) => `${name} (no such section)`)];
    if (stale.length > 0) throw new Error(`dashboards differ from the generator, run npm run dashboards:generate: ${stale.join(', ')}`);
    console.log(`${generated.length} dashboards up to date in ${DASHBOARDS_DIR}`);
    return;
  }
  const changes = writeDashboardFiles(generated);
  for (const name of changes.written) console.log(`wrote ${name}`);
  for (const name of changes.removed) console.log(`removed ${name}`);
  console.log(`${generated.length} dashboards in ${DASHBOARDS_DIR} (${changes.unchanged.length} unchanged)`);
});
