import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * provisioning/grafana/dashboards: one folder per language (`id/`, `en/`); docker-compose.yml mounts
 * the folder of DASHBOARD_LANGUAGE into Grafana as /var/lib/grafana/dashboards/kewhats. The folder
 * holds generator output only, so any other .json in it is a stale dashboard.
 */
export const DASHBOARDS_DIR = fileURLToPath(new URL('../../../provisioning/grafana/dashboards/', import.meta.url));

/** A file the generators write: its path relative to the folder they own, and its content. */
export interface GeneratedFile {
  fileName: string;
  json: string;
}

export interface FileChanges {
  written: string[];
  unchanged: string[];
  removed: string[];
}

/** The .json files under a folder, as sorted paths relative to it with `/` separators. */
export function listJsonFiles(dir: string = DASHBOARDS_DIR): string[] {
  if (!existsSync(dir)) return [];
  const walk = (folder: string): string[] =>
    readdirSync(folder).flatMap((name) => {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) return walk(path);
      return name.endsWith('.json') ? [relative(dir, path).split(sep).join('/')] : [];
    });
  return walk(dir).sort();
}

/** What writing `generated` into `dir` would change, without touching the disk. */
export function planFiles(generated: readonly GeneratedFile[], dir: string = DASHBOARDS_DIR): FileChanges {
  const wanted = new Set(generated.map((item) => item.fileName));
  const changes: FileChanges = { written: [], unchanged: [], removed: [] };
  for (const item of generated) {
    const path = join(dir, item.fileName);
    const current = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
    (current === item.json ? changes.unchanged : changes.written).push(item.fileName);
  }
  changes.removed = listJsonFiles(dir).filter((name) => !wanted.has(name));
  return changes;
}

/** Writes the generated files and removes stale .json ones (a section that no longer exists). */
export function writeFiles(generated: readonly GeneratedFile[], dir: string = DASHBOARDS_DIR): FileChanges {
  const changes = planFiles(generated, dir);
  const byName = new Map(generated.map((item) => [item.fileName, item]));
  for (const name of changes.written) {
    const path = join(dir, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, byName.get(name)!.json);
  }
  for (const name of changes.removed) rmSync(join(dir, name));
  return changes;
}
