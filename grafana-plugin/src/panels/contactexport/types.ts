import type { Language } from '../../shared/language';

export interface ContactExportOptions {
  /** uid of a KeWhats Monitoring data source (default: the provisioned `kewhats-monitoring`). */
  datasourceUid: string;
  /** File name of a download: {type} (the export's file stem: contacts|emails), {date} (YYYY-MM-DD), {time} (HHmmss), {datasource}. */
  fileNameTemplate: string;
  /** The catalogue section whose exports and figures the panel shows; empty: the first section with exports. */
  section?: string;
  /** The panel's language (`id` | `en`); empty: the Grafana user's. The generated dashboards set their own. */
  language?: Language | '';
}

export const DEFAULT_FILE_NAME_TEMPLATE = 'kewhats-{type}-{date}.csv';
