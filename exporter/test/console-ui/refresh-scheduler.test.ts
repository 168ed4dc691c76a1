import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RefreshScheduler } from '../../console/src/data/refresh-scheduler.ts';
import { ManualClock, settle } from './support/manual-clock.ts';

/** A task that records when it ran and takes `durationMs` of the manual clock. */
function recordingTask(clock: ManualClock, durationMs = 0) {
  const starts: number[] = [];
  let running = 0;
  let overlapped = false;
  const task = () => {
    starts.push(clock.now());
    running += 1;
    overlapped ||= running > 1;
    return new Promise<void>((resolve) =>
      clock.setTimeout(() => {
        running -= 1;
        resolve();
      }, durationMs),
    );
  };
  return { task, starts, overlapped: () => overlapped };
}

describe('refresh scheduling', () => {
  it('runs at once, then every period from the start of the previous run', async () => {
    const clock = new ManualClock();
    const { task, starts } = recordingTask(clock, 2_000);
    const scheduler = new RefreshScheduler(task, clock);
    scheduler.setPeriod(30_000);
    await clock.advance(95_000);
    assert.deepEqual(starts, [0, 30_000, 60_000, 90_000]);
    scheduler.stop();
  });

  it('never runs twice at once: a run longer than the period is followed at once by the next', async () => {
    const clock = new ManualClock();
    const recorder = recordingTask(clock, 40_000);
    const scheduler = new RefreshScheduler(recorder.task, clock);
    scheduler.setPeriod(10_000);
    await clock.advance(100_000);
    assert.deepEqual(recorder.starts, [0, 40_000, 80_000]);
    assert.equal(recorder.overlapped(), false);
    scheduler.stop();
  });

  it('restarts the period from a manual refresh', async () => {
    const clock = new ManualClock();
    const { task, starts } = recordingTask(clock);
    const scheduler = new RefreshScheduler(task, clock);
    scheduler.setPeriod(30_000);
    await clock.advance(10_000);
    void scheduler.refreshNow();
    await clock.advance(35_000);
    assert.deepEqual(starts, [0, 10_000, 40_000]);
    scheduler.stop();
  });

  it('runs once more after the current run when asked during it', async () => {
    const clock = new ManualClock();
    const { task, starts } = recordingTask(clock, 5_000);
    const scheduler = new RefreshScheduler(task, clock);
    void scheduler.refreshNow();
    await clock.advance(1_000);
    const again = scheduler.refreshNow();
    void scheduler.refreshNow(); // a double click: still one follow-up
    await clock.advance(20_000);
    await again;
    assert.deepEqual(starts, [0, 5_000]);
    scheduler.stop();
  });

  it('stops automatic runs when off, and keeps the manual one', async () => {
    const clock = new ManualClock();
    const { task, starts } = recordingTask(clock);
    const scheduler = new RefreshScheduler(task, clock);
    scheduler.setPeriod(10_000);
    await clock.advance(15_000);
    scheduler.setPeriod(null);
    await clock.advance(60_000);
    assert.deepEqual(starts, [0, 10_000]);
    assert.deepEqual(clock.pending(), []);
    void scheduler.refreshNow();
    await clock.advance(60_000);
    assert.deepEqual(starts, [0, 10_000, 75_000]);
    scheduler.stop();
  });

  it('reschedules a new period from the last start', async () => {
    const clock = new ManualClock();
    const { task, starts } = recordingTask(clock);
    const scheduler = new RefreshScheduler(task, clock);
    scheduler.setPeriod(300_000);
    await clock.advance(20_000);
    scheduler.setPeriod(10_000); // the last run (at 0) is already older than the new period
    await settle();
    await clock.advance(15_000);
    assert.deepEqual(starts, [0, 20_000, 30_000]);
    scheduler.stop();
  });

  it('keeps its schedule when a run fails', async () => {
    const clock = new ManualClock();
    const starts: number[] = [];
    const scheduler = new RefreshScheduler(async () => {
      starts.push(clock.now());
      throw new Error('exporter down');
    }, clock);
    scheduler.setPeriod(10_000);
    await clock.advance(25_000);
    assert.deepEqual(starts, [0, 10_000, 20_000]);
    scheduler.stop();
    await clock.advance(60_000);
    assert.deepEqual(starts, [0, 10_000, 20_000], 'nothing runs after stop');
  });
});
