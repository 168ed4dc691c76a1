import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Label, Language } from '../sections/presentation.js';
import type { Section } from '../sections/section.js';
import { dashboardUid } from './dashboard.js';
import { listJsonFiles, type GeneratedFile } from './files.js';

/** grafana-plugin/src: the app's plugin.json and its nested plugins' (webpack copies them to dist/ as they are). */
export const APP_PLUGIN_DIR = fileURLToPath(new URL('../../../grafana-plugin/src/', import.meta.url));

/**
 * The language of the sidebar entries. Grafana shows an app's `page` includes by their `name`
 * as is, in every user language (processAppPlugin in pkg/services/navtree/navtreeimpl/applinks.go),
 * so the sidebar has one language: the staff's, as the default DASHBOARD_LANGUAGE.
 */
export const SIDEBAR_LANGUAGE: Language = 'id';

/**
 * The sidebar's way to the exporter's monitoring console: a page of the app that sends the browser
 * to /console/ with a full page load (a sidebar link straight to /console/ would be routed inside
 * Grafana's own single-page app, which has no such page). Labelled in both languages like the
 * sections; the sidebar shows SIDEBAR_LANGUAGE, the app's root page the user's language.
 */
export const CONSOLE_NAV_PAGE = {
  slug: 'console',
  icon: 'monitor',
  label: { id: 'Konsol pemantauan', en: 'Monitoring console' } satisfies Label,
};

interface PluginJson {
  type: string;
  name: string;
  includes?: unknown[];
  [key: string]: unknown;
}

/**
 * The app's `includes`: a sidebar page per section, opening its provisioned dashboard, in sidebar
 * order, and the monitoring console's page; then every nested plugin with its `path` (the plugin validator's `includesnested` rule
 * requires each nested plugin.json to be declared by path and type).
 *
 * No page is `defaultNav`: Grafana would make that page the app's own link and drop the child with
 * the same URL from the sidebar (applinks.go), leaving seven sections and no way to the app's root page.
 */
export function appIncludes(
  sections: readonly Section[],
  nested: ReadonlyArray<{ path: string; json: PluginJson }>,
  appId = 'kewhats-monitoring-app',
): unknown[] {
  const pages = [...sections]
    .sort((a, b) => a.position - b.position)
    .map((section) => ({
      type: 'page',
      name: section.title[SIDEBAR_LANGUAGE],
      path: `/d/${dashboardUid(section)}`,
      role: 'Viewer',
      addToNav: true,
      icon: section.icon,
    }));
  const consolePage = {
    type: 'page',
    name: CONSOLE_NAV_PAGE.label[SIDEBAR_LANGUAGE],
    path: `/a/${appId}/${CONSOLE_NAV_PAGE.slug}`,
    role: 'Viewer',
    addToNav: true,
    icon: CONSOLE_NAV_PAGE.icon,
  };
  return [...pages, consolePage, ...nested.map(({ path, json }) => ({ type: json.type, name: json.name, path }))];
}

/** grafana-plugin/src/plugin.json with its `includes` generated; every other key is kept as written. */
export function generateAppPluginJson(sections: readonly Section[], dir: string = APP_PLUGIN_DIR): GeneratedFile {
  const read = (path: string) => JSON.parse(readFileSync(join(dir, path), 'utf8')) as PluginJson;
  const nested = listJsonFiles(dir)
    .filter((path) => path.endsWith('/plugin.json'))
    .map((path) => ({ path, json: read(path) }));
  const app = read('plugin.json');
  return { fileName: 'plugin.json', json: `${JSON.stringify({ ...app, includes: appIncludes(sections, nested, String(app.id)) }, null, 2)}\n` };
}
