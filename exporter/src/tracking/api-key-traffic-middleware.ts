import type { Request, RequestHandler, Response } from 'express';

export interface ApiKeyTrafficMiddlewareOptions {
  /**
   * The id ("ApiKey"."id") of the key that authenticated this request, or undefined when no key
   * did (a browser session, an anonymous request): those are not counted. Called when the
   * response has finished, so whatever the platform's auth stored is there by then.
   * Default: `res.locals.apiKeyId`.
   */
  resolveApiKeyId?: (req: Request, res: Response) => string | undefined;
}

interface IncomingCounter {
  recordIncoming(apiKeyId: string): boolean;
}

const fromResLocals = (_req: Request, res: Response): string | undefined => {
  const id: unknown = res.locals.apiKeyId;
  return typeof id === 'string' ? id : undefined;
};

/**
 * Counts each finished response whose request was authenticated by an API key. The request path
 * pays for one listener registration and, at finish, one map update: no database, no await.
 */
export function apiKeyTrafficMiddleware(counter: IncomingCounter, options: ApiKeyTrafficMiddlewareOptions = {}): RequestHandler {
  const resolveApiKeyId = options.resolveApiKeyId ?? fromResLocals;
  // One listener shared by all responses (no closure per request); `this` is the response.
  function countFinishedResponse(this: Response): void {
    try {
      const apiKeyId = resolveApiKeyId(this.req, this);
      if (apiKeyId !== undefined) counter.recordIncoming(apiKeyId);
    } catch {
      // A throwing resolver must never crash the platform from inside a 'finish' event.
    }
  }
  return function countApiKeyTraffic(_req, res, next) {
    res.on('finish', countFinishedResponse);
    next();
  };
}
