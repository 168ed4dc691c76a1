import { defineSection, type TableQuery } from './section.js';

/**
 * Integration types are free text. Types are compared trimmed and lower-cased, and only the
 * most common ones are named: the rest are summed as "other", so neither the JSON nor the
 * metric's `type` label can grow without bound.
 */
export const MAX_NAMED_INTEGRATION_TYPES = 30;
export const OTHER_INTEGRATION_TYPE = 'other';

export interface IntegrationCounts {
  total: number;
  byType: Record<string, number>;
}

export const integrationCountsQuery: TableQuery<IntegrationCounts> = {
  table: 'Integration',
  sql: `SELECT lower(btrim("type")) AS type, count(*) AS count
        FROM "Integration" GROUP BY 1 ORDER BY count DESC, type`,
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
  title: 'Integrations',
  tables: { integrations: integrationCountsQuery },
  toJson: ({ integrations }) => ({ total: integrations.total, byType: integrations.byType }),
  metrics: [
    {
      name: 'kewhats_integrations',
      help: 'Integrations by type (most common types; the rest as "other").',
      type: 'gauge',
      labelNames: ['type'],
      samples: ({ integrations }) =>
        Object.entries(integrations.byType).map(([type, value]) => ({ labels: { type }, value })),
    },
  ],
  figures: [{ path: 'total', title: 'Integrations' }],
  breakdowns: [{ field: 'byType', title: 'Integrations by type', chart: 'bar' }],
});
