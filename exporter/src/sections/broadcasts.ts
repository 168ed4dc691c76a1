import { BroadcastStatus } from '../generated/prisma/enums.js';
import { valueLabels, type Label } from './presentation.js';
import { defineSection, numericRow, type TableQuery } from './section.js';
import { maintainedGroupsSql } from '../aggregates/maintained-sql.js';

const STATUSES = Object.values(BroadcastStatus);
const COLUMNS = ['total', ...STATUSES] as const;

const STATUS_LABELS: Record<BroadcastStatus, Label> = {
  pending: { id: 'Menunggu', en: 'Pending' },
  running: { id: 'Berjalan', en: 'Running' },
  completed: { id: 'Selesai', en: 'Completed' },
  failed: { id: 'Gagal', en: 'Failed' },
};

export const broadcastCountsQuery: TableQuery<Record<(typeof COLUMNS)[number], number>> = {
  table: 'Broadcast',
  // The maintained counts by status (docs/aggregates.md), not a scan of "Broadcast".
  sql: `SELECT coalesce(sum("value"), 0) AS total,
               ${STATUSES.map((status) => `coalesce(sum("value") FILTER (WHERE "group" = '${status}'), 0) AS "${status}"`).join(',\n               ')}
        FROM (${maintainedGroupsSql('broadcasts')}) AS groups`,
  parse: (rows) => numericRow(rows, COLUMNS),
};

export const broadcastsSection = defineSection({
  name: 'broadcasts',
  tables: { broadcasts: broadcastCountsQuery },
  toJson: ({ broadcasts }) => ({ ...broadcasts }),
  metrics: [
    {
      name: 'kewhats_broadcasts',
      help: 'Broadcasts by status.',
      type: 'gauge',
      labelNames: ['status'],
      samples: ({ broadcasts }) => STATUSES.map((status) => ({ labels: { status }, value: broadcasts[status] })),
    },
  ],
  title: { id: 'Broadcast', en: 'Broadcasts' },
  description: { id: 'Broadcast per status', en: 'Broadcasts by status' },
  icon: 'rss',
  position: 6,
  figures: [
    {
      path: 'total',
      label: { id: 'Total Broadcast', en: 'Broadcasts' },
      description: { id: 'Semua broadcast dari setiap status.', en: 'Every broadcast, of every status.' },
    },
    ...STATUSES.map((status) => ({
      path: status,
      label: { id: `Broadcast ${STATUS_LABELS[status].id}`, en: `${STATUS_LABELS[status].en} broadcasts` },
      description: {
        id: `Broadcast dengan status ${STATUS_LABELS[status].id.toLowerCase()}.`,
        en: `Broadcasts with status ${STATUS_LABELS[status].en.toLowerCase()}.`,
      },
    })),
  ],
  breakdowns: [
    {
      path: '',
      chart: 'bar',
      label: { id: 'Broadcast per status', en: 'Broadcasts by status' },
      description: { id: 'Broadcast menurut status.', en: 'Broadcasts by status.' },
      dimension: { id: 'Status', en: 'Status' },
      values: valueLabels(STATUSES, STATUS_LABELS),
    },
  ],
  trends: [
    {
      label: { id: 'Broadcast per status dari waktu ke waktu', en: 'Broadcasts by status over time' },
      description: {
        id: 'Broadcast per status dari waktu ke waktu (tidak bertumpuk, agar garis "gagal" yang naik terlihat).',
        en: 'Broadcasts per status over time (not stacked, so a growing "failed" line stands out).',
      },
      unit: 'count',
      stacked: false,
      queries: [{ expr: 'sum by (status) (kewhats_broadcasts)', legend: '{{status}}', values: valueLabels(STATUSES, STATUS_LABELS) }],
    },
  ],
});
