import type { DataQuery, DataSourceJsonData } from '@grafana/schema';
import type { SectionId } from '../shared/sections';

export type { SectionId } from '../shared/sections';

export type Shape = 'stats' | 'breakdown';

/**
 * The query model. FIXED: the provisioned dashboards are generated against these names.
 * - shape 'stats': one row, one number field per numeric leaf of the section's JSON
 *   (nested keys joined with '.'), plus `generatedAt` (time) and `lastUpdated` (seconds).
 *   `field`, when set, keeps only that leaf or the leaves under that key.
 * - shape 'breakdown': fields `label` and `value`, one row per entry of the count map `field`
 *   (byPlan, byRole, byType, ...). Empty `field`: the top-level counts except `total`.
 */
export interface KewhatsQuery extends DataQuery {
  section: SectionId;
  shape: Shape;
  field?: string;
}

export const DEFAULT_QUERY: Partial<KewhatsQuery> = {
  section: 'dashboard',
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

export type ExportType = 'contact' | 'email';

/** Every monitoring response carries these. */
export interface SectionResponse {
  generatedAt: string;
  stale?: boolean;
  [key: string]: unknown;
}

export interface ContactsResponse extends SectionResponse {
  total: number;
  withEmail: number;
}

export interface SectionResult<T extends SectionResponse = SectionResponse> {
  body: T;
  /** X-KeWhats-Version response header, when the exporter sends it. */
  version?: string;
}

export interface ContactExport {
  blob: Blob;
}
