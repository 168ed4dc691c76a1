import { defineSection, numericRow, type TableQuery } from './section.js';

const COLUMNS = ['total', 'connected', 'disconnected', 'connecting'] as const;

// "connecting" covers both devices mid-handshake and devices showing a QR code.
export const deviceCountsQuery: TableQuery<Record<(typeof COLUMNS)[number], number>> = {
  table: 'Device',
  sql: `SELECT count(*) AS total,
               count(*) FILTER (WHERE "status" = 'connected') AS connected,
               count(*) FILTER (WHERE "status" = 'disconnected') AS disconnected,
               count(*) FILTER (WHERE "status" IN ('connecting', 'qr')) AS connecting
        FROM "Device"`,
  parse: (rows) => numericRow(rows, COLUMNS),
};

const STATUSES = ['connected', 'disconnected', 'connecting'] as const;

export const connectionsSection = defineSection({
  name: 'connections',
  title: 'Connections',
  tables: { devices: deviceCountsQuery },
  toJson: ({ devices }) => ({ ...devices }),
  metrics: [
    {
      name: 'kewhats_devices',
      help: 'WhatsApp devices by connection status (connecting includes QR pending).',
      type: 'gauge',
      labelNames: ['status'],
      samples: ({ devices }) => STATUSES.map((status) => ({ labels: { status }, value: devices[status] })),
    },
  ],
  figures: [
    { path: 'total', title: 'Devices' },
    { path: 'connected', title: 'Connected' },
    { path: 'disconnected', title: 'Disconnected' },
    { path: 'connecting', title: 'Connecting' },
  ],
  breakdowns: [{ title: 'Devices by status', chart: 'donut' }],
});
