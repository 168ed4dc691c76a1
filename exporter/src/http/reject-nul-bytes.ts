import type { RequestHandler } from 'express';
import { HttpError } from './errors.js';

/**
 * Refuses a URL carrying a NUL byte (`%00`) before any route sees it: no identifier, date or
 * name of ours contains one, and PostgreSQL text cannot hold one, so it would otherwise come back
 * from the database as a 500.
 */
export const rejectNulBytes: RequestHandler = (req, _res, next) => {
  if (/%00/.test(req.url)) throw new HttpError(400, 'bad_request', 'the URL contains a NUL byte (%00)');
  next();
};
