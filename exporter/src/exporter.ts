import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type pg from 'pg';
import { AggregateMaintenance } from './aggregates/maintenance.js';
import type { Config } from './config.js';
import { createApp, type AppDependencies, type ExporterApp } from './http/app.js';
import { answerClientError } from './http/client-errors.js';
import { ReplicaLagProbe } from './db/replica-lag.js';
import { AggregateMetrics } from './metrics/aggregate-metrics.js';
import { ExporterMetrics } from './metrics/exporter-metrics.js';
import { SECTIONS } from './sections/index.js';
import type { Section } from './sections/section.js';
import { SnapshotService } from './snapshot/snapshot-service.js';

export interface Exporter {
  url: string;
  aggregateMaintenance: AggregateMaintenance;
  server: Server;
  snapshots: SnapshotService;
  exporterApp: ExporterApp;
  /** Stops accepting, lets exports finish until the timeout then cuts them, closes the server. */
  close(): Promise<void>;
}

export interface ExporterOptions {
  config: Config;
  /** The primary (DATABASE_URL): sign-in, sessions, preferences, throttles and every write. */
  pool: pg.Pool;
  /**
   * The aggregate reads (snapshot refreshes, custom time ranges) and the CSV exports: a read
   * replica (DATABASE_READ_URL). Default: the primary pool.
   */
  readPool?: pg.Pool;
  logger: Logger;
  sections?: readonly Section[];
  /** The clock of the aggregates (tests pin it). */
  now?: () => Date;
  /** The clock of sessions, access tokens and sign-in limits, in epoch ms (tests move it forward). */
  authClock?: () => number;
  /** The live streams' heartbeat and re-check intervals (tests shorten them). */
  liveStreamTimings?: AppDependencies['liveStreamTimings'];
}

/** Wires the sections, the snapshot, the metrics and the HTTP app, and starts listening. */
export async function startExporter(options: ExporterOptions): Promise<Exporter> {
  const { config, logger } = options;
  const primaryPool = options.pool;
  const readPool = options.readPool ?? primaryPool;
  const sections = options.sections ?? SECTIONS;
  const aggregateMetrics = new AggregateMetrics(sections);
  const exporterMetrics = new ExporterMetrics();
  const now = options.now ?? (() => new Date());
  // Read from a replica, the figures are as old as its lag: measured at each refresh.
  const replicaLag =
    readPool === primaryPool
      ? undefined
      : new ReplicaLagProbe({ pool: readPool, gauge: exporterMetrics.replicaLag, warnAboveSeconds: config.refreshIntervalMs / 1000, logger });
  const snapshots = new SnapshotService({
    pool: readPool,
    replicaLag,
    sections,
    intervalMs: config.refreshIntervalMs,
    context: () => ({ now: now(), currency: config.currency, reportTimeZone: config.reportTimeZone }),
    aggregateMetrics,
    exporterMetrics,
    logger,
  });
  // Folds and verifications write: they use the primary's pool, on timers off the request path.
  const aggregateMaintenance = new AggregateMaintenance({
    pool: primaryPool,
    foldIntervalMs: config.refreshIntervalMs,
    verifyIntervalMs: config.aggregateVerifyIntervalMs,
    metrics: exporterMetrics,
    logger,
  });
  aggregateMaintenance.start();
  const exporterApp = createApp({
    config,
    pool: primaryPool,
    readPool,
    sections,
    snapshots,
    aggregateMetrics,
    exporterMetrics,
    logger,
    clock: options.authClock,
    liveStreamTimings: options.liveStreamTimings,
  });
  const server = exporterApp.app.listen(config.port, config.host);
  server.on('clientError', answerClientError);
  // Websockets (Grafana Live through the gateway); without a gateway Node refuses upgrades itself.
  const { upgrades } = exporterApp;
  if (upgrades) server.on('upgrade', upgrades.handle);
  await once(server, 'listening');
  server.keepAliveTimeout = 65_000; // longer than common proxies' idle timeouts
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${address.port}`;

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      snapshots.close(); // no more refreshes ahead: the pools are about to end
      exporterApp.liveStreams.closeAll(); // browsers reconnect on their own, to another replica if any
      server.closeIdleConnections();
      const deadline = Date.now() + config.shutdownTimeoutMs;
      while (exporterApp.activeExports.size > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      for (const res of exporterApp.activeExports) res.destroy();
      server.closeAllConnections();
      upgrades?.closeAll(); // upgraded sockets are no longer the HTTP server's to close
      exporterApp.stop();
      aggregateMaintenance.stop();
      await closed;
    })());

  return { url, server, snapshots, exporterApp, aggregateMaintenance, close };
}
