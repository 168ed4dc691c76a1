import { PaymentStatus } from '../../src/generated/prisma/enums.js';
import { valueLabels, type Label } from '../../src/sections/presentation.js';
import { defineSection, numericRow, type Section, type TableQuery } from '../../src/sections/section.js';

/**
 * A ninth section that exists only in the tests ("Payments by status"), written the way a new
 * section file would be: it proves that a section reaches the API, /metrics, the catalogue, the
 * dashboards and the plugin's frames with no other file touched. The exporter suite and the
 * plugin's browser test both use it.
 */
const STATUSES = Object.values(PaymentStatus);
const COLUMNS = ['total', ...STATUSES] as const;

const STATUS_LABELS: Record<PaymentStatus, Label> = {
  pending: { id: 'Menunggu', en: 'Pending' },
  paid: { id: 'Lunas', en: 'Paid' },
  failed: { id: 'Gagal', en: 'Failed' },
  refunded: { id: 'Dikembalikan', en: 'Refunded' },
};

const paymentCountsQuery: TableQuery<Record<(typeof COLUMNS)[number], number>> = {
  table: 'Payment',
  sql: `SELECT count(*) AS total,
               ${STATUSES.map((status) => `count(*) FILTER (WHERE "status" = '${status}') AS "${status}"`).join(', ')}
        FROM "Payment"`,
  parse: (rows) => numericRow(rows, COLUMNS),
};

export const paymentsSection = defineSection({
  name: 'payments',
  tables: { payments: paymentCountsQuery },
  toJson: ({ payments }) => ({
    total: payments.total,
    byStatus: Object.fromEntries(STATUSES.map((status) => [status, payments[status]])) as Record<PaymentStatus, number>,
  }),
  metrics: [
    {
      name: 'kewhats_payments',
      help: 'Payments by status.',
      type: 'gauge',
      labelNames: ['status'],
      samples: ({ payments }) => STATUSES.map((status) => ({ labels: { status }, value: payments[status] })),
    },
  ],
  title: { id: 'Pembayaran', en: 'Payments' },
  description: { id: 'Pembayaran per status', en: 'Payments by status' },
  icon: 'credit-card',
  position: 9,
  figures: [
    {
      path: 'total',
      label: { id: 'Total Pembayaran', en: 'Payments' },
      description: { id: 'Semua pembayaran dari setiap status.', en: 'Every payment, of every status.' },
    },
    ...STATUSES.map((status) => ({
      path: `byStatus.${status}`,
      label: { id: `Pembayaran ${STATUS_LABELS[status].id}`, en: `${STATUS_LABELS[status].en} payments` },
      description: { id: `Pembayaran berstatus ${STATUS_LABELS[status].id}.`, en: `Payments with status ${STATUS_LABELS[status].en}.` },
    })),
  ],
  breakdowns: [
    {
      path: 'byStatus',
      chart: 'donut',
      label: { id: 'Pembayaran per status', en: 'Payments by status' },
      description: { id: 'Pembayaran menurut status.', en: 'Payments by status.' },
      dimension: { id: 'Status', en: 'Status' },
      values: valueLabels(STATUSES, STATUS_LABELS),
    },
  ],
  trends: [
    {
      label: { id: 'Pembayaran per status dari waktu ke waktu', en: 'Payments by status over time' },
      description: { id: 'Pembayaran per status.', en: 'Payments per status.' },
      unit: 'count',
      stacked: true,
      queries: [{ expr: 'sum by (status) (kewhats_payments)', legend: '{{status}}', values: valueLabels(STATUSES, STATUS_LABELS) }],
    },
  ],
}) as unknown as Section;

export const PAYMENT_STATUSES: readonly string[] = STATUSES;
