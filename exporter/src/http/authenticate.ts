import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { JwtKeys } from '../config.js';
import { InvalidTokenError, verifyAccessToken } from '../auth/access-token.js';
import type { Clock } from '../auth/clock.js';
import { createMachineTokenCheck } from '../auth/machine-token.js';
import { MONITORING_ROLES, type Role } from '../auth/roles.js';
import type { SessionLookup, StaffSession, StaffSessions } from '../auth/staff-sessions.js';
import { errorFields } from '../logger.js';
import { changesState, checkCookieWrite } from '../gateway/csrf.js';
import { clearedSessionSetCookie, readSessionId } from '../gateway/session-cookie.js';
import { HttpError } from './errors.js';

/**
 * Who made a request: a signed-in account (from its bearer JWT, or from its session cookie, then
 * with `session`) or a machine client (static token).
 */
export type Principal = { kind: 'user'; id: string; email: string; role: Role; session?: StaffSession } | { kind: 'machine' };

/** Resolves a request's credential, if any, to a principal; a bad credential is an HttpError. */
export type Authenticate = (req: Request) => Promise<Principal | undefined>;

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

export interface AuthenticationOptions {
  jwt: JwtKeys;
  monitoringToken?: string;
  sessions: StaffSessions;
  clock: Clock;
}

export const NO_ACCESS = 'this account has no access to KeWhats Monitoring: ask an administrator for the monitoring role';

export function bearerToken(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw new HttpError(401, 'unauthorized', 'Authorization header must be "Bearer <token>"', { 'WWW-Authenticate': 'Bearer' });
  return match[1];
}

/** The cookie's session; a 503 (not a 500) when the database cannot be asked: nothing is known about it then. */
async function lookupSession(req: Request, sessions: StaffSessions): Promise<SessionLookup> {
  try {
    return await sessions.lookup(readSessionId(req.headers.cookie));
  } catch (error) {
    req.log?.warn(errorFields(error), 'session lookup failed');
    throw new HttpError(503, 'unavailable', 'sessions cannot be checked right now: the database is unavailable', { 'Retry-After': '5' });
  }
}

/**
 * The staff session of a request's cookie, if it sent one: undefined without the cookie; a 401
 * (clearing the cookie) when the session has ended, a 403 when its user is no longer staff.
 * Writes need this site's Origin and the session's CSRF token.
 */
export async function sessionPrincipal(req: Request, sessions: StaffSessions): Promise<Principal | undefined> {
  const lookup = await lookupSession(req, sessions);
  if (!lookup.ok) {
    if (lookup.reason === 'missing') return undefined;
    const clear = { 'Set-Cookie': clearedSessionSetCookie({ secure: req.secure }) };
    if (lookup.reason === 'forbidden') throw new HttpError(403, 'forbidden', NO_ACCESS, clear);
    const message = lookup.reason === 'expired' ? 'session expired: sign in again at /login' : 'session ended: sign in again at /login';
    throw new HttpError(401, 'unauthorized', message, clear);
  }
  const { session } = lookup;
  if (changesState(req.method)) checkCookieWrite(req, session.csrfToken);
  return { kind: 'user', id: session.userId, email: session.email, role: session.role, session };
}

/**
 * Resolves the request's credential: a bearer token when there is one (the machine token, or an
 * RS256 JWT — stateless, see docs/security.md), else the staff session cookie.
 */
export function createAuthenticator(options: AuthenticationOptions): Authenticate {
  const isMachineToken = createMachineTokenCheck(options.monitoringToken);
  return async (req) => {
    const token = bearerToken(req);
    if (token === undefined) return sessionPrincipal(req, options.sessions);
    // JWTs have three dot-separated parts; the machine token is checked only otherwise.
    if (token.split('.').length !== 3) {
      if (isMachineToken(token)) return { kind: 'machine' };
      throw new HttpError(401, 'unauthorized', 'invalid token', { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
    }
    try {
      const claims = verifyAccessToken(token, options.jwt, options.clock());
      return { kind: 'user', id: claims.sub, email: claims.email, role: claims.role };
    } catch (error) {
      const message = error instanceof InvalidTokenError && error.expired ? 'token expired' : 'invalid token';
      throw new HttpError(401, 'unauthorized', message, { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
    }
  };
}

export interface AccessRule {
  roles: readonly Role[];
  /** whether the static machine token is enough */
  machine: boolean;
}

/** Monitoring access: roles monitoring and admin, and machine clients. */
export const MONITORING_ONLY: AccessRule = { roles: MONITORING_ROLES, machine: true };
/** Staff accounts (monitoring, admin), not machine clients: their own sessions and password. */
export const STAFF_ONLY: AccessRule = { roles: MONITORING_ROLES, machine: false };
export const ADMIN_ONLY: AccessRule = { roles: ['admin'], machine: false };

export function requireAccess(authenticate: Authenticate, rule: AccessRule): RequestHandler {
  return async (req: Request, _res: Response, next: NextFunction) => {
    const principal = await authenticate(req);
    if (!principal) throw new HttpError(401, 'unauthorized', 'authentication required', { 'WWW-Authenticate': 'Bearer' });
    const allowed = principal.kind === 'machine' ? rule.machine : rule.roles.includes(principal.role);
    if (!allowed) throw new HttpError(403, 'forbidden', 'your role may not use this endpoint');
    req.principal = principal;
    next();
  };
}
