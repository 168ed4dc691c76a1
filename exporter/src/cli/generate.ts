// `npm run db:generate -- --scale N [--seed S]`: adds synthetic benchmark data to DATABASE_URL.
// Additive: every run inserts fresh rows, so benchmark on a freshly migrated database.
import { connectDatabase } from '../db/connect.js';
import { parseGenerateArgs, USAGE } from '../demo/generate-args.js';
import { generateSyntheticData, type SyntheticProgress } from '../demo/synthetic-data.js';
import { runCli } from './run-cli.js';

function reportProgress({ table, done, total, elapsedMs }: SyntheticProgress): void {
  const percent = Math.round((done / total) * 100);
  console.log(`  ${table}: ${done.toLocaleString('en')} / ${total.toLocaleString('en')} (${percent} %) ${(elapsedMs / 1000).toFixed(1)} s`);
}

await runCli(async () => {
  const argv = process.argv.slice(2);
  if (argv.includes('--help')) {
    // The other flags are still checked, so a typo shows here too.
    const rest = argv.filter((arg) => arg !== '--help');
    const plan = rest.length > 0 ? parseGenerateArgs(rest) : undefined;
    console.log(plan ? `${USAGE}\nwith these flags it would add scale ${plan.scale} (seed ${plan.seed}) to DATABASE_URL` : USAGE);
    return;
  }
  const args = parseGenerateArgs(argv);
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: the database to fill with synthetic data');
  const pool = await connectDatabase(url, { max: 1, applicationName: 'kewhats-generate', statementTimeoutMs: 0 });
  try {
    console.log(`generating synthetic data at scale ${args.scale} (seed ${args.seed})`);
    const summary = await generateSyntheticData(pool, {
      ...args,
      timeZone: process.env.REPORT_TIMEZONE || undefined,
      onProgress: reportProgress,
    });
    for (const [table, rows] of Object.entries(summary.rows)) {
      const ms = summary.timingsMs[table as keyof typeof summary.timingsMs];
      console.log(`${table.padEnd(15)} ${String(rows).padStart(11)} rows ${(ms / 1000).toFixed(1).padStart(8)} s`);
    }
    console.log(`done in ${(summary.totalMs / 1000).toFixed(1)} s (ids start with ${summary.runPrefix})`);
  } finally {
    await pool.end();
  }
});
