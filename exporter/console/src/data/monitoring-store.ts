// The numbers on screen: the last body received for each section (and range), whether the
// exporter answers, and whether a refresh is under way. Failures never clear the numbers: the
// page keeps showing the last ones with a banner saying why they may be old.
import type { CatalogueSection } from '../api/catalogue.ts';
import { ApiError, NetworkError } from '../api/http.ts';
import type { SnapshotEvent } from './live-stream.ts';

export interface SectionData {
  body: unknown;
  /** the snapshot's time, from the body */
  generatedAt: string;
  stale: boolean;
}

export type Connection =
  | { kind: 'ok' }
  /** no answer at all (network down, exporter stopped) */
  | { kind: 'unreachable' }
  /** an answer with an error (503 before the first snapshot, 403, …) */
  | { kind: 'failed'; status: number; message: string };

export interface MonitoringState {
  data: ReadonlyMap<string, SectionData>;
  connection: Connection;
  loading: boolean;
}

export type Query = Readonly<Record<string, string>>;

/** Where a section's body for a query (a revenue range) is kept: the name alone for the default. */
export function dataKey(sectionName: string, query: Query = {}): string {
  const search = new URLSearchParams(Object.entries(query).sort(([a], [b]) => a.localeCompare(b))).toString();
  return search ? `${sectionName}?${search}` : sectionName;
}

export function sectionUrl(section: CatalogueSection, query: Query = {}): string {
  const search = new URLSearchParams(query).toString();
  return search ? `${section.path}?${search}` : section.path;
}

function sectionDataOf(body: unknown, fallback?: { generatedAt: string; stale: boolean }): SectionData {
  const meta = (body ?? {}) as { generatedAt?: unknown; stale?: unknown };
  return {
    body,
    generatedAt: typeof meta.generatedAt === 'string' ? meta.generatedAt : (fallback?.generatedAt ?? ''),
    stale: fallback ? fallback.stale : meta.stale === true,
  };
}

export class MonitoringStore {
  private current: MonitoringState = { data: new Map(), connection: { kind: 'ok' }, loading: false };
  private readonly listeners = new Set<(state: MonitoringState) => void>();

  constructor(private readonly api: { get<T>(url: string): Promise<T> }) {}

  get state(): MonitoringState {
    return this.current;
  }

  subscribe(listener: (state: MonitoringState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Fetches one section (with a range query, if any). Never throws: failures land in `connection`. */
  async load(section: CatalogueSection, query: Query = {}): Promise<void> {
    this.update({ loading: true });
    try {
      const body = await this.api.get<unknown>(sectionUrl(section, query));
      const data = new Map(this.current.data);
      // One range per section besides the default: switching ranges does not pile bodies up.
      for (const key of data.keys()) if (key.startsWith(`${section.name}?`)) data.delete(key);
      data.set(dataKey(section.name, query), sectionDataOf(body));
      this.update({ data, connection: { kind: 'ok' }, loading: false });
    } catch (error) {
      const connection: Connection =
        error instanceof ApiError
          ? { kind: 'failed', status: error.status, message: error.message }
          : error instanceof NetworkError
            ? { kind: 'unreachable' }
            : { kind: 'failed', status: 0, message: String(error) };
      this.update({ connection, loading: false });
    }
  }

  /** A live snapshot: every section's default body at once. */
  applySnapshot(event: SnapshotEvent): void {
    const data = new Map(this.current.data);
    for (const [name, body] of Object.entries(event.sections)) data.set(dataKey(name), sectionDataOf(body, event));
    this.update({ data, connection: { kind: 'ok' } });
  }

  setUnreachable(): void {
    this.update({ connection: { kind: 'unreachable' } });
  }

  private update(change: Partial<MonitoringState>): void {
    this.current = { ...this.current, ...change };
    for (const listener of this.listeners) listener(this.current);
  }
}
