import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Role } from '../../src/auth/roles.js';
import { UserAccounts } from '../../src/auth/user-accounts.js';
import { createPrismaClient, type PrismaClient } from '../../src/db/prisma.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { startTestExporter, type TestExporter } from '../support/test-exporter.js';
import { createAccount, roleOf, type TestAccount } from './support/accounts.js';

type Caller = 'admin' | 'monitoring' | 'user' | 'machine' | 'none' | 'forged';

describe('PUT /api/admin/users/:id/role', () => {
  let db: TestDatabase;
  let exporter: TestExporter;
  let prisma: PrismaClient;
  let callers: Record<'admin' | 'monitoring' | 'user', TestAccount>;

  /** Every test starts from the same accounts: the callers, plus whatever the test adds. */
  const resetAccounts = async () => {
    await db.pool.query('DELETE FROM "User"');
    const [admin, monitoring, user] = await Promise.all([
      createAccount(db.pool, { email: 'admin@kewhats.test', role: 'admin' }),
      createAccount(db.pool, { email: 'monitoring@kewhats.test', role: 'monitoring' }),
      createAccount(db.pool, { email: 'user@kewhats.test', role: 'user' }),
    ]);
    callers = { admin: admin!, monitoring: monitoring!, user: user! };
  };

  const headersFor = (caller: Caller): Record<string, string> => {
    switch (caller) {
      case 'none':
        return {};
      case 'machine':
        return { Authorization: `Bearer ${exporter.machineToken}` };
      case 'forged':
        return { Authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJyb2xlIjoiYWRtaW4ifQ.' };
      default: {
        const account = callers[caller];
        return { Authorization: `Bearer ${exporter.tokenFor(account.role, { id: account.id, email: account.email })}` };
      }
    }
  };

  const putRole = (id: string, body: unknown, caller: Caller | Record<string, string>) =>
    fetch(`${exporter.url}/api/admin/users/${encodeURIComponent(id)}/role`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json', ...(typeof caller === 'string' ? headersFor(caller) : caller) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  const errorOf = async (response: Response) => ((await response.json()) as { error: { code: string; message: string } }).error;

  before(async () => {
    db = await createTestDatabase();
    exporter = await startTestExporter({ pool: db.pool });
    prisma = createPrismaClient(db.pool);
  });
  after(async () => {
    await prisma?.$disconnect();
    await exporter?.close();
    await db?.drop();
  });
  beforeEach(resetAccounts);

  describe('who may call it', () => {
    const refusals: Array<[Caller, number, string]> = [
      ['monitoring', 403, 'forbidden'],
      ['user', 403, 'forbidden'],
      ['machine', 403, 'forbidden'],
      ['none', 401, 'unauthorized'],
      ['forged', 401, 'unauthorized'],
    ];
    for (const [caller, status, code] of refusals) {
      for (const [situation, id, body] of [
        ['a valid change', 'target', { role: 'monitoring' }],
        ['an invalid role', 'target', { role: 'superuser' }],
        ['an unknown id', 'no-such-id', { role: 'monitoring' }],
      ] as const) {
        it(`answers ${status} to ${caller} for ${situation}, changing nothing`, async () => {
          const target = await createAccount(db.pool, { email: 'target@kewhats.test', role: 'user' });
          const response = await putRole(id === 'target' ? target.id : id, body, caller);
          assert.equal(response.status, status);
          assert.equal((await errorOf(response)).code, code);
          assert.equal(await roleOf(db.pool, target.id), 'user');
        });
      }
    }
  });

  describe('as an admin', () => {
    for (const role of ['monitoring', 'admin', 'user'] as const) {
      it(`sets role ${role} and answers {id, email, role}`, async () => {
        const target = await createAccount(db.pool, { email: `to-${role}@kewhats.test`, role: role === 'user' ? 'monitoring' : 'user' });
        const response = await putRole(target.id, { role }, 'admin');
        assert.equal(response.status, 200);
        assert.deepEqual(await response.json(), { id: target.id, email: target.email, role });
        assert.equal(await roleOf(db.pool, target.id), role);
      });
    }

    for (const [name, body] of [
      ['an unknown role', { role: 'superuser' }],
      ['a role in capitals', { role: 'ADMIN' }],
      ['no role', {}],
      ['a number', { role: 1 }],
      ['malformed JSON', '{"role":'],
    ] as const) {
      it(`answers 400 for ${name}`, async () => {
        const target = await createAccount(db.pool, { email: 'stays@kewhats.test', role: 'user' });
        const response = await putRole(target.id, body, 'admin');
        assert.equal(response.status, 400);
        assert.equal((await errorOf(response)).code, 'bad_request');
        assert.equal(await roleOf(db.pool, target.id), 'user');
      });
    }

    it('answers 404 for an unknown id', async () => {
      const response = await putRole('00000000-0000-4000-8000-000000000000', { role: 'monitoring' }, 'admin');
      assert.equal(response.status, 404);
      assert.equal((await errorOf(response)).code, 'not_found');
    });

    it('answers 405 to other methods and 404 elsewhere under /api/admin', async () => {
      const get = await fetch(`${exporter.url}/api/admin/users/${callers.user.id}/role`, { headers: headersFor('admin') });
      assert.equal(get.status, 405);
      assert.equal(get.headers.get('allow'), 'PUT');
      const elsewhere = await fetch(`${exporter.url}/api/admin/settings`, { headers: headersFor('admin') });
      assert.equal(elsewhere.status, 404);
    });

    it('stops accepting an admin token as soon as its account is no longer admin', async () => {
      const second = await createAccount(db.pool, { email: 'second-admin@kewhats.test', role: 'admin' });
      assert.equal((await putRole(callers.admin.id, { role: 'monitoring' }, 'admin')).status, 200);
      // The token still says admin, but the account is not one any more.
      const response = await putRole(callers.user.id, { role: 'monitoring' }, 'admin');
      assert.equal(response.status, 403);
      assert.equal(await roleOf(db.pool, callers.user.id), 'user');
      assert.equal(await roleOf(db.pool, second.id), 'admin');
    });
  });

  describe('the last admin', () => {
    it('cannot be demoted (409), not even by themselves', async () => {
      for (const role of ['monitoring', 'user'] as const) {
        const response = await putRole(callers.admin.id, { role }, 'admin');
        assert.equal(response.status, 409);
        const error = await errorOf(response);
        assert.equal(error.code, 'conflict');
        assert.match(error.message, /last admin/);
        assert.equal(await roleOf(db.pool, callers.admin.id), 'admin');
      }
      // Re-affirming the role is no demotion.
      assert.equal((await putRole(callers.admin.id, { role: 'admin' }, 'admin')).status, 200);
    });

    it('can be demoted once there is another admin, and then the other one cannot', async () => {
      const other = await createAccount(db.pool, { email: 'other-admin@kewhats.test', role: 'admin' });
      assert.equal((await putRole(other.id, { role: 'monitoring' }, 'admin')).status, 200);
      assert.equal((await putRole(other.id, { role: 'admin' }, 'admin')).status, 200);
      assert.equal((await putRole(callers.admin.id, { role: 'user' }, 'admin')).status, 200);
      const otherToken = { Authorization: `Bearer ${exporter.tokenFor('admin', { id: other.id, email: other.email })}` };
      assert.equal((await putRole(other.id, { role: 'monitoring' }, otherToken)).status, 409);
      assert.equal(await roleOf(db.pool, other.id), 'admin');
    });

    it('survives two concurrent demotions: exactly one succeeds and one admin is left', async () => {
      for (let round = 0; round < 5; round += 1) {
        await resetAccounts();
        const other = await createAccount(db.pool, { email: 'other-admin@kewhats.test', role: 'admin' });
        const otherToken = { Authorization: `Bearer ${exporter.tokenFor('admin', { id: other.id, email: other.email })}` };
        // Each admin demotes themselves, at the same moment.
        const responses = await Promise.all([
          putRole(callers.admin.id, { role: 'monitoring' }, 'admin'),
          putRole(other.id, { role: 'monitoring' }, otherToken),
        ]);
        const statuses = responses.map((response) => response.status).sort();
        assert.deepEqual(statuses, [200, 409], `round ${round}`);
        const { rows } = await db.pool.query(`SELECT count(*)::int AS admins FROM "User" WHERE "role" = 'admin'`);
        assert.equal(rows[0].admins, 1, `round ${round}`);
      }
    });

    it('survives many concurrent demotions straight through the account store', async () => {
      const accounts = new UserAccounts(prisma);
      const admins = [callers.admin];
      for (let n = 0; n < 3; n += 1) admins.push(await createAccount(db.pool, { email: `admin-${n}@kewhats.test`, role: 'admin' }));
      const targets: Role[] = ['monitoring', 'user', 'monitoring', 'user'];
      const outcomes = await Promise.all(admins.map((admin, index) => accounts.setRoleById(admin.id, targets[index]!)));
      assert.equal(outcomes.filter((outcome) => outcome.outcome === 'updated').length, 3);
      assert.equal(outcomes.filter((outcome) => outcome.outcome === 'last_admin').length, 1);
      const { rows } = await db.pool.query(`SELECT count(*)::int AS admins FROM "User" WHERE "role" = 'admin'`);
      assert.equal(rows[0].admins, 1);
    });
  });
});
