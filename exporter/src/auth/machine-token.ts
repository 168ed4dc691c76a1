import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/**
 * Constant-time check of the static machine token. Both sides are hashed first so the
 * comparison neither leaks the length nor short-circuits on the first differing byte.
 */
export function createMachineTokenCheck(expected: string | undefined): (presented: string) => boolean {
  if (!expected) return () => false;
  const expectedDigest = digest(expected);
  return (presented) => timingSafeEqual(digest(presented), expectedDigest);
}
