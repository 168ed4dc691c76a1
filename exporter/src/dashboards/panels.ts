import type { Breakdown, Figure, Section } from '../sections/section.js';
import { CONTACT_EXPORT_PANEL, KEWHATS, PROMETHEUS, type KeWhatsQuery, type Panel, type ThresholdStep } from './grafana.js';
import type { Trend } from './trends.js';
import { currencyUnit, figureUnit } from './units.js';

/** A panel before layout: the dashboard builder gives it its id and grid position. */
export type PanelBody = Omit<Panel, 'id' | 'gridPos'>;

/** The field of the data source's stats frame holding the snapshot age in seconds. */
export const LAST_UPDATED_FIELD = 'lastUpdated';

/** Snapshot age thresholds: fresh under a minute, stale (orange) up to five, red beyond. */
export const LAST_UPDATED_THRESHOLDS: readonly ThresholdStep[] = [
  { color: 'green', value: null },
  { color: 'orange', value: 60 },
  { color: 'red', value: 300 },
];

/**
 * The stats frame of one number of the section. With `field` set the data source returns only
 * that figure (or, for `lastUpdated`, only the snapshot age) besides the generatedAt time field,
 * so the card's number is the frame's only numeric field.
 */
function statsQuery(section: Section, field: string): KeWhatsQuery {
  return { refId: 'A', datasource: KEWHATS, section: section.name, shape: 'stats', field };
}

function breakdownQuery(section: Section, breakdown: Breakdown): KeWhatsQuery {
  // No field: the data source breaks down the section's top-level counts (all but total).
  const query: KeWhatsQuery = { refId: 'A', datasource: KEWHATS, section: section.name, shape: 'breakdown' };
  if (breakdown.field !== undefined) query.field = breakdown.field;
  return query;
}

/**
 * A stat card showing the one number of its query's frame. No `reduceOptions.fields` pattern:
 * Grafana matches such a regex against the field's display name ("Messages sent"), not its
 * name (messages.sent), so the figure is selected by the query's `field` and the default
 * (every numeric field, here exactly one) shows it.
 */
function statPanel(
  query: KeWhatsQuery,
  text: { title: string; description: string },
  defaults: Record<string, unknown>,
  colorMode: 'none' | 'background',
): PanelBody {
  return {
    type: 'stat',
    title: text.title,
    description: text.description,
    datasource: KEWHATS,
    targets: [query],
    fieldConfig: { defaults, overrides: [] },
    options: {
      reduceOptions: { values: false, calcs: ['lastNotNull'], fields: '' },
      orientation: 'auto',
      textMode: 'value',
      wideLayout: true,
      colorMode,
      graphMode: 'none',
      justifyMode: 'center',
      showPercentChange: false,
    },
  };
}

export function figurePanel(section: Section, figure: Figure, currency: string): PanelBody {
  const isMoney = figure.unit === 'currency';
  const description = isMoney
    ? `${figure.title} (${currency}) in the dashboard's time range; the default range is the current month.`
    : `${figure.title}: current value from the exporter (${section.name}.${figure.path}).`;
  return statPanel(
    statsQuery(section, figure.path),
    { title: figure.title, description },
    {
      unit: figureUnit(figure.unit, currency),
      // Counts are whole numbers; money keeps Grafana's automatic decimals.
      ...(isMoney ? {} : { decimals: 0 }),
      color: { mode: 'thresholds' },
      thresholds: { mode: 'absolute', steps: [{ color: 'text', value: null }] },
      mappings: [],
    },
    'none',
  );
}

/** "Last updated N s ago": how old the exporter snapshot behind the cards is. */
export function lastUpdatedPanel(section: Section): PanelBody {
  // lastUpdated is not a figure of the JSON: the data source computes it, and `field: lastUpdated`
  // makes it the frame's only number.
  return statPanel(
    statsQuery(section, LAST_UPDATED_FIELD),
    {
      title: 'Last updated (time ago)',
      description:
        'How long ago the exporter computed these figures. Green under 1 minute, orange from 1 minute, red from 5 minutes: the exporter cannot refresh from the database.',
    },
    {
      unit: 's',
      decimals: 0,
      color: { mode: 'thresholds' },
      thresholds: { mode: 'absolute', steps: LAST_UPDATED_THRESHOLDS.map((step) => ({ ...step })) },
      mappings: [],
    },
    'background',
  );
}

