import { valueLabels, type Label } from './presentation.js';
import { defineSection, numericRow, type TableQuery } from './section.js';
import { maintainedGroupsSql } from '../aggregates/maintained-sql.js';

const COLUMNS = ['total', 'connected', 'disconnected', 'connecting'] as const;

// "connecting" covers both devices mid-handshake and devices showing a QR code.
export const deviceCountsQuery: TableQuery<Record<(typeof COLUMNS)[number], number>> = {
  table: 'Device',
  // The maintained counts by status (docs/aggregates.md), not a scan of "Device".
  sql: `SELECT coalesce(sum("value"), 0) AS total,
               coalesce(sum("value") FILTER (WHERE "group" = 'connected'), 0) AS connected,
               coalesce(sum("value") FILTER (WHERE "group" = 'disconnected'), 0) AS disconnected,
               coalesce(sum("value") FILTER (WHERE "group" IN ('connecting', 'qr')), 0) AS connecting
        FROM (${maintainedGroupsSql('devices')}) AS groups`,
  parse: (rows) => numericRow(rows, COLUMNS),
};

const STATUSES = ['connected', 'disconnected', 'connecting'] as const;

const STATUS_LABELS: Record<(typeof STATUSES)[number], Label> = {
  connected: { id: 'Terhubung', en: 'Connected' },
  disconnected: { id: 'Terputus', en: 'Disconnected' },
  connecting: { id: 'Menghubungkan', en: 'Connecting' },
};

export const connectionsSection = defineSection({
  name: 'connections',
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
  title: { id: 'Koneksi', en: 'Connections' },
  description: { id: 'Perangkat WhatsApp per status koneksi', en: 'WhatsApp devices by connection status' },
  icon: 'mobile-android',
  position: 3,
  figures: [
    {
      path: 'total',
      label: { id: 'Total Perangkat', en: 'Devices' },
      description: { id: 'Semua perangkat WhatsApp yang terdaftar.', en: 'Every registered WhatsApp device.' },
    },
    {
      path: 'connected',
      label: { id: 'Perangkat Terhubung', en: 'Connected devices' },
      description: { id: 'Perangkat dengan koneksi WhatsApp aktif.', en: 'Devices with a live WhatsApp connection.' },
    },
    {
      path: 'disconnected',
      label: { id: 'Perangkat Terputus', en: 'Disconnected devices' },
      description: { id: 'Perangkat yang koneksinya terputus.', en: 'Devices whose connection is down.' },
    },
    {
      path: 'connecting',
      label: { id: 'Perangkat Menghubungkan', en: 'Devices connecting' },
      description: {
        id: 'Perangkat yang sedang tersambung, termasuk yang menunggu pindai kode QR.',
        en: 'Devices mid-handshake, including those showing a QR code.',
      },
    },
  ],
  breakdowns: [
    {
      path: '',
      chart: 'donut',
      label: { id: 'Perangkat per status', en: 'Devices by status' },
      description: { id: 'Perangkat WhatsApp menurut status koneksi.', en: 'WhatsApp devices by connection status.' },
      dimension: { id: 'Status', en: 'Status' },
      values: valueLabels(STATUSES, STATUS_LABELS),
    },
  ],
  trends: [
    {
      label: { id: 'Perangkat terhubung dari waktu ke waktu', en: 'Connected devices over time' },
      description: { id: 'Perangkat WhatsApp dengan koneksi aktif.', en: 'WhatsApp devices with a live connection.' },
      unit: 'count',
      stacked: false,
      queries: [{ expr: 'sum(kewhats_devices{status="connected"})', legend: STATUS_LABELS.connected }],
    },
    {
      label: { id: 'Perangkat per status dari waktu ke waktu', en: 'Devices by status over time' },
      description: {
        id: 'Perangkat WhatsApp per status koneksi (menghubungkan termasuk menunggu QR), bertumpuk: garis teratas adalah totalnya.',
        en: 'WhatsApp devices per connection status (connecting includes QR pending), stacked: the top line is the total.',
      },
      unit: 'count',
      stacked: true,
      queries: [{ expr: 'sum by (status) (kewhats_devices)', legend: '{{status}}', values: valueLabels(STATUSES, STATUS_LABELS) }],
    },
  ],
});
