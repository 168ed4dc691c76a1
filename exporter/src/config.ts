import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** A configuration problem, reported as one line naming the variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

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

const environmentSchema = z.object({
  DATABASE_URL: z
    .string()
    .refine((value) => /^postgres(ql)?:\/\//.test(value) && URL.canParse(value), 'must be a postgres:// or postgresql:// URL')
    .optional(),
  PORT: z.coerce.number({ message: 'must be a number' }).int().min(0).max(65_535).default(9470),
  HOST: z.string().min(1).default('0.0.0.0'),
  MONITORING_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  JWT_PUBLIC_KEY: z.string().optional(),
  JWT_PUBLIC_KEY_FILE: z.string().optional(),
  /** A second accepted public key during a key rotation. */
  JWT_PREVIOUS_PUBLIC_KEY: z.string().optional(),
  JWT_PREVIOUS_PUBLIC_KEY_FILE: z.string().optional(),
  JWT_PRIVATE_KEY: z.string().optional(),
  JWT_PRIVATE_KEY_FILE: z.string().optional(),
  JWT_ISSUER: z.string().min(1).optional(),
  JWT_AUDIENCE: z.string().min(1).optional(),
  JWT_TTL_SECONDS: positiveInt(86_400).default(900),
  REFRESH_INTERVAL_SECONDS: positiveInt(3_600).default(15),
  REPORT_TIMEZONE: z.string().refine(isValidTimeZone, 'must be an IANA time zone such as Asia/Jakarta').default('Asia/Jakarta'),
  CURRENCY: z
    .string()
    .regex(/^[A-Z]{3}$/, 'must be a 3-letter ISO 4217 code such as IDR')
    .default('IDR'),
  GRAFANA_URL: z
    .string()
    .refine((value) => /^https?:\/\//.test(value) && URL.canParse(value), 'must be an http(s) URL')
    .optional(),
  METRICS_PUBLIC: booleanFlag.default(false),
  DEMO_SIMULATOR: booleanFlag.optional(),
  EXPORT_CONCURRENCY: positiveInt(64).default(3),
  STATEMENT_TIMEOUT_MS: positiveInt(600_000).default(10_000),
  EXPORT_STATEMENT_TIMEOUT_MS: positiveInt(3_600_000).default(600_000),
  SHUTDOWN_TIMEOUT_MS: positiveInt(600_000).default(10_000),
  DB_POOL_MAX: positiveInt(100).default(10),
  KEWHATS_DATA_DIR: z.string().min(1).default('.data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TRUST_PROXY: z.string().optional(),
});

export type Environment = z.infer<typeof environmentSchema>;

export interface JwtKeys {
  /** PEM keys accepted for verification: the current one first, a previous one during rotation. */
  publicKeys: string[];
  privateKey?: string;
  issuer?: string;
  audience?: string;
  ttlSeconds: number;
}

export interface Config {
  databaseUrl?: string;
  port: number;
  host: string;
  monitoringToken?: string;
  jwt: JwtKeys;
  refreshIntervalMs: number;
  reportTimeZone: string;
  currency: string;
  grafanaUrl?: string;
  metricsPublic: boolean;
  demoSimulator?: boolean;
  exportConcurrency: number;
  statementTimeoutMs: number;
  exportStatementTimeoutMs: number;
  shutdownTimeoutMs: number;
  dbPoolMax: number;
  dataDir: string;
  logLevel: Environment['LOG_LEVEL'];
  trustProxy?: string;
}

function readKey(env: Environment, inline: keyof Environment, file: keyof Environment): string | undefined {
  const value = env[inline] as string | undefined;
  const path = env[file] as string | undefined;
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
  const present = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = environmentSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`);
    throw new ConfigError(problems.join('; '));
  }
  const env = parsed.data;
  const publicKey = readKey(env, 'JWT_PUBLIC_KEY', 'JWT_PUBLIC_KEY_FILE');
  const previousPublicKey = readKey(env, 'JWT_PREVIOUS_PUBLIC_KEY', 'JWT_PREVIOUS_PUBLIC_KEY_FILE');
  const privateKey = readKey(env, 'JWT_PRIVATE_KEY', 'JWT_PRIVATE_KEY_FILE');
  checkPem('JWT_PUBLIC_KEY', publicKey, 'PUBLIC');
  checkPem('JWT_PREVIOUS_PUBLIC_KEY', previousPublicKey, 'PUBLIC');
  checkPem('JWT_PRIVATE_KEY', privateKey, 'PRIVATE');
  if (privateKey && !publicKey) throw new ConfigError('JWT_PUBLIC_KEY is required when JWT_PRIVATE_KEY is set');
  return {
    databaseUrl: env.DATABASE_URL,
    port: env.PORT,
    host: env.HOST,
    monitoringToken: env.MONITORING_TOKEN,
    jwt: {
      publicKeys: [publicKey, previousPublicKey].filter((key): key is string => key !== undefined),
      privateKey,
      issuer: env.JWT_ISSUER,
      audience: env.JWT_AUDIENCE,
      ttlSeconds: env.JWT_TTL_SECONDS,
    },
    refreshIntervalMs: env.REFRESH_INTERVAL_SECONDS * 1000,
    reportTimeZone: env.REPORT_TIMEZONE,
    currency: env.CURRENCY,
    grafanaUrl: env.GRAFANA_URL?.replace(/\/+$/, ''),
    metricsPublic: env.METRICS_PUBLIC,
    demoSimulator: env.DEMO_SIMULATOR,
    exportConcurrency: env.EXPORT_CONCURRENCY,
    statementTimeoutMs: env.STATEMENT_TIMEOUT_MS,
    exportStatementTimeoutMs: env.EXPORT_STATEMENT_TIMEOUT_MS,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    dbPoolMax: env.DB_POOL_MAX,
    dataDir: env.KEWHATS_DATA_DIR,
    logLevel: env.LOG_LEVEL,
    trustProxy: env.TRUST_PROXY,
  };
}
