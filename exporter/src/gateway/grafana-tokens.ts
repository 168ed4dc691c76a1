import { LRUCache } from 'lru-cache';
import { displayName, signAccessToken } from '../auth/access-token.js';
import type { Clock } from '../auth/clock.js';
import type { StaffSession } from '../auth/staff-sessions.js';
import type { JwtKeys } from '../config.js';

interface MintedToken {
  token: string;
  expiresAtMs: number;
  /** who the token speaks for: a token is reused only while these still hold */
  identity: string;
}

/**
 * The short-lived RS256 access tokens the gateway hands Grafana, one per session, reused until
 * it nears its expiry (Grafana verifies each token it has not seen before, so reuse saves it
 * work). The token is minted from the session's current database row, so a renamed account
 * gets a new token; the session itself is checked on every request before a token is handed
 * over. Held in memory per replica; the cache is bounded, and a token is nothing to revoke:
 * only the gateway can put it in front of Grafana.
 */
export class GrafanaTokens {
  private readonly minted: LRUCache<string, MintedToken>;
  /** a token with less than this left is replaced */
  private readonly renewalMarginMs: number;

  constructor(
    private readonly jwt: JwtKeys,
    private readonly clock: Clock,
    capacity = 10_000,
  ) {
    this.minted = new LRUCache({ max: capacity });
    const ttlMs = jwt.ttlSeconds * 1000;
    this.renewalMarginMs = Math.min(Math.max(60_000, ttlMs / 5), ttlMs / 2);
  }

  tokenFor(session: StaffSession): string {
    const now = this.clock();
    const identity = JSON.stringify([session.userId, session.email, displayName(session), session.role]);
    const cached = this.minted.get(session.id);
    if (cached && cached.identity === identity && cached.expiresAtMs - now > this.renewalMarginMs) return cached.token;
    const { token, expiresAt } = signAccessToken({ id: session.userId, email: session.email, name: session.name, role: session.role }, this.jwt, now);
    this.minted.set(session.id, { token, expiresAtMs: expiresAt.getTime(), identity });
    return token;
  }
}
