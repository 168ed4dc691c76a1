/**
 * Browser harness: plays Grafana's part for the built plugin bundles. It provides Grafana's
 * shared modules to the AMD bundles (like Grafana's SystemJS loader), implements the runtime
 * services the plugin uses (backend, data source and template services), and renders the
 * built contact-export panel inside a Grafana-themed panel container.
 *
 * Page parameters: ?theme=dark|light&uid=<data source uid>&lang=<Grafana UI language>
 * &panelLanguage=id|en&section=<name> (the last two are the panel's options).
 */
import React from 'react';
import * as ReactDOM from 'react-dom';
import { createRoot } from 'react-dom/client';
import * as jsxRuntime from 'react/jsx-runtime';
import * as rxjs from 'rxjs';
import { Observable } from 'rxjs';
import * as emotionCss from '@emotion/css';
import { css } from '@emotion/css';
import * as grafanaData from '@grafana/data';
import {
  createTheme,
  getDefaultTimeRange,
  LoadingState,
  ThemeContext,
  type DataSourceApi,
  type DataSourceInstanceSettings,
  type PanelPlugin,
  type PanelProps,
  type DataSourcePlugin,
  type ScopedVars,
} from '@grafana/data';
import * as grafanaRuntime from '@grafana/runtime';
import {
  setBackendSrv,
  setDataSourceSrv,
  setTemplateSrv,
  type BackendSrv,
  type BackendSrvRequest,
  type DataSourceSrv,
  type FetchResponse,
  type TemplateSrv,
} from '@grafana/runtime';
import * as grafanaUi from '@grafana/ui';
import { GlobalStyles } from '@grafana/ui';

const PLUGIN_BASE = '/public/plugins/kewhats-monitoring-app';

// ---- Grafana's backend service: fetch() with Grafana's response and error shapes ----------

/**
 * Grafana's parseResponseBody (public/app/core/utils/fetch.ts): by `responseType`, else JSON when
 * the content type is application/json, else text that is parsed as JSON when it is JSON.
 */
async function parseBody(response: Response, responseType: BackendSrvRequest['responseType']): Promise<unknown> {
  const type =
    responseType ?? (/^application\/json/i.test(response.headers.get('content-type') ?? '') ? 'json' : undefined);
  switch (type) {
    case 'blob':
      return response.blob();
    case 'arraybuffer':
      return response.arrayBuffer();
    case 'text':
      return response.text();
    case 'json':
      return response.json();
    default: {
      const text = await response.text();
      try {
        return JSON.parse(text);
      } catch {
        return text;
      }
    }
  }
}

class HarnessBackendSrv {
  readonly requests: Array<{ url: string; headers: Record<string, string> }> = [];

  fetch<T>(options: BackendSrvRequest): Observable<FetchResponse<T>> {
    return new Observable<FetchResponse<T>>((subscriber) => {
      const controller = new AbortController();
      const url = new URL(options.url, window.location.origin);
      for (const [key, value] of Object.entries(options.params ?? {})) {
        if (value !== undefined && value !== null) {
          url.searchParams.append(key, String(value));
        }
      }
      const headers: Record<string, string> = { 'X-Grafana-Org-Id': '1', ...(options.headers ?? {}) };
      this.requests.push({ url: url.pathname + url.search, headers });
      fetch(url, { method: options.method ?? 'GET', headers, signal: controller.signal, credentials: 'same-origin' })
        .then(async (response) => {
          const data = (await parseBody(response, options.responseType)) as T;
          if (!response.ok) {
            subscriber.error({ status: response.status, statusText: response.statusText, data, config: options });
            return;
          }
          subscriber.next({
            data,
            status: response.status,
            statusText: response.statusText,
            ok: response.ok,
            headers: response.headers,
            redirected: response.redirected,
            type: response.type,
            url: response.url,
            config: options,
          });
          subscriber.complete();
        })
        .catch((error) => subscriber.error(error));
      return () => controller.abort();
    });
  }
}

// ---- template service -----------------------------------------------------------------------

class HarnessTemplateSrv {
  replace(target?: string, scopedVars?: ScopedVars): string {
    return (target ?? '').replace(/\$\{(\w+)\}|\$(\w+)/g, (match, braced: string, plain: string) => {
      const value = scopedVars?.[braced ?? plain]?.value;
      return value === undefined ? match : String(value);
    });
  }
  containsTemplate(target?: string) {
    return !!target && target.includes('$');
  }
  getVariables() {
    return [];
  }
  updateTimeRange() {}
}

// ---- AMD loader for the built bundles ----------------------------------------------------------

type Factory = (...deps: unknown[]) => Record<string, unknown>;
const shared: Record<string, unknown> = {
  react: React,
  'react-dom': ReactDOM,
  'react/jsx-runtime': jsxRuntime,
  rxjs,
  '@emotion/css': emotionCss,
  '@grafana/data': grafanaData,
  '@grafana/runtime': grafanaRuntime,
  '@grafana/ui': grafanaUi,
};
let pendingDefine: { deps: string[]; factory: Factory } | undefined;
const define = (deps: string[], factory: Factory) => {
  pendingDefine = { deps, factory };
};
define.amd = {};
(window as unknown as { define: typeof define }).define = define;

