/**
 * Paths the exporter answers itself, even with the Grafana gateway on. Everything else goes
 * to Grafana, including Grafana's own API (/api/dashboards, /api/live/ws …), so the exporter
 * claims its API prefixes one by one instead of all of /api.
 * Note that Grafana's server-admin API under /api/admin is shadowed by the exporter's.
 */
export const EXPORTER_PATH_PREFIXES = [
  '/api/monitoring',
  '/api/auth',
  '/api/admin',
  '/metrics',
  '/healthz',
  '/readyz',
  '/login',
  '/logout',
  '/console',
] as const;

/** Matches like Express does (case-insensitively, trailing slash optional) so the two agree. */
export function isExporterPath(path: string): boolean {
  const lower = path.toLowerCase();
  return EXPORTER_PATH_PREFIXES.some((prefix) => lower === prefix || lower.startsWith(`${prefix}/`));
}

/** The path of a raw request target (`/a/b?c`), as the router sees it. */
export function pathOf(url: string | undefined): string {
  const path = (url ?? '/').split('?', 1)[0]!;
  return path === '' ? '/' : path;
}
