import type pg from 'pg';

export interface CheckedOutClient {
  client: pg.PoolClient;
  /** The error the connection died of while checked out, if it did. */
  readonly lostWith: Error | undefined;
  /**
   * Returns the client to the pool, or destroys its connection when `failure` is given or the
   * connection was lost meanwhile (a connection in an unknown state never goes back).
   */
  release(failure?: Error): void;
}

/**
 * Takes a client out of the pool for a job of several statements (a transaction, a COPY).
 *
 * While a client is out, the pool stops listening to its 'error' events. A connection lost then
 * with no query running to receive the error (between two statements, or right after a COPY
 * ended while its last bytes still wait to be read) emits an 'error' event nobody listens to,
 * and Node ends the whole process for it. This listener keeps the error instead; the running or
 * next statement fails with it, and `release` destroys the connection.
 */
export async function checkOutClient(pool: pg.Pool): Promise<CheckedOutClient> {
  const client = await pool.connect();
  let lostWith: Error | undefined;
  const onError = (error: Error) => {
    lostWith ??= error;
  };
  client.on('error', onError);
  let released = false;
  return {
    client,
    get lostWith() {
      return lostWith;
    },
    release(failure?: Error) {
      if (released) return;
      released = true;
      client.off('error', onError);
      client.release(failure ?? lostWith ?? false);
    },
  };
}
