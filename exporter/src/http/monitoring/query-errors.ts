import type { z } from 'zod';
import { HttpError } from '../errors.js';

/** A 400 naming the first problem of a query string. */
export function badQuery(error: z.ZodError): HttpError {
  return new HttpError(400, 'bad_request', error.issues[0]?.message ?? 'invalid query');
}
