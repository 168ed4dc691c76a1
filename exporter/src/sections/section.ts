import type pg from 'pg';
import type { Breakdown, Figure, Label, SectionExtra, TimeRange, Trend } from './presentation.js';

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

export interface Section<Tables extends Record<string, TableQuery<unknown>> = Record<string, TableQuery<unknown>>, Json = unknown> {
  /** URL segment of /api/monitoring/<name>, the dashboard uid `kewhats-<name>` and the data source's section. */
  name: string;
  tables: Tables;
  toJson: (results: TableResults<Tables>, context: AggregateContext) => Json;
  metrics: Array<MetricDefinition<TableResults<Tables>>>;

  // What the views show of it (presentation.ts): the catalogue, the dashboards and the plugin read these.
  title: Label;
  description: Label;
  /** A Grafana icon name (the sidebar, the dashboards and the console use it as is). */
  icon: string;
  /** Sidebar order: sections are listed by ascending position. */
  position: number;
  figures: readonly Figure[];
  breakdowns: readonly Breakdown[];
  trends: readonly Trend[];
  extras?: readonly SectionExtra[];
  /** Set when the section's figures follow a `from`/`to` range (the home dashboard's revenue). */
  timeRange?: TimeRange<Json>;
}

const DEFINED = new WeakSet<object>();

/**
 * Declares a section: TypeScript infers its table results from its queries, and the section list
 * (sections/index.ts) recognises it among a module's exports.
 */
export function defineSection<Tables extends Record<string, TableQuery<unknown>>, Json>(section: Section<Tables, Json>): Section<Tables, Json> {
  DEFINED.add(section);
  return section;
}

/** Whether a value is a section made by defineSection. */
export function isSection(value: unknown): value is Section {
  return typeof value === 'object' && value !== null && DEFINED.has(value);
}

export async function runTableQuery<Result>(pool: pg.Pool, query: TableQuery<Result>, context: AggregateContext): Promise<Result> {
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
export function numericRow<Column extends string>(rows: Array<Record<string, unknown>>, columns: readonly Column[]): Record<Column, number> {
  const row = rows[0] ?? {};
  return Object.fromEntries(columns.map((column) => [column, Number(row[column] ?? 0)])) as Record<Column, number>;
}
