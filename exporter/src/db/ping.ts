import type pg from 'pg';

/**
 * Whether the database answers `SELECT 1` within `timeoutMs`. Bounded however it fails: a dead
 * server errors at once, while a hung one (or a pool whose connections are all stuck) would
 * otherwise keep the caller waiting; the query's own timeout then frees its connection too.
 */
export async function pingDatabase(pool: pg.Pool, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  // pg honours a per-query `query_timeout` (its types do not list it).
  const ping: pg.QueryConfig & { query_timeout: number } = { text: 'SELECT 1', query_timeout: timeoutMs };
  const answered = pool.query(ping).then(
    () => true,
    () => false,
  );
  try {
    return await Promise.race([answered, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
