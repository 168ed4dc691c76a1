import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { JwtKeys } from '../config.js';
import { InvalidTokenError, verifyAccessToken } from '../auth/access-token.js';
import { createMachineTokenCheck } from '../auth/machine-token.js';
import { MONITORING_ROLES, type Role } from '../auth/roles.js';
import { HttpError } from './errors.js';

/** Who made a request: a signed-in account (from its JWT) or a machine client (static token). */
export type Principal = { kind: 'user'; id: string; email: string; role: Role } | { kind: 'machine' };

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

export interface AuthenticationOptions {
  jwt: JwtKeys;
  monitoringToken?: string;
}

export function bearerToken(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw new HttpError(401, 'unauthorized', 'Authorization header must be "Bearer <token>"', { 'WWW-Authenticate': 'Bearer' });
  return match[1];
}

/** Resolves the bearer token, if any, to a principal; an invalid token is a 401 right away. */
export function createAuthenticator(options: AuthenticationOptions): (req: Request) => Principal | undefined {
  const isMachineToken = createMachineTokenCheck(options.monitoringToken);
  return (req) => {
    const token = bearerToken(req);
    if (token === undefined) return undefined;
    // JWTs have three dot-separated parts; the machine token is checked only otherwise.
    if (token.split('.').length !== 3) {
      if (isMachineToken(token)) return { kind: 'machine' };
      throw new HttpError(401, 'unauthorized', 'invalid token', { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
    }
    try {
      const claims = verifyAccessToken(token, options.jwt);
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
export const ADMIN_ONLY: AccessRule = { roles: ['admin'], machine: false };

export function requireAccess(authenticate: (req: Request) => Principal | undefined, rule: AccessRule): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    const principal = authenticate(req);
    if (!principal) throw new HttpError(401, 'unauthorized', 'authentication required', { 'WWW-Authenticate': 'Bearer' });
    const allowed = principal.kind === 'machine' ? rule.machine : rule.roles.includes(principal.role);
    if (!allowed) throw new HttpError(403, 'forbidden', 'your role may not use this endpoint');
    req.principal = principal;
    next();
  };
}
