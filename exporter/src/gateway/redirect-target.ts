const PLACEHOLDER_ORIGIN = 'http://gateway.invalid';

/**
 * Where to send a browser after signing in: only a path on this very site. Anything else
 * (absolute URLs, protocol-relative `//evil.example`, backslash tricks browsers read as `//`,
 * control characters, the sign-in pages themselves) falls back to `/`.
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
  const path = `${url.pathname}${url.search}${url.hash}`;
  if (/^\/(login|logout)(\/|$)/i.test(url.pathname)) return '/';
  return path;
}
