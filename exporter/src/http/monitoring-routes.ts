import { Router, type Request, type Response } from 'express';
import { LRUCache } from 'lru-cache';
import type pg from 'pg';
import { z } from 'zod';
import { EXPORT_TYPES, streamContactExport, type ExportType } from '../export/contacts-export.js';
import { revenueBetween, type Revenue } from '../sections/revenue.js';
import type { Section } from '../sections/section.js';
import { NoSnapshotError, serializeSection, type SnapshotService, type SnapshotView } from '../snapshot/snapshot-service.js';
import { HttpError } from './errors.js';
import { timeRangeSchema } from './time-range.js';

export interface MonitoringRoutesOptions {
  pool: pg.Pool;
  sections: readonly Section[];
  snapshots: SnapshotService;
  currency: string;
  reportTimeZone: string;
  refreshIntervalMs: number;
  exportConcurrency: number;
  exportStatementTimeoutMs: number;
  /** Exports in flight, so shutdown can wait for (or cut) them. */
  activeExports: Set<Response>;
}

function firstIssue(error: z.ZodError): string {
  return error.issues[0]?.message ?? 'invalid query';
}

export async function currentSnapshot(snapshots: SnapshotService): Promise<SnapshotView> {
  try {
    return await snapshots.current();
  } catch (error) {
    if (error instanceof NoSnapshotError) {
      throw new HttpError(503, 'unavailable', 'database unavailable and no snapshot to serve yet', { 'Retry-After': '5' });
    }
    throw error;
  }
}

function sendSection(res: Response, view: SnapshotView, name: string, body?: object): void {
  res.set('Cache-Control', 'no-store');
  if (view.stale) res.set('Warning', '110 - "stale snapshot: database unavailable"');
  res.type('application/json');
  const fresh = !view.stale && body === undefined ? view.snapshot.freshBodies.get(name) : undefined;
  res.send(fresh ?? serializeSection(body ?? view.snapshot.sections.get(name)!, view.snapshot.generatedAt, view.stale));
}

/** The monitoring API: read-only, one route per section plus the contact exports. */
export function createMonitoringRoutes(options: MonitoringRoutesOptions): Router {
  const router = Router();
  const rangeSchema = timeRangeSchema(options.reportTimeZone);

  // Revenue for a custom range is computed on demand, but viewers of one dashboard share a
  // range: cache each range for one refresh interval, single-flight per range.
  const revenueCache = new LRUCache<string, Promise<Revenue>>({ max: 256, ttl: options.refreshIntervalMs });
  const revenueFor = (from: Date, to: Date): Promise<Revenue> => {
    const key = `${from.getTime()}:${to.getTime()}`;
    let pending = revenueCache.get(key);
    if (!pending) {
      pending = revenueBetween(options.pool, options.currency, from, to);
      pending.catch(() => revenueCache.delete(key));
      revenueCache.set(key, pending);
    }
    return pending;
  };

  router.use((req, _res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      throw new HttpError(405, 'method_not_allowed', 'the monitoring API is read-only: use GET', { Allow: 'GET, HEAD' });
    }
    next();
  });

  router.get('/dashboard', async (req, res) => {
    const range = rangeSchema.safeParse(req.query);
    if (!range.success) throw new HttpError(400, 'bad_request', firstIssue(range.error));
    const view = await currentSnapshot(options.snapshots);
    const { from, to } = range.data;
    const body = view.snapshot.sections.get('dashboard') as { revenue: Revenue };
    const isSnapshotMonth = !from || !to || (from.toISOString() === body.revenue.from && to.toISOString() === body.revenue.to);
    if (isSnapshotMonth) return sendSection(res, view, 'dashboard');
    let revenue: Revenue;
    try {
      revenue = await revenueFor(from, to);
    } catch {
      throw new HttpError(503, 'unavailable', 'database unavailable: revenue for a custom range cannot be computed', { 'Retry-After': '5' });
    }
    sendSection(res, view, 'dashboard', { ...body, revenue });
  });

  const exportQuery = z.object({
    type: z.enum(EXPORT_TYPES, { message: 'type must be "contact" or "email"' }),
  });
  let exportsRunning = 0;
  router.get('/contacts/export', async (req, res) => {
    const query = exportQuery.safeParse(req.query);
    if (!query.success) throw new HttpError(400, 'bad_request', firstIssue(query.error));
    const type: ExportType = query.data.type;
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: options.reportTimeZone }).format(new Date());
    res.set({
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="kewhats-${type === 'contact' ? 'contacts' : 'emails'}-${day}.csv"`,
      'Cache-Control': 'no-store',
    });
    if (req.method === 'HEAD') return void res.end();
    if (exportsRunning >= options.exportConcurrency) {
      res.removeHeader('Content-Disposition');
      throw new HttpError(429, 'rate_limited', `at most ${options.exportConcurrency} exports run at once: try again shortly`, { 'Retry-After': '10' });
    }
    exportsRunning += 1;
    options.activeExports.add(res);
    try {
      await streamContactExport(options.pool, type, res, options.exportStatementTimeoutMs);
    } catch (error) {
      if (!res.headersSent && !res.destroyed) {
        throw new HttpError(503, 'unavailable', 'database unavailable: export failed', { 'Retry-After': '5' });
      }
      // Mid-stream failures or a client that left: the connection was already destroyed.
      req.log?.warn({ err: { message: (error as Error).message } }, 'contact export ended early');
      res.destroy();
    } finally {
      exportsRunning -= 1;
      options.activeExports.delete(res);
    }
  });

  for (const section of options.sections) {
    if (section.name === 'dashboard') continue;
    router.get(`/${section.name}`, async (_req: Request, res: Response) => {
      sendSection(res, await currentSnapshot(options.snapshots), section.name);
    });
  }

  router.use((req) => {
    throw new HttpError(404, 'not_found', `no monitoring section at ${req.path}`);
  });
  return router;
}
