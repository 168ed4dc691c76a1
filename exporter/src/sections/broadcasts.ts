import { BroadcastStatus } from '../generated/prisma/enums.js';
import { defineSection, numericRow, type TableQuery } from './section.js';

const STATUSES = Object.values(BroadcastStatus);
const COLUMNS = ['total', ...STATUSES] as const;

export const broadcastCountsQuery: TableQuery<Record<(typeof COLUMNS)[number], number>> = {
  table: 'Broadcast',
  sql: `SELECT count(*) AS total,
               ${STATUSES.map((status) => `count(*) FILTER (WHERE "status" = '${status}') AS "${status}"`).join(',\n               ')}
        FROM "Broadcast"`,
  parse: (rows) => numericRow(rows, COLUMNS),
};

export const broadcastsSection = defineSection({
  name: 'broadcasts',
  title: 'Broadcasts',
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
  figures: [
    { path: 'total', title: 'Broadcasts' },
    ...STATUSES.map((status) => ({ path: status, title: status[0]!.toUpperCase() + status.slice(1) })),
  ],
  breakdowns: [{ title: 'Broadcasts by status', chart: 'bar' }],
});
