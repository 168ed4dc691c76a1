/**
 * Loads the built AMD bundles the way Grafana does: each dist/**\/module.js is evaluated with a
 * `define` that supplies the real @grafana/*, React, rxjs and emotion modules (Grafana's
 * externals), and must export a valid `plugin`. Any import the bundle expects Grafana to
 * provide but which is not one of Grafana's shared modules fails the test.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as emotionCss from '@emotion/css';
import * as grafanaData from '@grafana/data';
import * as grafanaRuntime from '@grafana/runtime';
import * as grafanaUi from '@grafana/ui';
import * as React from 'react';
import * as ReactDOM from 'react-dom';
import * as jsxRuntime from 'react/jsx-runtime';
import * as rxjs from 'rxjs';
import {
  AppPlugin,
  DataSourcePlugin,
  PanelPlugin,
  dateTime,
  type DataQueryRequest,
  type DataSourceInstanceSettings,
} from '@grafana/data';
import { setBackendSrv, setTemplateSrv, type BackendSrv, type TemplateSrv } from '@grafana/runtime';
import { render, screen } from '@testing-library/react';
import {
  FakeBackendSrv,
  FakeTemplateSrv,
  fixtureHandler,
  instanceSettings,
  setupGrafana,
} from '../../src/testing/fakeGrafana';

const DIST = path.resolve(__dirname, '../../dist');

/** The modules Grafana shares with plugins (the externals of create-plugin's webpack config we use). */
function sharedModules(moduleUri: string): Record<string, unknown> {
  return {
    '@emotion/css': emotionCss,
    '@grafana/data': grafanaData,
    '@grafana/runtime': grafanaRuntime,
    '@grafana/ui': grafanaUi,
    react: React,
    'react-dom': ReactDOM,
    'react/jsx-runtime': jsxRuntime,
    rxjs,
    module: { uri: moduleUri, id: moduleUri },
  };
}

interface LoadedBundle {
  dependencies: string[];
  exports: Record<string, unknown>;
}

/** Evaluates an AMD bundle with a `define` that resolves its dependencies from Grafana's shared modules. */
function loadBundle(relativePath: string): LoadedBundle {
  const code = fs.readFileSync(path.join(DIST, relativePath), 'utf8');
  const uri = `public/plugins/kewhats-monitoring-app/${relativePath}`;
  const modules = sharedModules(uri);
  let loaded: LoadedBundle | undefined;
  const define = (dependencies: string[], factory: (...args: unknown[]) => Record<string, unknown>) => {
    const missing = dependencies.filter((name) => !(name in modules));
    if (missing.length) {
      throw new Error(`${relativePath} imports modules Grafana does not share: ${missing.join(', ')}`);
    }
    loaded = { dependencies, exports: factory(...dependencies.map((name) => modules[name])) };
  };
  (define as unknown as { amd: object }).amd = {};
  new Function('define', code)(define);
  if (!loaded) {
    throw new Error(`${relativePath} did not call define()`);
  }
  return loaded;
}

function builtFiles(dir = DIST, prefix = ''): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    return entry.isDirectory() ? builtFiles(path.join(dir, entry.name), relative) : [relative];
  });
}

function builtModules(): string[] {
  return builtFiles().filter((file) => path.basename(file) === 'module.js');
}

beforeAll(() => {
  if (!fs.existsSync(path.join(DIST, 'module.js'))) {
    throw new Error('dist/module.js is missing: run `npm run build -w grafana-plugin` first (npm test does).');
  }
});

