import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { applyMigrations } from '../../src/db/migrate.js';
import { createPool } from '../../src/db/pool.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../src/db/embedded-postgres.js';
import { startPrivatePostgres } from './private-postgres.js';

export interface TestDatabase {
  url: string;
  pool: pg.Pool;
  /** 'server' when TEST_DATABASE_URL points at a PostgreSQL server, 'embedded' for PGlite. */
  kind: 'server' | 'embedded';
  drop(): Promise<void>;
}

export interface TestDatabaseOptions {
  migrate?: boolean;
  /** The server to create the database on (default TEST_DATABASE_URL; undefined: PGlite). */
  serverUrl?: string;
  /**
   * The test needs a PostgreSQL server, not PGlite: several sessions at once (a lock one session
   * holds while the others go on), backends to terminate. Without TEST_DATABASE_URL the database
   * is then made on a private server of the test file's own (PostgreSQL's server programs, which
   * `npm test` installs), destroyed with it.
   */
  needsServer?: boolean;
}

/**
 * A fresh, migrated database for one test file: a new database on the PostgreSQL server named
 * by TEST_DATABASE_URL (dropped afterwards), or an in-memory embedded PGlite when it is unset.
 * Both are real PostgreSQL reached through the same `pg` driver and migrations.
 */
export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const serverUrl = 'serverUrl' in options ? options.serverUrl : process.env.TEST_DATABASE_URL;
  if (options.needsServer && !serverUrl) {
    const server = await startPrivatePostgres();
    try {
      const db = await createTestDatabase({ migrate: options.migrate, serverUrl: server.url });
      return {
        ...db,
        async drop() {
          await db.drop();
          await server.destroy();
        },
      };
    } catch (error) {
      await server.destroy();
      throw error;
    }
  }
  let url: string;
  let dispose: () => Promise<void>;
  let kind: TestDatabase['kind'];
  if (serverUrl) {
    kind = 'server';
    const name = `kewhats_test_${process.pid}_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    await admin.end();
    const target = new URL(serverUrl);
    target.pathname = `/${name}`;
    url = target.toString();
    dispose = async () => {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.end();
    };
  } else {
    kind = 'embedded';
    const embedded: EmbeddedPostgres = await startEmbeddedPostgres();
    url = embedded.url;
    dispose = () => embedded.stop();
  }
  if (options.migrate !== false) await applyMigrations(url);
  const pool = createPool(url, { max: 6, applicationName: 'kewhats-test' });
  return {
    url,
    pool,
    kind,
    async drop() {
      await pool.end();
      await dispose();
    },
  };
}
