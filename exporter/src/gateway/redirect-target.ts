const PLACEHOLDER_ORIGIN = 'http://gateway.invalid';

/**
 * Where to send a browser after signing in: only a path on this very site. Anything else
 * (absolute URLs, protocol-relative `//evil.example`, backslash tricks browsers read as `//`,
 * dot segments that normalise to `//`, control characters, the sign-in pages themselves)
 * falls back to `/`.
 */
export function safeNextPath(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 2048) return '/';
  // Browsers treat `\` as `/` and drop tabs and newlines inside URLs: `/\evil.example` and
  // `/\t/evil.example` both become `//evil.example`.
  if (!value.startsWith('/') || value.startsWith('//') || /[\\\u0000-\u001f\u007f]/.test(value)) return '/';
  let url: URL;
  try {
    url = new URL(value, PLACEHOLDER_ORIGIN);
  } catch {
    return '/';
  }
  if (url.origin !== PLACEHOLDER_ORIGIN) return '/';
  // The path as a browser will resolve it: `/.//evil.example`, `/x/..//evil.example` and
  // `/%2e%2e//evil.example` all normalise to `//evil.example`, which a Location header would
  // send off-site. Check the normalised path, and send only it.
  if (url.pathname.startsWith('//')) return '/';
  if (/^\/(login|logout)(\/|$)/i.test(url.pathname)) return '/';
  return `${url.pathname}${url.search}${url.hash}`;
}
