import type { Clock } from './clock.ts';

/** The auto-refresh picker's choices: a period in milliseconds, `off`, or `live` (server-sent events). */
export type RefreshChoice = 'off' | 'live' | number;

export const REFRESH_CHOICES: readonly RefreshChoice[] = ['off', 10_000, 30_000, 60_000, 300_000, 'live'];
export const DEFAULT_REFRESH: RefreshChoice = 30_000;
/** How often to poll while the live stream is refused. */
export const LIVE_FALLBACK_PERIOD_MS = 30_000;

export function isRefreshChoice(value: unknown): value is RefreshChoice {
  return REFRESH_CHOICES.includes(value as RefreshChoice);
}

/**
 * Runs `task` every `period` milliseconds, measured from the start of one run to the start of
 * the next, never two at once: a run that takes longer than the period is followed at once by
 * the next. `refreshNow` runs at once and restarts the period from there; asked during a run, it
 * runs once more right after it (what is on screen may have changed meanwhile).
 */
export class RefreshScheduler {
  private period: number | null = null;
  private timer: unknown;
  private running: Promise<void> | undefined;
  private followUp: Promise<void> | undefined;
  private lastStart: number | undefined;
  private stopped = false;

  constructor(
    private readonly task: () => Promise<void>,
    private readonly clock: Clock,
  ) {}

  /** `null` stops the automatic runs (a manual refresh still works). */
  setPeriod(period: number | null): void {
    this.period = period;
    this.schedule();
  }

  refreshNow(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running) {
      this.followUp ??= this.running.then(() => {
        this.followUp = undefined;
        return this.refreshNow();
      });
      return this.followUp;
    }
    this.cancelTimer();
    this.lastStart = this.clock.now();
    this.running = this.task()
      .catch(() => {
        // the task reports its own failures; the schedule goes on
      })
      .finally(() => {
        this.running = undefined;
        this.schedule();
      });
    return this.running;
  }

  stop(): void {
    this.stopped = true;
    this.cancelTimer();
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    this.cancelTimer();
    if (this.stopped || this.period === null || this.running) return;
    const due = this.lastStart === undefined ? 0 : Math.max(0, this.lastStart + this.period - this.clock.now());
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      void this.refreshNow();
    }, due);
  }
}
