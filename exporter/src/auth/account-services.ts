import type { Logger } from 'pino';
import type pg from 'pg';
import type { JwtKeys } from '../config.js';
import { createPrismaClient } from '../db/prisma.js';
import { errorFields } from '../logger.js';
import type { Clock } from './clock.js';
import { LoginThrottle, type LoginLimits } from './login-throttle.js';
import { createCredentialsCheck, type CheckCredentials } from './sign-in.js';
import { StaffPreferenceStore } from './staff-preferences.js';
import { StaffSessions, type SessionSettings } from './staff-sessions.js';
import { UserAccounts } from './user-accounts.js';

export interface AccountServices {
  accounts: UserAccounts;
  checkCredentials: CheckCredentials;
  sessions: StaffSessions;
  /** the console's preferences per account */
  preferences: StaffPreferenceStore;
  /** one set of login limits for every endpoint that checks a password (API, gateway, password change) */
  loginThrottle: LoginThrottle;
  jwt: JwtKeys;
  clock: Clock;
  /** stops the purge schedule */
  stop(): void;
}

export interface AccountServicesOptions {
  pool: pg.Pool;
  jwt: JwtKeys;
  sessions: SessionSettings;
  /** how often ended sessions and old sign-in counters are deleted */
  purgeIntervalMs: number;
  clock: Clock;
  logger: Logger;
  loginLimits?: LoginLimits;
}

/**
 * What sign-in, sessions, role management and the Grafana gateway share, built once per app.
 * Every replica runs the purge on its own schedule: the deletes are idempotent.
 */
export function createAccountServices(options: AccountServicesOptions): AccountServices {
  const prisma = createPrismaClient(options.pool);
  const accounts = new UserAccounts(prisma);
  const sessions = new StaffSessions(prisma, options.sessions, options.clock);
  const loginThrottle = new LoginThrottle(prisma, options.clock, options.loginLimits);
  const purge = setInterval(() => {
    Promise.all([sessions.purge(), loginThrottle.purge()]).then(
      ([endedSessions, oldCounters]) => options.logger.debug({ endedSessions, oldCounters }, 'purged ended sessions and old sign-in counters'),
      (error: unknown) => options.logger.warn(errorFields(error), 'session purge failed'),
    );
  }, options.purgeIntervalMs);
  purge.unref();
  return {
    accounts,
    checkCredentials: createCredentialsCheck(accounts),
    sessions,
    preferences: new StaffPreferenceStore(prisma, options.clock),
    loginThrottle,
    jwt: options.jwt,
    clock: options.clock,
    stop: () => clearInterval(purge),
  };
}
