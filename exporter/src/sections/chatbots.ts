import { defineSection, numericRow, type TableQuery } from './section.js';

/** A session is active while open and touched within this window (inclusive at its edge). */
export const CHATBOT_SESSION_ACTIVE_MINUTES = 30;

export const chatbotCountsQuery: TableQuery<{ total: number; active: number }> = {
  table: 'Chatbot',
  sql: `SELECT count(*) AS total, count(*) FILTER (WHERE "status" = 'active') AS active FROM "Chatbot"`,
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
  title: 'Chatbots',
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
  figures: [
    { path: 'total', title: 'Chatbots' },
    { path: 'active', title: 'Active chatbots' },
    { path: 'activeSessions', title: 'Active sessions' },
  ],
  breakdowns: [],
});
