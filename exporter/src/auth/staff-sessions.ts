import type { PrismaClient } from '../db/prisma.js';
import type { Clock } from './clock.js';
import { isRole, MONITORING_ROLES, type Role } from './roles.js';
import { newCsrfToken, newSessionSecret, passwordFingerprint, sessionSecretHash } from './session-secrets.js';
import type { AccountWithCredentials } from './user-accounts.js';

export interface SessionSettings {
  /** a session unused this long ends (activity renews it) */
  idleMs: number;
  /** a session ends this long after sign-in, however active */
  maxAgeMs: number;
  /** live sessions one user may have; signing in once more ends the oldest */
  maxPerUser: number;
}

/**
 * Activity renews a session at most this often: a dashboard's burst of requests writes to the
 * database once a minute, not once per request. The idle timeout is therefore exact to a minute.
 */
export const SESSION_TOUCH_INTERVAL_MS = 60_000;

/** A live session and its user as they are in the database right now. */
export interface StaffSession {
  id: string;
  userId: string;
  email: string;
  name: string | null;
  role: Role;
  csrfToken: string;
  createdAt: Date;
  lastSeenAt: Date;
  idleExpiresAt: Date;
  expiresAt: Date;
}

export type SessionLookup =
  | { ok: true; session: StaffSession }
  /**
   * missing: no session id at all; invalid: unknown or ended (signed out, revoked, password
   * changed); expired: idle or past its lifetime; forbidden: the user's role is no longer staff.
   */
  | { ok: false; reason: 'missing' | 'invalid' | 'expired' | 'forbidden' };

/** What a user may see of their own sessions: never the id or its hash. */
export interface SessionSummary {
  id: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  userAgent: string | null;
}

interface SessionRow {
  id: string;
  userId: string;
  csrfToken: string;
  createdAt: Date;
  lastSeenAt: Date;
  idleExpiresAt: Date;
  expiresAt: Date;
  email: string;
  name: string | null;
  role: string;
  passwordUnchanged: boolean;
}

/** Staff may hold sessions: role monitoring (Grafana Viewer) and admin (Grafana Admin). */
export function isStaffRole(role: string): boolean {
  return (MONITORING_ROLES as readonly string[]).includes(role);
}

const USER_AGENT_MAX = 256;

// Sign-in bursts share the pool with the rest of the app: Prisma's 2 s wait for a connection is tight.
const TRANSACTION_LIMITS = { maxWait: 10_000, timeout: 15_000 } as const;

/**
 * Server-side staff sessions in PostgreSQL ("StaffSession"). The browser holds a random id;
 * the table keeps its SHA-256. Every lookup reads the database (no cache), so an ended session,
 * a changed role or password, or a deleted user is refused on the very next request by every
 * exporter replica. Time comes from the injected clock.
 */
export class StaffSessions {
  constructor(
    private readonly prisma: PrismaClient,
    readonly settings: SessionSettings,
    private readonly clock: Clock,
  ) {}

  /**
   * Starts a new session for an account whose password was just verified (a new id every time:
   * no fixation), and ends the user's oldest sessions beyond `maxPerUser`.
   */
  async start(account: AccountWithCredentials, userAgent?: string): Promise<{ secret: string; session: StaffSession }> {
    const now = this.clock();
    const secret = newSessionSecret();
    const created = new Date(now);
    const expiresAt = new Date(now + this.settings.maxAgeMs);
    const idleExpiresAt = new Date(Math.min(now + this.settings.idleMs, expiresAt.getTime()));
    const session = await this.prisma.$transaction(async (tx) => {
      const inserted = await tx.staffSession.create({
        data: {
          tokenHash: sessionSecretHash(secret),
          userId: account.id,
          csrfToken: newCsrfToken(),
          passwordFingerprint: passwordFingerprint(account.passwordHash),
          userAgent: userAgent ? userAgent.slice(0, USER_AGENT_MAX) : null,
          createdAt: created,
          lastSeenAt: created,
          idleExpiresAt,
          expiresAt,
        },
        select: { id: true, csrfToken: true, createdAt: true, lastSeenAt: true, idleExpiresAt: true, expiresAt: true },
      });
      // Keep the new session and the newest maxPerUser − 1 live others; ended ones go too.
      await tx.$executeRaw`
        DELETE FROM "StaffSession"
        WHERE "userId" = ${account.id} AND "id" <> ${inserted.id}
          AND ("idleExpiresAt" <= ${created} OR "id" NOT IN (
            SELECT "id" FROM "StaffSession"
            WHERE "userId" = ${account.id} AND "id" <> ${inserted.id} AND "idleExpiresAt" > ${created}
            ORDER BY "createdAt" DESC, "id" DESC
            LIMIT ${this.settings.maxPerUser - 1}))`;
      return inserted;
    }, TRANSACTION_LIMITS);
    return { secret, session: { ...session, userId: account.id, email: account.email, name: account.name, role: account.role } };
  }

