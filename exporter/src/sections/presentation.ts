import type pg from 'pg';
import type { ExportType } from '../export/contacts-export.js';
import type { AggregateContext } from './section.js';

/*
 * What every view shows of a section: its figures, breakdowns, trends and extra panels, with
 * their words in every language. A section file declares these beside its queries; the monitoring
 * catalogue (GET /api/monitoring/catalogue), the Grafana dashboards, the app plugin's sidebar and
 * the plugin's frames are all derived from them. See docs/catalogue.md.
 */

/** The languages every label is written in: Bahasa Indonesia (the staff's) first, then English. */
export const LANGUAGES = ['id', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/** The locale each language formats numbers, dates and money with (`Rp 29.191.000` in Indonesian). */
export const LOCALES: Readonly<Record<Language, string>> = { id: 'id-ID', en: 'en-US' };

/** Words shown to a person, in every language. */
export type Label = Readonly<Record<Language, string>>;

/** How a figure's number reads: a count, or money in the platform currency (CURRENCY). */
export const FIGURE_UNITS = ['count', 'currency'] as const;
export type FigureUnit = (typeof FIGURE_UNITS)[number];

/** A single number of a section: a card on its dashboard. */
export interface Figure {
  /** Dot path of the number in the section's JSON body (`messages.sent`). */
  path: string;
  /** `count` when left out. */
  unit?: FigureUnit;
  label: Label;
  description: Label;
}

/** A key a count map can hold (a plan, a device status, an integration type) and its label. */
export interface ValueLabel {
  key: string;
  label: Label;
}

export const CHART_KINDS = ['pie', 'donut', 'bar'] as const;
export type ChartKind = (typeof CHART_KINDS)[number];

/** A count map of a section, drawn as a chart. */
export interface Breakdown {
  /** Dot path of the count map in the JSON body; `''` for the section's top-level counts but `total`. */
  path: string;
  chart: ChartKind;
  label: Label;
  description: Label;
  /** What the keys are: "Plan", "Status" … */
  dimension: Label;
  /** The known keys in display order; keys the data has beyond these are shown as they are, after them. */
  values: readonly ValueLabel[];
}

/** The unit of a Prometheus trend's values. */
export type TrendUnit = 'count' | 'currency' | 'requestsPerSecond';

/** One PromQL query of a trend panel. */
export interface TrendQuery {
  expr: string;
  /** `{{label}}` names each series by that Prometheus label's value; a Label names the one series. */
  legend: string | Label;
  /** With a `{{label}}` legend: the words for the label's values (a value without words is shown as it is). */
  values?: readonly ValueLabel[];
}

/**
 * A Prometheus time series panel: how a section's figures moved over the dashboard's time range.
 * Every exporter metric is platform-wide and a deployment scrapes one exporter, so `sum by (label)`
 * only folds labels away.
 */
export interface Trend {
  label: Label;
  description: Label;
  unit: TrendUnit;
  /** Stack the series: for parts of one whole (users by plan), so the top line is the total. */
  stacked: boolean;
  queries: readonly TrendQuery[];
}

/** The CSV downloads of a section (GET /api/monitoring/contacts/export?type=…). */
export interface ContactExportExtra {
  kind: 'contactExport';
  exports: ReadonlyArray<{
    type: ExportType;
    /** The `{type}` of download file names: `kewhats-contacts-2026-11-24.csv`. */
    fileStem: string;
    label: Label;
  }>;
}

/** Panels beyond figures, breakdowns and trends: a closed set every view knows how to draw. */
export type SectionExtra = ContactExportExtra;

/** The route of the contact exports, under /api/monitoring. */
export const CONTACT_EXPORT_PATH = 'contacts/export';

/** What a section needs to recompute its body for another time range. */
export interface RangeSource {
  pool: pg.Pool;
  context: AggregateContext;
}

/**
 * A section whose figures follow a time range (`from`/`to` query parameters). The snapshot holds
 * the default range; another range is computed on demand and laid over the snapshot's body.
 */
export interface TimeRange<Json> {
  /** The range without `from`/`to`: the current calendar month in REPORT_TIMEZONE. */
  default: 'currentMonth';
  /** Paths of the figures that follow the range. */
  figures: readonly string[];
  /** The [from, to) of a body, as ISO date-times. */
  rangeOf(body: Json): { from: string; to: string };
  /** The parts of the body that follow the range, computed for [from, to). */
  forRange(range: { from: Date; to: Date }, source: RangeSource): Promise<Partial<Json>>;
}

/** The query parameters of a time range. */
export const TIME_RANGE_PARAMETERS = { from: 'from', to: 'to' } as const;

/** The value labels of `keys`, in that order, from a label per key. */
export function valueLabels<Key extends string>(keys: readonly Key[], labels: Readonly<Record<Key, Label>>): ValueLabel[] {
  return keys.map((key) => ({ key, label: labels[key] }));
}
