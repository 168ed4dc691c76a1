// The live-mode client's decisions. The browser's EventSource is replaced by a stand-in the test
// drives (Node has none); the stream endpoint itself is tested end to end in a real browser.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LiveStream, type EventSourceLike, type LiveState, type ProbeResult, type SnapshotEvent } from '../../console/src/data/live-stream.ts';
import { ManualClock, settle } from './support/manual-clock.ts';

class StandInEventSource implements EventSourceLike {
  readyState = 0;
  onopen: ((event: Event) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  closed = false;
  private readonly listeners = new Map<string, Array<(event: MessageEvent<string>) => void>>();

  constructor(readonly url: string) {}

  addEventListener(type: string, listener: (event: MessageEvent<string>) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  close(): void {
    this.readyState = 2;
    this.closed = true;
  }

  open(): void {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }

  send(type: string, data: string): void {
    for (const listener of this.listeners.get(type) ?? []) listener({ data } as MessageEvent<string>);
  }

  /** The connection dropped: the browser keeps the source and reconnects by itself. */
  drop(): void {
    this.readyState = 0;
    this.onerror?.(new Event('error'));
  }

  /** The server answered with something other than an event stream: the browser gives up. */
  refuse(): void {
    this.readyState = 2;
    this.onerror?.(new Event('error'));
  }
}

function harness(probeResults: ProbeResult[] = []) {
  const clock = new ManualClock();
  const sources: StandInEventSource[] = [];
  const states: LiveState['kind'][] = [];
  const refusals: Array<Extract<LiveState, { kind: 'refused' }>> = [];
  const snapshots: SnapshotEvent[] = [];
  const probes: string[] = [];
  const stream = new LiveStream({
    clock,
    openEventSource: (url) => {
      const source = new StandInEventSource(url);
      sources.push(source);
      return source;
    },
    probe: async (url) => {
      probes.push(url);
      return probeResults.shift() ?? 'network';
    },
    onSnapshot: (event) => snapshots.push(event),
    onState: (state) => {
      states.push(state.kind);
      if (state.kind === 'refused') refusals.push(state);
    },
  });
  return { clock, sources, states, refusals, snapshots, probes, stream, latest: () => sources.at(-1)! };
}

const snapshot = { generatedAt: '2026-11-29T10:00:00.000Z', stale: false, sections: { anything: { total: 3 } } };

describe('live stream client', () => {
  it('opens the stream and hands over each snapshot event, skipping malformed ones', () => {
    const { stream, sources, states, snapshots, latest } = harness();
    stream.start();
    assert.equal(latest().url, '/api/monitoring/stream');
    latest().open();
    latest().send('snapshot', JSON.stringify(snapshot));
    latest().send('snapshot', '{not json');
    latest().send('snapshot', JSON.stringify({ generatedAt: 1 }));
    assert.deepEqual(snapshots, [snapshot]);
    assert.deepEqual(states, ['connecting', 'open']);
    assert.equal(sources.length, 1);
    stream.stop();
    assert.equal(latest().closed, true);
  });

  it('lets the browser reconnect after a dropped connection', () => {
    const { stream, sources, states, latest } = harness();
    stream.start();
    latest().open();
    latest().drop();
    latest().open();
    assert.deepEqual(states, ['connecting', 'open', 'reconnecting', 'open']);
    assert.equal(sources.length, 1, 'the same EventSource resumes (with Last-Event-ID)');
    stream.stop();
  });

  it('falls back when refused (429): reports the refusal and tries again after Retry-After', async () => {
    const { clock, stream, sources, states, refusals, latest } = harness([{ status: 429, retryAfterSeconds: 20 }]);
    stream.start();
    latest().refuse();
    await settle();
    assert.deepEqual(states, ['connecting', 'refused']);
    assert.deepEqual(refusals[0], { kind: 'refused', status: 429, retryAfterSeconds: 20 });
    await clock.advance(19_000);
    assert.equal(sources.length, 1);
    await clock.advance(1_000);
    assert.equal(sources.length, 2);
    latest().open();
    assert.equal(states.at(-1), 'open');
    stream.stop();
  });

  it('reports the end of the session on 401 and stops trying', async () => {
    const { clock, stream, sources, states, latest } = harness([{ status: 401 }]);
    stream.start();
    latest().refuse();
    await settle();
    assert.equal(states.at(-1), 'signed-out');
    await clock.advance(600_000);
    assert.equal(sources.length, 1);
  });

  it('reconnects with a growing delay while nothing answers', async () => {
    const { clock, stream, sources, states, probes, latest } = harness();
    stream.start();
    for (const delay of [1_000, 2_000, 4_000]) {
      latest().refuse();
      await settle();
      assert.equal(states.at(-1), 'reconnecting');
      const count = sources.length;
      await clock.advance(delay - 1);
      assert.equal(sources.length, count);
      await clock.advance(1);
      assert.equal(sources.length, count + 1, `reconnected after ${delay} ms`);
    }
    assert.equal(probes.length, 3);
    latest().open();
    latest().refuse();
    await settle();
    await clock.advance(1_000);
    assert.equal(sources.length, 5, 'an open connection resets the delay');
    stream.stop();
  });

  it('does nothing more once stopped', async () => {
    const { clock, stream, sources, latest } = harness([{ status: 503 }]);
    stream.start();
    latest().refuse();
    stream.stop();
    await settle();
    await clock.advance(600_000);
    assert.equal(sources.length, 1);
  });
});
