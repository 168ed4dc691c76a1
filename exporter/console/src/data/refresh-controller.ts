// Keeps the page's numbers fresh by the chosen means: a timer (10 s … 5 min), nothing but the
// manual button (off), or the live stream, which falls back to the timer while it is refused.
import type { CatalogueSection } from '../api/catalogue.ts';
import type { Clock } from './clock.ts';
import type { LiveState, SnapshotEvent } from './live-stream.ts';
import { dataKey, type MonitoringStore, type Query } from './monitoring-store.ts';
import { LIVE_FALLBACK_PERIOD_MS, RefreshScheduler, type RefreshChoice } from './refresh-scheduler.ts';

export interface LiveStreamHandle {
  start(): void;
  stop(): void;
}

export interface RefreshControllerOptions {
  store: MonitoringStore;
  clock: Clock;
  createLiveStream: (handlers: { onSnapshot: (event: SnapshotEvent) => void; onState: (state: LiveState) => void }) => LiveStreamHandle;
  onSignedOut: () => void;
}

/** What the freshness controls show about live mode. */
export type LiveStatus = { kind: 'off' } | LiveState;

export class RefreshController {
  private target: { section: CatalogueSection; query: Query } | undefined;
  private choice: RefreshChoice | undefined;
  private live: LiveStreamHandle | undefined;
  private status: LiveStatus = { kind: 'off' };
  private readonly listeners = new Set<(status: LiveStatus) => void>();
  private readonly scheduler: RefreshScheduler;

  constructor(private readonly options: RefreshControllerOptions) {
    this.scheduler = new RefreshScheduler(() => this.loadTarget(), options.clock);
  }

  get liveStatus(): LiveStatus {
    return this.status;
  }

  subscribe(listener: (status: LiveStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The section (and range) on screen; loads it unless the live stream already brought it. Undefined: no section page. */
  setTarget(section: CatalogueSection | undefined, query: Query = {}): void {
    this.target = section ? { section, query } : undefined;
    if (!section) return;
    const fromStream = this.status.kind === 'open' && Object.keys(query).length === 0 && this.options.store.state.data.has(dataKey(section.name));
    if (!fromStream) void this.scheduler.refreshNow();
  }

  setChoice(choice: RefreshChoice): void {
    if (choice === this.choice) return;
    this.choice = choice;
    if (choice === 'live') {
      this.scheduler.setPeriod(null);
      this.live ??= this.options.createLiveStream({ onSnapshot: (event) => this.onSnapshot(event), onState: (state) => this.onLiveState(state) });
      this.live.start();
      return;
    }
    this.live?.stop();
    this.live = undefined;
    this.setStatus({ kind: 'off' });
    this.scheduler.setPeriod(choice === 'off' ? null : choice);
  }

  refreshNow(): Promise<void> {
    return this.scheduler.refreshNow();
  }

  dispose(): void {
    this.scheduler.stop();
    this.live?.stop();
    this.live = undefined;
    this.listeners.clear();
  }

  private loadTarget(): Promise<void> {
    return this.target ? this.options.store.load(this.target.section, this.target.query) : Promise.resolve();
  }

  private onSnapshot(event: SnapshotEvent): void {
    this.options.store.applySnapshot(event);
    // A custom range is not in the stream's bodies: fetch it for each new snapshot.
    if (this.target && Object.keys(this.target.query).length > 0) void this.scheduler.refreshNow();
  }

  private onLiveState(state: LiveState): void {
    this.setStatus(state);
    if (state.kind === 'open') this.scheduler.setPeriod(null);
    else if (state.kind === 'refused') this.scheduler.setPeriod(LIVE_FALLBACK_PERIOD_MS);
    else if (state.kind === 'reconnecting') this.options.store.setUnreachable();
    else if (state.kind === 'signed-out') this.options.onSignedOut();
  }

  private setStatus(status: LiveStatus): void {
    this.status = status;
    for (const listener of this.listeners) listener(status);
  }
}
