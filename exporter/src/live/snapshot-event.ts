import { serializeSection, type SnapshotView } from '../snapshot/snapshot-service.js';

/** The reconnection delay the browser is told to use (ms). */
export const STREAM_RETRY_MS = 5_000;

/** The stream's first lines: how long a browser waits before reconnecting after a drop. */
export const STREAM_PREAMBLE = `retry: ${STREAM_RETRY_MS}\n\n`;

/** An SSE comment: proxies see traffic, browsers ignore it. */
export const HEARTBEAT = ': heartbeat\n\n';

/**
 * One `snapshot` event (docs/console.md): `id` is the snapshot's time, `data` one line of JSON
 * with `generatedAt`, `stale` and every section's body exactly as `GET <section path>` answers
 * it without a range. Fresh bodies are the strings serialized at refresh time, so an event costs
 * one concatenation per snapshot, whatever the number of streams.
 */
export function snapshotEvent(view: SnapshotView, sectionNames: readonly string[]): string {
  const { snapshot, stale } = view;
  const generatedAt = snapshot.generatedAt.toISOString();
  const bodies = sectionNames.map((name) => {
    const fresh = stale ? undefined : snapshot.freshBodies.get(name);
    return `${JSON.stringify(name)}:${fresh ?? serializeSection(snapshot.sections.get(name) ?? {}, snapshot.generatedAt, stale)}`;
  });
  const data = `{"generatedAt":${JSON.stringify(generatedAt)},"stale":${stale},"sections":{${bodies.join(',')}}}`;
  return `id: ${generatedAt}\nevent: snapshot\ndata: ${data}\n\n`;
}
