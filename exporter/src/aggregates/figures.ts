/**
 * The figures the database keeps up to date itself (docs/aggregates.md). The triggers of the
 * incremental-aggregates migration append, per write statement, one delta per (figure, group) to
 * "AggregateDelta" ("RevenueDelta" for revenue); the fold moves them into "AggregateCount"
 * ("RevenueBucket"). The group expressions here are the migration's, verbatim: verification
 * recounts each figure with them, and a drift would show any disagreement.
 */

import { CONTACT_HAS_EMAIL_SQL } from '../sections/contacts.js';
import { maintainedGroupsSql, REVENUE_BUCKET_SQL, REVENUE_DAY_SQL } from './maintained-sql.js';

/** A contact "with email": the contacts section's rule (not null, not blank once trimmed). */
const CONTACT_EMAIL_GROUP = `CASE WHEN ${CONTACT_HAS_EMAIL_SQL} THEN 'with_email' ELSE 'without_email' END`;

/** Revenue buckets: 15 minutes of UTC, fine enough for every real time-zone offset (e.g. +05:45). */
export { REVENUE_BUCKET_SQL } from './maintained-sql.js';

export interface MaintainedFigure {
  /** The bounded `figure` label value of the drift metric. */
  name: string;
  /** The platform table whose triggers keep it. */
  table: string;
  /** The full scan of the figure's groups: rows of ("group" text, "value" text), value ≠ 0. */
  recountSql: string;
  /** The same groups from the maintained counts plus the pending deltas, in one statement. */
  maintainedSql: string;
  /** Appends a correcting delta ($1 the group, $2 the amount to add) for a repair. */
  correctionSql: string;
}

function countFigure(name: string, table: string, groupSql: string): MaintainedFigure {
  return {
    name,
    table,
    recountSql: `SELECT ${groupSql} AS "group", count(*)::text AS "value" FROM "${table}" GROUP BY 1`,
    maintainedSql: `SELECT "group", "value"::text AS "value" FROM (${maintainedGroupsSql(name)}) AS groups`,
    correctionSql: `INSERT INTO "AggregateDelta" ("figure", "group", "delta") VALUES ('${name}', $1, $2::bigint)`,
  };
}

const API_TRAFFIC_GROUPS = `CROSS JOIN LATERAL (VALUES ('requests_in', "requestsIn"), ('requests_out', "requestsOut")) AS traffic ("group", "value")`;

// A revenue group is "<currency> <bucket start as YYYY-MM-DDTHH:MI:SSZ>" (the bucket: the last 20 characters).
const revenueGroup = (currency: string, bucket: string) =>
  `${currency} || ' ' || to_char(${bucket} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`;

export const MAINTAINED_FIGURES: readonly MaintainedFigure[] = [
  countFigure('messages', 'Message', `"type"::text || '/' || "status"::text`),
  countFigure('users', 'User', `"plan"::text || '/' || "role"::text`),
  countFigure('devices', 'Device', `"status"::text`),
  countFigure('integrations', 'Integration', `lower(btrim("type"))`),
  countFigure('chatbots', 'Chatbot', `"status"::text`),
  countFigure('broadcasts', 'Broadcast', `"status"::text`),
  countFigure('contacts', 'Contact', CONTACT_EMAIL_GROUP),
  countFigure('webhooks', 'Webhook', `CASE WHEN "isActive" THEN 'active' ELSE 'inactive' END`),
  {
    ...countFigure('api_traffic', 'ApiKeyUsage', ''),
    recountSql: `SELECT traffic."group", sum(traffic."value")::text AS "value" FROM "ApiKeyUsage" ${API_TRAFFIC_GROUPS}
                 GROUP BY 1 HAVING sum(traffic."value") <> 0`,
  },
  {
    name: 'revenue',
    table: 'Payment',
    recountSql: `SELECT ${revenueGroup('"currency"', REVENUE_BUCKET_SQL('"paidAt"'))} AS "group", sum("amount")::text AS "value"
                 FROM "Payment" WHERE "status" = 'paid' AND "paidAt" IS NOT NULL GROUP BY 1 HAVING sum("amount") <> 0`,
    maintainedSql: `SELECT ${revenueGroup('"currency"', '"bucketStart"')} AS "group", sum("amount")::text AS "value" FROM (
                      SELECT "currency", "bucketStart", "amount" FROM "RevenueBucket"
                      UNION ALL SELECT "currency", "bucketStart", "amount" FROM "RevenueDelta") AS maintained
                    GROUP BY 1 HAVING sum("amount") <> 0`,
    correctionSql: `INSERT INTO "RevenueDelta" ("currency", "bucketStart", "amount") VALUES (left($1, -21), right($1, 20)::timestamptz, $2::numeric)`,
  },
];

export function findMaintainedFigure(name: string): MaintainedFigure {
  const figure = MAINTAINED_FIGURES.find((candidate) => candidate.name === name);
  if (!figure) throw new Error(`no maintained figure named ${name}`);
  return figure;
}

/**
 * A coarser copy of a maintained figure's counts, added to by the same fold statement (fold.ts),
 * so it equals the per-key sums of the counts in every snapshot. It is verified against those
 * counts, not against the platform's table: the counts are verified against the table already, and
 * reading them is O(counts) instead of a full scan. A rollup has no delta log of its own (a delta
 * goes into the counts and the rollup alike), so a repair adds its correction to the rollup row
 * directly, under a lock that keeps folds and other repairs out (verify.ts).
 */
export interface MaintainedRollup {
  /** The bounded `figure` label value of the drift metric. */
  name: string;
  /** The rollup table, locked while it is repaired. */
  table: string;
  /** Per drifted rollup row: its two keys ("first", "second") and the correction (counts − rollup) as numeric text. */
  driftSql: string;
  /** Adds the correction $3 to the rollup row ($1, $2). */
  correctionSql: string;
}

/** Revenue per currency and UTC day ("RevenueDay"): the per-day sums of "RevenueBucket". */
export const MAINTAINED_ROLLUPS: readonly MaintainedRollup[] = [
  {
    name: 'revenue_days',
    table: 'RevenueDay',
    driftSql: `WITH expected AS (
                 SELECT "currency", ${REVENUE_DAY_SQL('"bucketStart"')} AS "dayStart", sum("amount") AS "amount"
                 FROM "RevenueBucket" GROUP BY 1, 2)
               SELECT "currency" AS "first", "dayStart" AS "second",
                      (coalesce(expected."amount", 0) - coalesce(kept."amount", 0))::text AS "correction"
               FROM expected FULL JOIN "RevenueDay" AS kept USING ("currency", "dayStart")
               WHERE coalesce(expected."amount", 0) <> coalesce(kept."amount", 0)
               ORDER BY 1, 2`,
    correctionSql: `INSERT INTO "RevenueDay" ("currency", "dayStart", "amount") VALUES ($1, $2, $3::numeric)
                    ON CONFLICT ("currency", "dayStart") DO UPDATE SET "amount" = "RevenueDay"."amount" + EXCLUDED."amount"`,
  },
];
