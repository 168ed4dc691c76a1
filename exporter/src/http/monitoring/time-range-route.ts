import type { RequestHandler } from 'express';
import type pg from 'pg';
import type { TimeRange } from '../../sections/presentation.js';
import type { Section } from '../../sections/section.js';
import type { SnapshotService } from '../../snapshot/snapshot-service.js';
import { HttpError } from '../errors.js';
import { timeRangeSchema } from '../time-range.js';
import { badQuery } from './query-errors.js';
import { RangedFigures, type RangedAnswer } from './ranged-figures.js';
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
 * range comes from the snapshot; another range's figures come from RangedFigures (computed once per
 * refresh interval, served stale-while-revalidate) and are laid over the current snapshot's body.
 */
export function timeRangeRoute(options: TimeRangeRouteOptions): RequestHandler {
  const { section } = options;
  const { timeRange } = section;
  const rangeSchema = timeRangeSchema(options.reportTimeZone);
  const ranged = new RangedFigures(options.refreshIntervalMs, (from, to) => {
    const context = { now: new Date(), currency: options.currency, reportTimeZone: options.reportTimeZone };
    return timeRange.forRange({ from, to }, { pool: options.pool, context }) as Promise<object>;
  });

  return async (req, res) => {
    const range = rangeSchema.safeParse(req.query);
    if (!range.success) throw badQuery(range.error);
    const view = await currentSnapshot(options.snapshots);
    const { from, to } = range.data;
    const body = view.snapshot.sections.get(section.name)!;
    const snapshotRange = timeRange.rangeOf(body);
    const isSnapshotRange = !from || !to || (from.toISOString() === snapshotRange.from && to.toISOString() === snapshotRange.to);
    if (isSnapshotRange) return sendSection(res, view, section.name);
    let figures: RangedAnswer;
    try {
      figures = await ranged.get(from, to);
    } catch {
      throw new HttpError(503, 'unavailable', 'database unavailable: figures for a custom range cannot be computed', { 'Retry-After': '5' });
    }
    sendSection(res, figures.stale ? { ...view, stale: true } : view, section.name, { ...body, ...figures.figures });
  };
}
