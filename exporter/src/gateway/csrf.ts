import type { Request } from 'express';
import { secretsMatch } from '../auth/machine-token.js';
import { HttpError } from '../http/errors.js';
import { comesFromThisSite } from './same-origin.js';

/** The header a script sends the session's CSRF token in. */
export const CSRF_HEADER = 'X-CSRF-Token';
/** The form field an HTML form sends it in. */
export const CSRF_FIELD = '_csrf';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function changesState(method: string | undefined): boolean {
  return !SAFE_METHODS.has((method ?? 'GET').toUpperCase());
}

function presentedToken(req: Request): string | undefined {
  const header = req.get(CSRF_HEADER);
  if (header) return header;
  const field = (req.body as Record<string, unknown> | undefined)?.[CSRF_FIELD];
  return typeof field === 'string' ? field : undefined;
}

/**
 * A request that changes state with only the session cookie as its credential must come from
 * this site (Origin, or Referer, checked like sign-in's) and carry the session's CSRF token.
 * SameSite=Lax already keeps the cookie off cross-site POSTs; this holds even where it would
 * not (a sibling subdomain, an older browser).
 */
export function checkCookieWrite(req: Request, csrfToken: string): void {
  if (!comesFromThisSite(req, req.app.get('trust proxy fn'))) {
    throw new HttpError(403, 'forbidden', 'requests from another site are refused');
  }
  const presented = presentedToken(req);
  if (presented === undefined || !secretsMatch(presented, csrfToken)) {
    throw new HttpError(403, 'forbidden', `missing or wrong CSRF token: send the session's token (GET /api/auth/session) in ${CSRF_HEADER}`);
  }
}
