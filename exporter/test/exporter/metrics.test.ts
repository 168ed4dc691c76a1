import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { startTestExporter, type TestExporter } from '../support/test-exporter.js';
import { fixtures } from '../support/fixtures.js';
import { documentedMetrics } from '../support/documented-metrics.js';

/** Runs the real `promtool check metrics` on an exposition; returns what it reports. */
function promtoolCheckMetrics(exposition: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('promtool', ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', (error) => reject(new Error(`promtool is required (apt-get install prometheus): ${error.message}`)));
    child.on('close', (code) => resolve({ code, output }));
    child.stdin.end(exposition);
  });
}

/** Parses the samples of an exposition: `name{labels}` → value. */
function samples(exposition: string): Map<string, number> {
  const result = new Map<string, number>();
  for (const line of exposition.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    result.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return result;
}

const DOCUMENTED_METRICS = [...documentedMetrics()];

describe('/metrics', () => {
  let db: TestDatabase;
  let exporter: TestExporter;
  let exposition: string;

  before(async () => {
    db = await createTestDatabase();
    const f = fixtures(db.pool);
    const admin = await f.user({ role: 'admin', plan: 'unlimited', email: 'private-person@example.com' });
    const device = await f.device(admin, { status: 'qr', phone: '+6281234567890' });
    await f.message(device, { type: 'outgoing', status: 'read' });
    await f.message(device, { type: 'incoming', status: 'received' });
    await f.integration(admin, { type: 'Telegram' });
    await f.integration(admin, { type: 'weird "type"\\ with\nnewline' });
    await f.chatbot(admin, { status: 'active' });
    await f.broadcast(admin, { status: 'failed' });
    await f.contact(admin, { email: 'x@y.z', phone: '+628999' });
    await f.webhook(admin, { isActive: false });
    const key = await f.apiKey(admin);
    await f.apiKeyUsage(key, '2026-11-25', 42, 7);
    await f.payment(admin, { amount: '1500.50', status: 'paid', currency: 'IDR', paidAt: new Date() });
    exporter = await startTestExporter({ pool: db.pool });
    const response = await fetch(`${exporter.url}/metrics`, { headers: exporter.authHeaders() });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    exposition = await response.text();
  });
  after(async () => {
    await exporter?.close();
    await db?.drop();
  });

  test('promtool check metrics reports nothing', async () => {
    const result = await promtoolCheckMetrics(exposition);
    assert.equal(result.output.trim(), '', result.output);
    assert.equal(result.code, 0);
  });

  test('every documented metric is exposed with its type', () => {
    for (const [name, type] of DOCUMENTED_METRICS) {
      assert.match(exposition, new RegExp(`^# TYPE ${name} ${type}$`, 'm'), name);
    }
    assert.match(exposition, /^# TYPE process_cpu_user_seconds_total counter$/m, 'default process metrics');
    assert.match(exposition, /^nodejs_heap_size_used_bytes /m);
  });

  test('every kewhats_ metric exposed is documented in the README', () => {
    const exposed = [...exposition.matchAll(/^# TYPE (kewhats_\w+) (\w+)$/gm)].map((match) => [match[1], match[2]]);
    assert.ok(exposed.length > 0);
    const documented = new Map(DOCUMENTED_METRICS);
    for (const [name, type] of exposed) assert.equal(documented.get(name!), type, `${name} (${type}) is missing from README.md's "## Metrics" table`);
  });

  test('values equal the JSON API, label sets are complete and bounded', async () => {
    const values = samples(exposition);
    const json = async (section: string) =>
      (await (await fetch(`${exporter.url}/api/monitoring/${section}`, { headers: exporter.authHeaders() })).json()) as any;
    const dashboard = await json('dashboard');
    assert.equal(values.get('kewhats_messages{kind="sent"}'), dashboard.messages.sent);
    assert.equal(values.get('kewhats_messages{kind="incoming"}'), 1);
    assert.equal(values.get('kewhats_messages{kind="failed"}'), 0);
    assert.equal(values.get('kewhats_api_requests_total{direction="incoming"}'), 42);
    assert.equal(values.get('kewhats_api_requests_total{direction="outgoing"}'), 7);
    assert.equal(values.get('kewhats_revenue_current_month{currency="IDR"}'), 1500.5);
    // 4 plans × 3 roles, zeros included
    assert.equal([...values.keys()].filter((key) => key.startsWith('kewhats_users{')).length, 12);
    assert.equal(values.get('kewhats_users{plan="unlimited",role="admin"}'), 1);
    assert.equal(values.get('kewhats_users{plan="free",role="user"}'), 0);
    assert.equal(values.get('kewhats_devices{status="connecting"}'), 1);
    assert.equal(values.get('kewhats_integrations{type="telegram"}'), 1);
    assert.equal(values.get('kewhats_chatbots{status="active"}'), 1);
    assert.equal(values.get('kewhats_chatbots{status="inactive"}'), 0);
    assert.equal(values.get('kewhats_broadcasts{status="failed"}'), 1);
    assert.equal(values.get('kewhats_contacts'), 1);
    assert.equal(values.get('kewhats_contacts_with_email'), 1);
    assert.equal(values.get('kewhats_webhooks{state="inactive"}'), 1);
    assert.equal(values.get('kewhats_exporter_database_up'), 1);
    assert.equal(values.get('kewhats_replica_lag_seconds'), 0, 'no read replica: no lag');
    assert.equal(values.get('kewhats_exporter_refresh_failures_total'), 0);
    assert.ok((values.get('kewhats_exporter_last_refresh_success_timestamp_seconds') ?? 0) > Date.now() / 1000 - 60);
  });

  test('no personal data in labels', () => {
    assert.doesNotMatch(exposition, /private-person|example\.com|6281234567890|628999|x@y\.z/);
  });
});
