import type pg from 'pg';
import { describeDatabaseUrl } from './database-url.js';
import { createPool, type PoolOptions } from './pool.js';

export class DatabaseUnavailableError extends Error {
  override name = 'DatabaseUnavailableError';
}

/** Opens a pool and proves it works, turning driver errors into one line that names the database. */
export async function connectDatabase(url: string, options: PoolOptions = {}): Promise<pg.Pool> {
  const pool = createPool(url, options);
  try {
    await pool.query('SELECT 1');
    const migrated = await pool.query(`SELECT to_regclass('"User"') IS NOT NULL AS ready`);
    if (!migrated.rows[0]?.ready) {
      throw new Error('its schema is missing: run `npm run db:migrate` with this DATABASE_URL first');
    }
    return pool;
  } catch (error) {
    await pool.end().catch(() => {});
    const reason = (error as Error).message || (error as { code?: string }).code || 'connection failed';
    throw new DatabaseUnavailableError(`cannot use database ${describeDatabaseUrl(url)}: ${reason}`);
  }
}
