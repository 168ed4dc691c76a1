// Write overhead of the aggregate triggers on the platform's own writes: the same statements
// from 8 concurrent clients with the triggers of "Message" enabled and disabled, in a scratch
// database of the bench's own (disabling triggers makes the maintained counts wrong, so this never
// happens in a database anyone reads). Rounds alternate the sides, so machine drift hits both.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { median } from './stats.js';

/** Concurrent clients, as the targets set them. */
export const WRITE_CLIENTS = 8;
/** Measurements per side; the median is reported. */
export const WRITE_ROUNDS = 5;
/** Rows of the multi-row INSERT. */
export const MULTI_ROW_INSERT_ROWS = 1_000;

export interface WriteSide {
  /** Statements per second of each round. */
  statementsPerSecond: number[];
  medianStatementsPerSecond: number;
  /** Median time per statement (each client waits for its statement before the next). */
  medianStatementMs: number;
}

export interface WriteCaseResult {
  name: string;
  /** Rows each statement writes. */
  rowsPerStatement: number;
  clients: number;
  enabled: WriteSide;
  disabled: WriteSide;
  /** Throughput lost to the triggers: 1 - enabled / disabled (negative: noise in the triggers' favour). */
  overhead: number;
  /** Median time of the triggers inside one statement, and of the whole statement's execution (EXPLAIN ANALYZE, triggers enabled). */
  triggerMs: number;
  executionMs: number;
}

export interface WritesResult {
  triggers: string[];
  seconds: number;
  rounds: number;
  synchronousCommit: string;
  cases: WriteCaseResult[];
}

interface WriteCase {
  name: string;
  rowsPerStatement: number;
  sql: string;
  /** The statement's parameters; `next` hands out distinct row ids where the statement needs one. */
  params(next: () => string): unknown[];
}

const MESSAGE_COLUMNS = `"id", "deviceId", "type", "status", "remoteJid", "body", "createdAt"`;

function writeCases(deviceIds: string[]): WriteCase[] {
  const device = () => deviceIds[Math.floor(Math.random() * deviceIds.length)]!;
  return [
    {
      name: 'single-row INSERT of a message',
      rowsPerStatement: 1,
      sql: `INSERT INTO "Message" (${MESSAGE_COLUMNS}) VALUES ($1, $2, 'outgoing', 'pending', '6281234567890@s.whatsapp.net', 'bench message', now())`,
      params: () => [randomUUID(), device()],
    },
    {
      name: `${MULTI_ROW_INSERT_ROWS.toLocaleString('en')}-row INSERT of messages`,
      rowsPerStatement: MULTI_ROW_INSERT_ROWS,
      // Mixed types and statuses, so the triggers' grouping has several groups to add up.
      sql: `INSERT INTO "Message" (${MESSAGE_COLUMNS})
            SELECT gen_random_uuid()::text, $1,
                   (CASE WHEN i % 2 = 0 THEN 'incoming' ELSE 'outgoing' END)::"MessageType",
                   (CASE WHEN i % 2 = 0 THEN 'received' ELSE (ARRAY['pending', 'sent', 'delivered', 'read', 'failed'])[1 + i % 5] END)::"MessageStatus",
                   '6281234567890@s.whatsapp.net', 'bench message ' || i, now()
              FROM generate_series(1, $2::int) AS i`,
      params: () => [device(), MULTI_ROW_INSERT_ROWS],
    },
    {
      name: 'status UPDATE of one message',
      rowsPerStatement: 1,
      // Always a new status, so every update moves the message between counted groups.
      sql: `UPDATE "Message" SET "status" = (CASE "status" WHEN 'sent' THEN 'delivered' WHEN 'delivered' THEN 'read' ELSE 'sent' END)::"MessageStatus"
             WHERE "id" = $1`,
      params: (next) => [next()],
    },
    {
      name: 'single-row DELETE of a message',
      rowsPerStatement: 1,
      sql: `DELETE FROM "Message" WHERE "id" = $1`,
      params: (next) => [next()],
    },
  ];
}

/** Statements timed inside the server for the trigger share (each rolled back). */
export const EXPLAINED_STATEMENTS = 15;

interface ExplainedPlan {
  'Execution Time': number;
  Triggers?: Array<{ 'Trigger Name': string; Time: number }>;
}

/**
 * The triggers' share of a statement's time inside the server, from EXPLAIN ANALYZE (which times
 * each trigger): what the CPU pays per statement, unaffected by the commit's disk flush and by
 * how busy the machine is between statements. Each statement is rolled back.
 */
