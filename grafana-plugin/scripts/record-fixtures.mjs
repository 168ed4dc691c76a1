#!/usr/bin/env node
// Records the monitoring API answers the jest tests replay (test/fixtures/*.json).
//
//   KEWHATS_URL=http://127.0.0.1:9470 KEWHATS_TOKEN=<MONITORING_TOKEN> node scripts/record-fixtures.mjs
//
// Run it against an exporter with demo data (see README.md); the tests read the recorded bodies
// and status codes, so re-recording after an API change keeps them honest.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const baseUrl = (process.env.KEWHATS_URL ?? '').replace(/\/+$/, '');
const token = process.env.KEWHATS_TOKEN ?? '';
if (!baseUrl || !token) {
  console.error('record-fixtures: set KEWHATS_URL and KEWHATS_TOKEN');
  process.exit(1);
}
const outDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'test', 'fixtures');

// A fixed time range: 2026-01-01T00:00:00Z .. 2027-01-01T00:00:00Z as epoch milliseconds, like Grafana sends.
const RANGE = { from: '1767225600000', to: '1798761600000' };

// A JWT of a plain user (role "user"): the monitoring API answers 403. Defaults: the demo user.
async function userToken() {
  const response = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      email: process.env.KEWHATS_USER_EMAIL ?? 'user@kewhats.app',
      password: process.env.KEWHATS_USER_PASSWORD ?? 'user123',
    }),
  });
  if (!response.ok) {
    throw new Error(`login as a plain user failed (${response.status}): set KEWHATS_USER_EMAIL/KEWHATS_USER_PASSWORD`);
  }
  return (await response.json()).token;
}

// The sections come from the exporter's catalogue: every section it serves is recorded.
const catalogueResponse = await fetch(`${baseUrl}/api/monitoring/catalogue`, { headers: { Authorization: `Bearer ${token}` } });
if (!catalogueResponse.ok) {
  throw new Error(`GET /api/monitoring/catalogue answered ${catalogueResponse.status}: is this a KeWhats exporter, and the token right?`);
}
const catalogue = await catalogueResponse.json();
const ranged = catalogue.sections.find((section) => section.timeRange);
const rangeQuery = (from, to) => new URLSearchParams({ [ranged.timeRange.from]: from, [ranged.timeRange.to]: to });

const recordings = [
  { name: 'catalogue', path: '/api/monitoring/catalogue' },
  ...catalogue.sections.map((section) => ({ name: section.name, path: section.path })),
  { name: `${ranged.name}-range`, path: `${ranged.path}?${rangeQuery(RANGE.from, RANGE.to)}` },
  { name: 'error-400', path: `${ranged.path}?${rangeQuery(RANGE.to, RANGE.from)}` },
  { name: 'error-401', path: catalogue.sections[0].path, auth: 'Bearer not-the-token' },
  { name: 'error-403', path: catalogue.sections[1].path, auth: `Bearer ${await userToken()}` },
  { name: 'error-404', path: '/api/monitoring/nope' },
];

await mkdir(outDir, { recursive: true });
for (const recording of recordings) {
  const response = await fetch(`${baseUrl}${recording.path}`, {
    headers: { Authorization: recording.auth ?? `Bearer ${token}` },
  });
  const text = await response.text();
  const fixture = {
    request: `GET ${recording.path}`,
    status: response.status,
    headers: {
      'content-type': response.headers.get('content-type'),
      'x-kewhats-version': response.headers.get('x-kewhats-version'),
    },
    body: JSON.parse(text),
  };
  await writeFile(path.join(outDir, `${recording.name}.json`), `${JSON.stringify(fixture, null, 2)}\n`);
  console.log(`${recording.name}: ${response.status}`);
}
