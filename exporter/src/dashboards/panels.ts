import { CATALOGUE_TEXTS } from '../catalogue/texts.js';
import type { Breakdown, ContactExportExtra, Figure, Label, Language, SectionExtra, Trend } from '../sections/presentation.js';
import type { Section } from '../sections/section.js';
import { CONTACT_EXPORT_PANEL, KEWHATS, PROMETHEUS, type FieldOverride, type KeWhatsQuery, type Panel, type ThresholdStep } from './grafana.js';
import { trendUnit } from './units.js';

/** A panel before layout: the dashboard builder gives it its id and grid position. */
export type PanelBody = Omit<Panel, 'id' | 'gridPos'>;

/** What every panel of one dashboard shares: its language and the platform currency. */
export interface PanelContext {
  language: Language;
  currency: string;
}

/** The field of the data source's stats frame holding the snapshot age in seconds. */
export const LAST_UPDATED_FIELD = 'lastUpdated';

/** Snapshot age thresholds: fresh under a minute, stale (orange) up to five, red beyond. */
export const LAST_UPDATED_THRESHOLDS: readonly ThresholdStep[] = [
  { color: 'green', value: null },
  { color: 'orange', value: 60 },
  { color: 'red', value: 300 },
];

const LAST_UPDATED_DESCRIPTION: Label = {
  id: 'Berapa lama sejak exporter menghitung angka ini. Hijau di bawah 1 menit, jingga sejak 1 menit, merah sejak 5 menit: exporter tidak dapat memperbarui dari basis data.',
  en: 'How long ago the exporter computed these figures. Green under 1 minute, orange from 1 minute, red from 5 minutes: the exporter cannot refresh from the database.',
};

const TIME_AGO: Label = { id: 'waktu lalu', en: 'time ago' };

/**
 * The stats frame of one number of the section. With `field` set the data source returns only
 * that figure (or, for `lastUpdated`, only the snapshot age) besides the generatedAt time field,
 * so the card's number is the frame's only numeric field.
 */
function statsQuery(section: Section, field: string, language: Language): KeWhatsQuery {
  return { refId: 'A', datasource: KEWHATS, section: section.name, shape: 'stats', field, language };
}

function breakdownQuery(section: Section, breakdown: Breakdown, language: Language): KeWhatsQuery {
  const query: KeWhatsQuery = { refId: 'A', datasource: KEWHATS, section: section.name, shape: 'breakdown', language };
  // Without a field the data source takes the section's first breakdown: here the top-level counts.
  if (breakdown.path !== '') query.field = breakdown.path;
  return query;
}

/**
 * A stat card showing the one number of its query's frame. No `reduceOptions.fields` pattern:
 * Grafana matches such a regex against the field's display name ("Total Pesan Terkirim"), not
 * its name (messages.sent), so the figure is selected by the query's `field` and the default
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

/**
 * A card per figure. No unit or decimals here: the data source sets them on the frame from the
 * catalogue (a money figure in the catalogue's currency, counts whole), and Grafana applies a
 * panel's field defaults only where the frame's own config leaves a property unset
 * (setFieldConfigDefaults in @grafana/data field/fieldOverrides.ts).
 */
export function figurePanel(section: Section, figure: Figure, { language }: PanelContext): PanelBody {
  return statPanel(
    statsQuery(section, figure.path, language),
    { title: figure.label[language], description: figure.description[language] },
    { color: { mode: 'thresholds' }, thresholds: { mode: 'absolute', steps: [{ color: 'text', value: null }] }, mappings: [] },
    'none',
  );
}

/** "Last updated N s ago": how old the exporter snapshot behind the cards is. */
export function lastUpdatedPanel(section: Section, { language }: PanelContext): PanelBody {
  // lastUpdated is not a figure of the JSON: the data source computes it, and `field: lastUpdated`
  // makes it the frame's only number (in seconds, set by the data source).
  return statPanel(
    statsQuery(section, LAST_UPDATED_FIELD, language),
    { title: `${CATALOGUE_TEXTS.lastUpdated[language]} (${TIME_AGO[language]})`, description: LAST_UPDATED_DESCRIPTION[language] },
    {
      color: { mode: 'thresholds' },
      thresholds: { mode: 'absolute', steps: LAST_UPDATED_THRESHOLDS.map((step) => ({ ...step })) },
      mappings: [],
    },
    'background',
  );
}

export function breakdownPanel(section: Section, breakdown: Breakdown, { language }: PanelContext): PanelBody {
  const base = {
    title: breakdown.label[language],
    description: breakdown.description[language],
    datasource: KEWHATS,
    targets: [breakdownQuery(section, breakdown, language)],
  };
  const tooltip = { mode: 'single', sort: 'none' };
  if (breakdown.chart === 'bar') {
    return {
      type: 'barchart',
      ...base,
      fieldConfig: {
        defaults: {
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
    fieldConfig: { defaults: { color: { mode: 'palette-classic' } }, overrides: [] },
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

/**
 * Series named by a Prometheus label's value (`{{status}}`) are renamed to that value's words.
 * Grafana's byName matcher also matches a field's display name, which is what the legend format
 * sets (fieldNameMatcher in @grafana/data transformations/matchers/nameMatcher.ts).
 */
function legendOverrides(trend: Trend, language: Language): FieldOverride[] {
  return trend.queries.flatMap((query) =>
    (query.values ?? []).map((value) => ({
      matcher: { id: 'byName' as const, options: value.key },
      properties: [{ id: 'displayName' as const, value: value.label[language] }],
    })),
  );
}

export function trendPanel(trend: Trend, { language, currency }: PanelContext): PanelBody {
  return {
    type: 'timeseries',
    title: trend.label[language],
    description: trend.description[language],
    datasource: PROMETHEUS,
    targets: trend.queries.map((query, index) => ({
      refId: String.fromCharCode(65 + index),
      datasource: PROMETHEUS,
      expr: query.expr,
      legendFormat: typeof query.legend === 'string' ? query.legend : query.legend[language],
      range: true,
      instant: false,
      editorMode: 'code',
    })),
    fieldConfig: {
      defaults: {
        unit: trendUnit(trend.unit, currency),
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
      overrides: legendOverrides(trend, language),
    },
    options: {
      legend: { showLegend: true, displayMode: 'list', placement: 'bottom', calcs: [] },
      tooltip: { mode: 'multi', sort: 'desc' },
    },
  };
}

const CONTACT_EXPORT_TEXT = {
  title: { id: 'Ekspor kontak', en: 'Export contacts' },
  description: {
    id: 'Unduh semua kontak (nama, telepon, created_at) atau email yang berbeda sebagai CSV.',
    en: 'Download every contact (name, phone, created_at) or the distinct emails as CSV.',
  },
} satisfies Record<string, Label>;

/** The plugin's CSV download panel, for the section's exports. */
export function contactExportPanel(section: Section, _extra: ContactExportExtra, { language }: PanelContext): PanelBody {
  return {
    type: CONTACT_EXPORT_PANEL,
    title: CONTACT_EXPORT_TEXT.title[language],
    description: CONTACT_EXPORT_TEXT.description[language],
    options: { datasourceUid: KEWHATS.uid, fileNameTemplate: 'kewhats-{type}-{date}.csv', section: section.name, language },
  };
}

/** The panel of each extra a section declares. */
export function extraPanel(section: Section, extra: SectionExtra, context: PanelContext): PanelBody {
  switch (extra.kind) {
    case 'contactExport':
      return contactExportPanel(section, extra, context);
  }
}
