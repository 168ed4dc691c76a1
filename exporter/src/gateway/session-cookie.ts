import { parseCookie, stringifySetCookie } from 'cookie';

/** The gateway's session: the access token itself, in an HttpOnly cookie. */
export const SESSION_COOKIE = 'kewhats_session';

export function readSessionToken(cookieHeader: string | undefined): string | undefined {
  if (!cookieHeader) return undefined;
  const value = parseCookie(cookieHeader)[SESSION_COOKIE];
  return value ? value : undefined;
}

/**
 * HttpOnly (scripts, Grafana's included, cannot read the token), SameSite=Lax (no cross-site
 * POST carries it), Secure whenever the browser reached us over https, and it lives exactly
 * as long as the token inside it.
 */
export function sessionSetCookie(token: string, options: { maxAgeSeconds: number; secure: boolean }): string {
  return stringifySetCookie({
    name: SESSION_COOKIE,
    value: token,
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
 * X-JWT-Assertion header, and needs no copy of the token in a cookie. The other cookies pass
 * byte for byte (no decode/re-encode round trip).
 */
export function cookieHeaderWithoutSession(cookieHeader: string | undefined): string | undefined {
  if (!cookieHeader) return undefined;
  const kept = cookieHeader
    .split(';')
    .map((pair) => pair.trim())
    .filter((pair) => pair !== '' && pair.split('=', 1)[0]!.trim() !== SESSION_COOKIE);
  return kept.length > 0 ? kept.join('; ') : undefined;
}
