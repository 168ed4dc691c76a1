import type { ErrorRequestHandler, Response } from 'express';

export type ErrorCode =
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'rate_limited'
  | 'unavailable'
  | 'internal';

/** An error with its HTTP status and the contract's `{ error: { code, message } }` body. */
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
  res.status(status).json({ error: { code, message } });
}

/** Last handler: contract-shaped errors, never a stack trace or a secret. */
export const errorHandler: ErrorRequestHandler = (error, req, res, _next) => {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (error instanceof HttpError) {
    res.set(error.headers);
    sendError(res, error.status, error.code, error.message);
    return;
  }
  // body-parser: malformed JSON or an oversized body is the client's mistake.
  const status = (error as { status?: number }).status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    sendError(res, status, status === 413 ? 'bad_request' : 'bad_request', status === 413 ? 'request body too large' : 'malformed request body');
    return;
  }
  req.log?.error({ err: { message: (error as Error).message, name: (error as Error).name } }, 'unhandled error');
  sendError(res, 500, 'internal', 'internal error');
};
