import type pg from 'pg';

// Each statement deletes the pending deltas and adds them to the counts atomically: a concurrent
// reader (counts + deltas in one snapshot) sees the deltas on one side or the other, never both
// or neither. Two folds at once cannot move a delta twice: the second one's DELETE waits for the
// first one's row locks and then skips the rows already gone. Counts are upserted in key order, so
// two folds touching the same groups lock them in the same order (no deadlock).
/** The fold of one delta log into its counts table, both keyed by `keys`. */
function foldSql(log: { table: string; delta: string }, counts: { table: string; value: string }, keys: readonly [string, string]): string {
  const key = keys.map((column) => `"${column}"`).join(', ');
  return `
  WITH moved AS (DELETE FROM "${log.table}" RETURNING ${key}, "${log.delta}"),
       summed AS (SELECT ${key}, sum("${log.delta}") AS "${log.delta}" FROM moved GROUP BY 1, 2),
       folded AS (
         INSERT INTO "${counts.table}" (${key}, "${counts.value}")
         SELECT ${key}, "${log.delta}" FROM summed ORDER BY 1, 2
         ON CONFLICT (${key}) DO UPDATE SET "${counts.value}" = "${counts.table}"."${counts.value}" + EXCLUDED."${counts.value}"
         RETURNING 1)
  SELECT (SELECT count(*) FROM moved) AS moved, (SELECT count(*) FROM folded) AS folded`;
}

const FOLDS = [
  foldSql({ table: 'AggregateDelta', delta: 'delta' }, { table: 'AggregateCount', value: 'value' }, ['figure', 'group']),
  foldSql({ table: 'RevenueDelta', delta: 'amount' }, { table: 'RevenueBucket', value: 'amount' }, ['currency', 'bucketStart']),
];

/**
 * Moves every pending delta into the maintained counts, on the primary (the pool of DATABASE_URL).
 * Costs O(pending deltas), whatever the size of the platform's tables. Readers are exact with or
 * without it (they add the pending deltas); folding keeps what they add small. Returns the number
 * of delta rows folded.
 */
export async function foldAggregateDeltas(pool: pg.Pool): Promise<number> {
  let moved = 0;
  for (const sql of FOLDS) {
    const result = await pool.query<{ moved: number | string }>(sql);
    moved += Number(result.rows[0]?.moved ?? 0);
  }
  return moved;
}
