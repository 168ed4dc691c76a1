import { Router } from 'express';
import type { Logger } from 'pino';
import type { AccountServices } from '../auth/account-services.js';
import { CONSOLE_BASE_PATH } from '../console/console-files.js';
import { createGrafanaGateway } from './grafana-gateway.js';
import { createLoginRoutes } from './login-routes.js';
import { createLogoutRoutes } from './logout-routes.js';
import type { TrustProxy } from './same-origin.js';
import type { UpgradeHandler } from './websocket-upgrades.js';

export type { UpgradeHandler } from './websocket-upgrades.js';

export interface GatewayOptions {
  services: AccountServices;
  /** Grafana behind the gateway; without it the gateway serves sign-in and sign-out only */
  grafanaUrl?: string;
  /** the app's compiled TRUST_PROXY setting (for X-Forwarded-Host on raw upgrade requests) */
  trustProxy: TrustProxy;
  logger: Logger;
}

export interface Gateway {
  /** /login, /logout, and (with Grafana) the proxy for every path the exporter does not own */
  router: Router;
  /** websocket upgrades, with Grafana */
  upgrades?: UpgradeHandler;
}

/**
 * The staff sign-in gateway (docs/gateway.md): the sign-in and sign-out pages and the session
 * cookie in every mode; with GRAFANA_URL, also the proxy that puts Grafana behind the session.
 */
export function createGateway(options: GatewayOptions): Gateway {
  const router = Router();
  // With Grafana at `/`, the console is at /console/: the sign-in page says so.
  const consoleHref = options.grafanaUrl ? `${CONSOLE_BASE_PATH}/` : undefined;
  router.use(createLoginRoutes({ services: options.services, needsSigningKey: options.grafanaUrl !== undefined, consoleHref }));
  router.use(createLogoutRoutes({ sessions: options.services.sessions }));
  if (!options.grafanaUrl) return { router };
  const grafana = createGrafanaGateway({ ...options, grafanaUrl: options.grafanaUrl });
  router.use(grafana.router);
  return { router, upgrades: grafana.upgrades };
}
