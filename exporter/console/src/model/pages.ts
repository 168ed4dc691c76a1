// The console's URLs: /console/<section name> for each catalogue section, /console/profile for
// Profile Settings, and /console/ for the first section. (A section named `profile` would be
// shadowed by Profile Settings; the catalogue has none.)
import type { CatalogueSection } from '../api/catalogue.ts';

export const CONSOLE_BASE = '/console/';
export const PROFILE_HREF = `${CONSOLE_BASE}profile`;

export type Page = { kind: 'section'; section: CatalogueSection } | { kind: 'profile' } | { kind: 'not-found' };

export function sectionHref(section: CatalogueSection): string {
  return `${CONSOLE_BASE}${encodeURIComponent(section.name)}`;
}

/** The page of a path, given the sections in sidebar order. */
export function pageFor(path: string, sections: readonly CatalogueSection[]): Page {
  // The router may report the root without its slash (`/console`).
  const rest = `${path}/`.startsWith(CONSOLE_BASE) ? path.slice(CONSOLE_BASE.length).replace(/\/+$/, '') : undefined;
  if (rest === undefined) return { kind: 'not-found' };
  if (rest === '') return sections[0] ? { kind: 'section', section: sections[0] } : { kind: 'not-found' };
  if (`${CONSOLE_BASE}${rest}` === PROFILE_HREF) return { kind: 'profile' };
  let name: string;
  try {
    name = decodeURIComponent(rest);
  } catch {
    return { kind: 'not-found' };
  }
  const section = sections.find((candidate) => candidate.name === name);
  return section ? { kind: 'section', section } : { kind: 'not-found' };
}
