export interface ContactExportOptions {
  /** uid of a KeWhats Monitoring data source (default: the provisioned `kewhats-monitoring`). */
  datasourceUid: string;
  /** File name of a download: {type} (contacts|emails), {date} (YYYY-MM-DD), {time} (HHmmss), {datasource}. */
  fileNameTemplate: string;
}

export const DEFAULT_FILE_NAME_TEMPLATE = 'kewhats-{type}-{date}.csv';
