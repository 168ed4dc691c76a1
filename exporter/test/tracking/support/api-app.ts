import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import express, { type RequestHandler } from 'express';

export const API_KEY_HEADER = 'x-api-key';
/** A key value the fake auth rejects with 401 (the key middleware must not count it). */
export const REJECTED_KEY = 'rejected-key';

export interface ApiApp {
  url: string;
  /** Resolves once `count` responses in total have finished on the server side. */
  finished(count: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * A stand-in for the platform's API: the traffic middleware first, a fake API-key auth that
 * puts the header's value in res.locals.apiKeyId (as the platform's auth would after checking
 * the key), and a trivial route. `/public` takes no key at all.
 */
export async function startApiApp(trafficMiddleware: RequestHandler): Promise<ApiApp> {
  const app = express();
  let finishedResponses = 0;
  const waiters = new Set<{ count: number; resolve: () => void }>();
  // The 'finish' listener below is registered after the traffic middleware's, and listeners run
  // in registration order: once it has seen a response finish, that response has been counted.
  // (The client can get its response before the server's 'finish' fires.)
  app.use(trafficMiddleware);
  app.use((_req, res, next) => {
    res.on('finish', () => {
      finishedResponses += 1;
      for (const waiter of waiters) {
        if (finishedResponses >= waiter.count) {
          waiters.delete(waiter);
          waiter.resolve();
        }
      }
    });
    next();
  });
  app.get('/public', (_req, res) => {
    res.json({ ok: true });
  });
  app.use((req, res, next) => {
    const key = req.get(API_KEY_HEADER);
    if (key === undefined || key === REJECTED_KEY) {
      res.status(401).json({ error: { code: 'unauthorized', message: 'API key required' } });
      return;
    }
    res.locals.apiKeyId = key;
    next();
  });
  app.get('/v1/messages', (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/v1/fails', (_req, res) => {
    res.status(500).json({ error: { code: 'internal', message: 'failed on purpose' } });
  });

  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    finished: (count) => (finishedResponses >= count ? Promise.resolve() : new Promise((resolve) => waiters.add({ count, resolve }))),
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

/** Sends the requests with at most `concurrency` in flight; returns the statuses. */
export async function sendRequests(requests: ReadonlyArray<{ url: string; apiKey?: string }>, concurrency = 64): Promise<number[]> {
  const statuses = new Array<number>(requests.length);
  let next = 0;
  const worker = async () => {
    while (next < requests.length) {
      const index = next++;
      const request = requests[index]!;
      const response = await fetch(request.url, {
        headers: request.apiKey === undefined ? {} : { [API_KEY_HEADER]: request.apiKey },
      });
      await response.arrayBuffer();
      statuses[index] = response.status;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return statuses;
}
