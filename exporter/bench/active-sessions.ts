// The refresh rows compare scales, so everything but the tables' size must be equal between them.
// One figure is time-windowed: active chatbot sessions (open, activity in the last 30 minutes)
// are counted through the partial index over open sessions, O(active sessions) by design, and
// that count depends on the platform's activity right now, not on its size. Synthetic data makes
// ~5 % of all sessions active at the moment it is generated, so a kept database's count falls to
// 0 within half an hour while a fresh one's is 10 × larger at scale 10 than at scale 1: the rows
// would measure the data's age. Before the refresh rows every scale gets the same activity.
import type pg from 'pg';

/** Open sessions active during the refresh rows, at every scale (scale 1's synthetic share). */
export const ACTIVE_CHATBOT_SESSIONS = 10_000;

/**
 * Makes exactly `active` open sessions active (last activity spread over the last 10 minutes, so
 * they stay in the 30-minute window for the rows that follow) and moves every other open session's
 * last activity out of the window; then VACUUMs so the count stays an index-only scan. Returns the
 * active count the exporter's statement sees.
 */
export async function pinActiveChatbotSessions(pool: pg.Pool, active = ACTIVE_CHATBOT_SESSIONS): Promise<number> {
  await pool.query(
    `WITH open AS (SELECT "id", row_number() OVER (ORDER BY "id") AS n FROM "ChatbotSession" WHERE "endedAt" IS NULL)
     UPDATE "ChatbotSession" AS session
        SET "lastActivityAt" = CASE WHEN open.n <= $1 THEN now() - (open.n % 600) * interval '1 second'
                                    ELSE now() - interval '45 minutes' END,
            "startedAt" = least(session."startedAt", now() - interval '45 minutes')
       FROM open
      WHERE session."id" = open."id" AND (open.n <= $1 OR session."lastActivityAt" > now() - interval '45 minutes')`,
    [active],
  );
  await pool.query('VACUUM (ANALYZE) "ChatbotSession"');
  const { rows } = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM "ChatbotSession" WHERE "endedAt" IS NULL AND "lastActivityAt" >= now() - interval '30 minutes'`,
  );
  return rows[0]!.n;
}
