// `npm run console:icons -w exporter [-- --check]`
//
// Writes console/src/icons/icon-paths.ts, the SVG path data of the icons the console ships, from
// the Unicons set Grafana uses. With --check it writes nothing and fails when the committed file
// is out of date.
import { parseArgs } from 'node:util';
import { ICON_MODULE_FILE, iconModuleIsCurrent, writeIconModule } from '../console/console-icons.js';
import { runCli } from './run-cli.js';

await runCli(async () => {
  const { values } = parseArgs({ args: process.argv.slice(2), options: { check: { type: 'boolean' } }, strict: true });
  if (values.check) {
    if (!(await iconModuleIsCurrent())) throw new Error(`${ICON_MODULE_FILE} is out of date: run npm run console:icons -w exporter`);
    return void console.log(`${ICON_MODULE_FILE} up to date`);
  }
  writeIconModule();
  console.log(`wrote ${ICON_MODULE_FILE}`);
});
