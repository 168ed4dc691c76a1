import type pg from 'pg';
import { hashPassword } from '../auth/passwords.js';
import { DEFAULT_REPORT_TIMEZONE } from '../config.js';
import { checkOutClient } from '../db/checked-out-client.js';

/**
 * The demo seed: three sign-in accounts plus a small, deterministic dataset that exercises every
 * figure of the monitoring sections (every enum value, active and stale chatbot sessions, paid
 * payments this month and earlier, blank and duplicate contact emails, API usage today and before).
 *
 * Fast by construction (the exporter's demo mode runs it on first start, on PGlite too): each
 * account password is hashed once, and every table is filled by one set-based INSERT ... SELECT
 * over generate_series. Idempotent by construction: every row has an id derived from its index
 * (md5 of a fixed label), so a re-run hits ON CONFLICT DO NOTHING instead of duplicating.
 */

export interface DemoLogin {
  email: string;
  password: string;
  role: 'admin' | 'monitoring' | 'user';
  plan: 'free' | 'pro' | 'enterprise' | 'unlimited';
  name: string;
}

/** The demo accounts; the admin password comes from SEED_ADMIN_PASSWORD when set. */
export function demoLogins(env: NodeJS.ProcessEnv = process.env): readonly DemoLogin[] {
  return [
    { email: 'admin@kewhats.app', password: env.SEED_ADMIN_PASSWORD || 'admin123', role: 'admin', plan: 'unlimited', name: 'KeWhats Admin' },
    { email: 'monitoring@kewhats.app', password: 'monitoring123', role: 'monitoring', plan: 'free', name: 'KeWhats Monitoring' },
    // An ordinary account, so the 403 on monitoring routes can be tried by hand.
    { email: 'user@kewhats.app', password: 'user123', role: 'user', plan: 'free', name: 'KeWhats User' },
  ];
}

/** The demo sign-in accounts as of start-up (the demo banner prints them). */
export const DEMO_LOGINS: readonly DemoLogin[] = demoLogins();

/** How many rows of each kind the demo dataset holds (the accounts come on top of `User`). */
export const DEMO_DATASET_SIZE = {
  User: 200,
  Device: 300,
  Message: 5_000,
  Contact: 2_000,
  Chatbot: 40,
  ChatbotSession: 400,
  Broadcast: 100,
  Payment: 300,
  Integration: 64,
  Webhook: 48,
  ApiKey: 40,
  /** Days of API usage per key, today included (a few key/day pairs are left out). */
  ApiKeyUsageDays: 30,
} as const;

export const SEED_TABLES = [
  'User',
  'Device',
  'Message',
  'Contact',
  'Integration',
  'Chatbot',
  'ChatbotSession',
  'Broadcast',
  'Webhook',
  'ApiKey',
  'ApiKeyUsage',
  'Payment',
] as const;
export type SeedTable = (typeof SEED_TABLES)[number];

export interface SeedSummary {
  /** Demo accounts created by this run; existing ones are left untouched (password included). */
  accountsCreated: string[];
  accountsExisting: string[];
  /** Rows this run inserted per table (all zero on a re-run with the same day). */
  inserted: Record<SeedTable, number>;
  elapsedMs: number;
}

export interface SeedOptions {
  /** Timestamps are relative to this instant (default: now). */
  now?: Date;
  /** Month and day boundaries (payments this month, API usage per day); default: the exporter's REPORT_TIMEZONE default. */
  timeZone?: string;
}

/** A fixed placeholder no password verifies against: demo users exist to be counted, not to sign in. */
export const DEMO_USER_PASSWORD_HASH = '!demo-no-login';

/** Deterministic text uuid for the `index`-th row of a kind. */
const id = (kind: string, index: string): string => `md5('kewhats-demo-${kind}-' || (${index}))::uuid::text`;

/** Deterministic pseudo-random number in [0, 1) for an index: repeatable without setseed(). */
const unit = (salt: string, index: string): string =>
  `(('x' || substr(md5('${salt}-' || (${index})), 1, 8))::bit(32)::bigint / 4294967296.0)::float8`;

const N = DEMO_DATASET_SIZE;

