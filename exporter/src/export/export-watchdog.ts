import type { Readable } from 'node:stream';

/** The limits of one export (EXPORT_STATEMENT_TIMEOUT_MS, EXPORT_IDLE_TIMEOUT_MS). */
export interface ExportLimits {
  /** The longest an export may take, start to end, however fast or slow its client reads. */
  totalMs: number;
  /** The longest its client may accept nothing while data waits for it. */
  idleMs: number;
}

/** Why an export was stopped before its end; the message names the setting that did it. */
export class ExportCutError extends Error {
  override name = 'ExportCutError';
}

export interface ExportWatch {
  /** From now on the idle limit applies to `source`, the stream piped into the client. */
  watch(source: Readable): void;
  stop(): void;
}

/**
 * Calls `cut` once when the export outlives either limit. The database cannot do this itself: a
 * COPY blocked on writing to a client that does not read is not cancelled by its statement
 * timeout, so it would keep its slot, its pool connection and its backend for as long as the
 * client likes.
 *
 * "Idle" means the client is the bottleneck: the piped source is paused because the response's
 * buffer is full (back-pressure) and stays paused for `idleMs`. A database still computing the
 * first rows is not idle time: the total limit (and the statement timeout) covers that.
 */
export function startExportWatch(limits: ExportLimits, cut: (reason: ExportCutError) => void): ExportWatch {
  let done = false;
  const cutOnce = (reason: ExportCutError) => {
    if (done) return;
    stop();
    cut(reason);
  };
  const totalTimer = setTimeout(
    () => cutOnce(new ExportCutError(`the export ran longer than EXPORT_STATEMENT_TIMEOUT_MS (${limits.totalMs} ms)`)),
    limits.totalMs,
  );
  let source: Readable | undefined;
  let idleTimer: NodeJS.Timeout | undefined;
  // One timer for the whole export, re-armed at each pause: pauses come thousands of times
  // during a fast export, and creating a timer for each would cost more than the check.
  const onPause = () => {
    if (idleTimer) idleTimer.refresh();
    else idleTimer = setTimeout(onIdle, limits.idleMs);
  };
  const onIdle = () => {
    if (source?.isPaused()) {
      cutOnce(new ExportCutError(`the client accepted no data for EXPORT_IDLE_TIMEOUT_MS (${limits.idleMs} ms)`));
    }
  };
  function stop() {
    done = true;
    clearTimeout(totalTimer);
    clearTimeout(idleTimer);
    source?.off('pause', onPause);
  }
  return {
    watch(piped) {
      source = piped;
      piped.on('pause', onPause);
    },
    stop,
  };
}
