import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import type { LiveStreams } from '../../live/live-streams.js';
import type { SnapshotService } from '../../snapshot/snapshot-service.js';
import type { Authenticate } from '../authenticate.js';
import { HttpError } from '../errors.js';
import { currentSnapshot } from './snapshot-response.js';

/** What a client refused for the cap is told to wait before trying live mode again. */
export const STREAM_REFUSAL_RETRY_SECONDS = 60;

/**
 * Whether the request's credential still holds: its session (read again from the database, which
 * also renews it, as a polling page would) or its token (a JWT expires). A definite no is a
 * 401/403; anything else (the database down) is not an answer and keeps the stream.
 */
function credentialCheck(req: Request, authenticate: Authenticate): () => Promise<boolean> {
  return async () => {
    try {
      return (await authenticate(req)) !== undefined;
    } catch (error) {
      if (error instanceof HttpError && (error.status === 401 || error.status === 403)) return false;
      throw error;
    }
  };
}

/**
 * GET /api/monitoring/stream: server-sent events, one `snapshot` event per new snapshot
 * (docs/console.md). Behind the monitoring API's credentials; at most LIVE_STREAM_MAX open at
 * once, and LIVE_STREAM_MAX_PER_USER per account (the machine token counts as one): 429 beyond,
 * with Retry-After; 503 until the first snapshot exists.
 */
export function liveStreamRoute(options: { streams: LiveStreams; snapshots: SnapshotService; authenticate: Authenticate }): RequestHandler {
  const { streams } = options;
  const refuse = (message: string) => new HttpError(429, 'rate_limited', message, { 'Retry-After': String(STREAM_REFUSAL_RETRY_SECONDS) });
  const refuseIfFull = (holder: string) => {
    if (streams.isClosed) throw new HttpError(503, 'unavailable', 'the exporter is shutting down', { 'Retry-After': '5' });
    if (streams.isFull) throw refuse(`too many live streams are open (at most ${streams.max}): refresh by polling, and try live mode later`);
    if (streams.holdsMax(holder)) {
      throw refuse(`this account has ${streams.maxPerHolder} live streams open, the most one account may: close a tab, or refresh by polling`);
    }
  };
  return async (req, res) => {
    const principal = req.principal;
    const holder = principal?.kind === 'user' ? `user:${principal.id}` : 'machine';
    refuseIfFull(holder);
    const view = await currentSnapshot(options.snapshots);
    refuseIfFull(holder); // others may have opened streams meanwhile
    if (req.method === 'HEAD') {
      res.set({ 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store' });
      return void res.status(200).end();
    }
    const session = principal?.kind === 'user' ? principal.session : undefined;
    streams.open(
      {
        res,
        holder,
        credentialKey: session ? `session:${session.id}` : `request:${randomUUID()}`,
        stillAllowed: credentialCheck(req, options.authenticate),
      },
      view,
      req.get('last-event-id'),
    );
  };
}
