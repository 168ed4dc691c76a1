import jwt from 'jsonwebtoken';
import type { JwtKeys } from '../config.js';
import { systemClock } from './clock.js';
import { isRole, type Role } from './roles.js';

export interface AccessClaims {
  sub: string;
  email: string;
  /** the display name (the account's name, or its email when it has none) */
  name?: string;
  role: Role;
  /** seconds since the epoch */
  exp: number;
}

export interface TokenSubject {
  id: string;
  email: string;
  /** the account's name; the token's `name` claim falls back to the email */
  name?: string | null;
  role: Role;
}

export class InvalidTokenError extends Error {
  override name = 'InvalidTokenError';
  constructor(
    message: string,
    readonly expired = false,
  ) {
    super(message);
  }
}

// Pinned: a token naming any other algorithm (none, HS256 keyed with our public key…) is refused.
const ALGORITHM = 'RS256' as const;

/** The name staff are shown by (Grafana reads the `name` claim as the user's full name). */
export function displayName(subject: { email: string; name?: string | null }): string {
  const name = subject.name?.trim();
  return name ? name : subject.email;
}

export function signAccessToken(user: TokenSubject, keys: JwtKeys, nowMs = systemClock()): { token: string; expiresAt: Date } {
  if (!keys.privateKey) throw new Error('JWT_PRIVATE_KEY is not configured: this exporter cannot sign in users');
  // iat from the given clock: jsonwebtoken computes exp from it.
  const iat = Math.floor(nowMs / 1000);
  const token = jwt.sign({ email: user.email, name: displayName(user), role: user.role, iat }, keys.privateKey, {
    algorithm: ALGORITHM,
    subject: user.id,
    expiresIn: keys.ttlSeconds,
    ...(keys.issuer ? { issuer: keys.issuer } : {}),
    ...(keys.audience ? { audience: keys.audience } : {}),
  });
  return { token, expiresAt: new Date((iat + keys.ttlSeconds) * 1000) };
}

/**
 * Verifies an RS256 token against the configured public keys (the current one, then a previous
 * one during a key rotation) and returns its claims.
 */
export function verifyAccessToken(token: string, keys: JwtKeys, nowMs = systemClock()): AccessClaims {
  if (keys.publicKeys.length === 0) throw new InvalidTokenError('token sign-in is not configured');
  let lastError: unknown;
  for (const publicKey of keys.publicKeys) {
    try {
      const payload = jwt.verify(token, publicKey, {
        algorithms: [ALGORITHM],
        clockTimestamp: Math.floor(nowMs / 1000),
        ...(keys.issuer ? { issuer: keys.issuer } : {}),
        ...(keys.audience ? { audience: keys.audience } : {}),
      });
      if (typeof payload === 'string') throw new InvalidTokenError('token payload is not an object');
      const { sub, email, name, role, exp } = payload;
      if (typeof sub !== 'string' || typeof email !== 'string' || !isRole(role) || typeof exp !== 'number') {
        throw new InvalidTokenError('token lacks the sub, email, role or exp claim');
      }
      return { sub, email, role, exp, ...(typeof name === 'string' ? { name } : {}) };
    } catch (error) {
      if (error instanceof jwt.TokenExpiredError) throw new InvalidTokenError('token expired', true);
      if (error instanceof InvalidTokenError) throw error;
      lastError = error;
    }
  }
  throw new InvalidTokenError(lastError instanceof Error ? lastError.message : 'invalid token');
}
