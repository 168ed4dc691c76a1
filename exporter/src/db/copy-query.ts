import type { Readable } from 'node:stream';
import type pg from 'pg';

type ConnectionParameters = { query_timeout?: number | false };

/**
 * Submits a COPY stream (pg-copy-streams) on `client` without the pool's client-side query
 * timeout. pg arms that timeout for every query but clears it only through a query's callback,
 * which a COPY stream never gets: the timer would cut every COPY longer than the timeout and,
 * after a shorter one, fire on the finished stream. A COPY needs bounds of its own (the export's
 * are in startExportWatch). pg reads the setting when a query is submitted, so it is lifted for
 * that moment only.
 */
export function submitCopy<Stream extends Readable>(client: pg.ClientBase, stream: Stream): Stream {
  const parameters = (client as unknown as { connectionParameters: ConnectionParameters }).connectionParameters;
  const queryTimeout = parameters.query_timeout;
  parameters.query_timeout = false;
  try {
    return client.query(stream as never) as unknown as Stream;
  } finally {
    parameters.query_timeout = queryTimeout;
  }
}
