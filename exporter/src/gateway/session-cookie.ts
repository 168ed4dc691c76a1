import { parseCookie, stringifySetCookie } from 'cookie';

/** The staff session: an opaque random id (the database keeps its hash), in an HttpOnly cookie. */
export const SESSION_COOKIE = 'kewhats_session';

export function readSessionId(cookieHeader: string | undefined): string | undefined {
  if (!cookieHeader) return undefined;
  const value = parseCookie(cookieHeader)[SESSION_COOKIE];
  return value ? value : undefined;
}

/**
 * HttpOnly (scripts, Grafana's included, cannot read it), SameSite=Lax (no cross-site POST
 * carries it), Secure whenever the browser reached us over https, and it lives as long as the
 * session may (the server ends it earlier when it is idle or revoked).
 */
export function sessionSetCookie(sessionId: string, options: { maxAgeSeconds: number; secure: boolean }): string {
  return stringifySetCookie({
    name: SESSION_COOKIE,
    value: sessionId,
    httpOnly: true,
    secure: options.secure,
    sameSite: 'lax',
    path: '/',
    maxAge: Math.max(0, Math.floor(options.maxAgeSeconds)),
  });
}

export function clearedSessionSetCookie(options: { secure: boolean }): string {
  return stringifySetCookie({
    name: SESSION_COOKIE,
    value: '',
    httpOnly: true,
    secure: options.secure,
    sameSite: 'lax',
    path: '/',
    maxAge: 0,
    expires: new Date(0),
  });
}

/**
 * The Cookie header without the session cookie, for Grafana: it authenticates with the
 * X-JWT-Assertion header, and never sees the session id. The other cookies pass byte for byte
 * (no decode/re-encode round trip).
 */
export function cookieHeaderWithoutSession(cookieHeader: string | undefined): string | undefined {
  if (!cookieHeader) return undefined;
  const kept = cookieHeader
    .split(';')
    .map((pair) => pair.trim())
    .filter((pair) => pair !== '' && pair.split('=', 1)[0]!.trim() !== SESSION_COOKIE);
  return kept.length > 0 ? kept.join('; ') : undefined;
}
