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
