import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isSection, type Section } from './section.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));

/** The modules of this folder (TypeScript sources under tsx, compiled JavaScript in dist/). */
function moduleFiles(): string[] {
  return readdirSync(HERE)
    .filter((name) => /\.(ts|js)$/.test(name) && !name.endsWith('.d.ts') && !/^index\.(ts|js)$/.test(name))
    .sort();
}

const modules: Array<Record<string, unknown>> = await Promise.all(
  moduleFiles().map((name) => import(pathToFileURL(join(HERE, name)).href) as Promise<Record<string, unknown>>),
);

/**
 * The monitoring sections, in sidebar order (ascending `position`): every section a module of
 * this folder exports (made with defineSection). The JSON API, /metrics, the catalogue, the
 * Grafana dashboards and the app plugin's sidebar are all generated from this list, so adding a
 * section is adding its file here (see docs/catalogue.md).
 */
export const SECTIONS: readonly Section[] = [...new Set(modules.flatMap((exports) => Object.values(exports).filter(isSection)))].sort(
  (a, b) => a.position - b.position,
);

export function findSection(name: string): Section | undefined {
  return SECTIONS.find((section) => section.name === name);
}
