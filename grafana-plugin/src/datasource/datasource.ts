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
import {
  CatalogueError,
  findSection,
  MONITORING_API_PATH,
  parseCatalogue,
  type Catalogue,
  type CatalogueExport,
  type CatalogueSection,
} from '../shared/catalogue';
import { fill, languageOf, userLanguage, type Label, type Language } from '../shared/language';
import { KewhatsApiError, toKewhatsError } from './errors';
import { breakdownFrame, secondsSince, statsFrame } from './frames';
import {
  DEFAULT_QUERY,
  type KewhatsDataSourceOptions,
  type KewhatsQuery,
  type SectionResponse,
  type SectionResult,
} from './types';

/** Path of the plugin.json proxy route: Grafana adds the bearer token server side. */
export const ROUTE_PATH = 'api/monitoring';
export const VERSION_HEADER = 'X-KeWhats-Version';

type Params = Record<string, string | number>;

const TEXT = {
  unknownSection: {
    id: 'Bagian "{section}" tidak dikenal. Bagian yang ada: {available}.',
    en: 'Unknown section "{section}". Sections: {available}.',
  },
  chooseSection: { id: 'Pilih bagian pemantauan.', en: 'Choose a monitoring section.' },
  unknownShape: {
    id: 'Bentuk "{shape}" tidak dikenal: gunakan stats atau breakdown.',
    en: 'Unknown shape "{shape}": use stats or breakdown.',
  },
  notMonitoring: {
    id: 'Jawaban tak terduga untuk "{what}": bukan jawaban pemantauan KeWhats. Periksa URL sumber data.',
    en: 'Unexpected answer for "{what}": not a KeWhats monitoring response. Check the data source URL.',
  },
  badCatalogue: {
    id: 'Katalog exporter tidak terbaca: {problem}.',
    en: 'The exporter’s catalogue cannot be read: {problem}.',
  },
  notCsv: {
    id: 'Jawaban tak terduga untuk unduhan {what} ({type}): seharusnya berkas CSV.',
    en: 'Unexpected answer for the {what} download ({type}): expected a CSV file.',
  },
  noContentType: { id: 'tanpa jenis konten', en: 'no content type' },
  setUrl: {
    id: 'Isi URL exporter (misalnya http://exporter:9470) lalu simpan.',
    en: 'Set the exporter URL (for example http://exporter:9470) and save.',
  },
  reachable: { id: 'API pemantauan KeWhats dapat dijangkau', en: 'KeWhats monitoring API is reachable' },
  exporterVersion: { id: 'versi exporter {version}', en: 'exporter version {version}' },
  sections: { id: '{count} bagian', en: '{count} sections' },
  generated: { id: 'Angka dihitung {age} detik lalu ({at}).', en: 'Figures generated {age} s ago ({at}).' },
  staleHealth: {
    id: 'Angka sudah lama: exporter tidak dapat menghubungi basis datanya.',
    en: 'The figures are stale: the exporter cannot reach its database.',
  },
  httpStatus: { id: 'Status HTTP {status}', en: 'HTTP status {status}' },
  noAnswer: { id: 'Tidak ada jawaban dari API pemantauan', en: 'No answer from the monitoring API' },
} satisfies Record<string, Label>;

/**
 * KeWhats Monitoring data source. Frontend only: every request goes to
 * `<instanceSettings.url>/api/monitoring/...`, i.e. /api/datasources/proxy/uid/<uid>/api/monitoring/...,
 * where the plugin.json route forwards GETs to `<jsonData.url>/api/monitoring/...` with
 * `Authorization: Bearer <secureJsonData.token>`. The token never reaches the browser.
 *
 * What the sections are, what their figures are called and how they read comes from the
 * exporter's catalogue (GET /api/monitoring/catalogue), read once per data source instance.
 */
