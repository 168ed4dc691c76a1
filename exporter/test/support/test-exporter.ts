import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { pino } from 'pino';
import { generateRsaKeyPair, type PemKeyPair } from '../../src/auth/keys.js';
import { signAccessToken } from '../../src/auth/access-token.js';
import type { Role } from '../../src/auth/roles.js';
import { loadConfig, type Config } from '../../src/config.js';
import { startExporter, type Exporter, type ExporterOptions } from '../../src/exporter.js';
import type { Section } from '../../src/sections/section.js';

let sharedKeys: PemKeyPair | undefined;
/** One RS256 key pair per test process: generating RSA keys is slow. */
export function testKeys(): PemKeyPair {
  sharedKeys ??= generateRsaKeyPair();
  return sharedKeys;
}

export interface TestExporter {
  url: string;
  exporter: Exporter;
  config: Config;
  machineToken: string;
  /** A valid access token for a (made-up) account of this role. */
  tokenFor(role: Role, user?: { id?: string; email?: string }): string;
  authHeaders(role?: Role | 'machine'): Record<string, string>;
  close(): Promise<void>;
}

/** A real exporter on a loopback port over the given database, configured like production. */
export async function startTestExporter(options: {
  pool: pg.Pool;
  /** the aggregate reads and exports (a read replica); default: `pool` */
  readPool?: pg.Pool;
  env?: Record<string, string>;
  config?: Partial<Config>;
  now?: () => Date;
  /** the clock of sessions, tokens and sign-in limits (epoch ms) */
  authClock?: () => number;
  /** The monitoring sections (default: every section of src/sections). */
  sections?: readonly Section[];
  /** shorter live-stream heartbeats and re-checks */
  liveStreamTimings?: ExporterOptions['liveStreamTimings'];
}): Promise<TestExporter> {
  const keys = testKeys();
  const machineToken = randomBytes(24).toString('hex');
  const base = loadConfig({
    DATABASE_URL: 'postgresql://unused.invalid/test',
    PORT: '0',
    HOST: '127.0.0.1',
    MONITORING_TOKEN: machineToken,
    JWT_PUBLIC_KEY: keys.publicKey,
    JWT_PRIVATE_KEY: keys.privateKey,
    LOG_LEVEL: 'silent',
    ...options.env,
  });
  const config: Config = { ...base, ...options.config };
  const exporter = await startExporter({
    config,
    pool: options.pool,
    readPool: options.readPool,
    logger: pino({ level: 'silent' }),
    now: options.now,
    authClock: options.authClock,
    sections: options.sections,
    liveStreamTimings: options.liveStreamTimings,
  });
  const tokenFor = (role: Role, user: { id?: string; email?: string } = {}) =>
    signAccessToken({ id: user.id ?? `test-${role}`, email: user.email ?? `${role}@test.example`, role }, config.jwt).token;
  return {
    url: exporter.url,
    exporter,
    config,
    machineToken,
    tokenFor,
    authHeaders: (role = 'machine') => ({ Authorization: `Bearer ${role === 'machine' ? machineToken : tokenFor(role)}` }),
    close: () => exporter.close(),
  };
}
