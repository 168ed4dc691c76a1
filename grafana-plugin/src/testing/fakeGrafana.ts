/**
 * Test doubles for the Grafana services the plugin uses (jest only). They play Grafana's
 * part the way Grafana does it: the backend service returns FetchResponses or throws
 * FetchErrors whose `data` is parsed per responseType; the template service replaces
 * $var / ${var} from dashboard variables and scopedVars.
 */
import type { DataSourceApi, DataSourceInstanceSettings, ScopedVars } from '@grafana/data';
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
import { Observable } from 'rxjs';
import { DataSource } from '../datasource/datasource';
import type { KewhatsDataSourceOptions } from '../datasource/types';
import type { Catalogue } from '../shared/catalogue';

export interface Fixture {
  request?: string;
  status: number;
  headers?: Record<string, string | null>;
  body: unknown;
}

/** What the fake proxy answers for a request (path after /api/monitoring/, query params). */
export type Handler = (request: {
  path: string;
  params: Record<string, unknown>;
  options: BackendSrvRequest;
}) => Fixture | Error | Promise<Fixture | Error>;

export const DS_UID = 'kewhats-monitoring';
export const PROXY_URL = `/api/datasources/proxy/uid/${DS_UID}`;

export function loadFixture(name: string): Fixture {
  return JSON.parse(JSON.stringify(require(`../../test/fixtures/${name}.json`)));
}

/**
 * The response body as Grafana's backend service hands it over (parseResponseBody in
 * public/app/core/utils/fetch.ts): by `responseType`, else JSON when the content type says so,
 * else text that is parsed as JSON when it is JSON.
 */
function toBody(body: unknown, contentType: string, responseType: BackendSrvRequest['responseType']): unknown {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  switch (responseType) {
    case 'blob':
      return new Blob([text]);
    case 'text':
      return text;
    case 'json':
      return JSON.parse(text); // a text body fails here, as response.json() does in Grafana
    default:
      if (/^application\/json/i.test(contentType)) {
        return JSON.parse(text);
      }
      try {
        return JSON.parse(text);
      } catch {
        return text;
      }
  }
}

export class FakeBackendSrv {
  readonly calls: BackendSrvRequest[] = [];

  constructor(public handler: Handler) {}

  fetch<T>(options: BackendSrvRequest): Observable<FetchResponse<T>> {
    this.calls.push(options);
    return new Observable<FetchResponse<T>>((subscriber) => {
      const prefix = `${PROXY_URL}/api/monitoring/`;
      if (!options.url.startsWith(prefix)) {
        subscriber.error({ status: 404, statusText: 'Not Found', data: { message: 'not proxied' }, config: options });
        return;
      }
      const path = options.url.slice(prefix.length);
      Promise.resolve(this.handler({ path, params: options.params ?? {}, options })).then((answer) => {
        if (answer instanceof Error) {
          // fetch() itself failed (no HTTP answer): Grafana passes on the TypeError.
          subscriber.error(answer);
          return;
        }
        const headers = new Headers();
        for (const [name, value] of Object.entries(answer.headers ?? {})) {
          if (value !== null) {
            headers.set(name, value);
          }
        }
        // The exporter answers JSON; a fixture without headers is one of its answers.
        if (!headers.has('content-type') && typeof answer.body !== 'string') {
          headers.set('content-type', 'application/json; charset=utf-8');
        }
        let data: T;
        try {
          data = toBody(answer.body, headers.get('content-type') ?? '', options.responseType) as T;
        } catch (error) {
          subscriber.error(error);
          return;
        }
        const ok = answer.status >= 200 && answer.status < 300;
        if (!ok) {
          subscriber.error({ status: answer.status, statusText: `HTTP ${answer.status}`, data, config: options });
          return;
        }
        subscriber.next({
          data,
          status: answer.status,
          statusText: 'OK',
          ok,
          headers,
          redirected: false,
          type: 'basic',
          url: options.url,
          config: options,
        });
        subscriber.complete();
      });
    });
  }
}

export class FakeTemplateSrv implements Partial<TemplateSrv> {
  constructor(public variables: Record<string, string> = {}) {}

  replace(target?: string, scopedVars?: ScopedVars): string {
    if (!target) {
      return target ?? '';
    }
    return target.replace(/\$\{(\w+)\}|\$(\w+)/g, (match, braced: string, plain: string) => {
      const name = braced ?? plain;
      const scoped = scopedVars?.[name]?.value;
      if (scoped !== undefined) {
        return String(scoped);
      }
      return this.variables[name] ?? match;
    });
  }

  containsTemplate(target?: string): boolean {
    return !!target && /\$\{?\w+/.test(target);
  }

  getVariables() {
    return [];
  }

  updateTimeRange() {}
}

export function instanceSettings(
  jsonData: KewhatsDataSourceOptions = { url: 'http://exporter:9470' }
): DataSourceInstanceSettings<KewhatsDataSourceOptions> {
  return {
    uid: DS_UID,
    type: 'kewhats-monitoring-datasource',
    name: 'KeWhats',
    access: 'proxy',
    url: PROXY_URL,
    jsonData,
    readOnly: true,
    meta: { id: 'kewhats-monitoring-datasource', name: 'KeWhats Monitoring' } as DataSourceInstanceSettings['meta'],
  };
}

/** Installs the fakes as Grafana's services and returns them with a data source instance. */
export function setupGrafana(handler: Handler, variables: Record<string, string> = {}) {
  const backend = new FakeBackendSrv(handler);
  const templates = new FakeTemplateSrv(variables);
  setBackendSrv(backend as unknown as BackendSrv);
  setTemplateSrv(templates as unknown as TemplateSrv);
  const ds = new DataSource(instanceSettings());
  const dataSources = new Map<string, DataSourceApi>([[DS_UID, ds as unknown as DataSourceApi]]);
  const dataSourceSrv: Partial<DataSourceSrv> = {
    get: async (ref) => {
      const uid = typeof ref === 'string' ? ref : ref?.uid;
      const found = uid ? dataSources.get(uid) : undefined;
      if (!found) {
        throw new Error(`Datasource ${uid} was not found`);
      }
      return found;
    },
    getList: () => [],
    getInstanceSettings: () => undefined,
  };
  setDataSourceSrv(dataSourceSrv as DataSourceSrv);
  return { backend, templates, ds, dataSources };
}

function fixtureOrNothing(name: string): Fixture | undefined {
  try {
    return loadFixture(name);
  } catch {
    return undefined;
  }
}

/**
 * A handler that answers the catalogue and every section with its recorded fixture; a request
 * with a time range gets the section's `-range` recording when there is one.
 */
export const fixtureHandler: Handler = ({ path, params }) => {
  const ranged = Object.keys(params).length > 0 ? fixtureOrNothing(`${path}-range`) : undefined;
  return ranged ?? fixtureOrNothing(path) ?? loadFixture('error-404');
};

/** The recorded catalogue. */
export function loadCatalogue(): Catalogue {
  return loadFixture('catalogue').body as Catalogue;
}
