import {
  CoreApp,
  DataSourceApi,
  type DataFrame,
  type DataQueryError,
  type DataQueryRequest,
  type DataQueryResponse,
  type DataSourceInstanceSettings,
  type ScopedVars,
  type TestDataSourceResponse,
} from '@grafana/data';
import { getBackendSrv, getTemplateSrv, type FetchResponse } from '@grafana/runtime';
import { lastValueFrom } from 'rxjs';
import { isSectionId } from '../shared/sections';
import { KewhatsApiError, toKewhatsError } from './errors';
import { breakdownFrame, secondsSince, statsFrame } from './frames';
import {
  DEFAULT_QUERY,
  type ContactExport,
  type ContactsResponse,
  type ExportType,
  type KewhatsDataSourceOptions,
  type KewhatsQuery,
  type SectionId,
  type SectionResponse,
  type SectionResult,
} from './types';

/** Path of the plugin.json proxy route: Grafana adds the bearer token server side. */
export const ROUTE_PATH = 'api/monitoring';
export const VERSION_HEADER = 'X-KeWhats-Version';

type Params = Record<string, string | number>;

/**
 * KeWhats Monitoring data source. Frontend only: every request goes to
 * `<instanceSettings.url>/api/monitoring/...`, i.e. /api/datasources/proxy/uid/<uid>/api/monitoring/...,
 * where the plugin.json route forwards GETs to `<jsonData.url>/api/monitoring/...` with
 * `Authorization: Bearer <secureJsonData.token>`. The token never reaches the browser.
 */
export class DataSource extends DataSourceApi<KewhatsQuery, KewhatsDataSourceOptions> {
  readonly baseUrl: string;
  readonly exporterUrl?: string;

  constructor(instanceSettings: DataSourceInstanceSettings<KewhatsDataSourceOptions>) {
    super(instanceSettings);
    this.baseUrl = (instanceSettings.url ?? '').replace(/\/+$/, '');
    this.exporterUrl = instanceSettings.jsonData?.url;
  }

  override getDefaultQuery(_app: CoreApp): Partial<KewhatsQuery> {
    return DEFAULT_QUERY;
  }

  override filterQuery(query: KewhatsQuery): boolean {
    return !query.hide;
  }

  /** Applies dashboard variables to section and field (the only free-text parts of a query). */
  applyTemplateVariables(query: KewhatsQuery, scopedVars: ScopedVars): KewhatsQuery {
    const templateSrv = getTemplateSrv();
    const section = templateSrv.replace(query.section ?? '', scopedVars).trim();
    const field = query.field ? templateSrv.replace(query.field, scopedVars).trim() : query.field;
    return { ...query, section: section as SectionId, field };
  }

  override interpolateVariablesInQueries(queries: KewhatsQuery[], scopedVars: ScopedVars): KewhatsQuery[] {
    return queries.map((query) => ({ ...this.applyTemplateVariables(query, scopedVars), datasource: this.getRef() }));
  }

  private fetch<T>(path: string, params?: Params, responseType: 'json' | 'blob' = 'json'): Promise<FetchResponse<T>> {
    return lastValueFrom(
      getBackendSrv().fetch<T>({
        url: `${this.baseUrl}/${ROUTE_PATH}/${path}`,
        method: 'GET',
        params,
        responseType,
        showErrorAlert: false,
        hideFromInspector: responseType === 'blob',
      })
    );
  }

  /** GET /api/monitoring/<section>; errors become KewhatsApiError with a clear message. */
  async getSection<T extends SectionResponse = SectionResponse>(
    section: SectionId,
    params?: Params
  ): Promise<SectionResult<T>> {
    if (!isSectionId(section)) {
      throw new KewhatsApiError(`Unknown section "${section}"`);
    }
    let response: FetchResponse<T>;
    try {
      response = await this.fetch<T>(section, params);
    } catch (error) {
      throw await toKewhatsError(error);
    }
    const body = response.data;
    if (!body || typeof body !== 'object' || typeof body.generatedAt !== 'string') {
      throw new KewhatsApiError(
        `Unexpected answer for "${section}": not a KeWhats monitoring response. Check the data source URL.`,
        response.status
      );
    }
    return { body, version: response.headers?.get?.(VERSION_HEADER) ?? undefined };
  }

