import pg from 'pg';

// int8 (counts, sums of bigint counters) as JS numbers: our figures stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number.parseInt(value, 10));

/** Longest wait for a new connection (TCP, TLS and PostgreSQL's start-up), or for a free one. */
export const CONNECT_TIMEOUT_MS = 5_000;
/** Idle time before the first TCP keep-alive probe on a database connection. */
export const KEEP_ALIVE_INITIAL_DELAY_MS = 10_000;
/** How much longer than the server's statement timeout the client waits by default. */
export const QUERY_TIMEOUT_MARGIN_MS = 5_000;

export interface PoolOptions {
  max?: number;
  /** Server-side cap per statement, so one slow query cannot hang a scrape (0: none). */
  statementTimeoutMs?: number;
  /**
   * Client-side cap per query (0: none). The backstop for when the server cannot answer at all
   * (a hung network path, a frozen server): the statement timeout never fires then, because the
   * statement never arrives. Default: the statement timeout plus a margin, so a slow statement
   * is normally cancelled by the server (keeping its connection) before the client gives up on
   * it (which destroys the connection).
   */
  queryTimeoutMs?: number;
  applicationName?: string;
}

export function defaultQueryTimeoutMs(statementTimeoutMs: number): number {
  return statementTimeoutMs === 0 ? 0 : statementTimeoutMs + QUERY_TIMEOUT_MARGIN_MS;
}

/**
 * A pg pool with every wait bounded: connecting, each statement on the server, each query on
 * the client, and TCP keep-alive so a connection whose peer vanished is noticed while idle.
 */
export function createPool(connectionString: string, options: PoolOptions = {}): pg.Pool {
  const statementTimeoutMs = options.statementTimeoutMs ?? 30_000;
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? 8,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    idleTimeoutMillis: 30_000,
    statement_timeout: statementTimeoutMs,
    query_timeout: options.queryTimeoutMs ?? defaultQueryTimeoutMs(statementTimeoutMs),
    keepAlive: true,
    keepAliveInitialDelayMillis: KEEP_ALIVE_INITIAL_DELAY_MS,
    application_name: options.applicationName ?? 'kewhats-exporter',
  });
  // An idle client losing its server must not crash the process; the next query reports it.
  // A checked-out client needs a listener of its own: see checkOutClient.
  pool.on('error', () => {});
  return pool;
}