// $1 = now (timestamptz), $2 = time zone of the month and day boundaries.
const DATASET_STATEMENTS: Array<[SeedTable, string]> = [
  [
    'User',
    `INSERT INTO "User" ("id", "email", "name", "passwordHash", "role", "plan", "createdAt", "updatedAt")
     SELECT ${id('user', 'i')}, 'demo.user' || lpad(i::text, 3, '0') || '@example.com', 'Demo User ' || i,
            '${DEMO_USER_PASSWORD_HASH}',
            (CASE WHEN i % 50 = 0 THEN 'monitoring' ELSE 'user' END)::"Role",
            (CASE WHEN r < 0.55 THEN 'free' WHEN r < 0.82 THEN 'pro' WHEN r < 0.95 THEN 'enterprise' ELSE 'unlimited' END)::"Plan",
            $1::timestamptz - i * interval '11 hours', $1::timestamptz - i * interval '3 hours'
       FROM (SELECT i, ${unit('user-plan', 'i')} AS r FROM generate_series(1, ${N.User}) AS i) AS s
     ON CONFLICT DO NOTHING`,
  ],
  [
    'Device',
    `INSERT INTO "Device" ("id", "userId", "name", "phone", "status", "createdAt", "updatedAt")
     SELECT ${id('device', 'i')}, ${id('user', `1 + i % ${N.User}`)}, 'Device ' || i,
            CASE WHEN status IN ('connecting', 'qr') THEN NULL ELSE '+62812' || lpad(i::text, 7, '0') END,
            status::"DeviceStatus", $1::timestamptz - i * interval '5 hours', $1::timestamptz - i * interval '7 minutes'
       FROM (SELECT i, CASE WHEN r < 0.55 THEN 'connected' WHEN r < 0.80 THEN 'disconnected'
                            WHEN r < 0.90 THEN 'connecting' ELSE 'qr' END AS status
               FROM (SELECT i, ${unit('device-status', 'i')} AS r FROM generate_series(1, ${N.Device}) AS i) AS r) AS s
     ON CONFLICT DO NOTHING`,
  ],
  [
    'Message',
    // Busy devices send more (skewed device pick); incoming ones are `received`, outgoing ones
    // move through pending → sent → delivered → read, a few fail.
    `INSERT INTO "Message" ("id", "deviceId", "type", "status", "remoteJid", "body", "createdAt")
     SELECT ${id('message', 'i')}, ${id('device', `1 + floor(r1 * r1 * ${N.Device})::int`)},
            (CASE WHEN r2 < 0.45 THEN 'incoming' ELSE 'outgoing' END)::"MessageType",
            (CASE WHEN r2 < 0.45 THEN 'received' WHEN r3 < 0.04 THEN 'pending' WHEN r3 < 0.16 THEN 'sent'
                  WHEN r3 < 0.58 THEN 'delivered' WHEN r3 < 0.92 THEN 'read' ELSE 'failed' END)::"MessageStatus",
            '62813' || lpad(floor(r4 * 900)::int::text, 7, '0') || '@s.whatsapp.net',
            CASE WHEN r4 < 0.9 THEN 'Demo message #' || i END,
            $1::timestamptz - r5 * interval '14 days'
       FROM (SELECT i, ${unit('msg-device', 'i')} AS r1, ${unit('msg-type', 'i')} AS r2, ${unit('msg-status', 'i')} AS r3,
                    ${unit('msg-jid', 'i')} AS r4, ${unit('msg-time', 'i')} AS r5
               FROM generate_series(1, ${N.Message}) AS i) AS s
     ON CONFLICT DO NOTHING`,
  ],
  [
    'Contact',
    // Emails by i % 20: 0-6 none, 7 blank spaces, 8 empty, 9 a case/whitespace variant of the
    // next contact's email (a duplicate for the distinct-email export), 10-19 a plain email.
    `INSERT INTO "Contact" ("id", "userId", "name", "phone", "email", "createdAt")
     SELECT ${id('contact', 'i')}, ${id('user', `1 + (i * 13) % ${N.User}`)}, 'Contact ' || i,
            '+62857' || lpad(i::text, 7, '0'),
            CASE WHEN i % 20 < 7 THEN NULL
                 WHEN i % 20 = 7 THEN '  '
                 WHEN i % 20 = 8 THEN ''
                 WHEN i % 20 = 9 THEN ' Contact' || (i + 1) || '@Example.COM  '
                 ELSE 'contact' || i || '@example.com' END,
            $1::timestamptz - i * interval '47 minutes'
       FROM generate_series(1, ${N.Contact}) AS i
     ON CONFLICT DO NOTHING`,
  ],
  [
    'Integration',
    `INSERT INTO "Integration" ("id", "userId", "type", "name", "isActive", "createdAt")
     SELECT ${id('integration', 'i')}, ${id('user', `1 + (i * 7) % ${N.User}`)}, type, initcap(type) || ' ' || i,
            ${unit('integration-active', 'i')} < 0.8, $1::timestamptz - i * interval '1 day'
       FROM (SELECT i, (ARRAY['telegram', 'telegram', 'telegram', 'discord', 'discord', 'slack', 'slack',
                              'email', 'sms', 'zapier', 'n8n'])[1 + i % 11] AS type
               FROM generate_series(1, ${N.Integration}) AS i) AS s
     ON CONFLICT DO NOTHING`,
  ],
  [
    'Chatbot',
    `INSERT INTO "Chatbot" ("id", "userId", "name", "status", "createdAt")
     SELECT ${id('chatbot', 'i')}, ${id('user', `1 + (i * 11) % ${N.User}`)}, 'Chatbot ' || i,
            (CASE WHEN i % 5 < 3 THEN 'active' ELSE 'inactive' END)::"ChatbotStatus", $1::timestamptz - i * interval '2 days'
       FROM generate_series(1, ${N.Chatbot}) AS i
     ON CONFLICT DO NOTHING`,
  ],
  [
    'ChatbotSession',
    // By i % 10: 0 active (open, activity in the last 25 minutes), 1 open but stale (idle for
    // hours), the rest ended. Each session has its own phone, so no two open ones collide.
    `INSERT INTO "ChatbotSession" ("id", "chatbotId", "contactPhone", "startedAt", "lastActivityAt", "endedAt")
     SELECT ${id('session', 'i')}, ${id('chatbot', `1 + i % ${N.Chatbot}`)}, '+62858' || lpad(i::text, 7, '0'),
            last - r2 * interval '2 hours', last, CASE WHEN i % 10 > 1 THEN last + interval '5 minutes' END
       FROM (SELECT i, r2, CASE WHEN i % 10 = 0 THEN $1::timestamptz - r1 * interval '25 minutes'
                                WHEN i % 10 = 1 THEN $1::timestamptz - interval '1 hour' - r1 * interval '2 days'
                                ELSE $1::timestamptz - interval '40 minutes' - r1 * interval '30 days' END AS last
               FROM (SELECT i, ${unit('session-last', 'i')} AS r1, ${unit('session-length', 'i')} AS r2
                       FROM generate_series(1, ${N.ChatbotSession}) AS i) AS r) AS s
     ON CONFLICT DO NOTHING`,
  ],
  [
    'Broadcast',
    `INSERT INTO "Broadcast" ("id", "userId", "name", "status", "createdAt")
     SELECT ${id('broadcast', 'i')}, ${id('user', `1 + (i * 17) % ${N.User}`)}, 'Broadcast ' || i,
            (CASE WHEN r < 0.15 THEN 'pending' WHEN r < 0.25 THEN 'running' WHEN r < 0.85 THEN 'completed' ELSE 'failed' END)::"BroadcastStatus",
            $1::timestamptz - i * interval '9 hours'
       FROM (SELECT i, ${unit('broadcast-status', 'i')} AS r FROM generate_series(1, ${N.Broadcast}) AS i) AS s
     ON CONFLICT DO NOTHING`,
  ],
  [
    'Webhook',
    `INSERT INTO "Webhook" ("id", "userId", "url", "isActive", "createdAt")
     SELECT ${id('webhook', 'i')}, ${id('user', `1 + (i * 19) % ${N.User}`)}, 'https://hooks.example.com/kewhats/' || i,
            i % 4 <> 0, $1::timestamptz - i * interval '1 day'
       FROM generate_series(1, ${N.Webhook}) AS i
     ON CONFLICT DO NOTHING`,
  ],
  [
    'ApiKey',
    `INSERT INTO "ApiKey" ("id", "userId", "name", "keyHash", "createdAt")
     SELECT ${id('apikey', 'i')}, ${id('user', `1 + (i * 23) % ${N.User}`)}, 'Demo key ' || i,
            encode(sha256(convert_to('kewhats-demo-api-key-' || i, 'UTF8')), 'hex'), $1::timestamptz - interval '60 days'
       FROM generate_series(1, ${N.ApiKey}) AS i
     ON CONFLICT DO NOTHING`,
  ],
  [
    'ApiKeyUsage',
    // Counter rows per key and local day; today always present, a fifth of earlier days idle.
    `INSERT INTO "ApiKeyUsage" ("apiKeyId", "day", "requestsIn", "requestsOut")
     SELECT ${id('apikey', 'k')}, ($1::timestamptz AT TIME ZONE $2)::date - d,
            50 + floor(r * 5000)::bigint, floor(r * r * 4000)::bigint
       FROM (SELECT k, d, ${unit('usage', "k || '-' || d")} AS r
               FROM generate_series(1, ${N.ApiKey}) AS k, generate_series(0, ${N.ApiKeyUsageDays - 1}) AS d) AS s
      WHERE d = 0 OR (k + d) % 5 <> 0
     ON CONFLICT DO NOTHING`,
  ],
  [
    'Payment',
    // Paid (and later refunded) payments carry paidAt: a third inside the current local month
    // (between its first instant and now), the rest in the six months before. One in ten is USD.
    `INSERT INTO "Payment" ("id", "userId", "amount", "currency", "status", "paidAt", "createdAt")
     SELECT ${id('payment', 'i')}, ${id('user', `1 + (i * 29) % ${N.User}`)},
            CASE WHEN usd THEN (ARRAY[9.99, 24.99, 49.99])[1 + floor(r3 * 3)::int]
                 ELSE (ARRAY[99000, 149000, 249000, 499000, 999000])[1 + floor(r3 * 5)::int] END,
            CASE WHEN usd THEN 'USD' ELSE 'IDR' END, status::"PaymentStatus", paid,
            coalesce(paid - interval '3 minutes', $1::timestamptz - r2 * interval '120 days')
       FROM (SELECT i, usd, r2, r3, status,
                    CASE WHEN status IN ('paid', 'refunded') THEN
                      CASE WHEN i % 3 = 0 THEN month_start + ($1::timestamptz - month_start) * r2
                           ELSE month_start - interval '1 hour' - r2 * interval '180 days' END
                    END AS paid
               FROM (SELECT i, r2, r3, i % 20 IN (3, 4) AS usd,
                            CASE WHEN r1 < 0.65 THEN 'paid' WHEN r1 < 0.80 THEN 'pending'
                                 WHEN r1 < 0.92 THEN 'failed' ELSE 'refunded' END AS status,
                            date_trunc('month', $1::timestamptz AT TIME ZONE $2) AT TIME ZONE $2 AS month_start
                       FROM (SELECT i, ${unit('payment-status', 'i')} AS r1, ${unit('payment-time', 'i')} AS r2,
                                    ${unit('payment-amount', 'i')} AS r3
                               FROM generate_series(1, ${N.Payment}) AS i) AS r) AS q) AS s
     ON CONFLICT DO NOTHING`,
  ],
];

