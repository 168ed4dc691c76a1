import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** A configuration problem, reported as one line naming the variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Defaults other modules share (the tracking kit, the seed, the dashboards). */
export const DEFAULT_REPORT_TIMEZONE = 'Asia/Jakarta';
export const DEFAULT_CURRENCY = 'IDR';
export const DEFAULT_PORT = 9470;

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const positiveInt = (max: number) =>
  z.coerce.number({ message: 'must be a number' }).int('must be a whole number').positive('must be positive').max(max);

function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const postgresUrl = z
  .string()
  .refine((value) => /^postgres(ql)?:\/\//.test(value) && URL.canParse(value), 'must be a postgres:// or postgresql:// URL');

/** One environment variable: its name and the schema that reads it (defaults included). */
interface Setting<Schema extends z.ZodType> {
  env: string;
  schema: Schema;
}

const setting = <Schema extends z.ZodType>(env: string, schema: Schema): Setting<Schema> => ({ env, schema });

/**
 * Every setting but the JWT keys, each written once: the property is its name in `Config`, the
 * variable and the schema (with its default) sit beside it. The README documents each variable;
 * a test keeps the two in step.
 */
const SETTINGS = {
  databaseUrl: setting('DATABASE_URL', postgresUrl.optional()),
  /** unset: DATABASE_URL (a streaming replica for the aggregate reads and the CSV exports) */
  databaseReadUrl: setting('DATABASE_READ_URL', postgresUrl.optional()),
  port: setting('PORT', z.coerce.number({ message: 'must be a number' }).int().min(0).max(65_535).default(DEFAULT_PORT)),
  host: setting('HOST', z.string().min(1).default('0.0.0.0')),
  monitoringToken: setting('MONITORING_TOKEN', z.string().min(16, 'must be at least 16 characters').optional()),
  refreshIntervalMs: setting(
    'REFRESH_INTERVAL_SECONDS',
    positiveInt(3_600)
      .default(15)
      .transform((seconds) => seconds * 1000),
  ),
  reportTimeZone: setting(
    'REPORT_TIMEZONE',
    z.string().refine(isValidTimeZone, `must be an IANA time zone such as ${DEFAULT_REPORT_TIMEZONE}`).default(DEFAULT_REPORT_TIMEZONE),
  ),
  currency: setting(
    'CURRENCY',
    z
      .string()
      .regex(/^[A-Z]{3}$/, `must be a 3-letter ISO 4217 code such as ${DEFAULT_CURRENCY}`)
      .default(DEFAULT_CURRENCY),
  ),
  grafanaUrl: setting(
    'GRAFANA_URL',
    z
      .string()
      .refine((value) => /^https?:\/\//.test(value) && URL.canParse(value), 'must be an http(s) URL')
      .transform((value) => value.replace(/\/+$/, ''))
      .optional(),
  ),
  metricsPublic: setting('METRICS_PUBLIC', booleanFlag.default(false)),
  demoSimulator: setting('DEMO_SIMULATOR', booleanFlag.optional()),
  exportConcurrency: setting('EXPORT_CONCURRENCY', positiveInt(64).default(3)),
  statementTimeoutMs: setting('STATEMENT_TIMEOUT_MS', positiveInt(600_000).default(10_000)),
  /** unset: STATEMENT_TIMEOUT_MS + 5 s (see defaultQueryTimeoutMs) */
  queryTimeoutMs: setting('QUERY_TIMEOUT_MS', positiveInt(3_600_000).optional()),
  readyzTimeoutMs: setting('READYZ_TIMEOUT_MS', positiveInt(60_000).default(2_000)),
  exportStatementTimeoutMs: setting('EXPORT_STATEMENT_TIMEOUT_MS', positiveInt(3_600_000).default(600_000)),
  exportIdleTimeoutMs: setting('EXPORT_IDLE_TIMEOUT_MS', positiveInt(3_600_000).default(60_000)),
  shutdownTimeoutMs: setting('SHUTDOWN_TIMEOUT_MS', positiveInt(600_000).default(10_000)),
  dbPoolMax: setting('DB_POOL_MAX', positiveInt(100).default(10)),
  dataDir: setting('KEWHATS_DATA_DIR', z.string().min(1).default('.data')),
  logLevel: setting('LOG_LEVEL', z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')),
  trustProxy: setting('TRUST_PROXY', z.string().optional()),
  sessionIdleMs: setting(
    'SESSION_IDLE_HOURS',
    positiveInt(24 * 31)
      .default(12)
      .transform((hours) => hours * 3_600_000),
  ),
  sessionMaxAgeMs: setting(
    'SESSION_MAX_DAYS',
    positiveInt(366)
      .default(7)
      .transform((days) => days * 86_400_000),
  ),
  sessionsPerUser: setting('SESSION_MAX_PER_USER', positiveInt(1_000).default(20)),
  sessionPurgeIntervalMs: setting(
    'SESSION_PURGE_MINUTES',
    positiveInt(24 * 60)
      .default(15)
      .transform((minutes) => minutes * 60_000),
  ),
  liveStreamMax: setting('LIVE_STREAM_MAX', positiveInt(100_000).default(500)),
  liveStreamMaxPerUser: setting('LIVE_STREAM_MAX_PER_USER', positiveInt(100_000).default(20)),
  /** 0: never; fractions allowed (0.5 = every 30 minutes) */
  aggregateVerifyIntervalMs: setting(
    'AGGREGATE_VERIFY_INTERVAL_HOURS',
    z.coerce
      .number({ message: 'must be a number' })
      .min(0, 'must be 0 (off) or positive')
      .max(24 * 366)
      .default(24)
      .transform((hours) => Math.round(hours * 3_600_000)),
  ),
};

/** The JWT settings: keys come inline or from a file, so they are read by `readKey` below. */
const JWT_SETTINGS = {
  issuer: setting('JWT_ISSUER', z.string().min(1).optional()),
  audience: setting('JWT_AUDIENCE', z.string().min(1).optional()),
  ttlSeconds: setting('JWT_TTL_SECONDS', positiveInt(86_400).default(900)),
};

const JWT_KEY_VARIABLES = ['JWT_PUBLIC_KEY', 'JWT_PREVIOUS_PUBLIC_KEY', 'JWT_PRIVATE_KEY'] as const;

type Values<Settings extends Record<string, Setting<z.ZodType>>> = { [Key in keyof Settings]: z.output<Settings[Key]['schema']> };

export interface JwtKeys extends Values<typeof JWT_SETTINGS> {
  /** PEM keys accepted for verification: the current one first, a previous one during rotation. */
  publicKeys: string[];
  privateKey?: string;
}

export type Config = Values<typeof SETTINGS> & { jwt: JwtKeys };

/** Every environment variable the exporter reads (the README documents each). */
export const ENVIRONMENT_VARIABLES: readonly string[] = [
  ...Object.values(SETTINGS).map((entry) => entry.env),
  ...Object.values(JWT_SETTINGS).map((entry) => entry.env),
  ...JWT_KEY_VARIABLES.flatMap((name) => [name, `${name}_FILE`]),
];

function readSettings<Settings extends Record<string, Setting<z.ZodType>>>(settings: Settings, env: Record<string, string>): Values<Settings> {
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, { env: name, schema }] of Object.entries(settings)) {
    const parsed = schema.safeParse(env[name]);
    if (parsed.success) values[key] = parsed.data;
    else problems.push(`${name} ${parsed.error.issues[0]?.message ?? 'is invalid'}`);
  }
  if (problems.length > 0) throw new ConfigError(problems.join('; '));
  return values as Values<Settings>;
}

function readKey(env: Record<string, string>, inline: (typeof JWT_KEY_VARIABLES)[number]): string | undefined {
  const file = `${inline}_FILE`;
  const value = env[inline];
  const path = env[file];
  if (value && path) throw new ConfigError(`${inline} and ${file} are both set: use one`);
  if (value) return value.replace(/\\n/g, '\n');
  if (!path) return undefined;
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`${file}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

function checkPem(name: string, pem: string | undefined, kind: 'PUBLIC' | 'PRIVATE'): void {
  if (pem !== undefined && !new RegExp(`-----BEGIN (RSA )?${kind} KEY-----`).test(pem)) {
    throw new ConfigError(`${name} is not a PEM ${kind.toLowerCase()} key`);
  }
}

/** Validates the environment; every problem is a ConfigError naming its variable. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable counts as unset, as in a compose file's `VAR=`.
  const env = Object.fromEntries(Object.entries(source).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''));
  const settings = readSettings(SETTINGS, env);
  const jwtSettings = readSettings(JWT_SETTINGS, env);
  const publicKey = readKey(env, 'JWT_PUBLIC_KEY');
  const previousPublicKey = readKey(env, 'JWT_PREVIOUS_PUBLIC_KEY');
  const privateKey = readKey(env, 'JWT_PRIVATE_KEY');
  checkPem('JWT_PUBLIC_KEY', publicKey, 'PUBLIC');
  checkPem('JWT_PREVIOUS_PUBLIC_KEY', previousPublicKey, 'PUBLIC');
  checkPem('JWT_PRIVATE_KEY', privateKey, 'PRIVATE');
  if (privateKey && !publicKey) throw new ConfigError('JWT_PUBLIC_KEY is required when JWT_PRIVATE_KEY is set');
  if (settings.databaseReadUrl && !settings.databaseUrl)
    throw new ConfigError('DATABASE_READ_URL needs DATABASE_URL (the primary, for sign-in and writes)');
  return {
    ...settings,
    jwt: {
      ...jwtSettings,
      publicKeys: [publicKey, previousPublicKey].filter((key): key is string => key !== undefined),
      privateKey,
    },
  };
}
