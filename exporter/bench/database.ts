// The database the bench measures: by default kewhats_bench_<scale> on the local PostgreSQL
// server, filled once with synthetic data and reused while it still holds exactly that scale's
// rows (the scale-5 load takes minutes); an embedded PGlite at a small scale as a last resort.
import pg from 'pg';
import { foldAggregateDeltas } from '../src/aggregates/fold.js';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres.js';
import { applyMigrations } from '../src/db/migrate.js';
import { createPool } from '../src/db/pool.js';
import { generateSyntheticData, SCALE_ONE_ROWS, syntheticRowCounts } from '../src/demo/synthetic-data.js';

/** The PostgreSQL server the default bench database lives on (trust auth on loopback). */
export const DEFAULT_SERVER_URL = process.env.BENCH_SERVER_URL || 'postgresql://postgres@127.0.0.1:5432/postgres';
/** PGlite is single-session WebAssembly: a larger load would take long and prove little. */
export const EMBEDDED_MAX_SCALE = 0.02;

export type BenchDatabaseKind = 'server' | 'given' | 'embedded';

export interface BenchDatabase {
  url: string;
  kind: BenchDatabaseKind;
  /** Database name on the server (for pg_stat_database), undefined for PGlite. */
  name?: string;
  /** The URL of the server's maintenance database, to read statistics without touching `name`. */
  serverUrl?: string;
  /** The scale the data actually has. */
  scale: number;
  rows: Record<string, number>;
  /** What happened to the data: reused, generated (with its time) or given. */
  origin: string;
  /** Drops it unless kept; stops PGlite. */
  release(keep: boolean): Promise<string>;
}

type Log = (line: string) => void;

export function benchDatabaseName(scale: number): string {
  return `kewhats_bench_${String(scale).replace(/[^0-9]/g, '_')}`;
}

async function serverReachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Runs `task` on a client of its own, closed afterwards. */
export async function withClient<T>(url: string, task: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await task(client);
  } finally {
    await client.end();
  }
}

/** Row counts of the synthetic tables (undefined when the schema is missing). */
async function rowCounts(url: string): Promise<Record<string, number> | undefined> {
  return withClient(url, async (client) => {
    const migrated = await client.query(`SELECT to_regclass('"User"') IS NOT NULL AS ready`);
    if (!migrated.rows[0]?.ready) return undefined;
    const tables = [...Object.keys(SCALE_ONE_ROWS), 'ApiKeyUsage'];
    const result = await client.query(`SELECT ${tables.map((table) => `(SELECT count(*) FROM "${table}")::bigint AS "${table}"`).join(', ')}`);
    return Object.fromEntries(tables.map((table) => [table, Number(result.rows[0][table])]));
  });
}

/** Whether the rows are exactly what generateSyntheticData makes at `scale` (one run, nothing else). */
function holdsScale(rows: Record<string, number> | undefined, scale: number): boolean {
  if (!rows) return false;
  return Object.entries(syntheticRowCounts(scale)).every(([table, count]) => rows[table] === count);
}

const isEmpty = (rows: Record<string, number>) => Object.values(rows).every((count) => count === 0);

export async function generate(url: string, scale: number, log: Log, kept = true): Promise<number> {
  const pool = createPool(url, { max: 1, statementTimeoutMs: 0, applicationName: 'kewhats-bench-generate' });
  try {
    log(`generating synthetic data at scale ${scale}${kept ? ' (a one-off: pass --keep to reuse it next time)' : ''}`);
    const summary = await generateSyntheticData(pool, {
      scale,
      onProgress: ({ table, done, total, elapsedMs }) =>
        log(`  ${table}: ${done.toLocaleString('en')} / ${total.toLocaleString('en')} ${(elapsedMs / 1000).toFixed(1)} s`),
    });
    await settle(pool, log);
    return summary.totalMs;
  } finally {
    await pool.end();
  }
}

/**
 * The state the exporter and autovacuum keep a production database in: the deltas the load left
 * folded into the maintained counts, every table vacuumed and analysed. Every run then sees the
 * same plans (index-only scans, the counts tables' real sizes) instead of racing autovacuum.
 */
async function settle(pool: pg.Pool, log: Log): Promise<void> {
  const folded = await foldAggregateDeltas(pool);
  log(`  folded ${folded.toLocaleString('en')} delta rows; VACUUM ANALYZE`);
  await pool.query('VACUUM ANALYZE');
}

/** Scale 0.02 → "0.02"; numbers of rows are what identify a scale, this is only for messages. */
const describeRows = (rows: Record<string, number>) =>
  `${rows.User?.toLocaleString('en')} users, ${rows.Message?.toLocaleString('en')} messages, ${rows.Contact?.toLocaleString('en')} contacts`;

/** The scale the rows correspond to, from the contacts (the export row's table). */
const scaleOf = (rows: Record<string, number>) => (rows.Contact ?? 0) / SCALE_ONE_ROWS.Contact;

export async function prepareBenchDatabase(options: { scale: number; databaseUrl?: string }, log: Log): Promise<BenchDatabase> {
  if (options.databaseUrl) return prepareGivenDatabase(options.databaseUrl, options.scale, log);
  if (await serverReachable(DEFAULT_SERVER_URL)) return prepareServerDatabase(options.scale, log);
  return prepareEmbeddedDatabase(options.scale, log);
}

