import { randomUUID } from 'node:crypto';
import express, { type Express, type Response } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import type { Logger } from 'pino';
import type pg from 'pg';
import type { Config } from '../config.js';
import type { AggregateMetrics } from '../metrics/aggregate-metrics.js';
import type { ExporterMetrics } from '../metrics/exporter-metrics.js';
import type { Section } from '../sections/section.js';
import type { SnapshotService } from '../snapshot/snapshot-service.js';
import { VERSION } from '../version.js';
import { createAccountServices } from '../auth/account-services.js';
import { systemClock, type Clock } from '../auth/clock.js';
import { createConsoleRoutes } from '../console/console-routes.js';
import { createGateway, type UpgradeHandler } from '../gateway/gateway.js';
import { LiveStreams } from '../live/live-streams.js';
import { createAdminRoutes } from './admin-routes.js';
import { createAuthRoutes } from './auth-routes.js';
import { createAuthenticator, MONITORING_ONLY, requireAccess } from './authenticate.js';
import { errorHandler, HttpError } from './errors.js';
import { createMonitoringRoutes } from './monitoring/monitoring-routes.js';
import { createOperationalRoutes } from './operational-routes.js';
import { rejectNulBytes } from './reject-nul-bytes.js';

export interface AppDependencies {
  config: Config;
  /** The primary: sign-in, sessions, preferences and every write. */
  pool: pg.Pool;
  /** The aggregate reads and CSV exports (a read replica, or the primary pool itself). */
  readPool: pg.Pool;
  sections: readonly Section[];
  snapshots: SnapshotService;
  aggregateMetrics: AggregateMetrics;
  exporterMetrics: ExporterMetrics;
  logger: Logger;
  /** the clock of sessions, access tokens and sign-in limits (tests move it forward) */
  clock?: Clock;
  /** the live streams' heartbeat and credential re-check intervals (tests shorten them) */
  liveStreamTimings?: { heartbeatIntervalMs?: number; recheckIntervalMs?: number };
}

export interface ExporterApp {
  app: Express;
  /** Contact exports streaming right now (graceful shutdown waits for them, then cuts them). */
  activeExports: Set<Response>;
  /** Open live streams (GET /api/monitoring/stream): shutdown ends them. */
  liveStreams: LiveStreams;
  /** Websocket upgrades (Grafana Live), when the Grafana gateway is on. */
  upgrades?: UpgradeHandler;
  /** Stops the app's background work (the session purge schedule). */
  stop(): void;
}

export function createApp(deps: AppDependencies): ExporterApp {
  const { config } = deps;
  const app = express();
  const activeExports = new Set<Response>();
  app.disable('x-powered-by');
  app.set('etag', false);
  // Express reads a string as an address list: a hop count such as TRUST_PROXY=1 must be a number.
  if (config.trustProxy) app.set('trust proxy', /^\d+$/.test(config.trustProxy) ? Number(config.trustProxy) : config.trustProxy);

  app.use(
    pinoHttp({
      logger: deps.logger,
      genReqId: (req, res) => {
        const incoming = req.headers['x-request-id'];
        const id = typeof incoming === 'string' && /^[\w.-]{1,64}$/.test(incoming) ? incoming : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      // Path without the query string, status and timing: no tokens, emails or passwords.
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, path: req.url.split('?')[0] }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      // Scrapes and dashboard polls succeed all day: successes at debug, problems at warn/error.
      customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'debug'),
    }),
  );
  app.use((_req, res, next) => {
    res.setHeader('X-KeWhats-Version', VERSION);
    next();
  });
  app.use(rejectNulBytes);

  // Sign-in, sessions and role management; the staff gateway below (docs/gateway.md).
  const accountServices = createAccountServices({
    pool: deps.pool,
    jwt: config.jwt,
    sessions: { idleMs: config.sessionIdleMs, maxAgeMs: config.sessionMaxAgeMs, maxPerUser: config.sessionsPerUser },
    purgeIntervalMs: config.sessionPurgeIntervalMs,
    clock: deps.clock ?? systemClock,
    logger: deps.logger,
  });
  const authenticate = createAuthenticator({
    jwt: config.jwt,
    monitoringToken: config.monitoringToken,
    sessions: accountServices.sessions,
    clock: accountServices.clock,
  });
  const liveStreams = new LiveStreams({
    snapshots: deps.snapshots,
    sectionNames: deps.sections.map((section) => section.name),
    intervalMs: config.refreshIntervalMs,
    max: config.liveStreamMax,
    maxPerHolder: config.liveStreamMaxPerUser,
    logger: deps.logger,
    ...deps.liveStreamTimings,
  });
  const apiHeaders = helmet({ contentSecurityPolicy: { directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } } });

  app.use(
    createOperationalRoutes({
      pool: deps.pool,
      readPool: deps.readPool,
      snapshots: deps.snapshots,
      aggregateMetrics: deps.aggregateMetrics,
      exporterMetrics: deps.exporterMetrics,
      authenticate,
      metricsPublic: config.metricsPublic,
      readyzTimeoutMs: config.readyzTimeoutMs,
    }),
  );

  app.use(
    '/api/monitoring',
    apiHeaders,
    requireAccess(authenticate, MONITORING_ONLY),
    createMonitoringRoutes({
      pool: deps.readPool,
      sections: deps.sections,
      snapshots: deps.snapshots,
      currency: config.currency,
      reportTimeZone: config.reportTimeZone,
      refreshIntervalMs: config.refreshIntervalMs,
      exportConcurrency: config.exportConcurrency,
      exportStatementTimeoutMs: config.exportStatementTimeoutMs,
      exportIdleTimeoutMs: config.exportIdleTimeoutMs,
      activeExports,
      liveStreams,
      authenticate,
    }),
  );

  app.use('/api/auth', apiHeaders, createAuthRoutes({ services: accountServices, authenticate }));
  app.use('/api/admin', apiHeaders, createAdminRoutes({ accounts: accountServices.accounts, authenticate }));
  // The monitoring console (docs/console.md): at /console/, and at / unless Grafana owns it.
  app.use(createConsoleRoutes({ serveRoot: !config.grafanaUrl, sessions: accountServices.sessions }));
  // /login and /logout always; with GRAFANA_URL also Grafana behind the session.
  const gateway = createGateway({
    services: accountServices,
    grafanaUrl: config.grafanaUrl,
    trustProxy: app.get('trust proxy fn'),
    logger: deps.logger,
  });
  app.use(gateway.router);

  app.use('/api', apiHeaders, (req) => {
    throw new HttpError(404, 'not_found', `no route ${req.method} ${req.path}`);
  });
  app.use((req) => {
    throw new HttpError(404, 'not_found', `no route ${req.method} ${req.path}`);
  });
  app.use(errorHandler);
  return { app, activeExports, liveStreams, upgrades: gateway.upgrades, stop: accountServices.stop };
}
