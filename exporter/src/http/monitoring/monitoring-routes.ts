import { Router, type Response } from 'express';
import type pg from 'pg';
import type { Section } from '../../sections/section.js';
import type { SnapshotService } from '../../snapshot/snapshot-service.js';
import { HttpError } from '../errors.js';
import { contactExportRoute } from './contact-export-route.js';
import { revenueRangeRoute } from './revenue-route.js';
import { currentSnapshot, sendSection } from './snapshot-response.js';

export interface MonitoringRoutesOptions {
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
}

/** The monitoring API: read-only, one route per section plus the contact exports. */
export function createMonitoringRoutes(options: MonitoringRoutesOptions): Router {
  const router = Router();

  router.use((req, _res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      throw new HttpError(405, 'method_not_allowed', 'the monitoring API is read-only: use GET', { Allow: 'GET, HEAD' });
    }
    next();
  });

  router.get('/dashboard', revenueRangeRoute({ ...options, sectionName: 'dashboard' }));
  router.get('/contacts/export', contactExportRoute(options));

  for (const section of options.sections) {
    if (section.name === 'dashboard') continue;
    router.get(`/${section.name}`, async (_req, res) => {
      sendSection(res, await currentSnapshot(options.snapshots), section.name);
    });
  }

  router.use((req) => {
    throw new HttpError(404, 'not_found', `no monitoring section at ${req.path}`);
  });
  return router;
}