async function triggerShare(
  client: pg.Client,
  writeCase: WriteCase,
  next: () => string,
  triggers: readonly string[],
): Promise<{ triggerMs: number; executionMs: number }> {
  const triggerMs: number[] = [];
  const executionMs: number[] = [];
  for (let index = 0; index < EXPLAINED_STATEMENTS; index += 1) {
    await client.query('BEGIN');
    try {
      const { rows } = await client.query<{ 'QUERY PLAN': ExplainedPlan[] }>(
        `EXPLAIN (ANALYZE, FORMAT JSON) ${writeCase.sql}`,
        writeCase.params(next),
      );
      const plan = rows[0]!['QUERY PLAN'][0]!;
      executionMs.push(plan['Execution Time']);
      triggerMs.push(
        (plan.Triggers ?? []).filter((trigger) => triggers.includes(trigger['Trigger Name'])).reduce((sum, trigger) => sum + trigger.Time, 0),
      );
    } finally {
      await client.query('ROLLBACK');
    }
  }
  return { triggerMs: median(triggerMs), executionMs: median(executionMs) };
}

/** Runs `statement` on every client until `seconds` have passed; statements per second and each statement's time. */
async function measure(
  clients: pg.Client[],
  seconds: number,
  statement: (client: pg.Client) => Promise<unknown>,
): Promise<{ perSecond: number; ms: number[] }> {
  const durations: number[] = [];
  const started = performance.now();
  const until = started + seconds * 1000;
  await Promise.all(
    clients.map(async (client) => {
      while (performance.now() < until) {
        const begun = performance.now();
        await statement(client);
        durations.push(performance.now() - begun);
      }
    }),
  );
  return { perSecond: durations.length / ((performance.now() - started) / 1000), ms: durations };
}

