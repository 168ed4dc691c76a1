// `npm run aggregates:verify [-- --repair]`: recounts every maintained figure with a full scan in
// one snapshot and compares it with the counts the triggers keep (docs/aggregates.md).
import { parseArgs } from 'node:util';
import pino from 'pino';
import { MAINTAINED_FIGURES, MAINTAINED_ROLLUPS } from '../aggregates/figures.js';
import { verifyAggregates } from '../aggregates/verify.js';
import { createPool } from '../db/pool.js';
import { runCli } from './run-cli.js';

const USAGE = `usage: npm run aggregates:verify [-- --repair]

Recounts every maintained figure (${[...MAINTAINED_FIGURES, ...MAINTAINED_ROLLUPS].map((figure) => figure.name).join(', ')})
with a full scan of DATABASE_URL and compares it with the counts kept by the database's triggers,
both in one snapshot, so the result is exact while the platform writes.
  --repair   append the corrections, so the counts are exact again
  --help     this text
Exit code: 0 no drift (or repaired), 1 drift found without --repair (or an error),
75 skipped: another verification (an exporter replica) is running.`;

/** The exit code when another verification holds the lock (EX_TEMPFAIL: try again later). */
const SKIPPED_EXIT_CODE = 75;

await runCli(async () => {
  const { values } = parseArgs({ options: { repair: { type: 'boolean' }, help: { type: 'boolean' } } });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: the database whose aggregates to verify');
  const pool = createPool(url, { max: 1, statementTimeoutMs: 0, applicationName: 'kewhats-aggregates-verify' });
  try {
    const logger = pino({ level: 'warn' }, pino.destination(2));
    const report = await verifyAggregates(pool, { repair: values.repair === true, logger });
    if (report.skipped) {
      console.log('skipped: another verification is running');
      process.exitCode = SKIPPED_EXIT_CODE;
      return;
    }
    for (const figure of report.figures) {
      console.log(`${figure.figure.padEnd(14)} drift ${figure.drift}${figure.driftedGroups > 0 ? ` (${figure.driftedGroups} group(s))` : ''}`);
    }
    const verdict = report.totalDrift === 0 ? 'no drift' : report.repaired ? 'drift repaired' : 'drift found (run with --repair to fix it)';
    console.log(`${verdict}; verified in ${Math.round(report.durationMs)} ms`);
    if (report.totalDrift > 0 && !report.repaired) process.exitCode = 1;
  } finally {
    await pool.end();
  }
});
