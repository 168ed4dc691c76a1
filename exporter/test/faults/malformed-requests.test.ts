// Requests no well-behaved client sends. Each gets a clear 4xx in the API's error shape and
// nothing else: no 5xx, no data, no stack trace, and the exporter serves on afterwards.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fixtures } from '../support/fixtures.js';
import { rawRequest } from '../support/raw-http.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { startTestExporter, type TestExporter } from '../support/test-exporter.js';

interface Answer {
  status: number;
  contentType: string;
  body: string;
}

let db: TestDatabase;
let exporter: TestExporter;
let adminToken: string;

before(async () => {
  db = await createTestDatabase();
  const adminId = await fixtures(db.pool).user({ role: 'admin' });
  exporter = await startTestExporter({ pool: db.pool });
  adminToken = exporter.tokenFor('admin', { id: adminId });
});
after(async () => {
  await exporter?.close();
  await db?.drop();
});

/** Sends raw bytes as one request and reads the whole answer (the server closes after it). */
async function raw(request: string | Buffer): Promise<Answer> {
  const response = await rawRequest(exporter.url, request, { keepBody: true });
  await response.closed;
  const contentType = /^content-type:\s*(.+)$/im.exec(response.head)?.[1]?.trim() ?? '';
  return { status: response.status, contentType, body: response.bodyText() };
}