export class DataSource extends DataSourceApi<KewhatsQuery, KewhatsDataSourceOptions> {
  readonly baseUrl: string;
  readonly exporterUrl?: string;
  private catalogue?: Promise<Catalogue>;

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
    return { ...query, section, field };
  }

  override interpolateVariablesInQueries(queries: KewhatsQuery[], scopedVars: ScopedVars): KewhatsQuery[] {
    return queries.map((query) => ({ ...this.applyTemplateVariables(query, scopedVars), datasource: this.getRef() }));
  }

  /**
   * GET through the proxy route. JSON answers are parsed by Grafana from their content type: the
   * proxy's own errors are plain text (responseType 'json' would turn them into a parse error).
   */
  private fetch<T>(apiPath: string, params?: Params, responseType?: 'blob'): Promise<FetchResponse<T>> {
    return lastValueFrom(
      getBackendSrv().fetch<T>({
        url: `${this.baseUrl}/${ROUTE_PATH}${apiPath.slice(MONITORING_API_PATH.length)}`,
        method: 'GET',
        params,
        responseType,
        showErrorAlert: false,
        hideFromInspector: responseType === 'blob',
      })
    );
  }

  /** The exporter's catalogue, fetched once per data source instance (again after a failure). */
  getCatalogue(language: Language = userLanguage()): Promise<Catalogue> {
    this.catalogue ??= (async () => {
      let response: FetchResponse<unknown>;
      try {
        response = await this.fetch<unknown>(`${MONITORING_API_PATH}/catalogue`);
      } catch (error) {
        throw await toKewhatsError(error, language);
      }
      try {
        return parseCatalogue(response.data);
      } catch (error) {
        const problem = error instanceof CatalogueError ? error.message : String(error);
        throw new KewhatsApiError(fill(TEXT.badCatalogue, language, { problem }), response.status);
      }
    })();
    this.catalogue.catch(() => (this.catalogue = undefined));
    return this.catalogue;
  }

  /** A section of the catalogue by name, or a clear error listing the ones there are. */
  async getCatalogueSection(
    name: string,
    language: Language = userLanguage()
  ): Promise<{ catalogue: Catalogue; section: CatalogueSection }> {
    const catalogue = await this.getCatalogue(language);
    if (!name) {
      throw new KewhatsApiError(TEXT.chooseSection[language]);
    }
    const section = findSection(catalogue, name);
    if (!section) {
      const available = catalogue.sections.map((candidate) => candidate.name).join(', ');
      throw new KewhatsApiError(fill(TEXT.unknownSection, language, { section: name, available }));
    }
    return { catalogue, section };
  }

  /** GET a section's JSON (its catalogue path); errors become KewhatsApiError with a clear message. */
  async getSection<T extends SectionResponse = SectionResponse>(
    section: CatalogueSection,
    params?: Params,
    language: Language = userLanguage()
  ): Promise<SectionResult<T>> {
    let response: FetchResponse<T>;
    try {
      response = await this.fetch<T>(section.path, params);
    } catch (error) {
      throw await toKewhatsError(error, language);
    }
    const body = response.data;
    if (!body || typeof body !== 'object' || typeof body.generatedAt !== 'string') {
      throw new KewhatsApiError(fill(TEXT.notMonitoring, language, { what: section.name }), response.status);
    }
    return { body, version: response.headers?.get?.(VERSION_HEADER) ?? undefined };
  }

  /** A CSV export of the catalogue (its path) as a Blob, through the proxy route. */
  async downloadExport(item: CatalogueExport, language: Language = userLanguage()): Promise<Blob> {
    const [apiPath, search = ''] = item.path.split('?');
    if (!apiPath?.startsWith(`${MONITORING_API_PATH}/`)) {
      throw new KewhatsApiError(fill(TEXT.badCatalogue, language, { problem: `export path ${item.path}` }));
    }
    let response: FetchResponse<Blob>;
    try {
      response = await this.fetch<Blob>(apiPath, Object.fromEntries(new URLSearchParams(search)), 'blob');
    } catch (error) {
      throw await toKewhatsError(error, language);
    }
    const contentType = response.headers?.get?.('content-type') ?? '';
    if (!(response.data instanceof Blob) || (contentType && !contentType.includes('text/csv'))) {
      throw new KewhatsApiError(
        fill(TEXT.notCsv, language, { what: item.label[language], type: contentType || TEXT.noContentType[language] }),
        response.status
      );
    }
    return response.data;
  }

  override async query(request: DataQueryRequest<KewhatsQuery>): Promise<DataQueryResponse> {
    const now = Date.now();
    const from = request.range?.from?.valueOf();
    const to = request.range?.to?.valueOf();
    // Panels often ask for one section several times: one request per distinct URL.
    const pending = new Map<string, Promise<SectionResult>>();
    const load = (
      section: CatalogueSection,
      params: Params | undefined,
      language: Language
    ): Promise<SectionResult> => {
      const key = `${section.path}?${new URLSearchParams(params as Record<string, string>).toString()}`;
      let result = pending.get(key);
      if (!result) {
        result = this.getSection(section, params, language);
        pending.set(key, result);
      }
      return result;
    };

    const targets = request.targets.filter((target) => this.filterQuery(target));
    const results = await Promise.all(
      targets.map(async (target): Promise<{ frame?: DataFrame; error?: DataQueryError }> => {
        const query = this.applyTemplateVariables({ ...DEFAULT_QUERY, ...target } as KewhatsQuery, request.scopedVars);
        const language = languageOf(query.language);
        try {
          if (query.shape !== 'stats' && query.shape !== 'breakdown') {
            throw new KewhatsApiError(fill(TEXT.unknownShape, language, { shape: String(query.shape) }));
          }
          const { catalogue, section } = await this.getCatalogueSection(query.section, language);
          // A section with a time range gets the dashboard's (epoch milliseconds; the API accepts them).
          const { timeRange } = section;
          const params =
            timeRange && Number.isFinite(from) && Number.isFinite(to)
              ? { [timeRange.from]: from!, [timeRange.to]: to! }
              : undefined;
          const { body } = await load(section, params, language);
          const context = { catalogue, section, language };
          const frame =
            query.shape === 'stats' ? statsFrame(query, body, now, context) : breakdownFrame(query, body, context);
          return { frame };
        } catch (error) {
          const mapped = await toKewhatsError(error, language);
          return { error: { refId: target.refId, message: mapped.message, status: mapped.status } };
        }
      })
    );

    const data = results.flatMap((result) => (result.frame ? [result.frame] : []));
    const errors = results.flatMap((result) => (result.error ? [result.error] : []));
    return errors.length ? { data, errors } : { data };
  }

  override async testDatasource(): Promise<TestDataSourceResponse> {
    const language = userLanguage();
    if (this.exporterUrl !== undefined && !this.exporterUrl.trim()) {
      return { status: 'error', message: TEXT.setUrl[language] };
    }
    try {
      this.catalogue = undefined; // Save & test reads the exporter afresh
      const catalogue = await this.getCatalogue(language);
      const first = [...catalogue.sections].sort((a, b) => a.position - b.position)[0];
      if (!first) {
        throw new KewhatsApiError(fill(TEXT.badCatalogue, language, { problem: 'no sections' }));
      }
      const { body, version } = await this.getSection(first, undefined, language);
      const age = secondsSince(Date.parse(body.generatedAt), Date.now());
      const stale = body.stale === true ? ` ${TEXT.staleHealth[language]}` : '';
      const about = [
        version ? fill(TEXT.exporterVersion, language, { version }) : undefined,
        fill(TEXT.sections, language, { count: String(catalogue.sections.length) }),
      ]
        .filter(Boolean)
        .join(', ');
      return {
        status: body.stale === true ? 'warning' : 'success',
        message: `${TEXT.reachable[language]} (${about}). ${fill(TEXT.generated, language, { age: String(age), at: body.generatedAt })}${stale}`,
      };
    } catch (error) {
      const mapped = await toKewhatsError(error, language);
      return {
        status: 'error',
        message: mapped.message,
        details: {
          message: mapped.status
            ? fill(TEXT.httpStatus, language, { status: String(mapped.status) })
            : TEXT.noAnswer[language],
        },
      };
    }
  }
}
