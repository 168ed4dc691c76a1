import express, { Router, type Request } from 'express';
import { z } from 'zod';
import type { AccountServices } from '../auth/account-services.js';
import { displayName, signAccessToken } from '../auth/access-token.js';
import { hashPassword, verifyPassword } from '../auth/passwords.js';
import { MAX_PASSWORD_LENGTH, weakPasswordReason } from '../auth/password-policy.js';
import { staffPreferencesSchema } from '../auth/staff-preferences.js';
import { isStaffRole } from '../auth/staff-sessions.js';
import { clearedSessionSetCookie } from '../gateway/session-cookie.js';
import { requireAccess, sessionPrincipal, STAFF_ONLY, type Authenticate, type Principal } from './authenticate.js';
import { HttpError } from './errors.js';
import { checkPasswordWithinLimits } from './login-rate-limits.js';
import { INVALID_CREDENTIALS, readLoginRequest, signInAttempt } from './login-request.js';

export interface AuthRoutesOptions {
  services: AccountServices;
  authenticate: Authenticate;
}

const revokeAllSchema = z.strictObject(
  { userId: z.string({ message: 'userId must be a string' }).min(1).max(200).optional() },
  { message: 'body must be {} or {"userId": "..."}' },
);

const passwordChangeSchema = z.strictObject(
  {
    currentPassword: z
      .string({ message: 'currentPassword is required' })
      .min(1, 'currentPassword is required')
      .max(MAX_PASSWORD_LENGTH, 'currentPassword is too long'),
    newPassword: z.string({ message: 'newPassword is required' }).min(1, 'newPassword is required'),
  },
  { message: 'body must be {"currentPassword": "...", "newPassword": "..."}' },
);

function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) throw new HttpError(400, 'bad_request', parsed.error.issues[0]?.message ?? 'malformed request body');
  return parsed.data;
}

type UserPrincipal = Extract<Principal, { kind: 'user' }>;

function userOf(req: Request): UserPrincipal {
  const principal = req.principal;
  if (principal?.kind !== 'user') throw new HttpError(403, 'forbidden', 'your role may not use this endpoint');
  return principal;
}

/**
 * /api/auth: POST /login exchanges an email and password for a stateless RS256 bearer token
 * (every role signs in here, `user` included: the platform may rely on it; the gateway is what
 * turns ordinary users away). The rest is about staff sessions: the current one, the user's
 * list, signing out (here or everywhere), changing the password, and the console's preferences.
 */
