// A seeded, randomized, concurrent write workload over every table with a maintained figure:
// single- and multi-row inserts, updates of every grouped column, deletes (cascading ones too),
// upserts, rolled-back transactions, a COPY, a TRUNCATE and folds, from several clients at once.
// Used by the exactness test (a few thousand operations) and the benchmark (≥ 100,000); after it,
// every maintained figure must equal its full recount.
import pg from 'pg';
import { foldAggregateDeltas } from '../../src/aggregates/fold.js';
import { copyRows } from './copy-rows.js';
import { seededRandom as random } from './seeded-random.js';

export interface AggregateWorkloadOptions {
  databaseUrl: string;
  clients: number;
  operations: number;
  seed: number;
  /**
   * The database is the embedded PGlite: one database session behind its socket server, where the
   * messages of two connections' concurrent queries would interleave, so the clients take turns,
   * one operation (statement or transaction) at a time; and its COPY goes through a file (see
   * copyRows). Default false: a server, truly concurrent.
   */
  embedded?: boolean;
}

export interface AggregateWorkloadResult {
  /** Operations run (each one statement or one transaction). */
  operations: number;
  committed: number;
  /** Transactions rolled back on purpose. */
  rolledBack: number;
  /** Operations that failed on a conflict with another client (deadlock, a row gone) and were rolled back. */
  conflicts: number;
  copiedRows: number;
  truncates: number;
  folds: number;
  durationMs: number;
}

const PLANS = ['free', 'pro', 'enterprise', 'unlimited'];
const ROLES = ['user', 'admin', 'monitoring'];
const DEVICE_STATUSES = ['connected', 'disconnected', 'connecting', 'qr'];
const MESSAGE_TYPES = ['incoming', 'outgoing'];
const MESSAGE_STATUSES = ['pending', 'sent', 'delivered', 'read', 'failed', 'received'];
const BROADCAST_STATUSES = ['pending', 'running', 'completed', 'failed'];
const PAYMENT_STATUSES = ['pending', 'paid', 'failed', 'refunded'];
const INTEGRATION_TYPES = ['telegram', ' Telegram ', 'SLACK', 'slack', 'n8n', '', 'Zapier\t', 'email'];
const EMAILS = [null, '', '   ', '\t\n', 'a@example.test', ' b@example.test ', 'C@EXAMPLE.TEST'];
const CURRENCIES = ['IDR', 'IDR', 'IDR', 'USD'];

type Client = pg.Client;
type Pick = <T>(values: readonly T[]) => T;

interface Ids {
  users: string[];
  devices: string[];
  apiKeys: string[];
}

/** Fixed parents every client writes under (users, devices, API keys). */
async function seedParents(client: Client, seed: number, clients: number): Promise<Ids> {
  const ids: Ids = { users: [], devices: [], apiKeys: [] };
  for (let index = 0; index < clients * 2; index += 1) {
    const user = `w${seed}-u${index}`;
    ids.users.push(user);
    ids.devices.push(`${user}-d`);
    ids.apiKeys.push(`${user}-k`);
  }
  await client.query(
    `INSERT INTO "User" ("id", "email", "passwordHash", "plan", "role", "updatedAt")
     SELECT id, id || '@workload.test', '!', 'free', 'user', now() FROM unnest($1::text[]) AS id`,
    [ids.users],
  );
  await client.query(
    `INSERT INTO "Device" ("id", "userId", "name", "updatedAt") SELECT id || '-d', id, 'phone', now() FROM unnest($1::text[]) AS id`,
    [ids.users],
  );
  await client.query(
    `INSERT INTO "ApiKey" ("id", "userId", "name", "keyHash") SELECT id || '-k', id, 'key', id || '-hash' FROM unnest($1::text[]) AS id`,
    [ids.users],
  );
  return ids;
}

/** One client's operations; every row it creates has an id of its own, so clients rarely collide. */
class WorkloadClient {
  private counter = 0;
  private readonly mine = {
    messages: [] as string[],
    users: [] as string[],
    contacts: [] as string[],
    payments: [] as string[],
    other: [] as string[],
  };
  private readonly next: () => number;
  readonly pick: Pick;

  constructor(
    private readonly client: Client,
    private readonly name: string,
    private readonly parents: Ids,
    seed: number,
  ) {
    this.next = random(seed);
    this.pick = (values) => values[Math.floor(this.next() * values.length)]!;
  }

  private id(kind: string): string {
    this.counter += 1;
    return `${this.name}-${kind}${this.counter}`;
  }

  private some(ids: string[], most: number): string[] {
    const count = 1 + Math.floor(this.next() * most);
    return Array.from({ length: Math.min(count, ids.length) }, () => this.pick(ids));
  }

