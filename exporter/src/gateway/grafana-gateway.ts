import { Router, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import type { AccountServices } from '../auth/account-services.js';
import type { SessionLookup } from '../auth/staff-sessions.js';
import { NO_ACCESS } from '../http/authenticate.js';
import { HttpError } from '../http/errors.js';
import { changesState } from './csrf.js';
import { isExporterPath } from './exporter-paths.js';
import { createGrafanaProxy } from './grafana-proxy.js';
import { GrafanaTokens } from './grafana-tokens.js';
import { safeNextPath } from './redirect-target.js';
import { comesFromThisSite, type TrustProxy } from './same-origin.js';
import { clearedSessionSetCookie, readSessionId } from './session-cookie.js';
import { prepareUpstreamHeaders } from './upstream-headers.js';
import { createWebsocketUpgrades, type UpgradeHandler } from './websocket-upgrades.js';

/** Navigations get the sign-in page; API calls, XHR and writes get a 401 they can act on. */
function wantsSignInRedirect(req: Request): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  if (req.xhr || req.path.toLowerCase().startsWith('/api/')) return false;
  const accept = req.headers.accept ?? '';
  return !(accept.includes('application/json') && !accept.includes('text/html'));
}

function refuse(req: Request, res: Response, lookup: Extract<SessionLookup, { ok: false }>): void {
  if (lookup.reason !== 'missing') res.append('Set-Cookie', clearedSessionSetCookie({ secure: req.secure }));
  res.set('Cache-Control', 'no-store');
  if (wantsSignInRedirect(req)) {
    return void res.redirect(302, `/login?next=${encodeURIComponent(safeNextPath(req.originalUrl))}`);
  }
  if (lookup.reason === 'forbidden') throw new HttpError(403, 'forbidden', NO_ACCESS);
  const message = lookup.reason === 'expired' ? 'session expired: sign in again at /login' : 'sign in at /login first';
  throw new HttpError(401, 'unauthorized', message);
}

/**
 * The proxy to Grafana: every path the exporter does not answer itself, for signed-in staff
 * only. Each request's session is checked against the database, then Grafana gets the
 * session's short-lived access token in X-JWT-Assertion, which its JWT auth maps to a Grafana
 * role (admin → Admin, monitoring → Viewer). Signed-out requests never reach Grafana.
 */
export function createGrafanaGateway(options: { grafanaUrl: string; services: AccountServices; trustProxy: TrustProxy; logger: Logger }): {
  router: Router;
  upgrades: UpgradeHandler;
} {
  const { sessions } = options.services;
  const proxy = createGrafanaProxy({ grafanaUrl: options.grafanaUrl, logger: options.logger });
  const tokens = new GrafanaTokens(options.services.jwt, options.services.clock);
  const router = Router();

  router.use(async (req, res, next) => {
    if (isExporterPath(req.path)) return next();
    const lookup = await sessions.lookup(readSessionId(req.headers.cookie));
    if (!lookup.ok) return refuse(req, res, lookup);
    // Grafana compares Origin with Host on writes as well; refusing here keeps a forged write
    // from reaching it at all.
    if (changesState(req.method) && !comesFromThisSite(req, options.trustProxy)) {
      throw new HttpError(403, 'forbidden', 'requests from another site are refused');
    }
    prepareUpstreamHeaders(req, tokens.tokenFor(lookup.session));
    void proxy(req, res, next);
  });

  const upgrades = createWebsocketUpgrades({ proxy, sessions, tokens, trustProxy: options.trustProxy, logger: options.logger });
  return { router, upgrades };
}
