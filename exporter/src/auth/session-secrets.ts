import { createHash, randomBytes } from 'node:crypto';

/** A new session id for the cookie: 256 random bits, base64url. */
export function newSessionSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** A CSRF token: 256 random bits, base64url. */
export function newCsrfToken(): string {
  return randomBytes(32).toString('base64url');
}

/** What the database keeps of a session id: its SHA-256 (hex). A database leak yields no cookie. */
export function sessionSecretHash(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/**
 * The SHA-256 (hex) of an account's stored password hash. A session remembers the fingerprint
 * it was created with; the session lookup compares it with
 * `encode(sha256(convert_to("passwordHash", 'UTF8')), 'hex')` so a password changed anywhere
 * (here or by the platform) ends the sessions started with the old one.
 */
export function passwordFingerprint(passwordHash: string): string {
  return createHash('sha256').update(passwordHash, 'utf8').digest('hex');
}