function request(method: string, target: string, headers: Record<string, string> = {}, body: string | Buffer = ''): Buffer {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  const lines = [
    `${method} ${target} HTTP/1.1`,
    'Host: 127.0.0.1',
    'Connection: close',
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  if (bytes.length > 0) lines.push(`Content-Length: ${bytes.length}`);
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`), bytes]);
}

const machine = () => ({ Authorization: `Bearer ${exporter.machineToken}` });
const admin = () => ({ Authorization: `Bearer ${adminToken}` });
const json = { 'Content-Type': 'application/json' };
const dashboard = (query: string) => request('GET', `/api/monitoring/dashboard?${query}`, machine());

/** Every case: the request, and the 4xx it must get. */
const CASES: Array<{ name: string; send: () => Promise<Answer>; status: number }> = [
  // Oversized parts of the request.
  {
    name: 'headers over 16 kB',
    status: 431,
    send: () => raw(request('GET', '/api/monitoring/users', { ...machine(), 'X-Padding': 'a'.repeat(20_000) })),
  },
  { name: 'a query string over 16 kB', status: 431, send: () => raw(request('GET', `/api/monitoring/users?q=${'a'.repeat(20_000)}`, machine())) },
  { name: 'a 10 kB from value', status: 400, send: () => raw(dashboard(`from=${'9'.repeat(10_000)}&to=2026-01-01`)) },
  {
    name: 'a 1 MB sign-in body',
    status: 413,
    send: () => raw(request('POST', '/api/auth/login', json, JSON.stringify({ email: 'a@b.example', password: 'x'.repeat(1_000_000) }))),
  },
  {
    name: 'a 1 MB role-change body',
    status: 413,
    send: () => raw(request('PUT', '/api/admin/users/some-id/role', { ...admin(), ...json }, JSON.stringify({ role: 'x'.repeat(1_000_000) }))),
  },
  // Bytes that are not what they claim to be.
  { name: 'malformed JSON', status: 400, send: () => raw(request('POST', '/api/auth/login', json, '{"email": ')) },
  {
    name: 'invalid UTF-8 in a JSON body',
    status: 400,
    send: () => raw(request('POST', '/api/auth/login', json, Buffer.from('{"email":"a\xc3\x28@b.example","password":"x"}', 'latin1'))),
  },
  { name: 'invalid UTF-8 (percent-encoded) in the path', status: 404, send: () => raw(request('GET', '/api/monitoring/%C3%28', machine())) },
  { name: 'invalid UTF-8 (percent-encoded) in from', status: 400, send: () => raw(dashboard('from=%C3%28&to=2026-01-01')) },
  {
    name: 'raw non-ASCII bytes in the request line',
    status: 400,
    send: () => raw(Buffer.concat([Buffer.from('GET /api/monitoring/'), Buffer.from([0xff, 0xfe]), Buffer.from(' HTTP/1.1\r\nHost: x\r\n\r\n')])),
  },
  {
    name: 'a NUL byte in a user id',
    status: 400,
    send: () => raw(request('PUT', '/api/admin/users/ab%00cd/role', { ...admin(), ...json }, '{"role":"monitoring"}')),
  },
  { name: 'a NUL byte in from', status: 400, send: () => raw(dashboard('from=2026-01-01%00&to=2026-02-01')) },
  {
    name: 'a NUL byte in a sign-in email',
    status: 400,
    send: () => raw(request('POST', '/api/auth/login', json, JSON.stringify({ email: 'a\u0000@b.example', password: 'x' }))),
  },
  { name: 'not HTTP at all', status: 400, send: () => raw('HELLO THERE\r\n\r\n') },
  {
    name: 'two different Content-Length headers',
    status: 400,
    send: () => raw('POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}'),
  },
  { name: 'a control character in a header value', status: 400, send: () => raw('GET /healthz HTTP/1.1\r\nHost: x\r\nX-Bad: a\x01b\r\n\r\n') },
  // from/to edge cases.
  { name: 'from[]= (array syntax)', status: 400, send: () => raw(dashboard('from[]=2026-01-01&to=2026-02-01')) },
  { name: 'from given twice', status: 400, send: () => raw(dashboard('from=2026-01-01&from=2026-01-02&to=2026-02-01')) },
  { name: 'a 31st of February', status: 400, send: () => raw(dashboard('from=2026-02-31&to=2026-03-01')) },
  { name: 'hour 24', status: 400, send: () => raw(dashboard('from=2026-01-01T24:00&to=2026-02-01')) },
  { name: 'from after to', status: 400, send: () => raw(dashboard('from=2026-02-01&to=2026-01-01')) },
  { name: 'from without to', status: 400, send: () => raw(dashboard('from=2026-01-01')) },
  { name: 'empty from and to', status: 400, send: () => raw(dashboard('from=&to=')) },
  { name: 'epoch beyond any date', status: 400, send: () => raw(dashboard('from=0&to=99999999999999999')) },
  { name: 'an unknown export type', status: 400, send: () => raw(request('GET', '/api/monitoring/contacts/export?type[]=contact', machine())) },
  // Paths that try to reach somewhere else.
  { name: 'dot segments past a guard', status: 401, send: () => raw(request('GET', '/api/monitoring/../../metrics')) },
  { name: 'encoded dot segments', status: 401, send: () => raw(request('GET', '/api/monitoring/%2e%2e/%2e%2e/metrics')) },
  { name: 'encoded slashes', status: 401, send: () => raw(request('GET', '/api/monitoring/users%2F..%2F..%2Fmetrics')) },
  { name: 'backslashes', status: 404, send: () => raw(request('GET', '/api/monitoring\\..\\..\\metrics')) },
  { name: 'a double leading slash', status: 404, send: () => raw(request('GET', '//api/monitoring/users', machine())) },
  { name: 'a section with a trailing dot segment', status: 404, send: () => raw(request('GET', '/api/monitoring/users/..', machine())) },
  { name: 'an absolute URL as the target, no credentials', status: 401, send: () => raw(request('GET', 'http://evil.example/api/monitoring/users')) },
  { name: 'the asterisk target', status: 404, send: () => raw(request('GET', '*')) },
  { name: 'a write method on the read-only API', status: 405, send: () => raw(request('DELETE', '/api/monitoring/users', machine())) },
];

describe('fault: malformed requests', () => {
  for (const { name, send, status } of CASES) {
    test(`${name}: ${status}`, async () => {
      const answer = await send();
      assert.equal(answer.status, status, answer.body);
      assert.match(answer.contentType, /^application\/json/);
      const body = JSON.parse(answer.body) as { error: { code: string; message: string } };
      assert.deepEqual(Object.keys(body), ['error']);
      assert.equal(typeof body.error.code, 'string');
      assert.ok(body.error.message.length > 0);
      assert.doesNotMatch(answer.body, /\n\s+at |node_modules/, 'no stack trace');
    });
  }

  test('from/to in the years 0000–0099 are those years, not 1900–1999', async () => {
    const response = await fetch(`${exporter.url}/api/monitoring/dashboard?from=0001-01-01&to=0099-12-31T23:59`, { headers: machine() });
    const body = (await response.json()) as { revenue: { from: string; to: string } };
    assert.equal(response.status, 200);
    // Asia/Jakarta kept local mean time (+07:07:12) until 1924.
    assert.equal(body.revenue.from, '0000-12-31T16:52:48.000Z');
    assert.equal(body.revenue.to, '0099-12-31T16:51:48.000Z');
  });

  test('after all of them the exporter still serves', async () => {
    const response = await fetch(`${exporter.url}/api/monitoring/users`, { headers: machine() });
    assert.equal(response.status, 200);
  });
});
