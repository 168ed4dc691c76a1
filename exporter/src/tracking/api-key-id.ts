/** Longest API key id the counters accept; ids are uuids or cuids, far shorter. */
export const MAX_API_KEY_ID_LENGTH = 128;

// Letters, digits, '-' and '_': uuid, cuid, nanoid and ulid ids all fit.
const API_KEY_ID_PATTERN = /^[A-Za-z0-9_-]+$/;

/**
 * Whether a value can be an "ApiKey"."id". Checked in memory before anything is counted, so a
 * bug or junk on the request path (an object, a raw key, a long header) never grows the batch;
 * whether the key really exists is settled by the flush statement itself.
 */
export function isWellFormedApiKeyId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_API_KEY_ID_LENGTH && API_KEY_ID_PATTERN.test(value);
}
