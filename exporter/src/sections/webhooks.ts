import { valueLabels, type Label } from './presentation.js';
import { defineSection, numericRow, type TableQuery } from './section.js';
import { maintainedGroupsSql } from '../aggregates/maintained-sql.js';

export const webhookCountsQuery: TableQuery<{ total: number; active: number; inactive: number }> = {
  table: 'Webhook',
  // The maintained counts (docs/aggregates.md), not a scan of "Webhook".
  sql: `SELECT coalesce(sum("value"), 0) AS total,
               coalesce(sum("value") FILTER (WHERE "group" = 'active'), 0) AS active,
               coalesce(sum("value") FILTER (WHERE "group" = 'inactive'), 0) AS inactive
        FROM (${maintainedGroupsSql('webhooks')}) AS groups`,
  parse: (rows) => numericRow(rows, ['total', 'active', 'inactive'] as const),
};

const STATES = ['active', 'inactive'] as const;

const STATE_LABELS: Record<(typeof STATES)[number], Label> = {
  active: { id: 'Aktif', en: 'Active' },
  inactive: { id: 'Nonaktif', en: 'Inactive' },
};

export const webhooksSection = defineSection({
  name: 'webhooks',
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
  title: { id: 'Webhook', en: 'Webhooks' },
  description: { id: 'Webhook aktif dan nonaktif', en: 'Active and inactive webhooks' },
  icon: 'link',
  position: 8,
  figures: [
    {
      path: 'total',
      label: { id: 'Total Webhook', en: 'Webhooks' },
      description: { id: 'Semua webhook, aktif maupun nonaktif.', en: 'Every webhook, active or not.' },
    },
    {
      path: 'active',
      label: { id: 'Webhook Aktif', en: 'Active webhooks' },
      description: { id: 'Webhook yang menerima kiriman.', en: 'Webhooks that receive deliveries.' },
    },
    {
      path: 'inactive',
      label: { id: 'Webhook Nonaktif', en: 'Inactive webhooks' },
      description: { id: 'Webhook yang dimatikan.', en: 'Webhooks switched off.' },
    },
  ],
  breakdowns: [
    {
      path: '',
      chart: 'pie',
      label: { id: 'Webhook per status', en: 'Webhooks by state' },
      description: { id: 'Webhook aktif dan nonaktif.', en: 'Active and inactive webhooks.' },
      dimension: { id: 'Status', en: 'State' },
      values: valueLabels(STATES, STATE_LABELS),
    },
  ],
  trends: [
    {
      label: { id: 'Webhook per status dari waktu ke waktu', en: 'Webhooks by state over time' },
      description: {
        id: 'Webhook aktif dan nonaktif, bertumpuk: garis teratas adalah totalnya.',
        en: 'Webhooks active and inactive, stacked: the top line is the total.',
      },
      unit: 'count',
      stacked: true,
      queries: [{ expr: 'sum by (state) (kewhats_webhooks)', legend: '{{state}}', values: valueLabels(STATES, STATE_LABELS) }],
    },
  ],
});
