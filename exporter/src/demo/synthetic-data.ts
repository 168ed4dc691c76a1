import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { DEFAULT_REPORT_TIMEZONE } from '../config.js';
import { checkOutClient } from '../db/checked-out-client.js';

/**
 * Large synthetic data for benchmarks: every table filled by set-based INSERT ... SELECT over
 * generate_series, big tables in chunks of CHUNK_ROWS rows per statement (one transaction each,
 * so progress is visible and no single transaction grows without bound).
 *
 * Additive: every run inserts new rows with fresh ids (a run prefix in the style of UUIDv7: the
 * run's start time plus random bits, then a table code and a counter). Run it once on a fresh
 * database for benchmark figures; a second run doubles the data. The ids of one run increase with
 * the counter, so primary-key inserts append to the index instead of landing on random pages.
 *
 * Values come from PostgreSQL's random() after setseed(): the same --seed gives the same
 * distributions and values (the ids differ per run by design).
 */

/** Rows per table at scale 1; usage rows come on top (up to 30 local days per API key). */
export const SCALE_ONE_ROWS = {
  User: 10_000,
  Device: 15_000,
  Message: 2_000_000,
  Contact: 1_000_000,
  Chatbot: 5_000,
  ChatbotSession: 200_000,
  Broadcast: 20_000,
  Payment: 50_000,
  Integration: 8_000,
  Webhook: 6_000,
  ApiKey: 5_000,
} as const;

export type SyntheticTable = keyof typeof SCALE_ONE_ROWS | 'ApiKeyUsage';
type CountedTable = keyof typeof SCALE_ONE_ROWS;

export const MAX_SCALE = 100;
export const DEFAULT_SEED = 42;
const USAGE_DAYS = 30;
/** Rows per INSERT statement: large enough to amortise planning and commits, small enough to report progress. */
export const CHUNK_ROWS = 1_000_000;

export interface SyntheticProgress {
  table: SyntheticTable;
  done: number;
  total: number;
  /** Time spent on this table so far. */
  elapsedMs: number;
}

export interface SyntheticOptions {
  /** 1 ≈ 10k users, 2M messages; decimals allowed (0.001 for tests). */
  scale: number;
  /** Seed of the value distributions (default DEFAULT_SEED). */
  seed?: number;
  /** The instant timestamps are relative to (default: the time each table is generated). */
  now?: Date;
  /** Local day of API usage rows (default: the exporter's REPORT_TIMEZONE default). */
  timeZone?: string;
  onProgress?: (progress: SyntheticProgress) => void;
}

export interface SyntheticSummary {
  scale: number;
  seed: number;
  /** The id prefix of this run: every id it created starts with it. */
  runPrefix: string;
  rows: Record<SyntheticTable, number>;
  timingsMs: Record<SyntheticTable, number>;
  totalMs: number;
}

/** Rows per table for a scale: proportional, rounded, at least one so references always resolve. */
export function syntheticRowCounts(scale: number): Record<CountedTable, number> {
  assertScale(scale);
  return Object.fromEntries(Object.entries(SCALE_ONE_ROWS).map(([table, rows]) => [table, Math.max(1, Math.round(rows * scale))])) as Record<
    CountedTable,
    number
  >;
}

function assertScale(scale: number): void {
  if (!Number.isFinite(scale) || scale <= 0 || scale > MAX_SCALE) {
    throw new Error(`scale must be a number greater than 0 and at most ${MAX_SCALE}, got ${scale}`);
  }
}

/** Never verifies: argon2 verification of a malformed hash fails, so synthetic users cannot sign in. */
export const SYNTHETIC_PASSWORD_HASH = '!synthetic';

// Table codes inside ids: the same counter in two tables still gives two different ids.
const TABLE_CODE: Record<CountedTable, string> = {
  User: '01',
  Device: '02',
  Message: '03',
  Contact: '04',
  Chatbot: '05',
  ChatbotSession: '06',
  Broadcast: '07',
  Payment: '08',
  Integration: '09',
  Webhook: '0a',
  ApiKey: '0b',
};

