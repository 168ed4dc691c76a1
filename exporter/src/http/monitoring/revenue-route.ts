import type { RequestHandler } from 'express';
import { LRUCache } from 'lru-cache';
import type pg from 'pg';
import { revenueBetween, type Revenue } from '../../sections/revenue.js';
import type { SnapshotService } from '../../snapshot/snapshot-service.js';
import { HttpError } from '../errors.js';
import { timeRangeSchema } from '../time-range.js';
import { badQuery } from './query-errors.js';
import { currentSnapshot, sendSection } from './snapshot-response.js';

export interface RevenueRouteOptions {
  pool: pg.Pool;
  snapshots: SnapshotService;
  /** the section whose body carries `revenue` */
  sectionName: string;
  currency: string;
  reportTimeZone: string;
  refreshIntervalMs: number;
}

/**
 * The section with revenue for a `from`/`to` range. The current month comes from the snapshot;
 * another range is computed on demand, but viewers of one dashboard share a range: each range is
 * cached for one refresh interval, single-flight.
 */
export function revenueRangeRoute(options: RevenueRouteOptions): RequestHandler {
  const rangeSchema = timeRangeSchema(options.reportTimeZone);
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

  return async (req, res) => {
    const range = rangeSchema.safeParse(req.query);
    if (!range.success) throw badQuery(range.error);
    const view = await currentSnapshot(options.snapshots);
    const { from, to } = range.data;
    const body = view.snapshot.sections.get(options.sectionName) as { revenue: Revenue };
    const isSnapshotMonth = !from || !to || (from.toISOString() === body.revenue.from && to.toISOString() === body.revenue.to);
    if (isSnapshotMonth) return sendSection(res, view, options.sectionName);
    let revenue: Revenue;
    try {
      revenue = await revenueFor(from, to);
    } catch {
      throw new HttpError(503, 'unavailable', 'database unavailable: revenue for a custom range cannot be computed', { 'Retry-After': '5' });
    }
    sendSection(res, view, options.sectionName, { ...body, revenue });
  };
}
