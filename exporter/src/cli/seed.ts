// `npm run db:seed`: the demo accounts and dataset in DATABASE_URL (safe to run repeatedly).
import { connectDatabase } from '../db/connect.js';
import { demoLogins, seedDemoData } from '../demo/seed.js';
import { runCli } from './run-cli.js';

await runCli(async () => {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: the database to seed');
  const pool = await connectDatabase(url, { max: 2, applicationName: 'kewhats-seed' });
  try {
    const summary = await seedDemoData(pool, { timeZone: process.env.REPORT_TIMEZONE || undefined });
    for (const login of demoLogins()) {
      const state = summary.accountsCreated.includes(login.email) ? 'created' : 'exists, unchanged';
      console.log(`account ${login.email} (${login.role}): ${state}`);
    }
    const rows = Object.entries(summary.inserted).map(([table, count]) => `${table} ${count}`);
    console.log(`rows inserted: ${rows.join(', ')}`);
    console.log(`demo seed done in ${summary.elapsedMs} ms`);
  } finally {
    await pool.end();
  }
});
