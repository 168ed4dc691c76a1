import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Polls until `condition` holds and returns its value. The deadline is a hang detector, not a
 * speed check: it is long enough for a loaded 2-core machine, and only a condition that never
 * comes true reaches it (the failure then names what was awaited).
 */
export async function waitFor<Value>(
  what: string,
  condition: () => Value | Promise<Value>,
  options: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<Exclude<Value, false | null | undefined | 0 | ''>> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    const value = await condition();
    if (value) return value as Exclude<Value, false | null | undefined | 0 | ''>;
    if (Date.now() > deadline) throw new Error(`still waiting for ${what} after ${options.timeoutMs ?? 60_000} ms`);
    await sleep(options.intervalMs ?? 20);
  }
}
