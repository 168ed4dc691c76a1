import type { ValueLabel } from './presentation.js';
import { defineSection, type TableQuery } from './section.js';
import { maintainedGroupsSql } from '../aggregates/maintained-sql.js';

/**
 * Integration types are free text. Types are compared trimmed and lower-cased, and only the
 * most common ones are named: the rest are summed as "other", so neither the JSON nor the
 * metric's `type` label can grow without bound.
 */
export const MAX_NAMED_INTEGRATION_TYPES = 30;
export const OTHER_INTEGRATION_TYPE = 'other';

/**
 * Words for the integration types the platform offers, in display order; "other" (the types beyond
 * the named ones) last. A type the data has without words here is shown as it is, after these.
 */
const INTEGRATION_TYPES: readonly ValueLabel[] = [
  { key: 'telegram', label: { id: 'Telegram', en: 'Telegram' } },
  { key: 'discord', label: { id: 'Discord', en: 'Discord' } },
  { key: 'slack', label: { id: 'Slack', en: 'Slack' } },
  { key: 'email', label: { id: 'Email', en: 'Email' } },
  { key: 'sms', label: { id: 'SMS', en: 'SMS' } },
  { key: 'zapier', label: { id: 'Zapier', en: 'Zapier' } },
  { key: 'n8n', label: { id: 'n8n', en: 'n8n' } },
  { key: OTHER_INTEGRATION_TYPE, label: { id: 'Lainnya', en: 'Other' } },
];

export interface IntegrationCounts {
  total: number;
  byType: Record<string, number>;
}

export const integrationCountsQuery: TableQuery<IntegrationCounts> = {
  table: 'Integration',
  // The maintained counts by lower(btrim("type")) (docs/aggregates.md), not a scan of "Integration".
  sql: `SELECT "group" AS type, "value" AS count
        FROM (${maintainedGroupsSql('integrations')}) AS groups ORDER BY count DESC, type`,
  parse: (rows) => {
    const byType: Record<string, number> = {};
    let total = 0;
    rows.forEach((row, index) => {
      const count = Number(row.count);
      total += count;
      const raw = String(row.type ?? '');
      const type = index < MAX_NAMED_INTEGRATION_TYPES && raw !== '' ? raw : OTHER_INTEGRATION_TYPE;
      byType[type] = (byType[type] ?? 0) + count;
    });
    return { total, byType };
  },
};

export const integrationsSection = defineSection({
  name: 'integrations',
  tables: { integrations: integrationCountsQuery },
  toJson: ({ integrations }) => ({ total: integrations.total, byType: integrations.byType }),
  metrics: [
    {
      name: 'kewhats_integrations',
      help: 'Integrations by type (most common types; the rest as "other").',
      type: 'gauge',
      labelNames: ['type'],
      samples: ({ integrations }) => Object.entries(integrations.byType).map(([type, value]) => ({ labels: { type }, value })),
    },
  ],
  title: { id: 'Integrasi', en: 'Integrations' },
  description: { id: 'Integrasi per jenis', en: 'Integrations by type' },
  icon: 'plug',
  position: 4,
  figures: [
    {
      path: 'total',
      label: { id: 'Total Integrasi', en: 'Integrations' },
      description: { id: 'Semua integrasi dari setiap jenis.', en: 'Every integration, of every type.' },
    },
  ],
  breakdowns: [
    {
      path: 'byType',
      chart: 'bar',
      label: { id: 'Integrasi per jenis', en: 'Integrations by type' },
      description: {
        id: `Integrasi per jenis: ${MAX_NAMED_INTEGRATION_TYPES} jenis terbanyak, sisanya sebagai "lainnya".`,
        en: `Integrations per type: the ${MAX_NAMED_INTEGRATION_TYPES} most common types, the rest as "other".`,
      },
      dimension: { id: 'Jenis', en: 'Type' },
      values: INTEGRATION_TYPES,
    },
  ],
  trends: [
    {
      label: { id: 'Integrasi per jenis dari waktu ke waktu', en: 'Integrations by type over time' },
      description: {
        id: 'Integrasi per jenis (jenis terbanyak; sisanya sebagai "lainnya"), bertumpuk: garis teratas adalah totalnya.',
        en: 'Integrations per type (the most common types; the rest as "other"), stacked: the top line is the total.',
      },
      unit: 'count',
      stacked: true,
      queries: [{ expr: 'sum by (type) (kewhats_integrations)', legend: '{{type}}', values: INTEGRATION_TYPES }],
    },
  ],
});
