import { currentMonthRevenueQuery } from './revenue.js';
import { defineSection, numericRow, type TableQuery } from './section.js';
import { totalUsers, userCountsQuery } from './users.js';

const MESSAGE_KINDS = ['incoming', 'sent', 'failed'] as const;

// incoming: every incoming message; sent: outgoing that left (sent, delivered or read);
// failed: outgoing that failed. Outgoing "pending" is neither yet.
export const messageCountsQuery: TableQuery<Record<(typeof MESSAGE_KINDS)[number], number>> = {
  table: 'Message',
  sql: `SELECT count(*) FILTER (WHERE "type" = 'incoming') AS incoming,
               count(*) FILTER (WHERE "type" = 'outgoing' AND "status" IN ('sent', 'delivered', 'read')) AS sent,
               count(*) FILTER (WHERE "type" = 'outgoing' AND "status" = 'failed') AS failed
        FROM "Message"`,
  parse: (rows) => numericRow(rows, MESSAGE_KINDS),
};

// Counters recorded by the tracking kit, one row per key per day.
export const apiTrafficQuery: TableQuery<{ incoming: number; outgoing: number }> = {
  table: 'ApiKeyUsage',
  sql: `SELECT coalesce(sum("requestsIn"), 0)::bigint AS incoming, coalesce(sum("requestsOut"), 0)::bigint AS outgoing
        FROM "ApiKeyUsage"`,
  parse: (rows) => numericRow(rows, ['incoming', 'outgoing'] as const),
};

const DIRECTIONS = ['incoming', 'outgoing'] as const;

export const dashboardSection = defineSection({
  name: 'dashboard',
  title: 'Dashboard',
  tables: {
    messages: messageCountsQuery,
    users: userCountsQuery,
    apiTraffic: apiTrafficQuery,
    revenue: currentMonthRevenueQuery,
  },
  toJson: ({ messages, users, apiTraffic, revenue }, { currency }) => ({
    messages,
    users: { total: totalUsers(users) },
    apiTraffic,
    revenue: { ...revenue, currency },
  }),
  metrics: [
    {
      name: 'kewhats_messages',
      help: 'Messages of all time: incoming, sent (sent, delivered or read) and failed outgoing.',
      type: 'gauge',
      labelNames: ['kind'],
      samples: ({ messages }) => MESSAGE_KINDS.map((kind) => ({ labels: { kind }, value: messages[kind] })),
    },
    {
      name: 'kewhats_api_requests_total',
      help: 'Requests made with API keys, by direction.',
      type: 'counter',
      labelNames: ['direction'],
      samples: ({ apiTraffic }) => DIRECTIONS.map((direction) => ({ labels: { direction }, value: apiTraffic[direction] })),
    },
    {
      name: 'kewhats_revenue_current_month',
      help: 'Paid revenue of the current calendar month in the report time zone.',
      type: 'gauge',
      labelNames: ['currency'],
      samples: ({ revenue }, { currency }) => [{ labels: { currency }, value: revenue.amount }],
    },
  ],
  figures: [
    { path: 'messages.incoming', title: 'Messages incoming' },
    { path: 'messages.sent', title: 'Messages sent' },
    { path: 'messages.failed', title: 'Messages failed' },
    { path: 'users.total', title: 'Users' },
    { path: 'apiTraffic.incoming', title: 'API traffic in' },
    { path: 'apiTraffic.outgoing', title: 'API traffic out' },
    { path: 'revenue.amount', title: 'Revenue', unit: 'currency' },
  ],
  breakdowns: [],
});
