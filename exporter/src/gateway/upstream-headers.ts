import type { IncomingMessage } from 'node:http';
import { cookieHeaderWithoutSession } from './session-cookie.js';

/** The header Grafana's [auth.jwt] reads (header_name in provisioning/grafana/grafana.ini). */
export const JWT_ASSERTION_HEADER = 'x-jwt-assertion';

/**
 * Request headers that carry an identity to Grafana under one auth method or another. Only the
 * gateway speaks for the user, so whatever a browser sent under these names is dropped, and
 * turning on another Grafana auth method later cannot let a forged header in:
 * - `Authorization`, `Proxy-Authorization` (API keys, service-account tokens, basic auth);
 * - `X-JWT-Assertion` (our own JWT header), `X-Access-Token` and `X-Grafana-Id` (Grafana's
 *   extended JWT), `X-Grafana-Org-Id` (with JWT auth it picks the organisation the mapped
 *   role applies to);
 * - the usual auth-proxy headers: `X-WEBAUTH-*` (Grafana's auth.proxy default), `X-Remote-User`,
 *   `Remote-User`, `X-Forwarded-User`/`-Email`/`-Groups`/`-Preferred-Username`, `X-Auth-Request-*`.
 * Every other `X-Grafana-*` header is dropped too, bar the few in GRAFANA_HEADERS_KEPT that name
 * no one. Names are compared lower-cased with `_` read as `-` (some proxies treat them alike).
 */
const IDENTITY_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  JWT_ASSERTION_HEADER,
  'x-access-token',
  'x-api-key',
  'remote-user',
  'x-remote-user',
  'x-forwarded-user',
  'x-forwarded-email',
  'x-forwarded-groups',
  'x-forwarded-preferred-username',
]);
const IDENTITY_PREFIXES = ['x-webauth-', 'x-auth-request-', 'x-grafana-'];
/** `X-Grafana-*` request headers that Grafana's own front end sends and that name no one. */
const GRAFANA_HEADERS_KEPT = new Set(['x-grafana-nocache']);

export function isIdentityHeader(name: string): boolean {
  const normalised = name.toLowerCase().replace(/_/g, '-');
  if (GRAFANA_HEADERS_KEPT.has(normalised)) return false;
  return IDENTITY_HEADERS.has(normalised) || IDENTITY_PREFIXES.some((prefix) => normalised.startsWith(prefix));
}

/**
 * Rewrites the headers Grafana will receive: every identity-bearing header the browser sent is
 * dropped, the signed-in user's access token is set, and the session cookie is removed (Grafana
 * authenticates with the header alone).
 */
export function prepareUpstreamHeaders(req: IncomingMessage, accessToken: string): void {
  for (const name of Object.keys(req.headers)) {
    if (isIdentityHeader(name)) delete req.headers[name];
  }
  req.headers[JWT_ASSERTION_HEADER] = accessToken;
  const cookie = cookieHeaderWithoutSession(req.headers.cookie);
  if (cookie === undefined) delete req.headers.cookie;
  else req.headers.cookie = cookie;
}