function loadPluginModule(path: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    const uri = `${PLUGIN_BASE}/${path}`;
    script.src = uri;
    script.onload = () => {
      const defined = pendingDefine;
      pendingDefine = undefined;
      if (!defined) {
        reject(new Error(`${path} did not call define()`));
        return;
      }
      const missing = defined.deps.filter((dep) => dep !== 'module' && !(dep in shared));
      if (missing.length) {
        reject(new Error(`${path} needs modules Grafana does not share: ${missing.join(', ')}`));
        return;
      }
      resolve(defined.factory(...defined.deps.map((dep) => (dep === 'module' ? { uri, id: uri } : shared[dep]))));
    };
    script.onerror = () => reject(new Error(`cannot load ${uri}`));
    document.head.appendChild(script);
  });
}

// ---- the page ------------------------------------------------------------------------------------

const params = new URLSearchParams(window.location.search);
const mode = params.get('theme') === 'light' ? 'light' : 'dark';
const uid = params.get('uid') ?? 'kewhats-monitoring';
const height = Number(params.get('height') ?? 240);
const theme = createTheme({ colors: { mode } });

const backendSrv = new HarnessBackendSrv();
setBackendSrv(backendSrv as unknown as BackendSrv);
setTemplateSrv(new HarnessTemplateSrv() as unknown as TemplateSrv);

async function start() {
  const dsModule = await loadPluginModule('datasource/module.js');
  const panelModule = await loadPluginModule('panels/contactexport/module.js');
  const appModule = await loadPluginModule('module.js');
  const DataSourceClass = (dsModule.plugin as DataSourcePlugin<DataSourceApi>).DataSourceClass as unknown as new (
    settings: DataSourceInstanceSettings
  ) => DataSourceApi;

  // Data sources as Grafana's provisioning would define them (any uid the server knows); the
  // token is known only to the server.
  const instances = new Map<string, DataSourceApi>();
  const dataSource = (dsUid: string) => {
    let instance = instances.get(dsUid);
    if (!instance) {
      instance = new DataSourceClass({
        id: instances.size + 1,
        uid: dsUid,
        type: 'kewhats-monitoring-datasource',
        name: dsUid,
        access: 'proxy',
        url: `/api/datasources/proxy/uid/${dsUid}`,
        jsonData: { url: 'http://exporter (server side)' },
        readOnly: true,
        meta: { id: 'kewhats-monitoring-datasource' },
      } as unknown as DataSourceInstanceSettings);
      instances.set(dsUid, instance);
    }
    return instance;
  };
  const dataSourceSrv: Partial<DataSourceSrv> = {
    async get(ref) {
      const key = typeof ref === 'string' ? ref : ref?.uid;
      if (!key) {
        throw new Error('Datasource was not found');
      }
      return dataSource(key);
    },
    getList: () => [],
    getInstanceSettings: () => undefined,
  };
  setDataSourceSrv(dataSourceSrv as DataSourceSrv);

  const panelPlugin = panelModule.plugin as PanelPlugin;
  const Panel = panelPlugin.panel!;
  const timeRange = getDefaultTimeRange();
  const props = {
    id: 1,
    data: { state: LoadingState.Done, series: [], timeRange },
    timeRange,
    timeZone: 'browser',
    options: {
      datasourceUid: uid,
      fileNameTemplate: 'kewhats-{type}-{date}.csv',
      section: params.get('section') ?? '',
      language: params.get('panelLanguage') ?? '',
    },
    fieldConfig: { defaults: {}, overrides: [] },
    transparent: false,
    width: 640,
    height,
    renderCounter: 0,
    title: 'Contact exports',
    eventBus: {},
    onOptionsChange: () => {},
    onFieldConfigChange: () => {},
    onChangeTimeRange: () => {},
    replaceVariables: (value: string) => value,
  } as unknown as PanelProps;

  const container = document.getElementById('root')!;
  const chrome = css({
    background: theme.components.panel.background,
    border: `1px solid ${theme.components.panel.borderColor}`,
    borderRadius: theme.shape.radius.default,
    padding: theme.spacing(1),
    width: 640 + 16,
    margin: theme.spacing(2),
  });
  const header = css({ ...theme.typography.h6, margin: theme.spacing(0, 0, 1, 0) });

  createRoot(container).render(
    <ThemeContext.Provider value={theme}>
      <GlobalStyles />
      <section className={chrome} aria-label="Contact exports panel">
        <h2 className={header}>Contact exports</h2>
        <Panel {...props} />
      </section>
    </ThemeContext.Provider>
  );

  Object.assign(window, {
    __harness: {
      mode,
      appPlugin: appModule.plugin,
      dataSource,
      requests: backendSrv.requests,
      /** Grafana's own value formatting (@grafana/data), as a panel runs it on a field. */
      formatValue: (unit: string, decimals: number | undefined, value: number) =>
        grafanaData.formattedValueToString(grafanaData.getValueFormat(unit)(value, decimals)),
    },
  });
}

(window as unknown as { __harnessReady: Promise<void> }).__harnessReady = start();