/** Creates the missing demo accounts: only those get a (freshly hashed) password. */
async function seedAccounts(client: pg.PoolClient, now: Date): Promise<Pick<SeedSummary, 'accountsCreated' | 'accountsExisting'>> {
  const logins = demoLogins();
  const existing = await client.query<{ email: string }>(`SELECT "email" FROM "User" WHERE "email" = ANY($1::text[])`, [
    logins.map((login) => login.email),
  ]);
  const present = new Set(existing.rows.map((row) => row.email));
  const missing = logins.filter((login) => !present.has(login.email));
  const hashes = await Promise.all(missing.map((login) => hashPassword(login.password)));
  const created: string[] = [];
  for (const [index, login] of missing.entries()) {
    const result = await client.query(
      `INSERT INTO "User" ("id", "email", "name", "passwordHash", "role", "plan", "createdAt", "updatedAt")
       VALUES (${id('account', '$1::text')}, $1, $2, $3, $4::"Role", $5::"Plan", $6, $6)
       ON CONFLICT DO NOTHING`,
      [login.email, login.name, hashes[index], login.role, login.plan, now],
    );
    if (result.rowCount) created.push(login.email);
  }
  return { accountsCreated: created, accountsExisting: logins.map((l) => l.email).filter((e) => !created.includes(e)) };
}

export async function seedDemoData(pool: pg.Pool, options: SeedOptions = {}): Promise<SeedSummary> {
  const started = performance.now();
  const now = options.now ?? new Date();
  const timeZone = options.timeZone ?? DEFAULT_REPORT_TIMEZONE;
  const checkedOut = await checkOutClient(pool);
  const { client } = checkedOut;
  try {
    await client.query('BEGIN');
    // Concurrent seeders (two demo exporters on one database) serialise here instead of racing.
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('kewhats-demo-seed'))`);
    const accounts = await seedAccounts(client, now);
    const inserted = Object.fromEntries(SEED_TABLES.map((table) => [table, 0])) as Record<SeedTable, number>;
    for (const [table, sql] of DATASET_STATEMENTS) {
      const result = await client.query(sql, sql.includes('$2') ? [now, timeZone] : [now]);
      inserted[table] += result.rowCount ?? 0;
    }
    inserted.User += accounts.accountsCreated.length;
    await client.query('COMMIT');
    return { ...accounts, inserted, elapsedMs: Math.round(performance.now() - started) };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    checkedOut.release();
  }
}
