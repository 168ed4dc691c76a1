import { spendVerificationTime, verifyPassword } from './passwords.js';
import type { AccountWithCredentials, UserAccounts } from './user-accounts.js';

/**
 * Checks an email and password against the User table: the account when they match. An
 * unknown email and a wrong password give the same answer and cost the same: the unknown email
 * still pays for one argon2id verification (against a dummy hash).
 */
export type CheckCredentials = (email: string, password: string) => Promise<AccountWithCredentials | undefined>;

export function createCredentialsCheck(accounts: UserAccounts): CheckCredentials {
  return async (email, password) => {
    const account = await accounts.findByEmail(email);
    if (!account) {
      await spendVerificationTime(password);
      return undefined;
    }
    return (await verifyPassword(account.passwordHash, password)) ? account : undefined;
  };
}
