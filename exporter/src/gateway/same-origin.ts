import type { IncomingMessage } from 'node:http';

/** Express's compiled `trust proxy` setting: whether the hop at `address` is a trusted proxy. */
export type TrustProxy = (address: string, hop: number) => boolean;

/**
 * Whether an Origin header names this very site. Only the host (name and port) is compared:
 * behind a TLS-terminating proxy the scheme we see may differ from the browser's, but a
 * cross-site page always has a different host. `Origin: null` (sandboxed frames, opaque
 * origins) is not same-origin.
 */
export function isSameOrigin(origin: string, ownHosts: ReadonlyArray<string | undefined>): boolean {
  if (!URL.canParse(origin)) return false;
  const { host, protocol } = new URL(origin);
  if (protocol !== 'http:' && protocol !== 'https:') return false;
  return ownHosts.some((own) => own !== undefined && own.toLowerCase() === host.toLowerCase());
}

/**
 * The hosts a request calls ours: its Host, and the X-Forwarded-Host of a proxy in front —
 * only when that proxy is trusted (TRUST_PROXY); anyone can send the header otherwise.
 */
export function ownHosts(req: IncomingMessage, trustProxy: TrustProxy): Array<string | undefined> {
  const hosts = [req.headers.host];
  if (trustProxy(req.socket.remoteAddress ?? '', 0)) {
    const forwarded = req.headers['x-forwarded-host'];
    hosts.push((Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim());
  }
  return hosts;
}

/**
 * Whether a browser request comes from a page of this site: its Origin, or lacking one its
 * Referer, names one of our hosts. A request with neither (not a browser's write) passes; the
 * checks that need more (the CSRF token) come on top.
 */
export function comesFromThisSite(req: IncomingMessage, trustProxy: TrustProxy): boolean {
  const origin = req.headers.origin ?? req.headers.referer;
  return origin === undefined || isSameOrigin(origin, ownHosts(req, trustProxy));
}