  /**
   * The session for a cookie's id, checked against the database: it exists, has not expired
   * (idle or absolute), its user's password is the one it started with, and its user is still
   * staff. A valid session is renewed (at most once a minute) unless `touch` is false.
   * Sessions found ended are deleted on the way.
   */
  async lookup(secret: string | undefined, options: { touch?: boolean } = {}): Promise<SessionLookup> {
    if (!secret) return { ok: false, reason: 'missing' };
    const rows = await this.prisma.$queryRaw<SessionRow[]>`
      SELECT s."id", s."userId", s."csrfToken", s."createdAt", s."lastSeenAt", s."idleExpiresAt", s."expiresAt",
             u."email", u."name", u."role"::text AS "role",
             s."passwordFingerprint" = encode(sha256(convert_to(u."passwordHash", 'UTF8')), 'hex') AS "passwordUnchanged"
      FROM "StaffSession" s JOIN "User" u ON u."id" = s."userId"
      WHERE s."tokenHash" = ${sessionSecretHash(secret)}`;
    const row = rows[0];
    if (!row) return { ok: false, reason: 'invalid' };
    const now = this.clock();
    const expired = row.idleExpiresAt.getTime() <= now || row.expiresAt.getTime() <= now;
    if (expired || !row.passwordUnchanged || !isRole(row.role) || !isStaffRole(row.role)) {
      await this.end(row.id);
      if (expired) return { ok: false, reason: 'expired' };
      return { ok: false, reason: row.passwordUnchanged ? 'forbidden' : 'invalid' };
    }
    const session: StaffSession = { ...row, role: row.role };
    if (options.touch !== false && now - row.lastSeenAt.getTime() >= SESSION_TOUCH_INTERVAL_MS) {
      session.lastSeenAt = new Date(now);
      session.idleExpiresAt = new Date(Math.min(now + this.settings.idleMs, row.expiresAt.getTime()));
      await this.prisma.staffSession.updateMany({
        where: { id: row.id },
        data: { lastSeenAt: session.lastSeenAt, idleExpiresAt: session.idleExpiresAt },
      });
    }
    return { ok: true, session };
  }

  /** Ends one session (sign-out). */
  async end(sessionId: string): Promise<boolean> {
    return (await this.prisma.staffSession.deleteMany({ where: { id: sessionId } })).count > 0;
  }

  /** Ends every session of a user, or every other one when `except` names the caller's own. */
  async endAllOf(userId: string, options: { except?: string } = {}): Promise<number> {
    const where = options.except ? { userId, id: { not: options.except } } : { userId };
    return (await this.prisma.staffSession.deleteMany({ where })).count;
  }

  /** A user's live sessions, newest first. */
  async listOf(userId: string): Promise<SessionSummary[]> {
    const now = new Date(this.clock());
    return this.prisma.staffSession.findMany({
      where: { userId, idleExpiresAt: { gt: now }, expiresAt: { gt: now } },
      select: { id: true, createdAt: true, lastSeenAt: true, expiresAt: true, userAgent: true },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    });
  }

  /** Deletes ended sessions (idle or past their lifetime); returns how many. */
  async purge(): Promise<number> {
    const now = new Date(this.clock());
    return (await this.prisma.staffSession.deleteMany({ where: { OR: [{ idleExpiresAt: { lte: now } }, { expiresAt: { lte: now } }] } })).count;
  }
}
