import express, { Router } from 'express';
import { z } from 'zod';
import { ROLE_VALUES, type Role } from '../auth/roles.js';
import type { UserAccounts } from '../auth/user-accounts.js';
import { ADMIN_ONLY, requireAccess, type Authenticate } from './authenticate.js';
import { HttpError } from './errors.js';

export interface AdminRoutesOptions {
  accounts: UserAccounts;
  authenticate: Authenticate;
}

const roleChangeSchema = z.object({
  role: z.enum(ROLE_VALUES as [Role, ...Role[]], { message: `role must be one of ${ROLE_VALUES.join(', ')}` }),
});

/**
 * /api/admin: account administration, for admins only. Monitoring accounts, ordinary users
 * and the machine token are refused (403) before the body is even read.
 */
export function createAdminRoutes(options: AdminRoutesOptions): Router {
  const router = Router();
  router.use(requireAccess(options.authenticate, ADMIN_ONLY));
  // A token outlives a demotion by up to its lifetime: for changes this sensitive the caller's
  // role is read again from the database, so a demoted admin's token stops working at once.
  router.use(async (req, _res, next) => {
    const principal = req.principal;
    const caller = principal?.kind === 'user' ? await options.accounts.findById(principal.id) : undefined;
    if (caller?.role !== 'admin') throw new HttpError(403, 'forbidden', 'your account is no longer an admin');
    next();
  });

  router.put('/users/:id/role', express.json({ limit: '4kb' }), async (req, res) => {
    res.set('Cache-Control', 'no-store');
    const body = roleChangeSchema.safeParse(req.body ?? {});
    if (!body.success) throw new HttpError(400, 'bad_request', body.error.issues[0]?.message ?? 'body must be {"role": "..."}');
    const id = req.params.id!;
    const change = await options.accounts.setRoleById(id, body.data.role);
    switch (change.outcome) {
      case 'not_found':
        throw new HttpError(404, 'not_found', `no user with id ${id}`);
      case 'last_admin':
        throw new HttpError(409, 'conflict', `${change.account.email} is the last admin: make another user admin first`);
      case 'updated':
        req.log?.info(
          {
            userId: change.account.id,
            role: change.account.role,
            endedSessions: change.endedSessions,
            byUserId: req.principal?.kind === 'user' ? req.principal.id : undefined,
          },
          'user role changed',
        );
        res.json(change.account);
    }
  });

  router.all('/users/:id/role', () => {
    throw new HttpError(405, 'method_not_allowed', 'change a role with PUT', { Allow: 'PUT' });
  });

  // The prefix is the exporter's even with the Grafana gateway on: nothing here reaches Grafana.
  router.use((req) => {
    throw new HttpError(404, 'not_found', `no route ${req.method} ${req.baseUrl}${req.path}`);
  });
  return router;
}
