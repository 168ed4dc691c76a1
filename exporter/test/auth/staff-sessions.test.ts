import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LoginThrottle } from '../../src/auth/login-throttle.js';
import { StaffSessions } from '../../src/auth/staff-sessions.js';
import { UserAccounts } from '../../src/auth/user-accounts.js';
import { createPrismaClient, type PrismaClient } from '../../src/db/prisma.js';
import { DAY, HOUR, ManualClock, MINUTE } from '../gateway/support/sessions.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { createAccount } from './support/accounts.js';

describe('session and sign-in counter storage', () => {
  let db: TestDatabase;
  let prisma: PrismaClient;
  const clock = new ManualClock();
  let sessions: StaffSessions;
  let accounts: UserAccounts;

  const count = async (table: string) => Number((await db.pool.query(`SELECT count(*)::int AS n FROM "${table}"`)).rows[0].n);

  before(async () => {
    db = await createTestDatabase();
    prisma = createPrismaClient(db.pool);
    sessions = new StaffSessions(prisma, { idleMs: 12 * HOUR, maxAgeMs: 7 * DAY, maxPerUser: 20 }, clock.read);
    accounts = new UserAccounts(prisma);
  });
  after(async () => {
    await prisma?.$disconnect();
    await db?.drop();
  });

  it('purges idle and expired sessions, keeps live ones', async () => {
    const created = await createAccount(db.pool, { email: 'purge@kewhats.test', role: 'monitoring' });
    const account = (await accounts.findWithCredentialsById(created.id))!;
    const idle = await sessions.start(account);
    clock.advance(11 * HOUR);
    const live = await sessions.start(account);
    clock.advance(2 * HOUR); // the first is 13 h idle, the second 2 h
    assert.equal(await sessions.purge(), 1);
    assert.equal((await sessions.lookup(idle.secret)).ok, false);
    assert.equal((await sessions.lookup(live.secret)).ok, true);
    clock.advance(8 * DAY); // past every lifetime, however active
    assert.equal(await sessions.purge(), 1);
    assert.equal(await count('StaffSession'), 0);
  });

  it('renews a session at most once a minute', async () => {
    const created = await createAccount(db.pool, { email: 'touch@kewhats.test', role: 'monitoring' });
    const { secret } = await sessions.start((await accounts.findWithCredentialsById(created.id))!);
    const lastSeen = async () =>
      (await db.pool.query(`SELECT "lastSeenAt" FROM "StaffSession" WHERE "userId" = $1`, [created.id])).rows[0].lastSeenAt as Date;
    const started = await lastSeen();
    clock.advance(30_000);
    await sessions.lookup(secret);
    assert.equal((await lastSeen()).getTime(), started.getTime());
    clock.advance(30_000);
    await sessions.lookup(secret);
    assert.equal((await lastSeen()).getTime(), started.getTime() + MINUTE);
  });

  it('purges sign-in counters an hour after their last failure, once they hold nobody back', async () => {
    const throttle = new LoginThrottle(prisma, clock.read);
    for (let miss = 0; miss < 6; miss += 1) {
      const attempt = await throttle.attempt('purge@kewhats.test', '192.0.2.1');
      if (attempt.allowed) await attempt.settle(false);
    }
    assert.equal(await count('LoginThrottle'), 3);
    clock.advance(59 * MINUTE);
    assert.equal(await throttle.purge(), 0);
    clock.advance(2 * MINUTE);
    assert.equal(await throttle.purge(), 3);
  });
});
