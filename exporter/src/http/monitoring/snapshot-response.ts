import type { Response } from 'express';
import { NoSnapshotError, serializeSection, type SnapshotService, type SnapshotView } from '../../snapshot/snapshot-service.js';
import { HttpError } from '../errors.js';

/** The current snapshot, or a 503 when the database has never answered. */
export async function currentSnapshot(snapshots: SnapshotService): Promise<SnapshotView> {
  try {
    return await snapshots.current();
  } catch (error) {
    if (error instanceof NoSnapshotError) {
      throw new HttpError(503, 'unavailable', 'database unavailable and no snapshot to serve yet', { 'Retry-After': '5' });
    }
    throw error;
  }
}

/**
 * Answers with a section's body: the one serialized at refresh time when it is fresh and
 * unchanged, otherwise `body` (or the snapshot's) serialized with the stale flag.
 */
export function sendSection(res: Response, view: SnapshotView, name: string, body?: object): void {
  res.set('Cache-Control', 'no-store');
  if (view.stale) res.set('Warning', '110 - "stale snapshot: database unavailable"');
  res.type('application/json');
  const fresh = !view.stale && body === undefined ? view.snapshot.freshBodies.get(name) : undefined;
  res.send(fresh ?? serializeSection(body ?? view.snapshot.sections.get(name)!, view.snapshot.generatedAt, view.stale));
}