  private timestamp(): Date {
    // Around a month edge and a few months either side, at any minute: partial buckets galore.
    return new Date(Date.UTC(2026, 10, 1) + Math.round((this.next() - 0.5) * 120 * 86_400_000));
  }

  /** One random write: a statement or a few statements (the caller wraps it in a transaction). */
  async write(): Promise<void> {
    const q = (sql: string, params: unknown[] = []) => this.client.query(sql, params);
    const roll = this.next();
    if (roll < 0.2) {
      const rows = 1 + Math.floor(this.next() * (this.next() < 0.8 ? 1 : 40));
      const ids = Array.from({ length: rows }, () => this.id('m'));
      this.mine.messages.push(...ids);
      await q(
        `INSERT INTO "Message" ("id", "deviceId", "type", "status", "remoteJid")
         SELECT id, $2, ($3::text[])[1 + n % 2]::"MessageType", ($4::text[])[1 + n % 6]::"MessageStatus", 'jid'
         FROM unnest($1::text[]) WITH ORDINALITY AS rows (id, n)`,
        [ids, this.pick(this.parents.devices), this.shuffled(MESSAGE_TYPES), this.shuffled(MESSAGE_STATUSES)],
      );
    } else if (roll < 0.35 && this.mine.messages.length > 0) {
      await q(`UPDATE "Message" SET "status" = $2, "type" = CASE WHEN $3 THEN "type" ELSE $4::"MessageType" END WHERE "id" = ANY($1)`, [
        this.some(this.mine.messages, 5),
        this.pick(MESSAGE_STATUSES),
        this.next() < 0.7,
        this.pick(MESSAGE_TYPES),
      ]);
    } else if (roll < 0.4 && this.mine.messages.length > 0) {
      await q(`UPDATE "Message" SET "body" = 'edited' WHERE "id" = ANY($1)`, [this.some(this.mine.messages, 3)]); // no grouped column
    } else if (roll < 0.47 && this.mine.messages.length > 0) {
      await q(`DELETE FROM "Message" WHERE "id" = ANY($1)`, [this.some(this.mine.messages, 4)]);
    } else if (roll < 0.53) {
      const user = this.id('u');
      this.mine.users.push(user);
      await q(
        `INSERT INTO "User" ("id", "email", "passwordHash", "plan", "role", "updatedAt") VALUES ($1, $1 || '@workload.test', '!', $2, $3, now())`,
        [user, this.pick(PLANS), this.pick(ROLES)],
      );
      // children of every counted kind, so deleting the user cascades through them
      // (one simple-query message of several statements: literals, no parameters)
      await this.client.query(
        `INSERT INTO "Device" ("id", "userId", "name", "status", "updatedAt") VALUES ($1 || '-d', $1, 'p', '${this.pick(DEVICE_STATUSES)}', now());
         INSERT INTO "Message" ("id", "deviceId", "type", "status", "remoteJid") VALUES ($1 || '-m1', $1 || '-d', 'outgoing', 'sent', 'j'), ($1 || '-m2', $1 || '-d', 'incoming', 'received', 'j');
         INSERT INTO "Integration" ("id", "userId", "type", "name") VALUES ($1 || '-i', $1, 'Discord ', 'i');
         INSERT INTO "Chatbot" ("id", "userId", "name", "status") VALUES ($1 || '-c', $1, 'b', 'active');
         INSERT INTO "Broadcast" ("id", "userId", "name", "status") VALUES ($1 || '-b', $1, 'b', 'running');
         INSERT INTO "Contact" ("id", "userId", "name", "phone", "email") VALUES ($1 || '-ct', $1, 'c', '1', 'x@example.test');
         INSERT INTO "Webhook" ("id", "userId", "url", "isActive") VALUES ($1 || '-w', $1, 'https://h.example', false);
         INSERT INTO "ApiKey" ("id", "userId", "name", "keyHash") VALUES ($1 || '-k', $1, 'k', $1 || '-hash');
         INSERT INTO "ApiKeyUsage" ("apiKeyId", "day", "requestsIn", "requestsOut") VALUES ($1 || '-k', '2026-11-01', 7, 3);
         INSERT INTO "Payment" ("id", "userId", "amount", "status", "paidAt") VALUES ($1 || '-p', $1, 12.34, 'paid', '2026-11-01T00:07:00Z');`.replaceAll(
          '$1',
          `'${user}'`,
        ),
      );
    } else if (roll < 0.58 && this.mine.users.length > 0) {
      await q(`UPDATE "User" SET "plan" = $2, "role" = CASE WHEN $3 THEN "role" ELSE $4::"Role" END WHERE "id" = $1`, [
        this.pick(this.mine.users),
        this.pick(PLANS),
        this.next() < 0.5,
        this.pick(ROLES),
      ]);
    } else if (roll < 0.61 && this.mine.users.length > 0) {
      await q(`DELETE FROM "User" WHERE "id" = $1`, [this.pick(this.mine.users)]);
    } else if (roll < 0.65) {
      await q(`UPDATE "Device" SET "status" = $2 WHERE "id" = $1`, [this.pick(this.parents.devices), this.pick(DEVICE_STATUSES)]);
    } else if (roll < 0.7) {
      const contact = this.id('ct');
      this.mine.contacts.push(contact);
      await q(`INSERT INTO "Contact" ("id", "userId", "name", "phone", "email") VALUES ($1, $2, 'c', '1', $3)`, [
        contact,
        this.pick(this.parents.users),
        this.pick(EMAILS),
      ]);
    } else if (roll < 0.74 && this.mine.contacts.length > 0) {
      await q(`UPDATE "Contact" SET "email" = $2 WHERE "id" = ANY($1)`, [this.some(this.mine.contacts, 3), this.pick(EMAILS)]);
    } else if (roll < 0.76 && this.mine.contacts.length > 0) {
      await q(`DELETE FROM "Contact" WHERE "id" = $1`, [this.pick(this.mine.contacts)]);
    } else if (roll < 0.8) {
      const other = this.id('o');
      this.mine.other.push(other);
      const user = this.pick(this.parents.users);
      await q(`INSERT INTO "Integration" ("id", "userId", "type", "name") VALUES ($1, $2, $3, 'i')`, [other, user, this.pick(INTEGRATION_TYPES)]);
      await q(`INSERT INTO "Chatbot" ("id", "userId", "name", "status") VALUES ($1, $2, 'b', $3)`, [other, user, this.pick(['active', 'inactive'])]);
      await q(`INSERT INTO "Broadcast" ("id", "userId", "name", "status") VALUES ($1, $2, 'b', $3)`, [other, user, this.pick(BROADCAST_STATUSES)]);
      await q(`INSERT INTO "Webhook" ("id", "userId", "url", "isActive") VALUES ($1, $2, 'https://h.example', $3)`, [other, user, this.next() < 0.5]);
    } else if (roll < 0.84 && this.mine.other.length > 0) {
      const other = this.pick(this.mine.other);
      await q(`UPDATE "Integration" SET "type" = $2 WHERE "id" = $1`, [other, this.pick(INTEGRATION_TYPES)]);
      await q(`UPDATE "Chatbot" SET "status" = $2 WHERE "id" = $1`, [other, this.pick(['active', 'inactive'])]);
      await q(`UPDATE "Broadcast" SET "status" = $2 WHERE "id" = $1`, [other, this.pick(BROADCAST_STATUSES)]);
      await q(`UPDATE "Webhook" SET "isActive" = NOT "isActive" WHERE "id" = $1`, [other]);
    } else if (roll < 0.86 && this.mine.other.length > 0) {
      const other = this.pick(this.mine.other);
      for (const table of ['Integration', 'Chatbot', 'Broadcast', 'Webhook']) await q(`DELETE FROM "${table}" WHERE "id" = $1`, [other]);
    } else if (roll < 0.9) {
      // the tracking kit's upsert: insert a day's row or add to it
      await q(
        `INSERT INTO "ApiKeyUsage" ("apiKeyId", "day", "requestsIn", "requestsOut") VALUES ($1, $2, $3, $4)
         ON CONFLICT ("apiKeyId", "day") DO UPDATE SET "requestsIn" = "ApiKeyUsage"."requestsIn" + EXCLUDED."requestsIn",
                                                       "requestsOut" = "ApiKeyUsage"."requestsOut" + EXCLUDED."requestsOut"`,
        [this.pick(this.parents.apiKeys), `2026-11-0${1 + Math.floor(this.next() * 9)}`, Math.floor(this.next() * 50), Math.floor(this.next() * 20)],
      );
    } else if (roll < 0.95) {
      const payment = this.id('p');
      this.mine.payments.push(payment);
      await q(`INSERT INTO "Payment" ("id", "userId", "amount", "currency", "status", "paidAt") VALUES ($1, $2, $3, $4, $5, $6)`, [
        payment,
        this.pick(this.parents.users),
        (Math.floor(this.next() * 1_000_000) / 100).toFixed(2),
        this.pick(CURRENCIES),
        this.pick(PAYMENT_STATUSES),
        this.next() < 0.9 ? this.timestamp() : null,
      ]);
    } else if (this.mine.payments.length > 0) {
      const payment = this.pick(this.mine.payments);
      const change = this.pick(['status', 'paidAt', 'amount', 'currency', 'delete']);
      if (change === 'status') await q(`UPDATE "Payment" SET "status" = $2 WHERE "id" = $1`, [payment, this.pick(PAYMENT_STATUSES)]);
      else if (change === 'paidAt') await q(`UPDATE "Payment" SET "paidAt" = $2 WHERE "id" = $1`, [payment, this.timestamp()]);
      else if (change === 'amount') await q(`UPDATE "Payment" SET "amount" = "amount" + 0.01 WHERE "id" = $1`, [payment]);
      else if (change === 'currency') await q(`UPDATE "Payment" SET "currency" = $2 WHERE "id" = $1`, [payment, this.pick(CURRENCIES)]);
      else await q(`DELETE FROM "Payment" WHERE "id" = $1`, [payment]);
    }
  }

