import { pipeline } from 'node:stream/promises';
import type { Readable, Writable } from 'node:stream';
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { checkOutClient } from '../db/checked-out-client.js';
import { submitCopy } from '../db/copy-query.js';
import { QUERY_TIMEOUT_MARGIN_MS } from '../db/pool.js';
import { startExportWatch, type ExportCutError, type ExportLimits } from './export-watchdog.js';
import { CONTACT_HAS_EMAIL_SQL, TRIMMED_EMAIL_SQL } from '../sections/contacts.js';

export const EXPORT_TYPES = ['contact', 'email'] as const;
export type ExportType = (typeof EXPORT_TYPES)[number];

/**
 * Spreadsheet-formula neutralisation (CSV injection), while phone numbers stay raw:
 *
 * - a value that is only a phone number — `+` followed by digits, spaces, dots, dashes and
 *   brackets, with at least one digit — is written as it is (`+62 812-3456-7890`): without
 *   letters, `!`, `|`, `:` or quotes a spreadsheet can at most do arithmetic on it, never call a
 *   function, reference a cell or reach another program;
 * - any other value starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading
 *   apostrophe, so Excel, LibreOffice and Sheets show it as text instead of evaluating it.
 *
 * The README documents this rule; change both together.
 */
const FORMULA_START = `'^[=+@\\t\\r-]'`;
const PHONE_NUMBER = `'^\\+[ .()-]*[0-9][0-9 .()-]*$'`;
const neutralised = (expression: string) =>
  `CASE WHEN ${expression} ~ ${FORMULA_START} AND ${expression} !~ ${PHONE_NUMBER} THEN '''' || ${expression} ELSE ${expression} END`;

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
 * The sink is written but not ended: the caller ends the response once this has returned, so a
 * client that has read the whole CSV knows the export's slot and connection are free again.
 *
 * The export is cut (the promise rejects with an ExportCutError, the connection is destroyed,
 * which ends the server-side COPY) when it outlives `limits`; a sink closed early (the client
 * went away) or a lost connection end it the same way. A connection is never returned to the
 * pool mid-stream.
 */
export async function streamContactExport(pool: pg.Pool, type: ExportType, sink: Writable, limits: ExportLimits): Promise<void> {
  const checkedOut = await checkOutClient(pool);
  const { client } = checkedOut;
  let copy: Readable | undefined;
  let cutReason: ExportCutError | undefined;
  const watch = startExportWatch(limits, (reason) => {
    cutReason = reason;
    copy?.destroy(reason);
  });
  try {
    // The watchdog cuts the export at its limit; the server's own cap, a little later, cancels
    // work a cut connection leaves behind (a backend still sorting does not notice the cut).
    await client.query(`SET statement_timeout = ${Math.trunc(limits.totalMs + QUERY_TIMEOUT_MARGIN_MS)}`);
    if (cutReason) throw cutReason;
    copy = submitCopy(client, copyTo(EXPORT_SQL[type]));
    const streamed = pipeline(copy, sink, { end: false });
    watch.watch(copy);
    await streamed;
  } catch (error) {
    watch.stop();
    const failure = cutReason ?? (error as Error);
    checkedOut.release(failure);
    throw failure;
  }
  watch.stop();
  // The CSV is complete. A connection that cannot even reset its setting is dropped, which
  // does not make the export any less complete.
  try {
    await client.query('RESET statement_timeout');
    checkedOut.release();
  } catch (error) {
    checkedOut.release(error as Error);
  }
}
