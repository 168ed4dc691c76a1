import type { IncomingHttpHeaders } from 'node:http';
import type { JwtKeys } from '../config.js';
import { InvalidTokenError, verifyAccessToken, type AccessClaims } from '../auth/access-token.js';
import { MONITORING_ROLES } from '../auth/roles.js';
import { readSessionToken } from './session-cookie.js';

export type SessionCheck =
  | { ok: true; token: string; claims: AccessClaims }
  | { ok: false; reason: 'missing' | 'invalid' | 'expired' | 'forbidden' };

/** Grafana is for staff: role monitoring (Viewer) and admin (Admin). */
export function mayUseGrafana(role: string): boolean {
  return (MONITORING_ROLES as readonly string[]).includes(role);
}

/** Reads and verifies the session cookie of a request (an ordinary one or a websocket upgrade). */
export function checkSession(headers: IncomingHttpHeaders, jwt: JwtKeys): SessionCheck {
  const token = readSessionToken(headers.cookie);
  if (!token) return { ok: false, reason: 'missing' };
  let claims: AccessClaims;
  try {
    claims = verifyAccessToken(token, jwt);
  } catch (error) {
    return { ok: false, reason: error instanceof InvalidTokenError && error.expired ? 'expired' : 'invalid' };
  }
  // Sign-in already refuses role user; a user token planted in the cookie by hand is refused too.
  if (!mayUseGrafana(claims.role)) return { ok: false, reason: 'forbidden' };
  return { ok: true, token, claims };
}