async function prepareGivenDatabase(url: string, scale: number, log: Log): Promise<BenchDatabase> {
  log(`database: ${new URL(url).pathname.slice(1) || url} (given; used as is, never dropped)`);
  await applyMigrations(url);
  let rows = (await rowCounts(url))!;
  let origin = 'given';
  if (isEmpty(rows)) {
    const ms = await generate(url, scale, log);
    rows = (await rowCounts(url))!;
    origin = `given, empty: generated at scale ${scale} in ${(ms / 1000).toFixed(0)} s`;
  }
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  target.pathname = '/postgres';
  return {
    url,
    kind: 'given',
    name,
    serverUrl: target.toString(),
    scale: scaleOf(rows),
    rows,
    origin,
    release: async () => 'given database left as it was',
  };
}

async function prepareServerDatabase(scale: number, log: Log): Promise<BenchDatabase> {
  const name = benchDatabaseName(scale);
  const url = new URL(DEFAULT_SERVER_URL);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  const exists = await withClient(
    DEFAULT_SERVER_URL,
    async (client) => (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1,
  );
  let rows = exists ? await rowCounts(databaseUrl) : undefined;
  let origin: string;
  if (exists && holdsScale(rows, scale)) {
    origin = 'reused (holds this scale already)';
    log(`database: ${name} reused (${describeRows(rows!)})`);
    await applyMigrations(databaseUrl); // a migration added since the load still applies
    // Quick when nothing changed; after a new migration (the counts' backfill) it analyses the new tables.
    const pool = createPool(databaseUrl, { max: 1, statementTimeoutMs: 0, applicationName: 'kewhats-bench-generate' });
    try {
      await settle(pool, log);
    } finally {
      await pool.end();
    }
  } else {
    if (exists) log(`database: ${name} exists but does not hold exactly scale ${scale}: recreating it`);
    await withClient(DEFAULT_SERVER_URL, async (client) => {
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.query(`CREATE DATABASE "${name}"`);
    });
    log(`database: ${name} created on ${url.host}; applying migrations`);
    await applyMigrations(databaseUrl);
    const ms = await generate(databaseUrl, scale, log);
    origin = `generated in ${(ms / 1000).toFixed(0)} s`;
  }
  rows = (await rowCounts(databaseUrl))!;
  return {
    url: databaseUrl,
    kind: 'server',
    name,
    serverUrl: DEFAULT_SERVER_URL,
    scale,
    rows,
    origin,
    async release(keep) {
      if (keep) return `kept ${name} for the next run`;
      await withClient(DEFAULT_SERVER_URL, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
      return `dropped ${name} (pass --keep to reuse it and skip the data load next time)`;
    },
  };
}

async function prepareEmbeddedDatabase(scale: number, log: Log): Promise<BenchDatabase> {
  const embeddedScale = Math.min(scale, EMBEDDED_MAX_SCALE);
  log(
    `WARNING: no PostgreSQL server at ${new URL(DEFAULT_SERVER_URL).host}: using an embedded PGlite at scale ${embeddedScale}. ` +
      'PGlite is single-session WebAssembly: these figures only prove the bench runs, they are not comparable to the targets.',
  );
  const embedded = await startEmbeddedPostgres();
  try {
    await applyMigrations(embedded.url);
    const ms = await generate(embedded.url, embeddedScale, log);
    const rows = (await rowCounts(embedded.url))!;
    return {
      url: embedded.url,
      kind: 'embedded',
      scale: embeddedScale,
      rows,
      origin: `embedded PGlite, generated in ${(ms / 1000).toFixed(0)} s`,
      async release() {
        await embedded.stop();
        return 'embedded database stopped';
      },
    };
  } catch (error) {
    await embedded.stop().catch(() => {});
    throw error;
  }
}

export interface ScratchDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/**
 * A database of the bench's own on the bench's server (`kewhats_bench_<purpose>`), migrated and,
 * with `scale`, filled with synthetic data: for parts that change data (writes, the exactness
 * workload) and so must never touch the scale databases. Recreated if a run left it behind.
 */
export async function createScratchDatabase(purpose: string, scale: number | undefined, log: Log): Promise<ScratchDatabase> {
  const name = `kewhats_bench_${purpose}`;
  const url = new URL(DEFAULT_SERVER_URL);
  url.pathname = `/${name}`;
  const drop = () => withClient(DEFAULT_SERVER_URL, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined);
  await drop();
  await withClient(DEFAULT_SERVER_URL, (client) => client.query(`CREATE DATABASE "${name}"`));
  try {
    await applyMigrations(url.toString());
    if (scale !== undefined) await generate(url.toString(), scale, log, false);
  } catch (error) {
    await drop().catch(() => {});
    throw error;
  }
  return { url: url.toString(), name, drop };
}

/** Whether the bench's server answers (the scratch parts need one: PGlite is a single session). */
export const benchServerReachable = () => serverReachable(DEFAULT_SERVER_URL);
