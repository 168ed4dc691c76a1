import { createHash } from 'node:crypto';
import type { PrismaClient } from '../db/prisma.js';
import type { Clock } from './clock.js';
import { normalizeEmail } from './user-accounts.js';

/** How one kind of counter slows guessing down once its free failures are used up. */
export interface BackoffRule {
  /** failures allowed without any delay */
  free: number;
  /** the delay after the first failure beyond `free`; it doubles with each further failure */
  baseDelayMs: number;
}

export interface LoginLimits {
  /** one client address, whatever accounts it tries */
  client: BackoffRule;
  /** one account from one client address */
  accountClient: BackoffRule;
  /** one account from every address; applies only to clients that have been failing */
  account: BackoffRule;
  /** longest delay of any rule */
  maxDelayMs: number;
  /** a counter without a failure for this long starts again from zero (longer than maxDelayMs, so waiting it out forgets nothing) */
  windowMs: number;
}

const MINUTE = 60_000;

/** The defaults (docs/security.md explains the choice). */
export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  client: { free: 20, baseDelayMs: 15_000 },
  accountClient: { free: 5, baseDelayMs: 30_000 },
  account: { free: 10, baseDelayMs: 5_000 },
  maxDelayMs: 15 * MINUTE,
  windowMs: 60 * MINUTE,
};

// Attempts queue on each other's row locks, and parallel bursts wait for pool connections:
// Prisma's defaults (2 s for a connection, 5 s in all) are tight on a busy or embedded database.
const TRANSACTION_LIMITS = { maxWait: 10_000, timeout: 15_000 } as const;

export type LoginAttempt =
  | {
      allowed: true;
      /** Records the outcome: a success gives the attempt back and clears this client's count for the account. */
      settle(success: boolean): Promise<void>;
    }
  | { allowed: false; retryAfterMs: number };

interface CounterRow {
  keyHash: string;
  failures: number;
  lastFailureAt: Date;
  nextAttemptAt: Date;
}

type CounterKind = keyof Pick<LoginLimits, 'client' | 'accountClient' | 'account'>;

const EPOCH = new Date(0);

/** The key of a counter, hashed: no email or client address is stored in clear. */
function counterKey(kind: CounterKind, ...parts: string[]): string {
  return createHash('sha256')
    .update([kind, ...parts].join('\u0000'), 'utf8')
    .digest('hex');
}

/**
 * Sign-in limits shared by every exporter replica through PostgreSQL ("LoginThrottle").
 * Failures are counted per client address, per (account, client) and per account; beyond a
 * counter's free failures each further attempt must wait, the wait doubling up to `maxDelayMs`
 * (slowing down, never a lock-out of the account everywhere). The per-account counter only
 * holds back clients that have themselves failed within the window, so a correct password from
 * a client that has not been failing is always checked, however many guesses others make.
 *
 * An attempt is counted as a failure before its password is checked and given back when it
 * succeeds, so a burst of parallel guesses cannot slip past the count.
 */
