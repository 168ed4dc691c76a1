// `npm run console:build [-- --if-stale]`
//
// Builds the monitoring console (exporter/console) into exporter/dist/console. `npm start` runs it
// with --if-stale, so a fresh clone, or one whose console sources changed, is built before the
// exporter starts, and an up-to-date build costs only a hash of the sources.
import { parseArgs } from 'node:util';
import { buildConsole, consoleBundleSize } from '../console/console-build.js';
import { runCli } from './run-cli.js';

await runCli(async () => {
  const { values } = parseArgs({ args: process.argv.slice(2), options: { 'if-stale': { type: 'boolean' } }, strict: true });
  const result = await buildConsole({ ifStale: values['if-stale'] });
  if (!result.built) return;
  const { totalGzipBytes } = consoleBundleSize();
  console.log(`console built in ${result.outDir} (${(totalGzipBytes / 1024).toFixed(1)} KB of JavaScript and CSS, gzipped)`);
});
