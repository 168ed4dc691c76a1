import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/**
 * Constant-time comparison of a presented secret with the expected one. Both sides are hashed
 * first so the comparison neither leaks the length nor short-circuits on the first differing byte.
 */
export function secretsMatch(presented: string, expected: string): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}

/** Constant-time check of the static machine token. */
export function createMachineTokenCheck(expected: string | undefined): (presented: string) => boolean {
  if (!expected) return () => false;
  return (presented) => secretsMatch(presented, expected);
}
