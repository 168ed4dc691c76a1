import { CHATBOT_SESSION_ACTIVE_MINUTES } from '../sections/chatbots.js';
import type { Queryable } from './queryable.js';

/** One conversation: a chatbot talking with one contact. */
export interface ChatbotConversation {
  chatbotId: string;
  contactPhone: string;
  /** When the activity happened (default: now). */
  at?: Date;
}

export interface ChatbotActivityResult {
  /** The session the activity belongs to. */
  sessionId: string;
  /** true when this activity started a new session. */
  started: boolean;
}

/**
 * One statement, safe however many calls race for the same conversation:
 *
 * 1. `stale` ends the conversation's open session when it went quiet for longer than the active
 *    window before this activity (ended at its last activity: that is when it really stopped).
 *    Activity exactly at the window's edge continues the session, as the exporter's
 *    `lastActivityAt >= now - 30 min` rule still counts it active.
 * 2. The INSERT reads `stale` first (the count), so the stale session is closed before the
 *    insert looks for a conflict; a data-modifying CTE the main query does not read would run
 *    after it.
 * 3. The partial unique index "ChatbotSession_open_conversation_key" allows one open session per
 *    conversation: a concurrent caller that lost the race to insert updates the winner's session
 *    instead (ON CONFLICT), and `greatest` keeps late-arriving activity from moving time back.
 *
 * `xmax = 0` tells an inserted row from an updated one.
 */
const RECORD_ACTIVITY_SQL = `
WITH stale AS (
  UPDATE "ChatbotSession" SET "endedAt" = "lastActivityAt"
  WHERE "chatbotId" = $1 AND "contactPhone" = $2 AND "endedAt" IS NULL
    AND "lastActivityAt" < $3::timestamptz - make_interval(mins => $4::int)
  RETURNING 1
)
INSERT INTO "ChatbotSession" ("id", "chatbotId", "contactPhone", "startedAt", "lastActivityAt")
SELECT gen_random_uuid()::text, $1, $2, $3::timestamptz, $3::timestamptz
FROM (SELECT count(*) FROM stale) AS stale_closed_first
ON CONFLICT ("chatbotId", "contactPhone") WHERE "endedAt" IS NULL
DO UPDATE SET "lastActivityAt" = greatest("ChatbotSession"."lastActivityAt", EXCLUDED."lastActivityAt")
RETURNING "id", (xmax = 0) AS "started"`;

/**
 * Ends the open session at `at`, or at its last activity when it had gone stale by then (it
 * stopped counting as active at that point already).
 */
const END_SESSION_SQL = `
UPDATE "ChatbotSession"
SET "endedAt" = CASE
  WHEN "lastActivityAt" < $3::timestamptz - make_interval(mins => $4::int) THEN "lastActivityAt"
  ELSE greatest("lastActivityAt", $3::timestamptz)
END
WHERE "chatbotId" = $1 AND "contactPhone" = $2 AND "endedAt" IS NULL`;

/**
 * Records chatbot activity in a conversation (a message in or out): starts a session when none
 * is active, otherwise moves its last activity. One round trip; the platform may await it or
 * fire and forget it (then catch its rejection, e.g. an unknown chatbot id).
 */
export async function recordChatbotActivity(pool: Queryable, conversation: ChatbotConversation): Promise<ChatbotActivityResult> {
  const { chatbotId, contactPhone, at } = checkConversation(conversation);
  const { rows } = await pool.query<{ id: string; started: boolean }>(RECORD_ACTIVITY_SQL, [
    chatbotId,
    contactPhone,
    at,
    CHATBOT_SESSION_ACTIVE_MINUTES,
  ]);
  const row = rows[0];
  if (!row) throw new Error('recording chatbot activity returned no session');
  return { sessionId: row.id, started: row.started };
}

/** Ends the conversation's open session (the contact or the bot closed it); false when none was open. */
export async function endChatbotSession(pool: Queryable, conversation: ChatbotConversation): Promise<boolean> {
  const { chatbotId, contactPhone, at } = checkConversation(conversation);
  const result = await pool.query(END_SESSION_SQL, [chatbotId, contactPhone, at, CHATBOT_SESSION_ACTIVE_MINUTES]);
  return (result.rowCount ?? 0) > 0;
}

function checkConversation(conversation: ChatbotConversation): Required<ChatbotConversation> {
  const { chatbotId, contactPhone } = conversation;
  if (typeof chatbotId !== 'string' || chatbotId.length === 0) throw new TypeError('chatbotId must be a non-empty string');
  if (typeof contactPhone !== 'string' || contactPhone.length === 0) throw new TypeError('contactPhone must be a non-empty string');
  const at = conversation.at ?? new Date();
  if (!(at instanceof Date) || Number.isNaN(at.getTime())) throw new TypeError('at must be a valid Date');
  return { chatbotId, contactPhone, at };
}
