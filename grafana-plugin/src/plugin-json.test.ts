import fs from 'node:fs';
import path from 'node:path';
import { isIconName } from '@grafana/data';
import appJson from './plugin.json';
import dataSourceJson from './datasource/plugin.json';
import panelJson from './panels/contactexport/plugin.json';
import { dashboardUid } from './shared/ids';
import { loadCatalogue } from './testing/fakeGrafana';

interface Include {
  type: string;
  name: string;
  path?: string;
  role?: string;
  addToNav?: boolean;
  defaultNav?: boolean;
  icon?: string;
}

const includes = appJson.includes as Include[];
const CONSOLE_PAGE = '/a/kewhats-monitoring-app/console';
const allPages = includes.filter((include) => include.type === 'page');
/** the sections' pages (the console's entry aside) */
const pages = allPages.filter((include) => include.path !== CONSOLE_PAGE);

/**
 * The sidebar Grafana builds from the app's includes (processAppPlugin in
 * pkg/services/navtree/navtreeimpl/applinks.go): every `page` with addToNav is a child linking to
 * its path; a defaultNav page becomes the app's own link, and children with that URL are dropped.
 */
function grafanaSidebar(appId: string, appIncludes: Include[]) {
  let appUrl = `/a/${appId}`;
  const children: Array<{ text: string; url: string }> = [];
  for (const include of appIncludes.filter((candidate) => candidate.type === 'page' && candidate.addToNav)) {
    const url = include.path ?? '';
    if (include.defaultNav) {
      appUrl = url;
    }
    children.push({ text: include.name, url });
  }
  return { appUrl, children: children.filter((child) => child.url !== appUrl) };
}

describe('plugin.json files', () => {
  it('declare the fixed ids and no backend', () => {
    expect(appJson).toMatchObject({ type: 'app', id: 'kewhats-monitoring-app', autoEnabled: true, backend: false });
    expect(dataSourceJson).toMatchObject({ type: 'datasource', id: 'kewhats-monitoring-datasource', backend: false });
    expect(panelJson).toMatchObject({ type: 'panel', id: 'kewhats-contactexport-panel', skipDataQuery: true });
    for (const json of [appJson, dataSourceJson, panelJson]) {
      expect(json.dependencies.grafanaDependency).toBe('>=12.3.0');
    }
  });

  it('give every section of the catalogue a sidebar page, in its order, opening its dashboard', () => {
    // plugin.json is generated from the exporter's sections (npm run grafana:generate -w exporter);
    // the recorded catalogue comes from the same sections.
    const catalogue = loadCatalogue();
    expect(pages.map((page) => [page.name, page.path, page.addToNav, page.role, page.icon])).toEqual(
      catalogue.sections.map((section) => [
        section.title.id,
        `/d/${dashboardUid(section.name)}`,
        true,
        'Viewer',
        section.icon,
      ])
    );
  });

  it('show all eight sections in Grafana’s sidebar, and keep the app’s own page reachable (no defaultNav)', () => {
    const sidebar = grafanaSidebar(appJson.id, includes);
    expect(sidebar.appUrl).toBe('/a/kewhats-monitoring-app');
    expect(sidebar.children.map((child) => child.url)).toEqual([
      '/d/kewhats-dashboard',
      '/d/kewhats-users',
      '/d/kewhats-connections',
      '/d/kewhats-integrations',
      '/d/kewhats-chatbots',
      '/d/kewhats-broadcasts',
      '/d/kewhats-contacts',
      '/d/kewhats-webhooks',
      CONSOLE_PAGE,
    ]);
    // What a defaultNav page would have done: the app link taken over and one section gone.
    const withDefault = grafanaSidebar(appJson.id, [{ ...pages[0]!, defaultNav: true }, ...pages.slice(1)]);
    expect(withDefault.children).toHaveLength(7);
  });

  it('end the sidebar with the monitoring console, a page of the app that opens it', () => {
    expect(allPages.at(-1)).toEqual({ type: 'page', name: 'Konsol pemantauan', path: CONSOLE_PAGE, role: 'Viewer', addToNav: true, icon: 'monitor' });
  });

  it('use icons of Grafana’s icon set', () => {
    for (const page of allPages) {
      expect(isIconName(page.icon ?? '')).toBe(true);
    }
  });

  it('declare every nested plugin by path and type, as the plugin validator requires (rule includesnested)', () => {
    const nested = includes.filter((include) => include.type !== 'page');
    expect(nested).toEqual([
      { type: 'datasource', name: dataSourceJson.name, path: 'datasource/plugin.json' },
      { type: 'panel', name: panelJson.name, path: 'panels/contactexport/plugin.json' },
    ]);
    // Every nested plugin.json of the source tree (copied to dist/ as it is) is declared.
    const found: string[] = [];
    const walk = (dir: string, prefix = '') => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
        if (entry.isDirectory()) {
          walk(path.join(dir, entry.name), relative);
        } else if (entry.name === 'plugin.json' && prefix) {
          found.push(relative);
        }
      }
    };
    walk(__dirname);
    expect(found.sort()).toEqual(nested.map((include) => include.path).sort());
    for (const include of nested) {
      const json = JSON.parse(fs.readFileSync(path.join(__dirname, include.path!), 'utf8')) as { type: string };
      expect(json.type).toBe(include.type);
    }
  });

  it('route only GET /api/monitoring/* to the exporter, with the token added server side', () => {
    expect(dataSourceJson.routes).toEqual([
      {
        path: 'api/monitoring',
        method: 'GET',
        url: '{{ .JsonData.url }}/api/monitoring',
        headers: [{ name: 'Authorization', content: 'Bearer {{ .SecureJsonData.token }}' }],
      },
    ]);
  });
});
