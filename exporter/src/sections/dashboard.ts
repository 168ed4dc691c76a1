import { valueLabels, type Label } from './presentation.js';
import { currentMonthRevenueQuery, revenueBetween } from './revenue.js';
import { defineSection, numericRow, type TableQuery } from './section.js';
import { totalUsers, userCountsQuery } from './users.js';
import { maintainedGroupsSql } from '../aggregates/maintained-sql.js';

const MESSAGE_KINDS = ['incoming', 'sent', 'failed'] as const;

// incoming: every incoming message; sent: outgoing that left (sent, delivered or read);
// failed: outgoing that failed. Outgoing "pending" is neither yet.
export const messageCountsQuery: TableQuery<Record<(typeof MESSAGE_KINDS)[number], number>> = {
  table: 'Message',
  // The maintained counts by "type/status" (docs/aggregates.md), not a scan of "Message".
  sql: `SELECT coalesce(sum("value") FILTER (WHERE split_part("group", '/', 1) = 'incoming'), 0) AS incoming,
               coalesce(sum("value") FILTER (WHERE "group" IN ('outgoing/sent', 'outgoing/delivered', 'outgoing/read')), 0) AS sent,
               coalesce(sum("value") FILTER (WHERE "group" = 'outgoing/failed'), 0) AS failed
        FROM (${maintainedGroupsSql('messages')}) AS groups`,
  parse: (rows) => numericRow(rows, MESSAGE_KINDS),
};

// Counters recorded by the tracking kit, one row per key per day.
export const apiTrafficQuery: TableQuery<{ incoming: number; outgoing: number }> = {
  table: 'ApiKeyUsage',
  // The maintained sums (docs/aggregates.md), not a scan of "ApiKeyUsage".
  sql: `SELECT coalesce(sum("value") FILTER (WHERE "group" = 'requests_in'), 0)::bigint AS incoming,
               coalesce(sum("value") FILTER (WHERE "group" = 'requests_out'), 0)::bigint AS outgoing
        FROM (${maintainedGroupsSql('api_traffic')}) AS groups`,
  parse: (rows) => numericRow(rows, ['incoming', 'outgoing'] as const),
};

const DIRECTIONS = ['incoming', 'outgoing'] as const;

const MESSAGE_KIND_LABELS: Record<(typeof MESSAGE_KINDS)[number], Label> = {
  incoming: { id: 'Masuk', en: 'Incoming' },
  sent: { id: 'Terkirim', en: 'Sent' },
  failed: { id: 'Gagal', en: 'Failed' },
};

const DIRECTION_LABELS: Record<(typeof DIRECTIONS)[number], Label> = {
  incoming: { id: 'Masuk', en: 'Incoming' },
  outgoing: { id: 'Keluar', en: 'Outgoing' },
};

export const dashboardSection = defineSection({
  name: 'dashboard',
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
  title: { id: 'Dasbor', en: 'Dashboard' },
  description: { id: 'Pesan, pengguna, traffic API dan pendapatan', en: 'Messages, users, API traffic and revenue' },
  icon: 'apps',
  position: 1,
  figures: [
    {
      path: 'messages.incoming',
      label: { id: 'Total Pesan Masuk', en: 'Messages received' },
      description: { id: 'Semua pesan masuk yang pernah diterima perangkat.', en: 'Every incoming message the devices have received.' },
    },
    {
      path: 'messages.sent',
      label: { id: 'Total Pesan Terkirim', en: 'Messages sent' },
      description: {
        id: 'Pesan keluar yang sudah terkirim: terkirim, diterima atau dibaca.',
        en: 'Outgoing messages that left: sent, delivered or read.',
      },
    },
    {
      path: 'messages.failed',
      label: { id: 'Total Pesan Gagal', en: 'Messages failed' },
      description: { id: 'Pesan keluar yang gagal dikirim.', en: 'Outgoing messages that failed.' },
    },
    {
      path: 'users.total',
      label: { id: 'Total User Terdaftar', en: 'Registered users' },
      description: { id: 'Semua akun platform, dari setiap paket dan peran.', en: 'Every platform account, of every plan and role.' },
    },
    {
      path: 'apiTraffic.incoming',
      label: { id: 'API Traffic Masuk', en: 'API traffic in' },
      description: { id: 'Permintaan masuk yang memakai API key.', en: 'Incoming requests made with API keys.' },
    },
    {
      path: 'apiTraffic.outgoing',
      label: { id: 'API Traffic Keluar', en: 'API traffic out' },
      description: { id: 'Permintaan keluar yang memakai API key.', en: 'Outgoing requests made with API keys.' },
    },
    {
      path: 'revenue.amount',
      unit: 'currency',
      label: { id: 'Pendapatan Bulanan', en: 'Monthly revenue' },
      description: {
        id: 'Pembayaran lunas dalam mata uang platform pada rentang waktu yang dipilih; bawaannya bulan berjalan.',
        en: 'Paid payments in the platform currency within the chosen time range; by default the current month.',
      },
    },
  ],
  breakdowns: [],
  /*
   * kewhats_messages is a gauge of all-time totals recomputed from the database, not a counter: a
   * retention job deleting rows lowers it, which rate() would misread as a counter reset. Its
   * slope is taken with deriv() instead and clamped at zero (as the alert rules do with delta()).
   */
  trends: [
    {
      label: { id: 'Pesan per menit', en: 'Messages per minute' },
      description: {
        id: 'Pesan baru per menit menurut jenis (masuk, terkirim, gagal): kemiringan 5 menit dari total pesan, paling kecil nol.',
        en: 'New messages per minute by kind (incoming, sent, failed): the 5-minute slope of the all-time message totals, clamped at zero.',
      },
      unit: 'count',
      stacked: false,
      queries: [
        {
          expr: 'sum by (kind) (clamp_min(deriv(kewhats_messages[5m]), 0)) * 60',
          legend: '{{kind}}',
          values: valueLabels(MESSAGE_KINDS, MESSAGE_KIND_LABELS),
        },
      ],
    },
    {
      label: { id: 'Traffic API', en: 'API traffic' },
      description: {
        id: 'Permintaan dengan API key per detik, masuk dan keluar (rata-rata 5 menit).',
        en: 'Requests made with API keys per second, incoming and outgoing (5-minute rate).',
      },
      unit: 'requestsPerSecond',
      stacked: false,
      queries: [
        {
          expr: 'sum by (direction) (rate(kewhats_api_requests_total[5m]))',
          legend: '{{direction}}',
          values: valueLabels(DIRECTIONS, DIRECTION_LABELS),
        },
      ],
    },
    {
      label: { id: 'Pendapatan bulan berjalan', en: 'Revenue of the current month' },
      description: {
        id: 'Pendapatan lunas bulan berjalan seiring bertambahnya; kembali ke nol saat bulan baru dimulai.',
        en: 'Paid revenue of the running calendar month as it accrued; it restarts at zero when a month begins.',
      },
      unit: 'currency',
      stacked: false,
      queries: [{ expr: 'sum by (currency) (kewhats_revenue_current_month)', legend: '{{currency}}' }],
    },
  ],
  timeRange: {
    default: 'currentMonth',
    figures: ['revenue.amount'],
    rangeOf: ({ revenue }) => ({ from: revenue.from, to: revenue.to }),
    forRange: async ({ from, to }, { pool, context }) => ({ revenue: await revenueBetween(pool, context.currency, from, to) }),
  },
});
