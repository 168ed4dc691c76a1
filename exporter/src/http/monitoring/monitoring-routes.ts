import { Router, type Response } from 'express';
import type pg from 'pg';
import { buildCatalogue } from '../../catalogue/catalogue.js';
import { CONTACT_EXPORT_PATH, type TimeRange } from '../../sections/presentation.js';
import type { Section } from '../../sections/section.js';
import type { SnapshotService } from '../../snapshot/snapshot-service.js';
import { HttpError } from '../errors.js';
import type { LiveStreams } from '../../live/live-streams.js';
import type { Authenticate } from '../authenticate.js';
import { catalogueRoute } from './catalogue-route.js';
import { contactExportRoute } from './contact-export-route.js';
import { liveStreamRoute } from './live-stream-route.js';
import { currentSnapshot, sendSection } from './snapshot-response.js';
import { timeRangeRoute } from './time-range-route.js';

export interface MonitoringRoutesOptions {
  /** The read pool: custom time ranges and CSV exports (the API writes nothing). */
  pool: pg.Pool;
  sections: readonly Section[];
  snapshots: SnapshotService;
  currency: string;
  reportTimeZone: string;
  refreshIntervalMs: number;
  exportConcurrency: number;
  exportStatementTimeoutMs: number;
  exportIdleTimeoutMs: number;
  /** Exports in flight, so shutdown can wait for (or cut) them. */
  activeExports: Set<Response>;
  /** The open live streams (GET /stream), and how their credentials are checked again. */
  liveStreams: LiveStreams;
  authenticate: Authenticate;
}

const hasTimeRange = (section: Section): section is Section & { timeRange: TimeRange<unknown> } => section.timeRange !== undefined;

/** The monitoring API: read-only, the catalogue, one route per section, the contact exports and the live stream. */
export function createMonitoringRoutes(options: MonitoringRoutesOptions): Router {
  const router = Router();

  router.use((req, _res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      throw new HttpError(405, 'method_not_allowed', 'the monitoring API is read-only: use GET', { Allow: 'GET, HEAD' });
    }
    next();
  });

  router.get('/catalogue', catalogueRoute(buildCatalogue(options.sections, options)));
  router.get(`/${CONTACT_EXPORT_PATH}`, contactExportRoute(options));
  router.get('/stream', liveStreamRoute({ streams: options.liveStreams, snapshots: options.snapshots, authenticate: options.authenticate }));

  for (const section of options.sections) {
    router.get(
      `/${section.name}`,
      hasTimeRange(section)
        ? timeRangeRoute({ ...options, section })
        : async (_req, res) => {
            sendSection(res, await currentSnapshot(options.snapshots), section.name);
          },
    );
  }

  router.use((req) => {
    throw new HttpError(404, 'not_found', `no monitoring section at ${req.path}`);
  });
  return router;
}