export class LoginThrottle {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly clock: Clock,
    readonly limits: LoginLimits = DEFAULT_LOGIN_LIMITS,
  ) {}

  private delayAfter(failures: number, rule: BackoffRule): number {
    if (failures < rule.free) return 0;
    return Math.min(rule.baseDelayMs * 2 ** Math.min(failures - rule.free, 30), this.limits.maxDelayMs);
  }

  /** Asks to check one password for `email` from `client` (an address). */
  async attempt(email: string, client: string): Promise<LoginAttempt> {
    const account = normalizeEmail(email);
    const keys: Record<CounterKind, string> = {
      client: counterKey('client', client),
      accountClient: counterKey('accountClient', account, client),
      account: counterKey('account', account),
    };
    const now = this.clock();
    const verdict = await this.prisma.$transaction(async (tx) => {
      const hashes = Object.values(keys).sort();
      // Create missing counters, then lock all three in one order (no deadlock between replicas).
      await tx.$executeRaw`
        INSERT INTO "LoginThrottle" ("keyHash", "failures", "lastFailureAt", "nextAttemptAt")
        SELECT k, 0, ${EPOCH}, ${EPOCH} FROM unnest(${hashes}::text[]) AS k
        ON CONFLICT ("keyHash") DO NOTHING`;
      const rows = await tx.$queryRaw<CounterRow[]>`
        SELECT "keyHash", "failures", "lastFailureAt", "nextAttemptAt" FROM "LoginThrottle"
        WHERE "keyHash" = ANY(${hashes}::text[]) ORDER BY "keyHash" FOR UPDATE`;
      const counters = Object.fromEntries(
        (Object.keys(keys) as CounterKind[]).map((kind) => {
          const row = rows.find((candidate) => candidate.keyHash === keys[kind])!;
          const current = row.lastFailureAt.getTime() > now - this.limits.windowMs ? row.failures : 0;
          return [kind, { failures: current, nextAttemptAt: row.nextAttemptAt.getTime() }];
        }),
      ) as Record<CounterKind, { failures: number; nextAttemptAt: number }>;
      const clientIsClean = counters.client.failures === 0;
      const checked: CounterKind[] = clientIsClean ? ['client', 'accountClient'] : ['client', 'accountClient', 'account'];
      const waitMs = Math.max(0, ...checked.map((kind) => counters[kind].nextAttemptAt - now));
      if (waitMs > 0) return { allowed: false as const, retryAfterMs: waitMs };
      const before = Object.fromEntries((Object.keys(keys) as CounterKind[]).map((kind) => [kind, counters[kind].nextAttemptAt])) as Record<
        CounterKind,
        number
      >;
      for (const kind of Object.keys(keys) as CounterKind[]) {
        const failures = counters[kind].failures + 1;
        // An attempt that waits is not refused by a counter that does not apply to it; the
        // counter still advances so that the next, failing, client is held back.
        const nextAttemptAt = Math.max(counters[kind].nextAttemptAt, now + this.delayAfter(failures, this.limits[kind]));
        await tx.$executeRaw`
          UPDATE "LoginThrottle" SET "failures" = ${failures}, "lastFailureAt" = ${new Date(now)}, "nextAttemptAt" = ${new Date(nextAttemptAt)}
          WHERE "keyHash" = ${keys[kind]}`;
      }
      return { allowed: true as const, before };
    }, TRANSACTION_LIMITS);
    if (!verdict.allowed) return verdict;
    return { allowed: true, settle: (success) => (success ? this.giveBack(keys, verdict.before) : Promise.resolve()) };
  }

  /**
   * A success: the attempt was no failure. Its count and the wait it added are taken back (a
   * concurrent failure's wait may be taken back with it: one extra guess at most), and this
   * client's count for the account starts over.
   */
  private async giveBack(keys: Record<CounterKind, string>, before: Record<CounterKind, number>): Promise<void> {
    await this.prisma.$transaction([
      this.prisma.loginThrottle.deleteMany({ where: { keyHash: keys.accountClient } }),
      ...(['client', 'account'] as const).map(
        (kind) => this.prisma.$executeRaw`
          UPDATE "LoginThrottle"
          SET "failures" = GREATEST("failures" - 1, 0), "nextAttemptAt" = LEAST("nextAttemptAt", ${new Date(before[kind])})
          WHERE "keyHash" = ${keys[kind]}`,
      ),
    ]);
  }

  /** Deletes counters whose window has passed and that hold nobody back; returns how many. */
  async purge(): Promise<number> {
    const now = this.clock();
    return (
      await this.prisma.loginThrottle.deleteMany({
        where: { lastFailureAt: { lte: new Date(now - this.limits.windowMs) }, nextAttemptAt: { lte: new Date(now) } },
      })
    ).count;
  }
}
