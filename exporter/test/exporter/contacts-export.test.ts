import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse } from 'csv-parse/sync';
import { createPool } from '../../src/db/pool.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { startTestExporter, type TestExporter } from '../support/test-exporter.js';
import { fixtures } from '../support/fixtures.js';
import { waitFor } from '../support/wait-for.js';

const HOSTILE_NAMES = [
  `=HYPERLINK("http://evil.example","click")`,
  '+1+1',
  '-2+3',
  '@SUM(A1:A2)',
  '\tTabbed',
  '\rCarriage',
  'Comma, Inc.',
  'The "Quoted" One',
  'Multi\nLine\r\nName',
  'Siti Nurhaliza 😀 中文 Ñandú',
  'Plain Name',
];

// Phone numbers as people write them: each stays exactly as it is.
const REAL_PHONE_NUMBERS = ['+6281234567890', '+62 812-3456-7890', '+62 (21) 555.1234', '+1 (555) 010-9999', '08123456789', '0812 3456 789'];

// Values that start like a phone number but are not only one: each gets the apostrophe.
const HOSTILE_PHONES: Array<[string, string]> = [
  [`+cmd|' /C calc'!A0`, `'+cmd|' /C calc'!A0`],
  ['+1+1', "'+1+1"],
  ['+62 812 SUM(A1)', "'+62 812 SUM(A1)"],
  ['+', "'+"],
  ['+ - ()', "'+ - ()"],
  ['+62\t812', "'+62\t812"],
  ['+62812\n', "'+62812\n"],
  ['=HYPERLINK("http://evil.example")', `'=HYPERLINK("http://evil.example")`],
  ['-2+3', "'-2+3"],
  ['@SUM(A1:A2)', "'@SUM(A1:A2)"],
  ['\t+62812', "'\t+62812"],
  ['\r+62812', "'\r+62812"],
];

async function download(exporter: TestExporter, type: string): Promise<{ response: Response; text: string }> {
  const response = await fetch(`${exporter.url}/api/monitoring/contacts/export?type=${type}`, { headers: exporter.authHeaders() });
  return { response, text: await response.text() };
}