  /** Contact totals for the contact-export panel. */
  async getContactTotals(): Promise<SectionResult<ContactsResponse>> {
    return this.getSection<ContactsResponse>('contacts');
  }

  /** GET /api/monitoring/contacts/export?type=contact|email as a Blob, through the proxy route. */
  async exportContacts(type: ExportType): Promise<ContactExport> {
    if (type !== 'contact' && type !== 'email') {
      throw new KewhatsApiError(`Unknown export type "${type}"`);
    }
    let response: FetchResponse<Blob>;
    try {
      response = await this.fetch<Blob>('contacts/export', { type }, 'blob');
    } catch (error) {
      throw await toKewhatsError(error);
    }
    const contentType = response.headers?.get?.('content-type') ?? '';
    if (!(response.data instanceof Blob) || (contentType && !contentType.includes('text/csv'))) {
      throw new KewhatsApiError(
        `Unexpected answer for the ${type} export (${contentType || 'no content type'}): expected a CSV file.`,
        response.status
      );
    }
    return { blob: response.data };
  }

  override async query(request: DataQueryRequest<KewhatsQuery>): Promise<DataQueryResponse> {
    const now = Date.now();
    const from = request.range?.from?.valueOf();
    const to = request.range?.to?.valueOf();
    // Panels often ask for one section several times: one request per distinct URL.
    const pending = new Map<string, Promise<SectionResult>>();
    const load = (section: SectionId, params?: Params): Promise<SectionResult> => {
      const key = `${section}?${new URLSearchParams(params as Record<string, string>).toString()}`;
      let result = pending.get(key);
      if (!result) {
        result = this.getSection(section, params);
        pending.set(key, result);
      }
      return result;
    };

    const targets = request.targets.filter((target) => this.filterQuery(target));
    const results = await Promise.all(
      targets.map(async (target): Promise<{ frame?: DataFrame; error?: DataQueryError }> => {
        const query = this.applyTemplateVariables({ ...DEFAULT_QUERY, ...target } as KewhatsQuery, request.scopedVars);
        try {
          if (!isSectionId(query.section)) {
            throw new KewhatsApiError(`Unknown section "${query.section}"`);
          }
          if (query.shape !== 'stats' && query.shape !== 'breakdown') {
            throw new KewhatsApiError(`Unknown shape "${String(query.shape)}": use stats or breakdown`);
          }
          // The dashboard time range is the revenue range (epoch milliseconds; the API accepts them).
          const params =
            query.section === 'dashboard' && Number.isFinite(from) && Number.isFinite(to)
              ? { from: from!, to: to! }
              : undefined;
          const { body } = await load(query.section, params);
          const frame = query.shape === 'stats' ? statsFrame(query, body, now) : breakdownFrame(query, body);
          return { frame };
        } catch (error) {
          const mapped = await toKewhatsError(error);
          return { error: { refId: target.refId, message: mapped.message, status: mapped.status } };
        }
      })
    );

    const data = results.flatMap((result) => (result.frame ? [result.frame] : []));
    const errors = results.flatMap((result) => (result.error ? [result.error] : []));
    return errors.length ? { data, errors } : { data };
  }

  override async testDatasource(): Promise<TestDataSourceResponse> {
    if (this.exporterUrl !== undefined && !this.exporterUrl.trim()) {
      return { status: 'error', message: 'Set the exporter URL (for example http://exporter:9470) and save.' };
    }
    try {
      const { body, version } = await this.getSection('dashboard');
      const generatedAt = Date.parse(body.generatedAt);
      const age = secondsSince(generatedAt, Date.now());
      const stale = body.stale === true ? ' The figures are stale: the exporter cannot reach its database.' : '';
      return {
        status: body.stale === true ? 'warning' : 'success',
        message:
          `KeWhats monitoring API is reachable${version ? ` (exporter version ${version})` : ''}. ` +
          `Figures generated ${age} s ago (${body.generatedAt}).${stale}`,
      };
    } catch (error) {
      const mapped = await toKewhatsError(error);
      return {
        status: 'error',
        message: mapped.message,
        details: { message: mapped.status ? `HTTP status ${mapped.status}` : 'No answer from the monitoring API' },
      };
    }
  }
}
