import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { ensureKeyPairInDir } from '../auth/keys.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../db/embedded-postgres.js';
import { applyMigrations, PROJECT_ROOT } from '../db/migrate.js';
import { createPool } from '../db/pool.js';
import { seedDemoData } from './seed.js';

export interface DemoEnvironment {
  config: Config;
  embedded: EmbeddedPostgres;
  databaseUrl: string;
  dataDir: string;
  seeded: boolean;
}

/** The demo's machine token: generated once, kept with the embedded data. */
function ensureMachineToken(dataDir: string): string {
  const path = join(dataDir, 'monitoring-token');
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  const token = randomBytes(24).toString('base64url');
  writeFileSync(path, `${token}\n`, { mode: 0o600 });
  return token;
}

/**
 * Demo mode (no DATABASE_URL): an embedded PostgreSQL kept under the data folder, migrated,
 * seeded with the demo data on first run, with a generated key pair and machine token.
 */
export async function prepareDemoEnvironment(config: Config, logger: Logger): Promise<DemoEnvironment> {
  const dataDir = isAbsolute(config.dataDir) ? config.dataDir : join(PROJECT_ROOT, config.dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const embedded = await startEmbeddedPostgres({ dataDir: join(dataDir, 'pglite') });
  try {
    await applyMigrations(embedded.url);
    const pool = createPool(embedded.url, { max: 2 });
    let seeded = false;
    try {
      const { rows } = await pool.query<{ users: number }>('SELECT count(*)::int AS users FROM "User"');
      if (rows[0]?.users === 0) {
        logger.info('seeding the demo data (first run)');
        await seedDemoData(pool);
        seeded = true;
      }
    } finally {
      await pool.end();
    }
    const hasKeys = config.jwt.publicKeys.length > 0;
    const keys = hasKeys ? undefined : ensureKeyPairInDir(join(dataDir, 'keys'));
    return {
      embedded,
      databaseUrl: embedded.url,
      dataDir,
      seeded,
      config: {
        ...config,
        databaseUrl: embedded.url,
        monitoringToken: config.monitoringToken ?? ensureMachineToken(dataDir),
        jwt: keys ? { ...config.jwt, publicKeys: [keys.publicKey], privateKey: keys.privateKey } : config.jwt,
      },
    };
  } catch (error) {
    await embedded.stop().catch(() => {});
    throw error;
  }
}
