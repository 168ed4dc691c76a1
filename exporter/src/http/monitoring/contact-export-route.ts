import type { RequestHandler, Response } from 'express';
import type pg from 'pg';
import { z } from 'zod';
import { EXPORT_TYPES, streamContactExport, type ExportType } from '../../export/contacts-export.js';
import { ExportCutError } from '../../export/export-watchdog.js';
import { errorFields } from '../../logger.js';
import { HttpError } from '../errors.js';
import { badQuery } from './query-errors.js';

export interface ContactExportRouteOptions {
  pool: pg.Pool;
  reportTimeZone: string;
  exportConcurrency: number;
  /** The longest one export may take, start to end (EXPORT_STATEMENT_TIMEOUT_MS). */
  exportStatementTimeoutMs: number;
  /** The longest an export waits for a client that accepts no data (EXPORT_IDLE_TIMEOUT_MS). */
  exportIdleTimeoutMs: number;
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
      throw new HttpError(429, 'rate_limited', `at most ${options.exportConcurrency} exports run at once: try again shortly`, {
        'Retry-After': '10',
      });
    }
    exportsRunning += 1;
    options.activeExports.add(res);
    let failure: unknown;
    try {
      await streamContactExport(options.pool, type, res, {
        totalMs: options.exportStatementTimeoutMs,
        idleMs: options.exportIdleTimeoutMs,
      });
    } catch (error) {
      failure = error;
    } finally {
      exportsRunning -= 1;
      options.activeExports.delete(res);
    }
    // The response ends only now, with the slot and the connection free again: a client that
    // has the whole CSV can start the next export at once.
    if (failure === undefined) return void res.end();
    if (!res.headersSent && !res.destroyed) {
      res.removeHeader('Content-Disposition');
      const reason = failure instanceof ExportCutError ? `export stopped: ${failure.message}` : 'database unavailable: export failed';
      throw new HttpError(503, 'unavailable', reason, { 'Retry-After': '5' });
    }
    // Mid-stream: the client sees the CSV cut off (no terminating chunk), never a complete-looking file.
    if (failure instanceof ExportCutError) req.log?.warn({ reason: failure.message }, 'contact export cut');
    else req.log?.warn(errorFields(failure), 'contact export ended early');
    res.destroy();
  };
}