/** `tttttttt-tttt-7rrr-vrrr-` — start time in ms (48 bits), version 7, 24 random bits, variant. */
function newRunPrefix(started: Date): string {
  const time = started.getTime().toString(16).padStart(12, '0').slice(-12);
  const random = randomBytes(3).toString('hex');
  const variant = (8 + (randomBytes(1)[0]! % 4)).toString(16);
  return `${time.slice(0, 8)}-${time.slice(8)}-7${random.slice(0, 3)}-${variant}${random.slice(3)}-`;
}

interface TableStep {
  table: CountedTable | 'ApiKeyUsage';
  /** Rows to generate (ApiKeyUsage: the number of keys; its rows are counted as inserted). */
  rows: number;
  /** SQL for rows [$2, $3]; $1 = now, $4 = time zone (only where used). */
  sql: string;
}

function buildSteps(prefix: string, counts: Record<CountedTable, number>): TableStep[] {
  /** The id of row `n` of a table created by this run. */
  const id = (table: CountedTable, n: string): string => `'${prefix}${TABLE_CODE[table]}' || lpad(to_hex(${n}), 10, '0')`;
  /** A uniformly random existing row of a parent table of this run. */
  const anyOf = (table: CountedTable, r: string): string => id(table, `1 + floor(${r} * ${counts[table]})::bigint`);
  const series = 'generate_series($2::bigint, $3::bigint) AS n';
  /**
   * Rows 1..k of a run take the k values in turn, then `distribution` decides: every enum value
   * appears even at tiny scales (15 devices), without shifting the large-scale mix noticeably.
   */
  const everyValueFirst = (values: string[], distribution: string): string =>
    `CASE WHEN n <= ${values.length} THEN (ARRAY[${values.map((v) => `'${v}'`).join(', ')}])[n::int] ELSE ${distribution} END`;
  const ago = (r: string, span: string): string => `$1::timestamptz - ${r} * interval '${span}'`;

  return [
    {
      table: 'User',
      rows: counts.User,
      // Never admin: synthetic users must not add administrators. A few monitoring accounts.
      sql: `INSERT INTO "User" ("id", "email", "name", "passwordHash", "role", "plan", "createdAt", "updatedAt")
            SELECT id, 'synthetic-' || id || '@example.test', 'Synthetic user ' || n, '${SYNTHETIC_PASSWORD_HASH}',
                   (CASE WHEN r1 < 0.01 THEN 'monitoring' ELSE 'user' END)::"Role",
                   (${everyValueFirst(
                     ['free', 'pro', 'enterprise', 'unlimited'],
                     `CASE WHEN r2 < 0.70 THEN 'free' WHEN r2 < 0.90 THEN 'pro' WHEN r2 < 0.98 THEN 'enterprise' ELSE 'unlimited' END`,
                   )})::"Plan",
                   created, created + r3 * ($1::timestamptz - created)
              FROM (SELECT n, ${id('User', 'n')} AS id, random() AS r1, random() AS r2, random() AS r3,
                           ${ago('random()', '730 days')} AS created
                      FROM ${series}) AS s`,
    },
    {
      table: 'Device',
      rows: counts.Device,
      sql: `INSERT INTO "Device" ("id", "userId", "name", "phone", "status", "createdAt", "updatedAt")
            SELECT ${id('Device', 'n')}, ${anyOf('User', 'r1')}, 'Device ' || n,
                   -- Not yet paired (connecting, qr): no phone number known.
                   CASE WHEN status IN ('connected', 'disconnected') THEN '+628' || (1000000000 + n)::text END,
                   status::"DeviceStatus", ${ago('r3', '365 days')}, ${ago('r3 * r4', '365 days')}
              FROM (SELECT n, r1, r3, r4,
                           ${everyValueFirst(
                             ['connected', 'disconnected', 'connecting', 'qr'],
                             `CASE WHEN r2 < 0.55 THEN 'connected' WHEN r2 < 0.85 THEN 'disconnected' WHEN r2 < 0.93 THEN 'connecting' ELSE 'qr' END`,
                           )} AS status
                      FROM (SELECT n, random() AS r1, random() AS r2, random() AS r3, random() AS r4 FROM ${series}) AS r) AS s`,
    },
    {
      table: 'Chatbot',
      rows: counts.Chatbot,
      sql: `INSERT INTO "Chatbot" ("id", "userId", "name", "status", "createdAt")
            SELECT ${id('Chatbot', 'n')}, ${anyOf('User', 'r1')}, 'Chatbot ' || n,
                   (${everyValueFirst(['active', 'inactive'], `CASE WHEN r2 < 0.6 THEN 'active' ELSE 'inactive' END`)})::"ChatbotStatus",
                   ${ago('r3', '365 days')}
              FROM (SELECT n, random() AS r1, random() AS r2, random() AS r3 FROM ${series}) AS s`,
    },
    {
      table: 'Integration',
      rows: counts.Integration,
      sql: `INSERT INTO "Integration" ("id", "userId", "type", "name", "isActive", "createdAt")
            SELECT ${id('Integration', 'n')}, ${anyOf('User', 'r1')}, type, initcap(type) || ' ' || n, r3 < 0.8,
                   ${ago('r4', '365 days')}
              FROM (SELECT n, r1, r3, r4,
                           CASE WHEN r2 < 0.30 THEN 'telegram' WHEN r2 < 0.45 THEN 'discord' WHEN r2 < 0.60 THEN 'slack'
                                WHEN r2 < 0.72 THEN 'email' WHEN r2 < 0.80 THEN 'sms' WHEN r2 < 0.88 THEN 'zapier'
                                WHEN r2 < 0.95 THEN 'n8n' ELSE 'webhook' END AS type
                      FROM (SELECT n, random() AS r1, random() AS r2, random() AS r3, random() AS r4 FROM ${series}) AS r) AS s`,
    },
    {
      table: 'Webhook',
      rows: counts.Webhook,
      sql: `INSERT INTO "Webhook" ("id", "userId", "url", "isActive", "createdAt")
            SELECT id, ${anyOf('User', 'r1')}, 'https://hooks.example.test/' || id, r2 < 0.75, ${ago('r3', '365 days')}
              FROM (SELECT ${id('Webhook', 'n')} AS id, random() AS r1, random() AS r2, random() AS r3 FROM ${series}) AS s`,
    },
    {
      table: 'ApiKey',
      rows: counts.ApiKey,
      sql: `INSERT INTO "ApiKey" ("id", "userId", "name", "keyHash", "createdAt")
            SELECT id, ${anyOf('User', 'r1')}, 'Key ' || n, encode(sha256(convert_to(id, 'UTF8')), 'hex'), ${ago('r2', '365 days')}
              FROM (SELECT n, ${id('ApiKey', 'n')} AS id, random() AS r1, random() AS r2 FROM ${series}) AS s`,
    },
    {
      table: 'ApiKeyUsage',
      rows: counts.ApiKey,
      // Keys [$2, $3] of this run × the last USAGE_DAYS local days, ~70 % of key-days active.
      sql: `INSERT INTO "ApiKeyUsage" ("apiKeyId", "day", "requestsIn", "requestsOut")
            SELECT ${id('ApiKey', 'n')}, ($1::timestamptz AT TIME ZONE $4)::date - d, requests, floor(r2 * requests)::bigint
              FROM (SELECT n, d, floor(random() * random() * 20000)::bigint AS requests, random() AS r1, random() AS r2
                      FROM ${series}, generate_series(0, ${USAGE_DAYS - 1}) AS d) AS s
             WHERE r1 < 0.7`,
    },
    {
      table: 'Broadcast',
      rows: counts.Broadcast,
      sql: `INSERT INTO "Broadcast" ("id", "userId", "name", "status", "createdAt")
            SELECT ${id('Broadcast', 'n')}, ${anyOf('User', 'r1')}, 'Broadcast ' || n,
                   (${everyValueFirst(
                     ['pending', 'running', 'completed', 'failed'],
                     `CASE WHEN r2 < 0.10 THEN 'pending' WHEN r2 < 0.15 THEN 'running' WHEN r2 < 0.90 THEN 'completed' ELSE 'failed' END`,
                   )})::"BroadcastStatus", ${ago('r3', '365 days')}
              FROM (SELECT n, random() AS r1, random() AS r2, random() AS r3 FROM ${series}) AS s`,
    },
    {
      table: 'Payment',
      rows: counts.Payment,
      // Paid over the last year (so about a twelfth in any month), refunded ones were paid first.
      sql: `INSERT INTO "Payment" ("id", "userId", "amount", "currency", "status", "paidAt", "createdAt")
            SELECT ${id('Payment', 'n')}, ${anyOf('User', 'r1')},
                   CASE WHEN usd THEN (ARRAY[9.99, 24.99, 99.99])[1 + floor(r3 * 3)::int]
                        ELSE (ARRAY[49000, 99000, 249000, 499000, 999000])[1 + floor(r3 * 5)::int] END,
                   CASE WHEN usd THEN 'USD' ELSE 'IDR' END, status::"PaymentStatus", paid,
                   coalesce(paid - r4 * interval '1 hour', ${ago('r4', '365 days')})
              FROM (SELECT n, r1, r3, r4, usd, status,
                           CASE WHEN status IN ('paid', 'refunded') THEN ${ago('r5', '365 days')} END AS paid
                      FROM (SELECT n, random() AS r1, random() AS r3, random() AS r4, random() AS r5, random() < 0.04 AS usd,
                                   ${everyValueFirst(
                                     ['paid', 'pending', 'failed', 'refunded'],
                                     `CASE WHEN r2 < 0.75 THEN 'paid' WHEN r2 < 0.85 THEN 'pending' WHEN r2 < 0.95 THEN 'failed' ELSE 'refunded' END`,
                                   )} AS status
                              FROM (SELECT n, random() AS r2 FROM ${series}) AS q) AS r) AS s`,
    },
    {
      table: 'Contact',
      rows: counts.Contact,
      // ~60 % with an email (a few in upper case with stray spaces), ~2 % blank, the rest none.
      sql: `INSERT INTO "Contact" ("id", "userId", "name", "phone", "email", "createdAt")
            SELECT ${id('Contact', 'n')}, ${anyOf('User', 'r1')}, 'Contact ' || n, '+628' || (2000000000 + n)::text,
                   CASE WHEN r2 < 0.58 THEN 'contact' || n || '@mail.example.test'
                        WHEN r2 < 0.60 THEN ' CONTACT' || n || '@Mail.Example.Test '
                        WHEN r2 < 0.61 THEN ''
                        WHEN r2 < 0.62 THEN '   ' END,
                   ${ago('r3', '730 days')}
              FROM (SELECT n, random() AS r1, random() AS r2, random() AS r3 FROM ${series}) AS s`,
    },
    {
      table: 'Message',
      rows: counts.Message,
      // Skewed towards busy devices; incoming are `received`, outgoing mostly delivered or read.
      sql: `INSERT INTO "Message" ("id", "deviceId", "type", "status", "remoteJid", "body", "createdAt")
            SELECT ${id('Message', 'n')}, ${anyOf('Device', 'r1 * r1')},
                   (CASE WHEN status = 'received' THEN 'incoming' ELSE 'outgoing' END)::"MessageType", status::"MessageStatus",
                   '628' || (1000000000 + floor(r4 * 900000000)::bigint)::text || '@s.whatsapp.net',
                   CASE WHEN r4 < 0.9 THEN 'Synthetic message ' || n END,
                   ${ago('r5', '90 days')}
              FROM (SELECT n, r1, r4, r5,
                           ${everyValueFirst(
                             ['pending', 'sent', 'delivered', 'read', 'failed', 'received'],
                             `CASE WHEN r2 < 0.45 THEN 'received' WHEN r3 < 0.03 THEN 'pending' WHEN r3 < 0.13 THEN 'sent'
                                   WHEN r3 < 0.55 THEN 'delivered' WHEN r3 < 0.94 THEN 'read' ELSE 'failed' END`,
                           )} AS status
                      FROM (SELECT n, random() AS r1, random() AS r2, random() AS r3, random() AS r4, random() AS r5
                              FROM ${series}) AS r) AS s`,
    },
    {
      table: 'ChatbotSession',
      rows: counts.ChatbotSession,
      // Last, so "active" (open, activity in the last 25 minutes: ~5 %) is measured against a
      // recent now. ~5 % open but idle, the rest ended. Phones are unique per run: no two open
      // sessions of one conversation.
      sql: `INSERT INTO "ChatbotSession" ("id", "chatbotId", "contactPhone", "startedAt", "lastActivityAt", "endedAt")
            SELECT ${id('ChatbotSession', 'n')}, ${anyOf('Chatbot', 'r1')}, '+628' || (3000000000 + n)::text,
                   last - r3 * interval '1 hour', last, CASE WHEN r2 >= 0.10 THEN last + r4 * interval '10 minutes' END
              FROM (SELECT n, r1, r2, r3, r4,
                           CASE WHEN r2 < 0.05 THEN ${ago('r5', '25 minutes')}
                                WHEN r2 < 0.10 THEN $1::timestamptz - interval '45 minutes' - r5 * interval '3 days'
                                ELSE $1::timestamptz - interval '40 minutes' - r5 * interval '180 days' END AS last
                      FROM (SELECT n, random() AS r1, random() AS r2, random() AS r3, random() AS r4, random() AS r5
                              FROM ${series}) AS r) AS s`,
    },
  ];
}

