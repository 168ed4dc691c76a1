import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApiUsageRecorder, endChatbotSession, recordChatbotActivity } from '../../src/tracking/index.js';
import { fixtures } from '../support/fixtures.js';
import { getJson } from '../support/http.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { startTestExporter, type TestExporter } from '../support/test-exporter.js';
import { sendRequests, startApiApp } from './support/api-app.js';

// The exporter's clock and the activity times are pinned, so "active" is exact at its edge.
const NOW = new Date('2026-03-10T05:00:00.000Z');
const minutesBefore = (minutes: number, extraMs = 0) => new Date(NOW.getTime() - minutes * 60_000 - extraMs);

let db: TestDatabase;
let exporter: TestExporter;
let keys: string[];
let chatbots: string[];

before(async () => {
  db = await createTestDatabase();
  const make = fixtures(db.pool);
  const userId = await make.user();
  keys = [await make.apiKey(userId), await make.apiKey(userId)];
  chatbots = [await make.chatbot(userId, { status: 'active' }), await make.chatbot(userId, { status: 'inactive' })];

  // API traffic: 5 + 3 requests through the middleware, 2 + 4 outgoing calls
  const recorder = createApiUsageRecorder(db.pool, { flushIntervalMs: 3_600_000 });
  const app = await startApiApp(recorder.middleware());
  try {
    const requests = [
      ...Array.from({ length: 5 }, () => ({ url: `${app.url}/v1/messages`, apiKey: keys[0] })),
      ...Array.from({ length: 3 }, () => ({ url: `${app.url}/v1/messages`, apiKey: keys[1] })),
      { url: `${app.url}/public` },
    ];
    await sendRequests(requests);
    await app.finished(requests.length);
    recorder.recordOutgoing(keys[0]!, 2);
    recorder.recordOutgoing(keys[1]!, 4);
  } finally {
    await app.close();
    await recorder.close();
  }

  // Chatbot sessions as of NOW: two active (one exactly at the 30-minute edge), one gone
  // quiet 1 ms too long, one ended.
  const [bot, otherBot] = chatbots as [string, string];
  await recordChatbotActivity(db.pool, { chatbotId: bot, contactPhone: '+6281100000001', at: minutesBefore(5) });
  await recordChatbotActivity(db.pool, { chatbotId: otherBot, contactPhone: '+6281100000002', at: minutesBefore(30) });
  await recordChatbotActivity(db.pool, { chatbotId: bot, contactPhone: '+6281100000003', at: minutesBefore(30, 1) });
  await recordChatbotActivity(db.pool, { chatbotId: bot, contactPhone: '+6281100000004', at: minutesBefore(2) });
  await endChatbotSession(db.pool, { chatbotId: bot, contactPhone: '+6281100000004', at: minutesBefore(1) });

  exporter = await startTestExporter({ pool: db.pool, now: () => NOW });
});
after(async () => {
  await exporter?.close();
  await db.drop();
});

function metricValue(text: string, sample: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${sample} `));
  return line === undefined ? undefined : Number(line.slice(sample.length + 1));
}

describe('the exporter reports what the tracking kit recorded', () => {
  it('dashboard: apiTraffic', async () => {
    const { status, body } = await getJson(`${exporter.url}/api/monitoring/dashboard`, { headers: exporter.authHeaders('machine') });
    assert.equal(status, 200);
    assert.deepEqual(body.apiTraffic, { incoming: 8, outgoing: 6 });
  });

  it('chatbots: activeSessions', async () => {
    const { status, body } = await getJson(`${exporter.url}/api/monitoring/chatbots`, { headers: exporter.authHeaders('machine') });
    assert.equal(status, 200);
    assert.equal(body.total, 2);
    assert.equal(body.active, 1);
    assert.equal(body.activeSessions, 2);
  });

  it('/metrics: kewhats_api_requests_total and kewhats_chatbot_sessions_active', async () => {
    const response = await fetch(`${exporter.url}/metrics`, { headers: exporter.authHeaders('machine') });
    assert.equal(response.status, 200);
    const text = await response.text();
    assert.equal(metricValue(text, 'kewhats_api_requests_total{direction="incoming"}'), 8);
    assert.equal(metricValue(text, 'kewhats_api_requests_total{direction="outgoing"}'), 6);
    assert.equal(metricValue(text, 'kewhats_chatbot_sessions_active'), 2);
  });

  it('follows new traffic and activity after the next refresh', async () => {
    const recorder = createApiUsageRecorder(db.pool, { flushIntervalMs: 3_600_000 });
    recorder.recordIncoming(keys[1]!, 10);
    recorder.recordOutgoing(keys[0]!);
    await recorder.close();
    await recordChatbotActivity(db.pool, { chatbotId: chatbots[0]!, contactPhone: '+6281100000003', at: minutesBefore(0) });
    await exporter.exporter.snapshots.refreshAfterWrites();

    const dashboard = await getJson(`${exporter.url}/api/monitoring/dashboard`, { headers: exporter.authHeaders('machine') });
    assert.deepEqual(dashboard.body.apiTraffic, { incoming: 18, outgoing: 7 });
    const chatbotsBody = await getJson(`${exporter.url}/api/monitoring/chatbots`, { headers: exporter.authHeaders('machine') });
    assert.equal(chatbotsBody.body.activeSessions, 3, 'the stale conversation started a new session');
  });
});
