import type pg from 'pg';
import type { Queryable } from './queryable.js';
import type { UsageEntry } from './usage-batch.js';

/**
 * Every pending (key, day) pair in ONE statement, however many keys: the batch arrives as four
 * parallel arrays (unnest), so the statement text never changes and the database sees one
 * round trip per flush.
 *
 * - The JOIN on "ApiKey" drops ids that are not (or no longer) keys in that same statement:
 *   an unknown id never becomes a row and never fails the batch. FOR KEY SHARE holds the keys
 *   until commit, so a key deleted meanwhile is skipped rather than failing the foreign key.
 * - ORDER BY makes concurrent flushes (several platform instances) take the counter rows' locks
 *   in the same order, so they wait for each other instead of deadlocking.
 * - The batch holds each (key, day) once, as ON CONFLICT DO UPDATE requires.
 */
export const FLUSH_USAGE_SQL = `
INSERT INTO "ApiKeyUsage" ("apiKeyId", "day", "requestsIn", "requestsOut")
SELECT key."id", usage.day, usage.requests_in, usage.requests_out
FROM unnest($1::text[], $2::date[], $3::bigint[], $4::bigint[]) AS usage(api_key_id, day, requests_in, requests_out)
JOIN "ApiKey" AS key ON key."id" = usage.api_key_id
ORDER BY usage.api_key_id, usage.day
FOR KEY SHARE OF key
ON CONFLICT ("apiKeyId", "day") DO UPDATE SET
  "requestsIn" = "ApiKeyUsage"."requestsIn" + EXCLUDED."requestsIn",
  "requestsOut" = "ApiKeyUsage"."requestsOut" + EXCLUDED."requestsOut"`;

/**
 * Writes the entries; resolves to the number of (key, day) rows written (unknown keys excluded).
 * `timeoutMs` is pg's client-side `query_timeout` for this statement: past it the query fails
 * and a pg pool destroys its connection.
 */
export async function writeUsage(pool: Queryable, entries: readonly UsageEntry[], timeoutMs: number): Promise<number> {
  const apiKeyIds = new Array<string>(entries.length);
  const days = new Array<string>(entries.length);
  const requestsIn = new Array<number>(entries.length);
  const requestsOut = new Array<number>(entries.length);
  entries.forEach((entry, index) => {
    apiKeyIds[index] = entry.apiKeyId;
    days[index] = entry.day;
    requestsIn[index] = entry.requestsIn;
    requestsOut[index] = entry.requestsOut;
  });
  // pg honours a per-query `query_timeout` (its types do not list it).
  const flush: pg.QueryConfig & { query_timeout: number } = {
    text: FLUSH_USAGE_SQL,
    values: [apiKeyIds, days, requestsIn, requestsOut],
    query_timeout: timeoutMs,
  };
  const result = await pool.query(flush);
  return result.rowCount ?? 0;
}
