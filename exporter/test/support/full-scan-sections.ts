// The sections as they were before the counts were maintained: every TableQuery replaced by its
// full scan of the platform table (the original SQL, verbatim), same parse. Rendering both on the
// same data and comparing bytes proves the maintained counts change nothing a client sees.
import type pg from 'pg';
import { AggregateMetrics } from '../../src/metrics/aggregate-metrics.js';
import { broadcastCountsQuery } from '../../src/sections/broadcasts.js';
import { chatbotCountsQuery } from '../../src/sections/chatbots.js';
import { deviceCountsQuery } from '../../src/sections/connections.js';
import { CONTACT_HAS_EMAIL_SQL, contactCountsQuery } from '../../src/sections/contacts.js';
import { apiTrafficQuery, messageCountsQuery } from '../../src/sections/dashboard.js';
import { integrationCountsQuery } from '../../src/sections/integrations.js';
import { currentMonthRevenueQuery } from '../../src/sections/revenue.js';
import { runTableQuery, type AggregateContext, type Section, type TableQuery } from '../../src/sections/section.js';
import { userCountsQuery } from '../../src/sections/users.js';
import { webhookCountsQuery } from '../../src/sections/webhooks.js';
import { serializeSection } from '../../src/snapshot/snapshot-service.js';

const BROADCAST_STATUSES = ['pending', 'running', 'completed', 'failed'];

/** The full-scan SQL of each maintained query (the revenue one: a range scan of "Payment"). */
export const FULL_SCAN_SQL = new Map<TableQuery<unknown>, string>([
  [userCountsQuery, 'SELECT "plan", "role", count(*) AS count FROM "User" GROUP BY "plan", "role"'],
  [
    broadcastCountsQuery,
    `SELECT count(*) AS total, ${BROADCAST_STATUSES.map((status) => `count(*) FILTER (WHERE "status" = '${status}') AS "${status}"`).join(', ')} FROM "Broadcast"`,
  ],
  [chatbotCountsQuery, `SELECT count(*) AS total, count(*) FILTER (WHERE "status" = 'active') AS active FROM "Chatbot"`],
  [
    deviceCountsQuery,
    `SELECT count(*) AS total, count(*) FILTER (WHERE "status" = 'connected') AS connected,
            count(*) FILTER (WHERE "status" = 'disconnected') AS disconnected,
            count(*) FILTER (WHERE "status" IN ('connecting', 'qr')) AS connecting FROM "Device"`,
  ],
  [contactCountsQuery, `SELECT count(*) AS total, count(*) FILTER (WHERE ${CONTACT_HAS_EMAIL_SQL}) AS "withEmail" FROM "Contact"`],
  [
    messageCountsQuery,
    `SELECT count(*) FILTER (WHERE "type" = 'incoming') AS incoming,
            count(*) FILTER (WHERE "type" = 'outgoing' AND "status" IN ('sent', 'delivered', 'read')) AS sent,
            count(*) FILTER (WHERE "type" = 'outgoing' AND "status" = 'failed') AS failed FROM "Message"`,
  ],
  [apiTrafficQuery, `SELECT coalesce(sum("requestsIn"), 0)::bigint AS incoming, coalesce(sum("requestsOut"), 0)::bigint AS outgoing FROM "ApiKeyUsage"`],
  [integrationCountsQuery, `SELECT lower(btrim("type")) AS type, count(*) AS count FROM "Integration" GROUP BY 1 ORDER BY count DESC, type`],
  [
    currentMonthRevenueQuery,
    `WITH month AS (
       SELECT date_trunc('month', $2::timestamptz AT TIME ZONE $3) AT TIME ZONE $3 AS "from",
              (date_trunc('month', $2::timestamptz AT TIME ZONE $3) + interval '1 month') AT TIME ZONE $3 AS "to")
     SELECT month."from", month."to",
            (SELECT coalesce(sum("amount"), 0)::text FROM "Payment"
              WHERE "status" = 'paid' AND "currency" = $1 AND "paidAt" >= month."from" AND "paidAt" < month."to") AS amount
     FROM month`,
  ],
  [
    webhookCountsQuery,
    `SELECT count(*) AS total, count(*) FILTER (WHERE "isActive") AS active, count(*) FILTER (WHERE NOT "isActive") AS inactive FROM "Webhook"`,
  ],
]);

/** The revenue of a range by a scan of "Payment" (what revenueBetween computed before). */
export async function fullScanRevenueBetween(pool: pg.Pool, currency: string, from: Date, to: Date): Promise<string> {
  const { rows } = await pool.query(
    `SELECT coalesce(sum("amount"), 0)::text AS amount FROM "Payment"
      WHERE "status" = 'paid' AND "currency" = $1 AND "paidAt" >= $2::timestamptz AND "paidAt" < $3::timestamptz`,
    [currency, from, to],
  );
  return rows[0].amount as string;
}

/** The sections with every maintained query swapped for its full scan (shared objects stay shared). */
export function fullScanSections(sections: readonly Section[]): Section[] {
  const swapped = new Map<TableQuery<unknown>, TableQuery<unknown>>();
  const swap = (query: TableQuery<unknown>) => {
    const sql = FULL_SCAN_SQL.get(query);
    if (sql === undefined) return query; // not maintained (active chatbot sessions: an index look)
    if (!swapped.has(query)) swapped.set(query, { ...query, sql });
    return swapped.get(query)!;
  };
  return sections.map((section) => ({
    ...section,
    tables: Object.fromEntries(Object.entries(section.tables).map(([name, query]) => [name, swap(query)])),
  }));
}

export interface Rendered {
  /** Each section's API body, as the snapshot serializes it. */
  bodies: Map<string, string>;
  /** The aggregate part of /metrics. */
  metricsText: string;
}

/** Renders every section's JSON and the aggregate metrics exactly as a snapshot refresh does. */
export async function renderSections(pool: pg.Pool, sections: readonly Section[], context: AggregateContext): Promise<Rendered> {
  const results = new Map<TableQuery<unknown>, unknown>();
  for (const query of new Set(sections.flatMap((section) => Object.values(section.tables)))) {
    results.set(query, await runTableQuery(pool, query, context));
  }
  const bodies = new Map<string, string>();
  const resultsBySection = new Map<string, unknown>();
  for (const section of sections) {
    const sectionResults = Object.fromEntries(Object.entries(section.tables).map(([name, query]) => [name, results.get(query)]));
    resultsBySection.set(section.name, sectionResults);
    bodies.set(section.name, serializeSection(section.toJson(sectionResults as never, context) as object, context.now, false));
  }
  const metricsText = await new AggregateMetrics(sections).render(resultsBySection, context);
  return { bodies, metricsText };
}
