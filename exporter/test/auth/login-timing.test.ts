import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { startTestExporter, type TestExporter } from '../support/test-exporter.js';
import { createAccount, freshClientIp, postJson, type TestAccount } from './support/accounts.js';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

describe('sign-in timing', () => {
  let db: TestDatabase;
  let exporter: TestExporter;
  let accounts: TestAccount[];

  before(async () => {
    db = await createTestDatabase();
    exporter = await startTestExporter({ pool: db.pool, env: { TRUST_PROXY: 'loopback' } });
    accounts = await Promise.all(
      Array.from({ length: 8 }, (_, n) => n).map((n) => createAccount(db.pool, { email: `timed${n}@kewhats.test`, role: 'monitoring' })),
    );
  });
  after(async () => {
    await exporter?.close();
    await db?.drop();
  });

  const timedFailure = async (email: string, password: string): Promise<number> => {
    const started = process.hrtime.bigint();
    // A fresh client address each time: the per-IP limiter must not get in the way.
    const response = await postJson(`${exporter.url}/api/auth/login`, { email, password }, { 'X-Forwarded-For': freshClientIp() });
    const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
    assert.equal(response.status, 401);
    await response.arrayBuffer();
    return elapsed;
  };

  it('takes about as long for an unknown email as for a wrong password', async () => {
    // Warm-up: the dummy hash, the database connection and the query plans.
    await timedFailure('warm-up@kewhats.test', 'wrong');
    await timedFailure(accounts[0]!.email, 'wrong');

    const unknownEmail: number[] = [];
    const wrongPassword: number[] = [];
    // Interleaved, in alternating order, so drifts in machine load hit both sides alike; at
    // most 4 misses per account (the per-account limiter allows 5 per window).
    for (let round = 0; round < 24; round += 1) {
      const unknown = () => timedFailure(`nobody-${round}@kewhats.test`, `guess-${round}`);
      const wrong = () => timedFailure(accounts[round % accounts.length]!.email, `guess-${round}`);
      if (round % 2 === 0) {
        unknownEmail.push(await unknown());
        wrongPassword.push(await wrong());
      } else {
        wrongPassword.push(await wrong());
        unknownEmail.push(await unknown());
      }
    }
    const [unknown, wrong] = [median(unknownEmail), median(wrongPassword)];
    const ratio = Math.max(unknown, wrong) / Math.min(unknown, wrong);
    // Skipping the password check for unknown emails makes them ~10x faster; equal work keeps
    // the medians within a generous factor of 2.
    assert.ok(ratio < 2, `median unknown email ${unknown.toFixed(1)} ms vs wrong password ${wrong.toFixed(1)} ms (ratio ${ratio.toFixed(2)})`);
  });
});
