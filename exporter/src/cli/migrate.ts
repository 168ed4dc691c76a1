// `npm run db:migrate`: applies prisma/migrations to DATABASE_URL (safe to run repeatedly).
import { applyMigrations } from '../db/migrate.js';
import { runCli } from './run-cli.js';

await runCli(async () => {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: the database to migrate');
  await applyMigrations(url);
  console.log('migrations applied');
});