export function breakdownPanel(section: Section, breakdown: Breakdown): PanelBody {
  const base = {
    title: breakdown.title,
    description: `${breakdown.title}: current counts from the exporter.`,
    datasource: KEWHATS,
    targets: [breakdownQuery(section, breakdown)],
  };
  const tooltip = { mode: 'single', sort: 'none' };
  if (breakdown.chart === 'bar') {
    return {
      type: 'barchart',
      ...base,
      fieldConfig: {
        defaults: {
          unit: 'short',
          decimals: 0,
          min: 0,
          color: { mode: 'palette-classic' },
          custom: { fillOpacity: 80, lineWidth: 1, gradientMode: 'none', axisPlacement: 'auto', axisSoftMin: 0 },
        },
        overrides: [],
      },
      options: {
        xField: 'label',
        orientation: 'auto',
        showValue: 'auto',
        stacking: 'none',
        groupWidth: 0.7,
        barWidth: 0.8,
        xTickLabelRotation: 0,
        xTickLabelSpacing: 0,
        legend: { showLegend: false, displayMode: 'list', placement: 'bottom', calcs: [] },
        tooltip,
      },
    };
  }
  return {
    type: 'piechart',
    ...base,
    fieldConfig: {
      defaults: { unit: 'short', decimals: 0, color: { mode: 'palette-classic' } },
      overrides: [],
    },
    options: {
      pieType: breakdown.chart === 'donut' ? 'donut' : 'pie',
      // One slice per row of the label/value frame, named by its label. No field pattern: the
      // default (numeric fields) picks `value` whatever display name the data source gives it.
      reduceOptions: { values: true, calcs: ['lastNotNull'], fields: '' },
      displayLabels: ['percent'],
      legend: { showLegend: true, displayMode: 'table', placement: 'right', values: ['value', 'percent'] },
      tooltip,
    },
  };
}

export function trendPanel(trend: Trend, currency: string): PanelBody {
  return {
    type: 'timeseries',
    title: trend.title,
    description: trend.description,
    datasource: PROMETHEUS,
    targets: trend.queries.map((query, index) => ({
      refId: String.fromCharCode(65 + index),
      datasource: PROMETHEUS,
      expr: query.expr,
      legendFormat: query.legendFormat,
      range: true,
      instant: false,
      editorMode: 'code',
    })),
    fieldConfig: {
      defaults: {
        unit: trend.unit === 'currency' ? currencyUnit(currency) : trend.unit,
        min: 0,
        color: { mode: 'palette-classic' },
        custom: {
          drawStyle: 'line',
          lineInterpolation: 'linear',
          lineWidth: 2,
          fillOpacity: trend.stacked ? 25 : 10,
          showPoints: 'never',
          spanNulls: false,
          stacking: { mode: trend.stacked ? 'normal' : 'none', group: 'A' },
        },
      },
      overrides: [],
    },
    options: {
      legend: { showLegend: true, displayMode: 'list', placement: 'bottom', calcs: [] },
      tooltip: { mode: 'multi', sort: 'desc' },
    },
  };
}

/** The CSV download panel of the Grafana plugin (contacts and distinct emails). */
export function contactExportPanel(): PanelBody {
  return {
    type: CONTACT_EXPORT_PANEL,
    title: 'Export contacts',
    description: 'Download every contact (name, phone, created_at) or the distinct emails as CSV.',
    options: { datasourceUid: KEWHATS.uid, fileNameTemplate: 'kewhats-{type}-{date}.csv' },
  };
}

/**
 * Panels a section has beyond its figures, breakdowns and trends. Only the contacts section
 * has an export endpoint (/api/monitoring/contacts/export).
 */
export function extraPanels(section: Section): PanelBody[] {
  return section.name === 'contacts' ? [contactExportPanel()] : [];
}