describe('built bundles', () => {
  it('are exactly the app, the data source and the panel, each next to its plugin.json', () => {
    const modules = builtModules().sort();
    expect(modules).toEqual(['datasource/module.js', 'module.js', 'panels/contactexport/module.js']);
    for (const module of modules) {
      const pluginJson = JSON.parse(fs.readFileSync(path.join(DIST, path.dirname(module), 'plugin.json'), 'utf8'));
      expect(pluginJson.info.version).toBe(require('../../package.json').version);
      expect(JSON.stringify(pluginJson)).not.toMatch(/%(VERSION|TODAY|PLUGIN_ID)%/);
      for (const logo of Object.values(pluginJson.info.logos) as string[]) {
        expect(fs.existsSync(path.join(DIST, path.dirname(module), logo))).toBe(true);
      }
    }
  });

  it('hold only what Grafana needs (no test data, no sources)', () => {
    const unexpected = builtFiles().filter(
      (file) =>
        !/^((datasource|panels\/contactexport)\/)?(plugin\.json|module\.js(\.map)?|img\/logo\.svg)$|^(README\.md|CHANGELOG\.md|LICENSE)$/.test(
          file
        )
    );
    expect(unexpected).toEqual([]);
  });

  it.each([
    ['module.js', AppPlugin, 'kewhats-monitoring-app'],
    ['datasource/module.js', DataSourcePlugin, 'kewhats-monitoring-datasource'],
    ['panels/contactexport/module.js', PanelPlugin, 'kewhats-contactexport-panel'],
  ] as const)('%s loads with Grafana’s shared modules and exports a valid plugin', (file, PluginClass, id) => {
    const { dependencies, exports } = loadBundle(file);
    expect(dependencies).toEqual(expect.arrayContaining(['@grafana/data', 'react']));
    expect(exports.plugin).toBeInstanceOf(PluginClass);
    expect(JSON.parse(fs.readFileSync(path.join(DIST, path.dirname(file), 'plugin.json'), 'utf8')).id).toBe(id);
  });

  it('the built data source queries through the proxy with the shared @grafana/runtime', async () => {
    const { exports } = loadBundle('datasource/module.js');
    const plugin = exports.plugin as DataSourcePlugin<grafanaData.DataSourceApi>;
    expect(plugin.components.ConfigEditor).toBeDefined();
    expect(plugin.components.QueryEditor).toBeDefined();
    const backend = new FakeBackendSrv(fixtureHandler);
    setBackendSrv(backend as unknown as BackendSrv);
    setTemplateSrv(new FakeTemplateSrv({ section: 'users' }) as unknown as TemplateSrv);
    const DataSourceClass = plugin.DataSourceClass as unknown as new (settings: DataSourceInstanceSettings) => {
      query(request: DataQueryRequest): Promise<{ data: grafanaData.DataFrame[] }>;
    };
    const ds = new DataSourceClass(instanceSettings() as DataSourceInstanceSettings);
    const response = await ds.query({
      targets: [{ refId: 'A', section: '$section', shape: 'breakdown', field: 'byRole' }],
      range: { from: dateTime(0), to: dateTime(1000), raw: { from: 'now-1h', to: 'now' } },
      scopedVars: {},
    } as unknown as DataQueryRequest);
    expect(backend.calls.map((call) => call.url)).toEqual([
      '/api/datasources/proxy/uid/kewhats-monitoring/api/monitoring/catalogue',
      '/api/datasources/proxy/uid/kewhats-monitoring/api/monitoring/users',
    ]);
    expect(response.data[0]!.fields.map((field) => field.name)).toEqual(['label', 'value']);
  });

  it('the built panel renders with the shared @grafana/ui', async () => {
    setupGrafana(fixtureHandler);
    const { exports } = loadBundle('panels/contactexport/module.js');
    const plugin = exports.plugin as PanelPlugin;
    const Panel = plugin.panel!;
    const timeRange = grafanaData.getDefaultTimeRange();
    render(
      React.createElement(Panel, {
        id: 1,
        data: { state: grafanaData.LoadingState.Done, series: [], timeRange },
        timeRange,
        timeZone: 'utc',
        options: { datasourceUid: 'kewhats-monitoring', fileNameTemplate: 'kewhats-{type}-{date}.csv' },
        fieldConfig: { defaults: {}, overrides: [] },
        transparent: false,
        width: 500,
        height: 300,
        renderCounter: 0,
        title: 'Exports',
        eventBus: {},
        onOptionsChange: () => {},
        onFieldConfigChange: () => {},
        onChangeTimeRange: () => {},
        replaceVariables: (value: string) => value,
      } as unknown as grafanaData.PanelProps)
    );
    expect(await screen.findByTestId('kewhats-figure-total')).toHaveTextContent(/\d/);
    expect(screen.getByRole('button', { name: 'Download contacts (CSV)' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Download emails (CSV)' })).toBeInTheDocument();
  });
});
