// Row 3: the contact CSV export through the exporter (HTTP, streaming) against its floor, the
// very same COPY statement read straight from PostgreSQL into a null sink; and the exporter
// process's RSS growth while it streams (the export must not buffer).
import { get } from 'node:http';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { checkOutClient } from '../src/db/checked-out-client.js';
import { submitCopy } from '../src/db/copy-query.js';
import { exportSql } from '../src/export/contacts-export.js';
import { sampleRss, type ChildExporter } from './child-exporter.js';
import { elapsedMs, median } from './stats.js';

export interface ExportRun {
  rows: number;
  bytes: number;
  ms: number;
  rowsPerSecond: number;
}

export interface ExportResult {
  runs: number;
  exporter: ExportRun[];
  floor: ExportRun[];
  exporterRowsPerSecond: number;
  floorRowsPerSecond: number;
  /** exporter / floor throughput */
  ratio: number;
  rssBaselineBytes: number;
  /** Largest peak-minus-baseline of the exporter runs. */
  rssGrowthBytes: number;
  rssSamples: number;
}

/** Counts CSV lines as they pass and drops them: a sink that costs next to nothing. */
class LineCounter extends Writable {
  lines = 0;
  bytes = 0;
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.bytes += chunk.length;
    for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) this.lines += 1;
    callback();
  }
}

const toRun = (counter: LineCounter, ms: number): ExportRun => {
  const rows = counter.lines - 1; // the header line
  return { rows, bytes: counter.bytes, ms, rowsPerSecond: rows / (ms / 1000) };
};

export async function copyFloor(pool: pg.Pool): Promise<ExportRun> {
  const checkedOut = await checkOutClient(pool);
  const { client } = checkedOut;
  try {
    await client.query('SET statement_timeout = 0');
    const counter = new LineCounter();
    const started = performance.now();
    await pipeline(submitCopy(client, copyTo(exportSql('contact'))), counter);
    const ms = elapsedMs(started);
    await client.query('RESET statement_timeout');
    return toRun(counter, ms);
  } finally {
    checkedOut.release();
  }
}

export function httpExport(exporter: ChildExporter): Promise<ExportRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const request = get(`${exporter.url}/api/monitoring/contacts/export?type=contact`, { headers: exporter.headers, agent: false }, (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        return reject(new Error(`contact export answered ${response.statusCode}`));
      }
      const counter = new LineCounter();
      pipeline(response, counter).then(() => resolve(toRun(counter, elapsedMs(started))), reject);
    });
    request.on('error', reject);
  });
}

/** Alternates floor and exporter runs; RSS is sampled every 50 ms during each exporter run. */
export async function benchExport(pool: pg.Pool, exporter: ChildExporter, runs: number): Promise<ExportResult> {
  const exporterRuns: ExportRun[] = [];
  const floorRuns: ExportRun[] = [];
  let rssBaselineBytes = Number.POSITIVE_INFINITY;
  let rssGrowthBytes = 0;
  let rssSamples = 0;
  for (let run = 0; run < runs; run += 1) {
    floorRuns.push(await copyFloor(pool));
    const sampler = sampleRss(exporter.pid);
    try {
      exporterRuns.push(await httpExport(exporter));
    } finally {
      const rss = sampler.stop();
      rssBaselineBytes = Math.min(rssBaselineBytes, rss.baselineBytes);
      rssGrowthBytes = Math.max(rssGrowthBytes, rss.peakBytes - rss.baselineBytes);
      rssSamples += rss.samples;
    }
  }
  for (const exported of exporterRuns) {
    if (exported.rows !== floorRuns[0]!.rows) throw new Error(`the export gave ${exported.rows} rows, COPY ${floorRuns[0]!.rows}`);
  }
  const exporterRowsPerSecond = median(exporterRuns.map((run) => run.rowsPerSecond));
  const floorRowsPerSecond = median(floorRuns.map((run) => run.rowsPerSecond));
  return {
    runs,
    exporter: exporterRuns,
    floor: floorRuns,
    exporterRowsPerSecond,
    floorRowsPerSecond,
    ratio: exporterRowsPerSecond / floorRowsPerSecond,
    rssBaselineBytes,
    rssGrowthBytes,
    rssSamples,
  };
}
