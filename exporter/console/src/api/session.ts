// Staff sessions: the signed-in account, its CSRF token and its other sessions.

export interface SessionUser {
  id: string;
  email: string;
  name?: string | null;
  role: string;
}

export interface SessionInfo {
  user: SessionUser;
  session: { createdAt: string; lastSeenAt: string; idleExpiresAt: string; expiresAt: string };
  /** sent back as X-CSRF-Token on every POST */
  csrfToken: string;
}

export interface ActiveSession {
  current: boolean;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  userAgent: string | null;
}

export const SESSION_URLS = {
  session: '/api/auth/session',
  sessions: '/api/auth/sessions',
  logout: '/api/auth/logout',
  revokeAll: '/api/auth/sessions/revoke-all',
  password: '/api/auth/password',
  preferences: '/api/auth/preferences',
} as const;
