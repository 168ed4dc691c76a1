import { LRUCache } from 'lru-cache';
import { SERVE_EXPIRED_INTERVALS } from '../../snapshot/snapshot-service.js';

interface Entry {
  figures?: object;
  /** When `figures` were computed (epoch ms). */
  computedAt: number;
  /** The computation running for this range, if any (single-flight). */
  computing?: Promise<object>;
  /** Why the last computation failed, while there are no figures to serve instead. */
  failure?: unknown;
  /** No new computation before this instant (epoch ms): one interval after a success, the retry delay after a failure. */
  nextAttemptAt: number;
}

/**
 * The figures of custom `from`/`to` ranges, with the snapshot's freshness rules (SnapshotService).
 * Viewers of one dashboard share a range, so each range is computed at most once per refresh
 * interval however many ask; figures past their interval but younger than SERVE_EXPIRED_INTERVALS
 * intervals are served at once while one recomputation runs (stale-while-revalidate); older ones,
 * or a range never asked, wait for the database. When a recomputation fails, the last figures
 * are served on, flagged stale once past their interval. Grafana's "this month" ends
 * at the month's last millisecond, not at the snapshot's exclusive end, so every dashboard viewer
 * takes this path.
 */
/** A range's figures as served: `stale` as the snapshot's flag. */
export interface RangedAnswer {
  figures: object;
  stale: boolean;
}

export class RangedFigures {
  private readonly entries: LRUCache<string, Entry>;

  constructor(
    private readonly intervalMs: number,
    private readonly compute: (from: Date, to: Date) => Promise<object>,
    maxRanges = 256,
  ) {
    this.entries = new LRUCache({ max: maxRanges });
  }

  private get retryDelayMs(): number {
    return Math.min(this.intervalMs, 5_000);
  }

  /**
   * The range's figures, `stale` (as the snapshot's flag) when they are past their interval and
   * the database failed to give newer ones; rejects only when there are none to serve.
   */
  async get(from: Date, to: Date): Promise<RangedAnswer> {
    const key = `${from.getTime()}:${to.getTime()}`;
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { computedAt: Number.NEGATIVE_INFINITY, nextAttemptAt: Number.NEGATIVE_INFINITY };
      this.entries.set(key, entry);
    }
    const now = Date.now();
    if (!entry.computing && now >= entry.nextAttemptAt) this.recompute(entry, from, to);
    const { figures, computing } = entry;
    if (!figures) {
      if (!computing) throw entry.failure; // none yet, and backing off after a failure
      return { figures: await computing, stale: false };
    }
    if (computing && now - entry.computedAt >= SERVE_EXPIRED_INTERVALS * this.intervalMs) {
      try {
        return { figures: await computing, stale: false };
      } catch {
        // served on, below
      }
    }
    return { figures, stale: entry.failure !== undefined && Date.now() - entry.computedAt >= this.intervalMs };
  }

  private recompute(entry: Entry, from: Date, to: Date): void {
    const computing = this.compute(from, to);
    entry.computing = computing;
    computing.then(
      (figures) => {
        entry.figures = figures;
        entry.computedAt = Date.now();
        entry.computing = undefined;
        entry.failure = undefined;
        entry.nextAttemptAt = entry.computedAt + this.intervalMs;
      },
      (error: unknown) => {
        entry.computing = undefined;
        entry.failure = error;
        entry.nextAttemptAt = Date.now() + this.retryDelayMs;
      },
    );
  }
}
