import type { RequestHandler, Response } from 'express';
import type pg from 'pg';
import { z } from 'zod';
import { EXPORT_TYPES, streamContactExport, type ExportType } from '../../export/contacts-export.js';
import { errorFields } from '../../logger.js';
import { HttpError } from '../errors.js';
import { badQuery } from './query-errors.js';

export interface ContactExportRouteOptions {
  pool: pg.Pool;
  reportTimeZone: string;
  exportConcurrency: number;
  exportStatementTimeoutMs: number;
  /** Exports in flight, so shutdown can wait for (or cut) them. */
  activeExports: Set<Response>;
}

const exportQuery = z.object({
  type: z.enum(EXPORT_TYPES, { message: 'type must be "contact" or "email"' }),
});

/** GET /contacts/export?type=contact|email: a streamed CSV, at most `exportConcurrency` at once. */
export function contactExportRoute(options: ContactExportRouteOptions): RequestHandler {
  let exportsRunning = 0;
  return async (req, res) => {
    const query = exportQuery.safeParse(req.query);
    if (!query.success) throw badQuery(query.error);
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
      req.log?.warn(errorFields(error), 'contact export ended early');
      res.destroy();
    } finally {
      exportsRunning -= 1;
      options.activeExports.delete(res);
    }
  };
}
