import { pipeline } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { CONTACT_HAS_EMAIL_SQL, TRIMMED_EMAIL_SQL } from '../sections/contacts.js';

export const EXPORT_TYPES = ['contact', 'email'] as const;
export type ExportType = (typeof EXPORT_TYPES)[number];

/**
 * Spreadsheet-formula neutralisation (CSV injection): a cell starting with =, +, -, @, tab or
 * carriage return gets a leading apostrophe, so Excel/LibreOffice/Sheets show it as text
 * instead of evaluating it. This applies to phone numbers in "+62…" form too.
 */
const neutralised = (expression: string) => `CASE WHEN ${expression} ~ '^[=+@\\t\\r-]' THEN '''' || ${expression} ELSE ${expression} END`;

// PostgreSQL writes the CSV itself (RFC 4180 quoting of commas, quotes and newlines) and the
// rows stream to the client as the server produces them.
const EXPORT_SQL: Record<ExportType, string> = {
  contact: `COPY (
      SELECT ${neutralised('"name"')} AS name,
             ${neutralised('"phone"')} AS phone,
             to_char("createdAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at
      FROM "Contact" ORDER BY "createdAt", "id"
    ) TO STDOUT WITH (FORMAT csv, HEADER true)`,
  // Distinct emails: trimmed, compared case-insensitively, written lower-case.
  email: `COPY (
      SELECT ${neutralised('email')} AS email
      FROM (SELECT DISTINCT lower(${TRIMMED_EMAIL_SQL}) AS email FROM "Contact" WHERE ${CONTACT_HAS_EMAIL_SQL}) AS distinct_emails
      ORDER BY 1
    ) TO STDOUT WITH (FORMAT csv, HEADER true)`,
};

export function exportSql(type: ExportType): string {
  return EXPORT_SQL[type];
}

/**
 * Streams one export into `sink` with back-pressure: memory stays flat whatever the table size.
 * If the sink closes early (the client went away) the connection is destroyed at once, which
 * ends the server-side COPY, instead of being returned to the pool mid-stream.
 */
export async function streamContactExport(pool: pg.Pool, type: ExportType, sink: Writable, statementTimeoutMs: number): Promise<void> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query(`SET statement_timeout = ${Math.trunc(statementTimeoutMs)}`);
    const source = client.query(copyTo(EXPORT_SQL[type]));
    await pipeline(source, sink);
    await client.query('RESET statement_timeout');
  } catch (error) {
    broken = error as Error;
    throw error;
  } finally {
    client.release(broken ?? false);
  }
}
