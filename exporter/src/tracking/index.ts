// @kewhats/monitoring-exporter/tracking: what the KeWhats platform imports. It records the
// monitoring figures the platform's own rows cannot give — API-key traffic counters and chatbot
// session activity — and guards the platform's routes against the monitoring role. It takes the
// platform's pg.Pool; nothing here reads the exporter's configuration. Guide: docs/tracking.md.

export {
  ApiUsageRecorder,
  createApiUsageRecorder,
  DEFAULT_FLUSH_INTERVAL_MS,
  DEFAULT_FLUSH_TIMEOUT_MS,
  FlushTimeoutError,
  DEFAULT_MAX_PENDING_ENTRIES,
  DEFAULT_TIME_ZONE,
  type ApiUsageRecorderOptions,
  type ApiUsageRecorderStats,
  type UsageFlushResult,
} from './api-usage-recorder.js';
export { type ApiKeyTrafficMiddlewareOptions } from './api-key-traffic-middleware.js';
export { isWellFormedApiKeyId, MAX_API_KEY_ID_LENGTH } from './api-key-id.js';
export { endChatbotSession, recordChatbotActivity, type ChatbotActivityResult, type ChatbotConversation } from './chatbot-sessions.js';
export type { Queryable } from './queryable.js';
export { refuseMonitoringRole, type RefuseMonitoringRoleOptions } from './platform-guard.js';
export { CHATBOT_SESSION_ACTIVE_MINUTES } from '../sections/chatbots.js';