/** User (not internal, i.e. not foreign-key) triggers of "Message": what DISABLE TRIGGER USER switches off. */
export async function messageTriggers(client: pg.Client): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT tgname AS name FROM pg_trigger WHERE tgrelid = '"Message"'::regclass AND NOT tgisinternal ORDER BY 1`,
  );
  return rows.map((row) => row.name);
}

/**
 * Outgoing messages for the statements that need a row of their own (an UPDATE, a DELETE), in
 * random order, so no two statements touch the same row and a delete never misses. However fast
 * the machine, a measurement never runs dry: before each one the supply is topped up (untimed)
 * to twice the most rows one measurement has taken so far.
 */
class MessageSupply {
  private ids: string[] = [];
  private mostUsed = 50_000;
  /** Rows handed out so far. */
  taken = 0;

  constructor(
    private readonly admin: pg.Client,
    private readonly deviceIds: string[],
  ) {}

  async load(): Promise<void> {
    const { rows } = await this.admin.query<{ id: string }>(`SELECT "id" FROM "Message" WHERE "type" = 'outgoing' ORDER BY random()`);
    this.ids = rows.map((row) => row.id);
  }

  readonly next = (): string => {
    const id = this.ids.pop();
    if (id === undefined)
      throw new Error(`the writes bench ran out of messages after ${this.taken} (topped up to ${2 * this.mostUsed} before each measurement)`);
    this.taken += 1;
    return id;
  };

  used(rows: number): void {
    this.mostUsed = Math.max(this.mostUsed, rows);
  }

  async topUp(): Promise<void> {
    const missing = 2 * this.mostUsed - this.ids.length;
    if (missing <= 0) return;
    const device = this.deviceIds[Math.floor(Math.random() * this.deviceIds.length)]!;
    const { rows } = await this.admin.query<{ id: string }>(
      `INSERT INTO "Message" (${MESSAGE_COLUMNS})
       SELECT gen_random_uuid()::text, $1, 'outgoing', 'sent', '6281234567890@s.whatsapp.net', 'bench message', now()
         FROM generate_series(1, $2::int)
       RETURNING "id"`,
      [device, missing],
    );
    // In random order (as the loaded ones), behind the ids on hand: next() takes from the end.
    const added = rows.map((row) => row.id);
    for (let index = added.length - 1; index > 0; index -= 1) {
      const other = Math.floor(Math.random() * (index + 1));
      [added[index], added[other]] = [added[other]!, added[index]!];
    }
    this.ids = [...added, ...this.ids];
  }
}

export interface WritesOptions {
  /** A scratch database with synthetic data: its triggers are switched off and on, its rows written. */
  databaseUrl: string;
  seconds: number;
  /** Called between measurements (untimed), e.g. to fold the delta log as the exporter would. */
  between?: (client: pg.Client) => Promise<void>;
  log: (line: string) => void;
}

/** "12.3 % lower" (throughput lost to the triggers) or "4.0 % higher" (noise in their favour). */
export function formatOverhead(overhead: number): string {
  return `${(Math.abs(overhead) * 100).toFixed(1)} % ${overhead >= 0 ? 'lower' : 'higher'}`;
}

export async function benchWrites(options: WritesOptions): Promise<WritesResult> {
  const admin = new pg.Client({ connectionString: options.databaseUrl, application_name: 'kewhats-bench-writes' });
  await admin.connect();
  const clients = Array.from(
    { length: WRITE_CLIENTS },
    () => new pg.Client({ connectionString: options.databaseUrl, application_name: 'kewhats-bench-writes' }),
  );
  try {
    await Promise.all(clients.map((client) => client.connect()));
    const triggers = await messageTriggers(admin);
    const synchronousCommit = (await admin.query<{ synchronous_commit: string }>('SHOW synchronous_commit')).rows[0]!.synchronous_commit;
    const deviceIds = (await admin.query<{ id: string }>(`SELECT "id" FROM "Device" ORDER BY "id" LIMIT 1000`)).rows.map((row) => row.id);
    const supply = new MessageSupply(admin, deviceIds);
    await supply.load();
    const next = supply.next;
    const setTriggers = (enabled: boolean) => admin.query(`ALTER TABLE "Message" ${enabled ? 'ENABLE' : 'DISABLE'} TRIGGER USER`);
    const cases: WriteCaseResult[] = [];
    try {
      for (const writeCase of writeCases(deviceIds)) {
        const sides = { enabled: { perSecond: [] as number[], ms: [] as number[] }, disabled: { perSecond: [] as number[], ms: [] as number[] } };
        // A short untimed warm-up of each side: connections, plans, caches.
        for (const enabled of [true, false]) {
          await supply.topUp();
          await setTriggers(enabled);
          await measure(clients, 0.5, (client) => client.query(writeCase.sql, writeCase.params(next)));
        }
        for (let round = 0; round < WRITE_ROUNDS; round += 1) {
          const order = round % 2 === 0 ? [true, false] : [false, true];
          for (const enabled of order) {
            await supply.topUp();
            await setTriggers(enabled);
            await options.between?.(admin);
            const taken = supply.taken;
            const result = await measure(clients, options.seconds, (client) => client.query(writeCase.sql, writeCase.params(next)));
            supply.used(supply.taken - taken);
            const side = enabled ? sides.enabled : sides.disabled;
            side.perSecond.push(result.perSecond);
            side.ms.push(...result.ms);
          }
        }
        const summarise = (side: { perSecond: number[]; ms: number[] }): WriteSide => ({
          statementsPerSecond: side.perSecond.map((value) => Math.round(value)),
          medianStatementsPerSecond: median(side.perSecond),
          medianStatementMs: median(side.ms),
        });
        await setTriggers(true);
        await supply.topUp();
        const share = await triggerShare(admin, writeCase, next, triggers);
        const enabled = summarise(sides.enabled);
        const disabled = summarise(sides.disabled);
        const result: WriteCaseResult = {
          name: writeCase.name,
          rowsPerStatement: writeCase.rowsPerStatement,
          clients: clients.length,
          enabled,
          disabled,
          overhead: 1 - enabled.medianStatementsPerSecond / disabled.medianStatementsPerSecond,
          ...share,
        };
        cases.push(result);
        options.log(
          `  ${writeCase.name}: ${enabled.statementsPerSecond.join(' / ')} statements/s with the triggers, ${disabled.statementsPerSecond.join(' / ')} without (${formatOverhead(result.overhead)}); triggers ${result.triggerMs.toFixed(3)} ms of ${result.executionMs.toFixed(3)} ms inside the server`,
        );
      }
    } finally {
      // Never leave a database with its counts' triggers off, even a scratch one.
      await setTriggers(true);
    }
    return { triggers, seconds: options.seconds, rounds: WRITE_ROUNDS, synchronousCommit, cases };
  } finally {
    await Promise.all(clients.map((client) => client.end().catch(() => {})));
    await admin.end();
  }
}