/** setseed() takes a double in [-1, 1]: map any integer seed (and a table's offset) into it. */
function seedFraction(seed: number, offset: number): number {
  const mixed = (Math.imul(seed | 0, 2_654_435_761) + Math.imul(offset + 1, 40_503)) >>> 0;
  return mixed / 2 ** 32;
}

export async function generateSyntheticData(pool: pg.Pool, options: SyntheticOptions): Promise<SyntheticSummary> {
  const seed = options.seed ?? DEFAULT_SEED;
  if (!Number.isSafeInteger(seed)) throw new Error(`seed must be an integer, got ${seed}`);
  const counts = syntheticRowCounts(options.scale);
  const timeZone = options.timeZone ?? DEFAULT_REPORT_TIMEZONE;
  const started = performance.now();
  const runPrefix = newRunPrefix(options.now ?? new Date());
  const steps = buildSteps(runPrefix, counts);
  const rows = {} as Record<SyntheticTable, number>;
  const timingsMs = {} as Record<SyntheticTable, number>;

  // One connection throughout: setseed() state and the run's chunks stay on one session.
  const checkedOut = await checkOutClient(pool);
  const { client } = checkedOut;
  try {
    for (const [index, step] of steps.entries()) {
      const tableStarted = performance.now();
      // Per-table seed: a table's values do not depend on the sizes of the tables before it.
      await client.query('SELECT setseed($1)', [seedFraction(seed, index)]);
      rows[step.table] = 0;
      const chunk = step.table === 'ApiKeyUsage' ? Math.ceil(CHUNK_ROWS / USAGE_DAYS) : CHUNK_ROWS;
      for (let first = 1; first <= step.rows; first += chunk) {
        const last = Math.min(step.rows, first + chunk - 1);
        const now = options.now ?? new Date();
        await client.query('BEGIN');
        try {
          // A crash loses at most the last commits of synthetic data; no reason to wait for fsync.
          await client.query('SET LOCAL synchronous_commit = off');
          await client.query('SET LOCAL statement_timeout = 0');
          const params: unknown[] = [now, first, last];
          if (step.sql.includes('$4')) params.push(timeZone);
          const result = await client.query(step.sql, params);
          await client.query('COMMIT');
          rows[step.table] += result.rowCount ?? 0;
        } catch (error) {
          await client.query('ROLLBACK').catch(() => {});
          throw error;
        }
        // Usage progress is in key-days considered (about 70 % of them become rows).
        const perRow = step.table === 'ApiKeyUsage' ? USAGE_DAYS : 1;
        options.onProgress?.({
          table: step.table,
          done: last * perRow,
          total: step.rows * perRow,
          elapsedMs: Math.round(performance.now() - tableStarted),
        });
      }
      timingsMs[step.table] = Math.round(performance.now() - tableStarted);
    }
    // Fresh statistics, so the first benchmark queries are planned on the real sizes.
    await client.query('SET statement_timeout = 0');
    await client.query('ANALYZE');
    await client.query('RESET statement_timeout');
  } finally {
    checkedOut.release();
  }
  return { scale: options.scale, seed, runPrefix, rows, timingsMs, totalMs: Math.round(performance.now() - started) };
}
