import { readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GeneratedDashboard } from './dashboard.js';

/**
 * provisioning/grafana/dashboards: mounted into Grafana as /var/lib/grafana/dashboards/kewhats.
 * The folder holds generator output only, so any other .json in it is a stale dashboard.
 */
export const DASHBOARDS_DIR = fileURLToPath(new URL('../../../provisioning/grafana/dashboards/', import.meta.url));

export interface DashboardFileChanges {
  written: string[];
  unchanged: string[];
  removed: string[];
}

/** The .json files in the folder, sorted. */
export function listDashboardFiles(dir: string = DASHBOARDS_DIR): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort();
}

/** What writing `generated` would change, without touching the disk. */
export function planDashboardFiles(generated: readonly GeneratedDashboard[], dir: string = DASHBOARDS_DIR): DashboardFileChanges {
  const wanted = new Set(generated.map((item) => item.fileName));
  const changes: DashboardFileChanges = { written: [], unchanged: [], removed: [] };
  for (const item of generated) {
    const path = join(dir, item.fileName);
    const current = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
    (current === item.json ? changes.unchanged : changes.written).push(item.fileName);
  }
  changes.removed = listDashboardFiles(dir).filter((name) => !wanted.has(name));
  return changes;
}

/** Writes the generated dashboards and removes stale ones (a section that no longer exists). */
export function writeDashboardFiles(generated: readonly GeneratedDashboard[], dir: string = DASHBOARDS_DIR): DashboardFileChanges {
  const changes = planDashboardFiles(generated, dir);
  mkdirSync(dir, { recursive: true });
  const byName = new Map(generated.map((item) => [item.fileName, item]));
  for (const name of changes.written) writeFileSync(join(dir, name), byName.get(name)!.json);
  for (const name of changes.removed) rmSync(join(dir, name));
  return changes;
}