describe('contact exports', () => {
  let db: TestDatabase;
  let exporter: TestExporter;
  let owner: string;

  before(async () => {
    db = await createTestDatabase();
    const f = fixtures(db.pool);
    owner = await f.user();
    for (const [index, name] of HOSTILE_NAMES.entries()) {
      await f.contact(owner, { name, phone: index % 2 ? '+628123' : '08123', createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, index, 5)) });
    }
    for (const [index, phone] of [...REAL_PHONE_NUMBERS, ...HOSTILE_PHONES.map(([raw]) => raw)].entries()) {
      await f.contact(owner, { name: `phone ${String(index).padStart(2, '0')}`, phone, createdAt: new Date(Date.UTC(2026, 0, 2, 0, 0, index)) });
    }
    for (const email of [
      ' Alice@Example.com ',
      'alice@example.com',
      'ALICE@EXAMPLE.COM\t',
      'bob@example.com',
      '',
      '   ',
      null,
      '=evil@example.com',
      'zoë@example.com',
    ]) {
      await f.contact(owner, { email, createdAt: new Date(Date.UTC(2026, 1, 1)) });
    }
    exporter = await startTestExporter({ pool: db.pool, config: { exportConcurrency: 1 } });
  });
  after(async () => {
    await exporter?.close();
    await db?.drop();
  });

  test('contact export: header, one row per contact, RFC 4180 quoting, formulas neutralised', async () => {
    const { response, text } = await download(exporter, 'contact');
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'text/csv; charset=utf-8');
    assert.match(response.headers.get('content-disposition') ?? '', /^attachment; filename="kewhats-contacts-\d{4}-\d{2}-\d{2}\.csv"$/);
    const rows: string[][] = parse(text, { relax_column_count: false });
    assert.deepEqual(rows[0], ['name', 'phone', 'created_at']);
    const total = Number((await db.pool.query('SELECT count(*) FROM "Contact"')).rows[0].count);
    assert.equal(rows.length - 1, total);
    const names = rows.slice(1, HOSTILE_NAMES.length + 1).map((row) => row[0]);
    assert.deepEqual(names, [
      `'=HYPERLINK("http://evil.example","click")`,
      "'+1+1",
      "'-2+3",
      "'@SUM(A1:A2)",
      "'\tTabbed",
      "'\rCarriage",
      'Comma, Inc.',
      'The "Quoted" One',
      'Multi\nLine\r\nName',
      'Siti Nurhaliza 😀 中文 Ñandú',
      'Plain Name',
    ]);
    assert.equal(rows[1]![1], '08123');
    assert.equal(rows[2]![1], '+628123', 'a phone number stays raw');
    assert.equal(rows[1]![2], '2026-01-01T00:00:00.005Z');
    assert.ok(text.includes('"The ""Quoted"" One"'), 'quotes are doubled inside a quoted field');
  });

  test('phone numbers stay raw, values that only start like one are neutralised', async () => {
    const { text } = await download(exporter, 'contact');
    const rows: string[][] = parse(text);
    const phones = rows.filter((row) => row[0]!.startsWith('phone ')).map((row) => row[1]);
    assert.deepEqual(phones, [...REAL_PHONE_NUMBERS, ...HOSTILE_PHONES.map(([, written]) => written)]);
  });

  test('email export: distinct non-blank emails, trimmed, case-insensitive, lower-case', async () => {
    const { response, text } = await download(exporter, 'email');
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-disposition') ?? '', /filename="kewhats-emails-\d{4}-\d{2}-\d{2}\.csv"/);
    const rows: string[][] = parse(text);
    assert.deepEqual(rows, [['email'], ["'=evil@example.com"], ['alice@example.com'], ['bob@example.com'], ['zoë@example.com']]);
  });

  test('a client that has read a whole export can start the next one at once: the slot is free when the response ends', async () => {
    // The suite allows one export at a time; a slot still held after the last byte would be a 429.
    for (let attempt = 1; attempt <= 30; attempt += 1) {
      assert.equal((await download(exporter, 'email')).response.status, 200, `export ${attempt}`);
    }
  });

  test("an export outlasting the pool's client-side query timeout is not cut by it, nor hit by it afterwards", async () => {
    const pool = createPool(db.url, { max: 2, queryTimeoutMs: 300 });
    const shortTimeouts = await startTestExporter({ pool, config: { exportConcurrency: 1 } });
    const exportUrl = `${shortTimeouts.url}/api/monitoring/contacts/export?type=email`;
    const locker = await db.pool.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE "Contact" IN ACCESS EXCLUSIVE MODE');
      const download = fetch(exportUrl, { headers: shortTimeouts.authHeaders() });
      await waitFor('the export to be running', () => shortTimeouts.exporter.exporterApp.activeExports.size === 1);
      // The COPY waits behind the lock for twice the pool's query timeout.
      await sleep(600);
      await locker.query('COMMIT');
      const response = await download;
      assert.equal(response.status, 200);
      assert.match(await response.text(), /^email\n'=evil@example\.com\n/);
      // pg arms its query timeout for a COPY too: had it been armed, it would have fired by now.
      await sleep(600);
      assert.equal((await fetch(exportUrl, { headers: shortTimeouts.authHeaders() })).status, 200);
    } finally {
      locker.release();
      await shortTimeouts.close();
      await pool.end();
    }
  });

  test('HEAD gives the export headers without running the export', async () => {
    const response = await fetch(`${exporter.url}/api/monitoring/contacts/export?type=email`, { method: 'HEAD', headers: exporter.authHeaders() });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'text/csv; charset=utf-8');
  });

  describe('on a large table', () => {
    const ROWS = 200_000;
    before(async () => {
      await db.pool.query(
        `INSERT INTO "Contact" ("id", "userId", "name", "phone", "email", "createdAt")
         SELECT gen_random_uuid()::text, $1, 'Contact number ' || i, '0812' || i, CASE WHEN i % 2 = 0 THEN 'c' || i || '@example.com' END,
                timestamptz '2026-03-01' + i * interval '1 second'
         FROM generate_series(1, $2) AS i`,
        [owner, ROWS],
      );
    });

    test('streams with flat memory: the export never holds the table', async () => {
      // Live heap only: garbage is collected before each sample.
      setFlagsFromString('--expose-gc');
      const gc = runInNewContext('gc') as () => void;
      gc();
      const baseline = process.memoryUsage().heapUsed;
      let peak = baseline;
      let chunks = 0;
      let bytes = 0;
      let lines = 0;
      const response = await fetch(`${exporter.url}/api/monitoring/contacts/export?type=contact`, { headers: exporter.authHeaders() });
      const reader = response.body!.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        bytes += value.byteLength;
        for (const byte of value) if (byte === 10) lines += 1;
        if (++chunks % 100 === 0) {
          gc();
          peak = Math.max(peak, process.memoryUsage().heapUsed);
        }
      }
      assert.ok(lines > ROWS, `${lines} lines`);
      const growth = peak - baseline;
      // The CSV is ~11 MB; holding it anywhere in the exporter (or the client) would show here.
      assert.ok(growth < bytes / 4, `heap grew ${(growth / 1e6).toFixed(1)} MB for a ${(bytes / 1e6).toFixed(1)} MB export`);
    });

    test('a client that disconnects mid-export releases its database connection at once', async () => {
      const pool = db.pool;
      const controller = new AbortController();
      const response = await fetch(`${exporter.url}/api/monitoring/contacts/export?type=contact`, {
        headers: exporter.authHeaders(),
        signal: controller.signal,
      });
      const reader = response.body!.getReader();
      await reader.read();
      assert.equal(exporter.exporter.exporterApp.activeExports.size, 1);
      controller.abort();
      await waitFor('the export to end with the client', () => exporter.exporter.exporterApp.activeExports.size === 0);
      await waitFor('no pool connection to be checked out any more', () => pool.totalCount - pool.idleCount === 0);
      if (db.kind === 'server') {
        await waitFor('the server-side COPY to be gone', async () => {
          const copies = await pool.query(
            `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'COPY%' AND state = 'active'`,
          );
          return copies.rows[0].n === 0;
        });
      }
      // And the exporter still serves exports afterwards.
      assert.equal((await download(exporter, 'email')).response.status, 200);
    });

    test('beyond the export limit a client gets 429 with Retry-After, scrapes still work', async () => {
      // Connections opened now, before the lock: the embedded PGlite runs one session at a time, so
      // while the lock is held it cannot even start a new connection for the export.
      const warm = await Promise.all(Array.from({ length: 3 }, () => db.pool.connect()));
      for (const client of warm) client.release();
      // Hold the first export inside the database: a lock on Contact keeps its COPY waiting.
      const locker = await db.pool.connect();
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE "Contact" IN ACCESS EXCLUSIVE MODE');
      const first = fetch(`${exporter.url}/api/monitoring/contacts/export?type=email`, { headers: exporter.authHeaders() });
      try {
        await waitFor('the first export to be running', () => exporter.exporter.exporterApp.activeExports.size === 1);
        const second = await fetch(`${exporter.url}/api/monitoring/contacts/export?type=email`, { headers: exporter.authHeaders() });
        assert.equal(second.status, 429);
        assert.equal(second.headers.get('retry-after'), '10');
        assert.equal(((await second.json()) as any).error.code, 'rate_limited');
        assert.equal((await fetch(`${exporter.url}/metrics`, { headers: exporter.authHeaders() })).status, 200);
      } finally {
        await locker.query('COMMIT');
        locker.release();
      }
      const completed = await first;
      assert.equal(completed.status, 200, 'the first export completes once the lock is gone');
      assert.match(await completed.text(), /^email\n/);
    });
  });
});
