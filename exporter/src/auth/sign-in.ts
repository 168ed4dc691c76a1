import type { JwtKeys } from '../config.js';
import { signAccessToken } from './access-token.js';
import { spendVerificationTime, verifyPassword } from './passwords.js';
import type { AccountSummary, UserAccounts } from './user-accounts.js';

export type SignInResult =
  | { ok: true; token: string; expiresAt: Date; user: AccountSummary }
  | { ok: false };

export class SignInUnavailableError extends Error {
  override name = 'SignInUnavailableError';
}

export type SignIn = (email: string, password: string) => Promise<SignInResult>;

/**
 * Checks an email and password against the User table and issues an access token.
 * An unknown email and a wrong password give the same answer and cost the same: the unknown
 * email still pays for one argon2id verification (against a dummy hash).
 */
export function createSignIn(options: { accounts: UserAccounts; jwt: JwtKeys }): SignIn {
  return async (email, password) => {
    // Refuse before touching the database when no token could be issued anyway.
    if (!options.jwt.privateKey) throw new SignInUnavailableError('sign-in is not configured on this exporter (JWT_PRIVATE_KEY)');
    const account = await options.accounts.findByEmail(email);
    if (!account) {
      await spendVerificationTime(password);
      return { ok: false };
    }
    if (!(await verifyPassword(account.passwordHash, password))) return { ok: false };
    const user: AccountSummary = { id: account.id, email: account.email, role: account.role };
    const { token, expiresAt } = signAccessToken(user, options.jwt);
    return { ok: true, token, expiresAt, user };
  };
}
