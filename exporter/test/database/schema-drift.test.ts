// The Prisma schema and the migrations describe the same database: the tables, columns, indexes and
// constraints the migrations create equal those `prisma migrate diff --from-empty
// --to-schema-datamodel` derives from prisma/schema.prisma. Only the objects Prisma's schema
// language cannot express (raw SQL in the migrations: partial and expression indexes, the
// aggregate triggers) are the migrations' alone.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { PROJECT_ROOT } from '../../src/db/migrate.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/** Indexes written as raw SQL in the migrations (each one's reason is in its migration). */
const RAW_SQL_INDEXES = new Set(['ChatbotSession_open_conversation_key', 'ChatbotSession_open_lastActivityAt_idx', 'User_email_lower_idx']);

function schemaScript(databaseUrl: string): Promise<string> {
  const prismaCli = fileURLToPath(import.meta.resolve('prisma/build/index.js'));
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [prismaCli, 'migrate', 'diff', '--from-empty', '--to-schema-datamodel', 'prisma/schema.prisma', '--script', '--config', 'prisma.config.ts'],
      { cwd: PROJECT_ROOT, env: { ...process.env, DATABASE_URL: databaseUrl, PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' } },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`prisma migrate diff exited with ${code}: ${stderr}`))));
  });
}

async function schemaOf(pool: pg.Pool): Promise<unknown> {
  const columns = await pool.query(
    `SELECT table_name, column_name, udt_name, is_nullable, column_default, numeric_precision, numeric_scale, datetime_precision
       FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations' ORDER BY 1, 2`,
  );
  const indexes = await pool.query<{ indexname: string; indexdef: string }>(
    `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename <> '_prisma_migrations' ORDER BY 1`,
  );
  const constraints = await pool.query(
    `SELECT conrelid::regclass::text AS "table", conname, pg_get_constraintdef(oid) AS def FROM pg_constraint
      WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text <> '_prisma_migrations' ORDER BY 2`,
  );
  return { columns: columns.rows, indexes: indexes.rows.filter((row) => !RAW_SQL_INDEXES.has(row.indexname)), constraints: constraints.rows };
}

describe('prisma/schema.prisma and prisma/migrations', () => {
  let migrated: TestDatabase;
  let fromSchema: TestDatabase;
  before(async () => {
    migrated = await createTestDatabase();
    fromSchema = await createTestDatabase({ migrate: false });
  });
  after(async () => {
    await migrated?.drop();
    await fromSchema?.drop();
  });

  test('describe the same tables, columns, indexes and constraints (no drift)', async () => {
    await fromSchema.pool.query(await schemaScript(fromSchema.url));
    assert.deepEqual(await schemaOf(migrated.pool), await schemaOf(fromSchema.pool));
    const tables = await migrated.pool.query(`SELECT to_regclass('"AggregateCount"') IS NOT NULL AS modelled`);
    assert.equal(tables.rows[0].modelled, true);
  });
});
