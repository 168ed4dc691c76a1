// SQL shared by the sections' readers and the maintained figures (figures.ts): kept free of
// imports so a section can use it without an import cycle.

/** One figure's value per group: counts + pending deltas in one snapshot, groups at zero left out. */
export function maintainedGroupsSql(figure: string): string {
  return `SELECT "group", sum("value") AS "value" FROM (
            SELECT "group", "value" FROM "AggregateCount" WHERE "figure" = '${figure}'
            UNION ALL SELECT "group", "delta" FROM "AggregateDelta" WHERE "figure" = '${figure}') AS maintained
          GROUP BY "group" HAVING sum("value") <> 0`;
}

/**
 * The revenue bucket of a timestamp: 15 minutes of UTC, fine enough for every real time-zone
 * offset (+05:45, +08:45, …), so a local month or day is whole buckets. The migration's triggers
 * use the same expression.
 */
export const REVENUE_BUCKET_SQL = (timestamp: string): string => `date_bin('15 minutes', ${timestamp}, TIMESTAMPTZ '2000-01-01 00:00:00+00')`;

/**
 * The UTC day of a timestamptz (a revenue bucket's start), whatever the session's TimeZone: the
 * timestamp is truncated as UTC wall-clock time and read back as UTC. The rollup migration and the
 * fold use the same expression.
 */
export const REVENUE_DAY_SQL = (timestamp: string): string => `date_trunc('day', ${timestamp} AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'`;
