import type { RequestHandler } from 'express';
import { LRUCache } from 'lru-cache';
import type pg from 'pg';
import type { TimeRange } from '../../sections/presentation.js';
import type { Section } from '../../sections/section.js';
import type { SnapshotService } from '../../snapshot/snapshot-service.js';
import { HttpError } from '../errors.js';
import { timeRangeSchema } from '../time-range.js';
import { badQuery } from './query-errors.js';
import { currentSnapshot, sendSection } from './snapshot-response.js';

export interface TimeRangeRouteOptions {
  pool: pg.Pool;
  snapshots: SnapshotService;
  /** A section that declares a time range. */
  section: Section & { timeRange: TimeRange<unknown> };
  currency: string;
  reportTimeZone: string;
  refreshIntervalMs: number;
}

/**
 * A section whose figures follow a `from`/`to` range (the home dashboard's revenue). The default
 * range comes from the snapshot; another range is computed on demand, but viewers of one dashboard
 * share a range: each range's figures are cached for one refresh interval, single-flight, and laid
 * over the current snapshot's body.
 */
export function timeRangeRoute(options: TimeRangeRouteOptions): RequestHandler {
  const { section } = options;
  const { timeRange } = section;
  const rangeSchema = timeRangeSchema(options.reportTimeZone);
  const rangedCache = new LRUCache<string, Promise<object>>({ max: 256, ttl: options.refreshIntervalMs });
  const rangedFor = (from: Date, to: Date): Promise<object> => {
    const key = `${from.getTime()}:${to.getTime()}`;
    let pending = rangedCache.get(key);
    if (!pending) {
      const context = { now: new Date(), currency: options.currency, reportTimeZone: options.reportTimeZone };
      pending = timeRange.forRange({ from, to }, { pool: options.pool, context }) as Promise<object>;
      pending.catch(() => rangedCache.delete(key));
      rangedCache.set(key, pending);
    }
    return pending;
  };

  return async (req, res) => {
    const range = rangeSchema.safeParse(req.query);
    if (!range.success) throw badQuery(range.error);
    const view = await currentSnapshot(options.snapshots);
    const { from, to } = range.data;
    const body = view.snapshot.sections.get(section.name)!;
    const snapshotRange = timeRange.rangeOf(body);
    const isSnapshotRange = !from || !to || (from.toISOString() === snapshotRange.from && to.toISOString() === snapshotRange.to);
    if (isSnapshotRange) return sendSection(res, view, section.name);
    let ranged: object;
    try {
      ranged = await rangedFor(from, to);
    } catch {
      throw new HttpError(503, 'unavailable', 'database unavailable: figures for a custom range cannot be computed', { 'Retry-After': '5' });
    }
    sendSection(res, view, section.name, { ...body, ...ranged });
  };
}
