import type pg from 'pg';
import type { JwtKeys } from '../config.js';
import { createPrismaClient } from '../db/prisma.js';
import { createLoginRateLimits, type LoginRateLimitOptions, type LoginRateLimits } from '../http/login-rate-limits.js';
import { createSignIn, type SignIn } from './sign-in.js';
import { UserAccounts } from './user-accounts.js';

export interface AccountServices {
  accounts: UserAccounts;
  signIn: SignIn;
  /** one pair of limiters for every sign-in endpoint (API and gateway) */
  rateLimits: LoginRateLimits;
}

/** What sign-in, role management and the Grafana gateway share, built once per app. */
export function createAccountServices(options: { pool: pg.Pool; jwt: JwtKeys; rateLimits?: LoginRateLimitOptions }): AccountServices {
  const accounts = new UserAccounts(createPrismaClient(options.pool));
  return {
    accounts,
    signIn: createSignIn({ accounts, jwt: options.jwt }),
    rateLimits: createLoginRateLimits(options.rateLimits),
  };
}
