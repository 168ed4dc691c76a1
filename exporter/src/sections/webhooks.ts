import { defineSection, numericRow, type TableQuery } from './section.js';

export const webhookCountsQuery: TableQuery<{ total: number; active: number; inactive: number }> = {
  table: 'Webhook',
  sql: `SELECT count(*) AS total,
               count(*) FILTER (WHERE "isActive") AS active,
               count(*) FILTER (WHERE NOT "isActive") AS inactive
        FROM "Webhook"`,
  parse: (rows) => numericRow(rows, ['total', 'active', 'inactive'] as const),
};

const STATES = ['active', 'inactive'] as const;

export const webhooksSection = defineSection({
  name: 'webhooks',
  title: 'Webhooks',
  tables: { webhooks: webhookCountsQuery },
  toJson: ({ webhooks }) => ({ ...webhooks }),
  metrics: [
    {
      name: 'kewhats_webhooks',
      help: 'Webhooks by state.',
      type: 'gauge',
      labelNames: ['state'],
      samples: ({ webhooks }) => STATES.map((state) => ({ labels: { state }, value: webhooks[state] })),
    },
  ],
  figures: [
    { path: 'total', title: 'Webhooks' },
    { path: 'active', title: 'Active' },
    { path: 'inactive', title: 'Inactive' },
  ],
  breakdowns: [{ title: 'Webhooks by state', chart: 'pie' }],
});
