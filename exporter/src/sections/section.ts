import type pg from 'pg';

/** What every aggregate query may depend on: one clock and the platform settings per refresh. */
export interface AggregateContext {
  now: Date;
  currency: string;
  reportTimeZone: string;
}

/**
 * One SQL statement over one table. Sections share these objects, so a table read by two
 * sections (User feeds both "users" and "dashboard") is still scanned once per refresh.
 */
export interface TableQuery<Result> {
  /** The table it reads, for logs and the benchmark. */
  table: string;
  sql: string;
  params?: (context: AggregateContext) => unknown[];
  parse: (rows: Array<Record<string, unknown>>) => Result;
}

export type ResultOf<Query> = Query extends TableQuery<infer Result> ? Result : never;
export type TableResults<Tables> = { [Name in keyof Tables]: ResultOf<Tables[Name]> };

export interface MetricSample {
  labels?: Record<string, string>;
  value: number;
}

/** A Prometheus metric a section exposes; the samples are derived from the same results as its JSON. */
export interface MetricDefinition<Results> {
  name: string;
  help: string;
  type: 'gauge' | 'counter';
  labelNames?: readonly string[];
  samples: (results: Results, context: AggregateContext) => MetricSample[];
}

export type FigureUnit = 'count' | 'currency';

/** A single number of a section: a stat card on its dashboard. `path` is its place in the JSON. */
export interface Figure {
  path: string;
  title: string;
  unit?: FigureUnit;
}

/** A count map of a section, drawn as a chart (`field` empty: the top-level counts but `total`). */
export interface Breakdown {
  field?: string;
  title: string;
  chart: 'pie' | 'donut' | 'bar';
}

export interface Section<Tables extends Record<string, TableQuery<unknown>> = Record<string, TableQuery<unknown>>, Json = unknown> {
  /** URL segment of /api/monitoring/<name> and the data source's section id. */
  name: string;
  /** Sidebar and dashboard title. */
  title: string;
  tables: Tables;
  toJson: (results: TableResults<Tables>, context: AggregateContext) => Json;
  metrics: Array<MetricDefinition<TableResults<Tables>>>;
  figures: Figure[];
  breakdowns: Breakdown[];
}

/** Identity function that lets TypeScript infer a section's table results from its queries. */
export function defineSection<Tables extends Record<string, TableQuery<unknown>>, Json>(
  section: Section<Tables, Json>,
): Section<Tables, Json> {
  return section;
}

export async function runTableQuery<Result>(
  pool: pg.Pool,
  query: TableQuery<Result>,
  context: AggregateContext,
): Promise<Result> {
  const result = await pool.query(query.sql, query.params?.(context) ?? []);
  return query.parse(result.rows);
}

/** Counts keyed by every value of an enum, zero where the database has none. */
export function countsByValue<Value extends string>(
  values: readonly Value[],
  rows: Array<Record<string, unknown>>,
  key: string,
): Record<Value, number> {
  const counts = Object.fromEntries(values.map((value) => [value, 0])) as Record<Value, number>;
  for (const row of rows) {
    const value = row[key] as Value;
    if (value in counts) counts[value] += Number(row.count);
  }
  return counts;
}

/** The single row of an aggregate-only statement, with every column as a number. */
export function numericRow<Column extends string>(
  rows: Array<Record<string, unknown>>,
  columns: readonly Column[],
): Record<Column, number> {
  const row = rows[0] ?? {};
  return Object.fromEntries(columns.map((column) => [column, Number(row[column] ?? 0)])) as Record<Column, number>;
}
