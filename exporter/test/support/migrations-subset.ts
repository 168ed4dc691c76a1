import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { PROJECT_ROOT } from '../../src/db/migrate.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

const MIGRATIONS = join(PROJECT_ROOT, 'prisma', 'migrations');

/** The names of the project's migrations, oldest first. */
export const MIGRATION_NAMES = readdirSync(MIGRATIONS)
  .filter((name) => statSync(join(MIGRATIONS, name)).isDirectory())
  .sort();

export interface MigrationsFolder {
  /** A Prisma config whose migrations folder is this one (pass it to applyMigrations). */
  configPath: string;
  /** Adds a migration: one of the project's by name, or a new one with the given SQL. */
  add(name: string, sql?: string): void;
  remove(): void;
}

/**
 * A migrations folder of its own, with a Prisma config pointing at it: a test applies the project's
 * migrations up to some point, writes data, then applies the rest, as a deployment does.
 */
export function migrationsFolder(names: readonly string[] = []): MigrationsFolder {
  const dir = mkdtempSync(join(tmpdir(), 'kewhats-migrations-'));
  const migrations = join(dir, 'migrations');
  mkdirSync(migrations);
  cpSync(join(MIGRATIONS, 'migration_lock.toml'), join(migrations, 'migration_lock.toml'));
  const configPath = join(dir, 'prisma.config.ts');
  writeFileSync(
    configPath,
    `import { createMigrationAdapter } from ${JSON.stringify(join(PROJECT_ROOT, 'exporter/src/db/prisma-migrate-adapter.ts'))};
export default {
  engine: 'js',
  experimental: { adapter: true },
  schema: ${JSON.stringify(join(PROJECT_ROOT, 'prisma/schema.prisma'))},
  migrations: { path: ${JSON.stringify(migrations)} },
  async adapter() {
    return createMigrationAdapter(process.env.DATABASE_URL ?? '');
  },
};
`,
  );
  const folder: MigrationsFolder = {
    configPath,
    add(name, sql) {
      if (sql === undefined) cpSync(join(MIGRATIONS, name), join(migrations, name), { recursive: true });
      else {
        mkdirSync(join(migrations, name));
        writeFileSync(join(migrations, name, 'migration.sql'), sql);
      }
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
  for (const name of names) folder.add(name);
  return folder;
}

export interface DatabaseBeforeMigration {
  /** A fresh database with no migration applied. */
  readonly db: TestDatabase;
  /** The project's migrations older than the one named: apply them, write data, then add it. */
  readonly folder: MigrationsFolder;
}

/**
 * For a describe block testing a migration on a database with data: registers the hooks that
 * create the database and the folder before its tests and remove both after them.
 */
export function databaseBeforeMigration(migration: string): DatabaseBeforeMigration {
  let db: TestDatabase | undefined;
  let folder: MigrationsFolder | undefined;
  before(async () => {
    db = await createTestDatabase({ migrate: false });
    folder = migrationsFolder(MIGRATION_NAMES.slice(0, MIGRATION_NAMES.indexOf(migration)));
  });
  after(async () => {
    folder?.remove();
    await db?.drop();
  });
  return {
    get db() {
      if (!db) throw new Error('the database exists only while the tests of the block run');
      return db;
    },
    get folder() {
      if (!folder) throw new Error('the migrations folder exists only while the tests of the block run');
      return folder;
    },
  };
}
