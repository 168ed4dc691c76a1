import type { ErrorRequestHandler, Response } from 'express';
import { errorFields } from '../logger.js';

export type ErrorCode =
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'payload_too_large'
  | 'headers_too_large'
  | 'request_timeout'
  | 'rate_limited'
  | 'unavailable'
  | 'internal';

export interface ErrorBody {
  error: { code: ErrorCode; message: string };
}

/** The one shape of every error the exporter answers, on any route or raw socket. */
export function errorBody(code: ErrorCode, message: string): ErrorBody {
  return { error: { code, message } };
}

/** An error with its HTTP status and the `{ error: { code, message } }` body. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function sendError(res: Response, status: number, code: ErrorCode, message: string): void {
  res.status(status).json(errorBody(code, message));
}

/** body-parser's own errors (malformed JSON, oversized bodies) are the client's mistake. */
function clientErrorOf(error: unknown): HttpError | undefined {
  const status = (error as { status?: unknown }).status;
  if (typeof status !== 'number' || status < 400 || status >= 500) return undefined;
  if (status === 413) return new HttpError(413, 'payload_too_large', 'request body too large');
  return new HttpError(400, 'bad_request', 'malformed request body');
}

/** Last handler: errors in the one shape, never a stack trace or a secret. */
export const errorHandler: ErrorRequestHandler = (error, req, res, _next) => {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const known = error instanceof HttpError ? error : clientErrorOf(error);
  if (known) {
    res.set(known.headers);
    sendError(res, known.status, known.code, known.message);
    return;
  }
  req.log?.error(errorFields(error), 'unhandled error');
  sendError(res, 500, 'internal', 'internal error');
};