  private shuffled<T>(values: readonly T[]): T[] {
    return [...values].sort(() => this.next() - 0.5);
  }

  random(): number {
    return this.next();
  }
}

const CONFLICTS = new Set(['40P01', '40001', '23503', '23505']); // deadlock, serialization, a parent gone, a duplicate

/** Runs the workload; resolves once every client has finished its share. */
export async function runAggregateWorkload(options: AggregateWorkloadOptions): Promise<AggregateWorkloadResult> {
  const started = performance.now();
  const result: AggregateWorkloadResult = {
    operations: 0,
    committed: 0,
    rolledBack: 0,
    conflicts: 0,
    copiedRows: 0,
    truncates: 0,
    folds: 0,
    durationMs: 0,
  };
  const setup = new pg.Client({ connectionString: options.databaseUrl });
  await setup.connect();
  const parents = await seedParents(setup, options.seed, options.clients);
  await setup.end();
  const perClient = Math.ceil(options.operations / options.clients);
  const foldPool = new pg.Pool({ connectionString: options.databaseUrl, max: 1 });
  const turns = new Turns();
  try {
    await Promise.all(
      Array.from({ length: options.clients }, async (_, index) => {
        const client = new pg.Client({ connectionString: options.databaseUrl });
        await client.connect();
        const worker = new WorkloadClient(client, `w${options.seed}-c${index}`, parents, options.seed * 1000 + index);
        try {
          for (let operation = 0; operation < perClient; operation += 1) {
            result.operations += 1;
            const transaction = worker.random();
            const release = options.embedded ? await turns.take() : () => {};
            try {
              // Half-way, one client copies rows in and another truncates two tables; the last one folds now and then.
              if (operation === Math.floor(perClient / 2) && index === 0) {
                result.copiedRows += await copyMessages(client, `w${options.seed}-copy`, parents.devices[0]!, 500, options.embedded === true);
                result.committed += 1;
              } else if (operation === Math.floor(perClient / 2) && index === 1 % options.clients) {
                await client.query('TRUNCATE "Broadcast", "Webhook"');
                result.truncates += 1;
                result.committed += 1;
              } else if (index === options.clients - 1 && operation % 50 === 25) {
                result.folds += 1;
                await foldAggregateDeltas(foldPool);
              } else if (transaction < 0.6) {
                await worker.write(); // autocommit
                result.committed += 1;
              } else {
                await client.query('BEGIN');
                const writes = 1 + Math.floor(worker.random() * 3);
                for (let write = 0; write < writes; write += 1) await worker.write();
                if (transaction < 0.8) {
                  await client.query('ROLLBACK');
                  result.rolledBack += 1;
                } else {
                  await client.query('COMMIT');
                  result.committed += 1;
                }
              }
            } catch (error) {
              if (!CONFLICTS.has((error as { code?: string }).code ?? '')) throw error;
              await client.query('ROLLBACK').catch(() => {});
              result.conflicts += 1;
            } finally {
              release();
            }
          }
        } finally {
          await client.end();
        }
      }),
    );
  } finally {
    await foldPool.end();
  }
  result.durationMs = performance.now() - started;
  return result;
}

/** A first-come first-served mutex: take() resolves to the function that hands the turn on. */
class Turns {
  private last: Promise<void> = Promise.resolve();

  async take(): Promise<() => void> {
    let release!: () => void;
    const previous = this.last;
    this.last = new Promise((resolve) => (release = resolve));
    await previous;
    return release;
  }
}

/** A COPY of `rows` messages (statement-level triggers fire for COPY too). */
function copyMessages(client: Client, prefix: string, deviceId: string, rows: number, embedded: boolean): Promise<number> {
  return copyRows(
    client,
    'Message',
    ['id', 'deviceId', 'type', 'status', 'remoteJid'],
    `SELECT '${prefix}-' || n, '${deviceId}', (ARRAY['incoming', 'outgoing'])[1 + n % 2], (ARRAY['${MESSAGE_STATUSES.join("', '")}'])[1 + n % 6], 'jid'
       FROM generate_series(1, ${rows}) AS n`,
    embedded,
  );
}
