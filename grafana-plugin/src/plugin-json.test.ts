import appJson from './plugin.json';
import dataSourceJson from './datasource/plugin.json';
import panelJson from './panels/contactexport/plugin.json';
import { SECTIONS } from './shared/sections';

describe('plugin.json files', () => {
  it('declare the fixed ids and no backend', () => {
    expect(appJson).toMatchObject({ type: 'app', id: 'kewhats-monitoring-app', autoEnabled: true, backend: false });
    expect(dataSourceJson).toMatchObject({ type: 'datasource', id: 'kewhats-monitoring-datasource', backend: false });
    expect(panelJson).toMatchObject({ type: 'panel', id: 'kewhats-contactexport-panel', skipDataQuery: true });
    for (const json of [appJson, dataSourceJson, panelJson]) {
      expect(json.dependencies.grafanaDependency).toBe('>=12.3.0');
    }
  });

  it('put the eight monitoring dashboards in the sidebar, in the monitoring sidebar’s order', () => {
    const pages = appJson.includes.filter((include) => include.type === 'page');
    expect(pages.map((page) => [page.name, page.path, page.addToNav])).toEqual(
      SECTIONS.map((section) => [section.title, `/d/${section.dashboardUid}`, true])
    );
    expect(pages.map((page) => page.path)).toEqual([
      '/d/kewhats-dashboard',
      '/d/kewhats-users',
      '/d/kewhats-connections',
      '/d/kewhats-integrations',
      '/d/kewhats-chatbots',
      '/d/kewhats-broadcasts',
      '/d/kewhats-contacts',
      '/d/kewhats-webhooks',
    ]);
    expect(pages.filter((page) => page.defaultNav).map((page) => page.name)).toEqual(['Dashboard']);
    expect(pages.every((page) => page.role === 'Viewer')).toBe(true);
  });

  it('list the nested data source and panel', () => {
    expect(appJson.includes.filter((include) => include.type !== 'page')).toEqual([
      { type: 'datasource', name: dataSourceJson.name },
      { type: 'panel', name: panelJson.name },
    ]);
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
