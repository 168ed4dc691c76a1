import type { PrismaClient } from '../db/prisma.js';
import { Role } from './roles.js';
import { passwordFingerprint } from './session-secrets.js';

/** What the rest of the exporter may know about an account (never its password hash). */
export interface AccountSummary {
  id: string;
  email: string;
  role: Role;
}

export interface AccountWithCredentials extends AccountSummary {
  name: string | null;
  passwordHash: string;
}

/** Emails are compared trimmed and lower-cased: "Admin@KeWhats.app " is admin@kewhats.app. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export type RoleChange =
  /** endedSessions: a changed role ends every staff session of the account */
  | { outcome: 'updated'; account: AccountSummary; endedSessions: number }
  | { outcome: 'not_found' }
  | { outcome: 'last_admin'; account: AccountSummary };

const SUMMARY = { id: true, email: true, role: true } as const;

// Interactive transactions wait for row locks held by a concurrent role change; Prisma's
// defaults (2 s to get a connection, 5 s in total) are tight on a busy or embedded database.
const TRANSACTION_LIMITS = { maxWait: 10_000, timeout: 15_000 } as const;

/** Prisma-based reads and writes of the User table for sign-in and role management. */
export class UserAccounts {
  constructor(private readonly prisma: PrismaClient) {}

  /**
   * The account for an email, compared case-insensitively. The platform may have stored an
   * email with capitals, so the comparison is lower(email) = normalized input; an exact match
   * wins should two stored emails differ only by case. Raw SQL on purpose: Prisma's
   * `mode: 'insensitive'` compiles to ILIKE, where `%` and `_` in the input are wildcards.
   */
  async findByEmail(email: string): Promise<AccountWithCredentials | undefined> {
    const normalized = normalizeEmail(email);
    const rows = await this.prisma.$queryRaw<AccountWithCredentials[]>`
      SELECT "id", "email", "name", "role"::text AS "role", "passwordHash"
      FROM "User"
      WHERE lower("email") = ${normalized}
      ORDER BY ("email" = ${normalized}) DESC, "createdAt"
      LIMIT 1`;
    return rows[0];
  }

  async findById(id: string): Promise<AccountSummary | undefined> {
    return (await this.prisma.user.findUnique({ where: { id }, select: SUMMARY })) ?? undefined;
  }

  async findWithCredentialsById(id: string): Promise<AccountWithCredentials | undefined> {
    return (await this.prisma.user.findUnique({ where: { id }, select: { ...SUMMARY, name: true, passwordHash: true } })) ?? undefined;
  }

  /**
   * Stores a new password hash and ends every staff session of the account but `keepSessionId`
   * (the one that asked for the change), which is moved onto the new password. One transaction:
   * no session started with the old password survives it.
   */
  async changePassword(id: string, passwordHash: string, keepSessionId?: string): Promise<{ endedSessions: number }> {
    return this.prisma.$transaction(async (tx) => {
      await tx.user.update({ where: { id }, data: { passwordHash }, select: { id: true } });
      const ended = await tx.staffSession.deleteMany({ where: keepSessionId ? { userId: id, id: { not: keepSessionId } } : { userId: id } });
      if (keepSessionId) {
        await tx.staffSession.updateMany({
          where: { id: keepSessionId, userId: id },
          data: { passwordFingerprint: passwordFingerprint(passwordHash) },
        });
      }
      return { endedSessions: ended.count };
    }, TRANSACTION_LIMITS);
  }

  /** Changes the role of the account with this id; see changeRole for the last-admin rule. */
  async setRoleById(id: string, role: Role): Promise<RoleChange> {
    return this.changeRole({ id }, role);
  }

  /** Changes the role of the account with this email (compared case-insensitively). */
  async setRoleByEmail(email: string, role: Role): Promise<RoleChange> {
    const account = await this.findByEmail(email);
    if (!account) return { outcome: 'not_found' };
    return this.changeRole({ id: account.id }, role);
  }

  /**
   * Sets a role, refusing to demote the last admin. Atomic against concurrent demotions: the
   * transaction locks every admin row (in id order, so two demotions cannot deadlock) before
   * counting them. A second demotion waits for the first to commit, and PostgreSQL then
   * re-checks the locked rows, so it counts the admins that are left, not the ones it first saw.
   * A role that actually changes ends the account's staff sessions in the same transaction.
   */
  private changeRole(where: { id: string }, role: Role): Promise<RoleChange> {
    return this.prisma.$transaction(async (tx) => {
      const target = await tx.user.findUnique({ where, select: SUMMARY });
      if (!target) return { outcome: 'not_found' } as const;
      if (target.role === Role.admin && role !== Role.admin) {
        const admins = await tx.$queryRaw<{ id: string }[]>`
          SELECT "id" FROM "User" WHERE "role" = 'admin' ORDER BY "id" FOR UPDATE`;
        const stillAdmin = admins.some((admin) => admin.id === target.id);
        if (stillAdmin && admins.length <= 1) return { outcome: 'last_admin', account: target } as const;
      }
      const account = await tx.user.update({ where, data: { role }, select: SUMMARY });
      const ended = target.role === role ? { count: 0 } : await tx.staffSession.deleteMany({ where: { userId: account.id } });
      return { outcome: 'updated', account, endedSessions: ended.count } as const;
    }, TRANSACTION_LIMITS);
  }
}
