import type { Language } from '../sections/presentation.js';

/**
 * The slice of Grafana's dashboard JSON model (schemaVersion 41, Grafana 12/13) that the
 * generated dashboards use. Only what we emit is typed: this is an output format, not a parser.
 */

/** Grafana 12.0 and later read schemaVersion 41 as current, so nothing is migrated at load. */
export const SCHEMA_VERSION = 41;

/** The tag every KeWhats dashboard carries; dashboard links and searches rely on it. */
export const DASHBOARD_TAG = 'kewhats-monitoring';

export interface DataSourceRef {
  type: string;
  uid: string;
}

/**
 * The provisioned data sources (provisioning/grafana/provisioning/datasources/kewhats.yml).
 * Their uids are fixed by that file; the dashboards reference nothing else.
 */
export const PROMETHEUS: DataSourceRef = { type: 'prometheus', uid: 'kewhats-prometheus' };
export const KEWHATS: DataSourceRef = { type: 'kewhats-monitoring-datasource', uid: 'kewhats-monitoring' };

/** The panel plugin that downloads the contact and email CSV exports. */
export const CONTACT_EXPORT_PANEL = 'kewhats-contactexport-panel';

/** A query of the KeWhats data source plugin (its fixed query model). */
export interface KeWhatsQuery {
  refId: string;
  datasource: DataSourceRef;
  section: string;
  shape: 'stats' | 'breakdown';
  field?: string;
  /** The language of the frame's display names: the dashboard's, whatever the viewer's Grafana language. */
  language: Language;
}

export interface PrometheusQuery {
  refId: string;
  datasource: DataSourceRef;
  expr: string;
  legendFormat: string;
  range: true;
  instant: false;
  editorMode: 'code';
}

export type Query = KeWhatsQuery | PrometheusQuery;

export interface GridPos {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** A field override: a matcher and the properties it sets (Grafana's FieldConfigSource.overrides). */
export interface FieldOverride {
  matcher: { id: 'byName'; options: string };
  properties: Array<{ id: 'displayName'; value: string }>;
}

export interface ThresholdStep {
  color: string;
  value: number | null;
}

export interface Panel {
  id: number;
  type: string;
  title: string;
  description?: string;
  gridPos: GridPos;
  datasource?: DataSourceRef;
  targets?: Query[];
  fieldConfig?: {
    defaults: Record<string, unknown>;
    overrides: FieldOverride[];
  };
  options?: Record<string, unknown>;
}

/** A link in the dashboard's top bar. */
export interface DashboardLink {
  title: string;
  type: 'link';
  url: string;
  tooltip: string;
  icon: string;
  tags: string[];
  asDropdown: boolean;
  includeVars: boolean;
  keepTime: boolean;
  targetBlank: boolean;
}

export interface Dashboard {
  uid: string;
  title: string;
  description: string;
  tags: string[];
  style: 'dark';
  timezone: string;
  editable: boolean;
  graphTooltip: number;
  fiscalYearStartMonth: number;
  liveNow: boolean;
  refresh: string;
  time: { from: string; to: string };
  timepicker: Record<string, unknown>;
  annotations: { list: unknown[] };
  templating: { list: unknown[] };
  links: DashboardLink[];
  panels: Panel[];
  schemaVersion: number;
  version: number;
}
