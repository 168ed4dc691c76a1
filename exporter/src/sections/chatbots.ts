import { valueLabels, type Label } from './presentation.js';
import { defineSection, numericRow, type TableQuery } from './section.js';
import { maintainedGroupsSql } from '../aggregates/maintained-sql.js';

/** A session is active while open and touched within this window (inclusive at its edge). */
export const CHATBOT_SESSION_ACTIVE_MINUTES = 30;

const STATUSES = ['active', 'inactive'] as const;

const STATUS_LABELS: Record<(typeof STATUSES)[number], Label> = {
  active: { id: 'Aktif', en: 'Active' },
  inactive: { id: 'Nonaktif', en: 'Inactive' },
};

const ACTIVE_SESSIONS: Label = { id: 'Session Aktif', en: 'Active sessions' };

export const chatbotCountsQuery: TableQuery<{ total: number; active: number }> = {
  table: 'Chatbot',
  // The maintained counts by status (docs/aggregates.md), not a scan of "Chatbot".
  sql: `SELECT coalesce(sum("value"), 0) AS total, coalesce(sum("value") FILTER (WHERE "group" = 'active'), 0) AS active
        FROM (${maintainedGroupsSql('chatbots')}) AS groups`,
  parse: (rows) => numericRow(rows, ['total', 'active'] as const),
};

// Served by the partial index on open sessions' "lastActivityAt".
export const activeChatbotSessionsQuery: TableQuery<{ active: number }> = {
  table: 'ChatbotSession',
  sql: `SELECT count(*) AS active FROM "ChatbotSession"
        WHERE "endedAt" IS NULL AND "lastActivityAt" >= $1::timestamptz - make_interval(mins => $2)`,
  params: ({ now }) => [now, CHATBOT_SESSION_ACTIVE_MINUTES],
  parse: (rows) => numericRow(rows, ['active'] as const),
};

export const chatbotsSection = defineSection({
  name: 'chatbots',
  tables: { chatbots: chatbotCountsQuery, sessions: activeChatbotSessionsQuery },
  toJson: ({ chatbots, sessions }) => ({
    total: chatbots.total,
    active: chatbots.active,
    activeSessions: sessions.active,
  }),
  metrics: [
    {
      name: 'kewhats_chatbots',
      help: 'Chatbots by status.',
      type: 'gauge',
      labelNames: ['status'],
      samples: ({ chatbots }) => [
        { labels: { status: 'active' }, value: chatbots.active },
        { labels: { status: 'inactive' }, value: chatbots.total - chatbots.active },
      ],
    },
    {
      name: 'kewhats_chatbot_sessions_active',
      help: `Chatbot conversations open with activity in the last ${CHATBOT_SESSION_ACTIVE_MINUTES} minutes.`,
      type: 'gauge',
      samples: ({ sessions }) => [{ value: sessions.active }],
    },
  ],
  title: { id: 'Chatbot', en: 'Chatbots' },
  description: { id: 'Chatbot dan sesi aktif', en: 'Chatbots and active sessions' },
  icon: 'comment-alt',
  position: 5,
  figures: [
    {
      path: 'total',
      label: { id: 'Total Chatbot', en: 'Chatbots' },
      description: { id: 'Semua chatbot, aktif maupun nonaktif.', en: 'Every chatbot, active or not.' },
    },
    {
      path: 'active',
      label: { id: 'Chatbot Aktif', en: 'Active chatbots' },
      description: { id: 'Chatbot yang sedang aktif.', en: 'Chatbots switched on.' },
    },
    {
      path: 'activeSessions',
      label: ACTIVE_SESSIONS,
      description: {
        id: `Percakapan chatbot yang masih terbuka dengan aktivitas dalam ${CHATBOT_SESSION_ACTIVE_MINUTES} menit terakhir.`,
        en: `Chatbot conversations still open with activity in the last ${CHATBOT_SESSION_ACTIVE_MINUTES} minutes.`,
      },
    },
  ],
  breakdowns: [],
  trends: [
    {
      label: { id: 'Session chatbot aktif dari waktu ke waktu', en: 'Active chatbot sessions over time' },
      description: {
        id: `Percakapan chatbot yang masih terbuka dengan aktivitas dalam ${CHATBOT_SESSION_ACTIVE_MINUTES} menit terakhir.`,
        en: `Chatbot conversations still open with activity in the last ${CHATBOT_SESSION_ACTIVE_MINUTES} minutes.`,
      },
      unit: 'count',
      stacked: false,
      queries: [{ expr: 'sum(kewhats_chatbot_sessions_active)', legend: ACTIVE_SESSIONS }],
    },
    {
      label: { id: 'Chatbot per status dari waktu ke waktu', en: 'Chatbots by status over time' },
      description: {
        id: 'Chatbot aktif dan nonaktif, bertumpuk: garis teratas adalah totalnya.',
        en: 'Chatbots active and inactive, stacked: the top line is the total.',
      },
      unit: 'count',
      stacked: true,
      queries: [{ expr: 'sum by (status) (kewhats_chatbots)', legend: '{{status}}', values: valueLabels(STATUSES, STATUS_LABELS) }],
    },
  ],
});