export function createAuthRoutes(options: AuthRoutesOptions): Router {
  const { services, authenticate } = options;
  const { sessions, accounts } = services;
  const router = Router();
  const staff = requireAccess(authenticate, STAFF_ONLY);
  router.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });

  router.post('/login', express.json({ limit: '8kb' }), async (req, res) => {
    const login = readLoginRequest(req);
    if (!services.jwt.privateKey) throw new HttpError(503, 'unavailable', 'sign-in is not configured on this exporter (JWT_PRIVATE_KEY)');
    const account = await signInAttempt(services, req, login);
    if (!account) throw new HttpError(401, 'unauthorized', INVALID_CREDENTIALS);
    const { token, expiresAt } = signAccessToken(account, services.jwt, services.clock());
    res.json({ token, expiresAt: expiresAt.toISOString(), user: { id: account.id, email: account.email, role: account.role } });
  });

  router.get('/session', async (req, res) => {
    const principal = await sessionPrincipal(req, sessions);
    const session = principal?.kind === 'user' ? principal.session : undefined;
    if (!session) throw new HttpError(401, 'unauthorized', 'not signed in: sign in at /login');
    res.json({
      user: { id: session.userId, email: session.email, name: displayName(session), role: session.role },
      session: {
        createdAt: session.createdAt.toISOString(),
        lastSeenAt: session.lastSeenAt.toISOString(),
        idleExpiresAt: session.idleExpiresAt.toISOString(),
        expiresAt: session.expiresAt.toISOString(),
      },
      csrfToken: session.csrfToken,
    });
  });

  router.get('/sessions', staff, async (req, res) => {
    const user = userOf(req);
    const list = await sessions.listOf(user.id);
    res.json({
      sessions: list.map((session) => ({
        current: session.id === user.session?.id,
        createdAt: session.createdAt.toISOString(),
        lastSeenAt: session.lastSeenAt.toISOString(),
        expiresAt: session.expiresAt.toISOString(),
        userAgent: session.userAgent,
      })),
    });
  });

  router.post('/logout', async (req, res) => {
    const principal = await sessionPrincipal(req, sessions);
    const session = principal?.kind === 'user' ? principal.session : undefined;
    if (!session) throw new HttpError(401, 'unauthorized', 'not signed in');
    await sessions.end(session.id);
    req.log?.info({ userId: session.userId }, 'staff sign-out');
    res.append('Set-Cookie', clearedSessionSetCookie({ secure: req.secure }));
    res.status(204).end();
  });

  router.post('/sessions/revoke-all', staff, express.json({ limit: '2kb' }), async (req, res) => {
    const user = userOf(req);
    const { userId = user.id } = parseBody(revokeAllSchema, req.body);
    // Bearer tokens outlive role changes by up to their lifetime: read the caller again.
    const caller = await accounts.findById(user.id);
    if (!caller || !isStaffRole(caller.role)) throw new HttpError(403, 'forbidden', 'your account may no longer do this');
    if (userId !== user.id) {
      if (caller.role !== 'admin') throw new HttpError(403, 'forbidden', "only admins may end another user's sessions");
      if (!(await accounts.findById(userId))) throw new HttpError(404, 'not_found', `no user with id ${userId}`);
    }
    const revoked = await sessions.endAllOf(userId);
    req.log?.info({ userId, byUserId: user.id, endedSessions: revoked }, 'staff sessions revoked');
    if (userId === user.id && user.session) res.append('Set-Cookie', clearedSessionSetCookie({ secure: req.secure }));
    res.json({ revoked });
  });

  router.post('/password', staff, express.json({ limit: '8kb' }), async (req, res) => {
    const user = userOf(req);
    const { currentPassword, newPassword } = parseBody(passwordChangeSchema, req.body);
    const account = await accounts.findWithCredentialsById(user.id);
    if (!account || !isStaffRole(account.role)) throw new HttpError(403, 'forbidden', 'your account may no longer do this');
    const weakness = weakPasswordReason(newPassword, { email: account.email, name: account.name, currentPassword });
    if (weakness) throw new HttpError(400, 'bad_request', weakness);
    // A wrong current password counts against the login limits like a failed sign-in.
    const verified = await checkPasswordWithinLimits(services.loginThrottle, req, account.email, async () =>
      (await verifyPassword(account.passwordHash, currentPassword)) ? account : undefined,
    );
    if (!verified) throw new HttpError(401, 'unauthorized', 'the current password is incorrect');
    const { endedSessions } = await accounts.changePassword(account.id, await hashPassword(newPassword), user.session?.id);
    req.log?.info({ userId: account.id, endedSessions }, 'password changed');
    res.status(204).end();
  });

  // The console's language and theme, per account (docs/console.md).
  router.get('/preferences', staff, async (req, res) => {
    res.json(await services.preferences.of(userOf(req).id));
  });

  router.put('/preferences', staff, express.json({ limit: '2kb' }), async (req, res) => {
    const user = userOf(req);
    const saved = await services.preferences.save(user.id, parseBody(staffPreferencesSchema, req.body));
    if (!saved) throw new HttpError(404, 'not_found', 'this account no longer exists');
    res.json(saved);
  });

  router.all('/preferences', () => {
    throw new HttpError(405, 'method_not_allowed', 'use GET or PUT for /preferences', { Allow: 'GET, HEAD, PUT' });
  });

  for (const path of ['/login', '/logout', '/sessions/revoke-all', '/password']) {
    router.all(path, () => {
      throw new HttpError(405, 'method_not_allowed', `use POST for ${path}`, { Allow: 'POST' });
    });
  }
  for (const path of ['/session', '/sessions']) {
    router.all(path, () => {
      throw new HttpError(405, 'method_not_allowed', `use GET for ${path}`, { Allow: 'GET, HEAD' });
    });
  }

  // The prefix is the exporter's even with the Grafana gateway on: nothing here reaches Grafana.
  router.use((req) => {
    throw new HttpError(404, 'not_found', `no route ${req.method} ${req.baseUrl}${req.path}`);
  });
  return router;
}
