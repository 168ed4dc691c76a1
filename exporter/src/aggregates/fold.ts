import type pg from 'pg';

// Each statement deletes the pending deltas and adds them to the counts atomically: a concurrent
// reader (counts + deltas in one snapshot) sees the deltas on one side or the other, never both
// or neither. Two folds at once cannot move a delta twice: the second one's DELETE waits for the
// first one's row locks and then skips the rows already gone. Counts are upserted in key order, so
// two folds touching the same groups lock them in the same order (no deadlock).
const FOLD_COUNTS_SQL = `
  WITH moved AS (DELETE FROM "AggregateDelta" RETURNING "figure", "group", "delta"),
       summed AS (SELECT "figure", "group", sum("delta") AS "delta" FROM moved GROUP BY 1, 2),
       folded AS (
         INSERT INTO "AggregateCount" ("figure", "group", "value")
         SELECT "figure", "group", "delta" FROM summed ORDER BY 1, 2
         ON CONFLICT ("figure", "group") DO UPDATE SET "value" = "AggregateCount"."value" + EXCLUDED."value"
         RETURNING 1)
  SELECT (SELECT count(*) FROM moved) AS moved, (SELECT count(*) FROM folded) AS folded`;

const FOLD_REVENUE_SQL = `
  WITH moved AS (DELETE FROM "RevenueDelta" RETURNING "currency", "bucketStart", "amount"),
       summed AS (SELECT "currency", "bucketStart", sum("amount") AS "amount" FROM moved GROUP BY 1, 2),
       folded AS (
         INSERT INTO "RevenueBucket" ("currency", "bucketStart", "amount")
         SELECT "currency", "bucketStart", "amount" FROM summed ORDER BY 1, 2
         ON CONFLICT ("currency", "bucketStart") DO UPDATE SET "amount" = "RevenueBucket"."amount" + EXCLUDED."amount"
         RETURNING 1)
  SELECT (SELECT count(*) FROM moved) AS moved, (SELECT count(*) FROM folded) AS folded`;

/**
 * Moves every pending delta into the maintained counts, on the primary (the pool of DATABASE_URL).
 * Costs O(pending deltas), whatever the size of the platform's tables. Readers are exact with or
 * without it (they add the pending deltas); folding keeps what they add small. Returns the number
 * of delta rows folded.
 */
export async function foldAggregateDeltas(pool: pg.Pool): Promise<number> {
  let moved = 0;
  for (const sql of [FOLD_COUNTS_SQL, FOLD_REVENUE_SQL]) {
    const result = await pool.query<{ moved: number | string }>(sql);
    moved += Number(result.rows[0]?.moved ?? 0);
  }
  return moved;
}
