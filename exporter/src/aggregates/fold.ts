import type pg from 'pg';
import { REVENUE_DAY_SQL } from './maintained-sql.js';

/** A table of maintained values keyed by two columns, upserted by the fold. */
interface CountsTable {
  table: string;
  keys: readonly [string, string];
  value: string;
}

/** A coarser copy of the counts, added to by the same statement: e.g. revenue per UTC day. */
interface Rollup extends CountsTable {
  /** The rollup's second key from the counts' second key (the first key is the same). */
  key: (countsKey: string) => string;
}

const quoted = (keys: readonly string[]) => keys.map((column) => `"${column}"`).join(', ');

/** `INSERT … ON CONFLICT DO UPDATE` adding `source`'s rows (already summed per key) in key order. */
function upsert(name: string, into: CountsTable, source: string, columns: string): string {
  return `${name} AS (
         INSERT INTO "${into.table}" (${quoted(into.keys)}, "${into.value}")
         SELECT ${columns} FROM ${source} ORDER BY 1, 2
         ON CONFLICT (${quoted(into.keys)}) DO UPDATE SET "${into.value}" = "${into.table}"."${into.value}" + EXCLUDED."${into.value}"
         RETURNING 1)`;
}

// Each statement deletes the pending deltas and adds them to the counts (and to the rollup, when
// the log has one) atomically: a concurrent reader, in one snapshot, sees each delta exactly once,
// either still in the log or already in the counts AND the rollup (readers take a range from the
// one or the other, never both). Two folds at once cannot move a delta twice: the second one's
// DELETE waits for the first one's row locks and then skips the rows already gone. Every fold
// locks in one order: the log's rows, then the counts' rows, then the rollup's rows, each table's
// in key order, so two folds touching the same groups never deadlock.
/** The fold of one delta log into its counts table (and its rollup), all keyed like the counts. */
function foldSql(log: { table: string; delta: string }, counts: CountsTable, rollup?: Rollup): string {
  const key = quoted(counts.keys);
  const [first, second] = counts.keys;
  const rolledUp = rollup
    ? `,
       rolled AS (SELECT "${first}", ${rollup.key(`"${second}"`)} AS "${rollup.keys[1]}", sum("${log.delta}") AS "${log.delta}"
                  FROM summed GROUP BY 1, 2),
       ${upsert('rolled_up', rollup, 'rolled', `"${first}", "${rollup.keys[1]}", "${log.delta}"`)}`
    : '';
  // The outer SELECT reads moved, folded, rolled_up in that order, which is the order they run in
  // (a data-modifying WITH runs when first read): log rows, then counts, then rollup.
  return `
  WITH moved AS (DELETE FROM "${log.table}" RETURNING ${key}, "${log.delta}"),
       summed AS (SELECT ${key}, sum("${log.delta}") AS "${log.delta}" FROM moved GROUP BY 1, 2),
       ${upsert('folded', counts, 'summed', `${key}, "${log.delta}"`)}${rolledUp}
  SELECT (SELECT count(*) FROM moved) AS moved, (SELECT count(*) FROM folded) AS folded${rollup ? ', (SELECT count(*) FROM rolled_up) AS rolled_up' : ''}`;
}

const FOLDS = [
  foldSql({ table: 'AggregateDelta', delta: 'delta' }, { table: 'AggregateCount', keys: ['figure', 'group'], value: 'value' }),
  foldSql(
    { table: 'RevenueDelta', delta: 'amount' },
    { table: 'RevenueBucket', keys: ['currency', 'bucketStart'], value: 'amount' },
    { table: 'RevenueDay', keys: ['currency', 'dayStart'], value: 'amount', key: REVENUE_DAY_SQL },
  ),
];

/** Statements one fold sends (one per delta log): the bench counts them in its statement ceiling. */
export const FOLD_STATEMENTS = FOLDS.length;

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
