import type { DataQuery, DataSourceJsonData } from '@grafana/schema';
import type { Language } from '../shared/language';

export type Shape = 'stats' | 'breakdown';

/**
 * The query model. FIXED: the provisioned dashboards are generated against these names.
 * - `section`: a section name of the exporter's catalogue (GET /api/monitoring/catalogue).
 * - shape 'stats': one row, one number field per numeric leaf of the section's JSON
 *   (nested keys joined with '.'), plus `generatedAt` (time) and `lastUpdated` (seconds).
 *   `field`, when set, keeps only that leaf or the leaves under that key.
 * - shape 'breakdown': fields `label` and `value`, one row per entry of the count map `field`
 *   (byPlan, byRole, byType, ...). Empty `field`: the section's first breakdown in the catalogue,
 *   else its top-level counts except `total`.
 * - `language`: the language of the display names (`id` | `en`); unset: the Grafana user's.
 */
export interface KewhatsQuery extends DataQuery {
  section: string;
  shape: Shape;
  field?: string;
  language?: Language;
}

/** A new query reads stats; the query editor proposes the catalogue's first section. */
export const DEFAULT_QUERY: Partial<KewhatsQuery> = {
  shape: 'stats',
};

/** Stored in the data source's jsonData. */
export interface KewhatsDataSourceOptions extends DataSourceJsonData {
  /** Base URL of the exporter, e.g. http://exporter:9470 (used server side by the proxy route). */
  url?: string;
}

/** Stored encrypted in secureJsonData; never sent back to the browser. */
export interface KewhatsSecureJsonData {
  token?: string;
}

/** Every monitoring response carries these. */
export interface SectionResponse {
  generatedAt: string;
  stale?: boolean;
  [key: string]: unknown;
}

export interface SectionResult<T extends SectionResponse = SectionResponse> {
  body: T;
  /** X-KeWhats-Version response header, when the exporter sends it. */
  version?: string;
}
