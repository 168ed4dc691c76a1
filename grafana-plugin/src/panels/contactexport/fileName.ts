import { dateTimeFormat } from '@grafana/data';
import { DEFAULT_FILE_NAME_TEMPLATE } from './types';

export interface FileNameContext {
  /** The export's file stem from the catalogue: contacts, emails. */
  fileStem: string;
  now: number;
  timeZone?: string;
  datasourceUid?: string;
}

/**
 * Expands a file-name template: {type} → the export's file stem (contacts, emails), {date} → YYYY-MM-DD and {time} →
 * HHmmss in the dashboard's time zone, {datasource} → the data source uid. Characters that
 * are not allowed in file names become '-'; a name without extension gets '.csv'.
 */
export function buildFileName(template: string | undefined, context: FileNameContext): string {
  const source = template?.trim() || DEFAULT_FILE_NAME_TEMPLATE;
  const format = (pattern: string) => dateTimeFormat(context.now, { format: pattern, timeZone: context.timeZone });
  const values: Record<string, string> = {
    type: context.fileStem,
    date: format('YYYY-MM-DD'),
    time: format('HHmmss'),
    datasource: context.datasourceUid ?? '',
  };
  let name = source.replace(/\{(\w+)\}/g, (match, key: string) => values[key] ?? match);
  name = name
    .replace(/[\\/:*?"<>|\u0000-\u001f]+/g, '-')
    .replace(/^[.\s-]+/, '')
    .trim();
  if (!name) {
    return buildFileName(DEFAULT_FILE_NAME_TEMPLATE, context);
  }
  return /\.[a-z0-9]{1,5}$/i.test(name) ? name : `${name}.csv`;
}

/** Saves a Blob under a file name through a temporary object URL (the browser's download). */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  link.style.display = 'none';
  document.body.appendChild(link);
  try {
    link.click();
  } finally {
    link.remove();
    // Give the browser time to start the download before the URL goes away.
    setTimeout(() => URL.revokeObjectURL(url), 30_000);
  }
}
