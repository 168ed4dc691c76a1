// The freshness modes together: timer, off, live with its fallback, against a real exporter. The
// live stream is a stand-in handle here (its client has its own tests): this is about what the
// controller does with each live state.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type { CatalogueSection } from '../../console/src/api/catalogue.ts';
import type { LiveState, SnapshotEvent } from '../../console/src/data/live-stream.ts';
import { MonitoringStore } from '../../console/src/data/monitoring-store.ts';
import { RefreshController } from '../../console/src/data/refresh-controller.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { startTestExporter, type TestExporter } from '../support/test-exporter.js';
import { exporterApi } from './support/exporter-api.ts';
import { ManualClock } from './support/manual-clock.ts';

const people: CatalogueSection = {
  name: 'people',
  path: '/api/monitoring/users',
  position: 0,
  icon: 'apps',
  title: { en: 'People' },
  timeRange: null,
  figures: [],
  breakdowns: [],
};
const money: CatalogueSection = {
  ...people,
  name: 'money',
  path: '/api/monitoring/dashboard',
  timeRange: { from: 'from', to: 'to', default: 'currentMonth', figures: [] },
};

/** Waits (in real time, bounded) for requests in flight to finish. */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await sleep(10);
  assert.ok(condition(), `timed out waiting until ${what}`);
}

describe('refresh controller', () => {
  let db: TestDatabase;
  let exporter: TestExporter;
  before(async () => {
    db = await createTestDatabase();
    exporter = await startTestExporter({ pool: db.pool });
  });
  after(async () => {
    await exporter?.close();
    await db?.drop();
  });

  function setUp() {
    const api = exporterApi(exporter);
    const { requests } = api;
    const store = new MonitoringStore(api);
    const clock = new ManualClock();
    const live = {
      started: 0,
      stopped: 0,
      handlers: undefined as undefined | { onSnapshot: (event: SnapshotEvent) => void; onState: (state: LiveState) => void },
    };
    let signedOut = 0;
    const controller = new RefreshController({
      store,
      clock,
      createLiveStream: (handlers) => {
        live.handlers = handlers;
        return { start: () => void (live.started += 1), stop: () => void (live.stopped += 1) };
      },
      onSignedOut: () => void (signedOut += 1),
    });
    /** Moves the clock, then lets the requests it started finish. */
    const advance = async (ms: number) => {
      await clock.advance(ms);
      await until(() => api.inFlight() === 0, 'requests finish');
      await clock.advance(0);
    };
    return {
      store,
      clock,
      controller,
      requests,
      live,
      advance,
      signedOut: () => signedOut,
      idle: () => until(() => api.inFlight() === 0, 'requests finish'),
    };
  }

  it('loads the page at once and then every period', async () => {
    const { controller, requests, advance, idle, store } = setUp();
    controller.setChoice(10_000);
    controller.setTarget(people);
    await idle();
    assert.equal(requests.length, 1);
    await advance(10_000);
    await advance(10_000);
    assert.deepEqual(requests, ['/api/monitoring/users', '/api/monitoring/users', '/api/monitoring/users']);
    assert.ok(store.state.data.get('people'));
    controller.setChoice('off');
    await advance(60_000);
    assert.equal(requests.length, 3, 'off: no more automatic loads');
    await controller.refreshNow();
    assert.equal(requests.length, 4, 'the manual refresh still works');
    controller.dispose();
  });

  it('asks for a range with its query, and stops loading when no section page is shown', async () => {
    const { controller, requests, advance, idle } = setUp();
    controller.setChoice(30_000);
    controller.setTarget(money, { from: '2026-10-01', to: '2026-11-01' });
    await idle();
    assert.deepEqual(requests, ['/api/monitoring/dashboard?from=2026-10-01&to=2026-11-01']);
    controller.setTarget(undefined);
    await advance(120_000);
    assert.equal(requests.length, 1);
    controller.dispose();
  });

  it('in live mode polls only while the stream is refused, and takes snapshots from the stream', async () => {
    const { controller, requests, advance, idle, live, store, signedOut } = setUp();
    controller.setChoice('live');
    controller.setTarget(people);
    await idle();
    assert.equal(live.started, 1);
    assert.equal(requests.length, 1, 'the first load does not wait for the stream');
    await advance(120_000);
    assert.equal(requests.length, 1, 'no timer in live mode');

    live.handlers!.onState({ kind: 'refused', status: 429, retryAfterSeconds: 60 });
    assert.deepEqual(controller.liveStatus, { kind: 'refused', status: 429, retryAfterSeconds: 60 });
    await advance(0);
    assert.equal(requests.length, 2, 'the numbers are 2 minutes old: loaded at once');
    await advance(30_000);
    await advance(30_000);
    assert.equal(requests.length, 4, 'then every 30 s while refused');

    live.handlers!.onState({ kind: 'open' });
    await advance(120_000);
    assert.equal(requests.length, 4, 'the open stream stops the polling');
    live.handlers!.onSnapshot({ generatedAt: '2026-11-29T10:00:00.000Z', stale: false, sections: { people: { total: 42 } } });
    assert.deepEqual(store.state.data.get('people')?.body, { total: 42 });

    controller.setTarget(people);
    await idle();
    assert.equal(requests.length, 4, 'a page the stream already brought is not fetched again');
    controller.setTarget(money, { from: '2026-10-01', to: '2026-11-01' });
    await idle();
    live.handlers!.onSnapshot({ generatedAt: '2026-11-29T10:00:15.000Z', stale: false, sections: {} });
    await idle();
    assert.equal(requests.filter((url) => url.includes('from=')).length, 2, 'a custom range is fetched again for each snapshot');

    live.handlers!.onState({ kind: 'reconnecting' });
    assert.deepEqual(store.state.connection, { kind: 'unreachable' });
    live.handlers!.onState({ kind: 'signed-out' });
    assert.equal(signedOut(), 1);

    controller.setChoice(60_000);
    assert.equal(live.stopped, 1);
    assert.deepEqual(controller.liveStatus, { kind: 'off' });
    controller.dispose();
  });
});
