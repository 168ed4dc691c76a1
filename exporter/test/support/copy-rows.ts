import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/**
 * COPY the rows a SELECT produces (plain values: no tab, newline or backslash) into a table. On a
 * server it is COPY … FROM STDIN, as a platform's bulk load does. The embedded PGlite cannot take
 * COPY FROM STDIN through its socket server, so there the rows go through a file of its own
 * (COPY … TO, then COPY … FROM that file): the same COPY FROM of the executor, the same triggers.
 * `client` must not be a pool's (pg's client-side query timeout is not meant for COPY streams).
 */
export async function copyRows(client: pg.Client, table: string, columns: readonly string[], selectSql: string, embedded: boolean): Promise<number> {
  const target = `"${table}" (${columns.map((column) => `"${column}"`).join(', ')})`;
  if (embedded) {
    const file = `/tmp/kewhats-copy-${randomUUID()}.tsv`;
    await client.query(`COPY (${selectSql}) TO '${file}'`);
    return (await client.query(`COPY ${target} FROM '${file}'`)).rowCount ?? 0;
  }
  const { rows } = await client.query<unknown[]>({ text: selectSql, rowMode: 'array' });
  await pipeline(Readable.from([rows.map((row) => `${row.join('\t')}\n`).join('')]), client.query(copyFrom(`COPY ${target} FROM STDIN`)));
  return rows.length;
}
