import jwt from 'jsonwebtoken';
import type { JwtKeys } from '../config.js';
import { isRole, type Role } from './roles.js';

export interface AccessClaims {
  sub: string;
  email: string;
  role: Role;
  /** seconds since the epoch */
  exp: number;
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

export function signAccessToken(user: { id: string; email: string; role: Role }, keys: JwtKeys): { token: string; expiresAt: Date } {
  if (!keys.privateKey) throw new Error('JWT_PRIVATE_KEY is not configured: this exporter cannot sign in users');
  const token = jwt.sign({ email: user.email, role: user.role }, keys.privateKey, {
    algorithm: ALGORITHM,
    subject: user.id,
    expiresIn: keys.ttlSeconds,
    ...(keys.issuer ? { issuer: keys.issuer } : {}),
    ...(keys.audience ? { audience: keys.audience } : {}),
  });
  const { exp } = jwt.decode(token) as { exp: number };
  return { token, expiresAt: new Date(exp * 1000) };
}

/**
 * Verifies an RS256 token against the configured public keys (the current one, then a previous
 * one during a key rotation) and returns its claims.
 */
export function verifyAccessToken(token: string, keys: JwtKeys): AccessClaims {
  if (keys.publicKeys.length === 0) throw new InvalidTokenError('token sign-in is not configured');
  let lastError: unknown;
  for (const publicKey of keys.publicKeys) {
    try {
      const payload = jwt.verify(token, publicKey, {
        algorithms: [ALGORITHM],
        ...(keys.issuer ? { issuer: keys.issuer } : {}),
        ...(keys.audience ? { audience: keys.audience } : {}),
      });
      if (typeof payload === 'string') throw new InvalidTokenError('token payload is not an object');
      const { sub, email, role, exp } = payload;
      if (typeof sub !== 'string' || typeof email !== 'string' || !isRole(role) || typeof exp !== 'number') {
        throw new InvalidTokenError('token lacks the sub, email, role or exp claim');
      }
      return { sub, email, role, exp };
    } catch (error) {
      if (error instanceof jwt.TokenExpiredError) throw new InvalidTokenError('token expired', true);
      if (error instanceof InvalidTokenError) throw error;
      lastError = error;
    }
  }
  throw new InvalidTokenError(lastError instanceof Error ? lastError.message : 'invalid token');
}
