import { DEFAULT_CURRENCY, DEFAULT_REPORT_TIMEZONE } from '../config.js';
import { LANGUAGES, type Label, type Language } from '../sections/presentation.js';
import type { Section } from '../sections/section.js';
import { DASHBOARD_TAG, SCHEMA_VERSION, type Dashboard, type DashboardLink, type Panel } from './grafana.js';
import { layoutBand, type PanelSize } from './layout.js';
import { breakdownPanel, extraPanel, figurePanel, lastUpdatedPanel, trendPanel, type PanelBody, type PanelContext } from './panels.js';

export interface DashboardOptions {
  /** The platform currency (exporter env CURRENCY) for the money units. */
  currency: string;
  /**
   * The dashboards' time zone: the exporter's REPORT_TIMEZONE, so "this month" in Grafana's time
   * picker is the same month the revenue figure and the revenue metric use.
   */
  timeZone: string;
}

/** The exporter's defaults; the committed dashboards are built with these. */
export const DEFAULT_DASHBOARD_OPTIONS: DashboardOptions = { currency: DEFAULT_CURRENCY, timeZone: DEFAULT_REPORT_TIMEZONE };

const STAT_SIZE: PanelSize = { w: 4, h: 4 };
const CHART_SIZE: PanelSize = { w: 12, h: 9 };

const GENERATED_NOTE: Label = {
  id: 'Dibuat dari definisi bagian exporter (exporter/src/sections); ubah definisinya, bukan berkas ini.',
  en: "Generated from the exporter's section definitions (exporter/src/sections); edit those, not this file.",
};

/** The same uid in every language: Grafana loads one language's set (DASHBOARD_LANGUAGE). */
export function dashboardUid(section: Section): string {
  return `kewhats-${section.name}`;
}

/** `<language>/<name>.json`: one folder per language, `dashboard.json` the home in each. */
export function dashboardFileName(section: Section, language: Language): string {
  return `${language}/${section.name}.json`;
}

export function dashboardTitle(section: Section, language: Language): string {
  return `KeWhats · ${section.title[language]}`;
}

/**
 * A section with a time range (revenue) follows the dashboard's time range and opens on its
 * default, the current month ("this month" in Grafana). The others open on the last 6 hours of
 * their Prometheus trends.
 */
function defaultTimeRange(section: Section): { from: string; to: string } {
  return section.timeRange?.default === 'currentMonth' ? { from: 'now/M', to: 'now/M' } : { from: 'now-6h', to: 'now' };
}

/**
 * Explicit links to every section's dashboard in sidebar order (a tag-based link list would sort
 * them by title). Plain /d/<uid> URLs, so the navigation works outside the app plugin too.
 */
function navigationLinks(sections: readonly Section[], language: Language): DashboardLink[] {
  return sections.map((section) => ({
    title: section.title[language],
    type: 'link',
    url: `/d/${dashboardUid(section)}`,
    tooltip: dashboardTitle(section, language),
    icon: 'dashboard',
    tags: [],
    asDropdown: false,
    includeVars: false,
    // Each dashboard opens on its own default range (the home one on the current month).
    keepTime: false,
    targetBlank: false,
  }));
}

/**
 * The panels in reading order: snapshot age and figure cards, then the breakdown charts, the
 * Prometheus trends and the section's extra panels. Ids follow that order from 1, positions
 * come from the layout alone: the same section always gives the same JSON.
 */
function sectionPanels(section: Section, context: PanelContext): Panel[] {
  const cards = [lastUpdatedPanel(section, context), ...section.figures.map((figure) => figurePanel(section, figure, context))];
  const charts = [
    ...section.breakdowns.map((breakdown) => breakdownPanel(section, breakdown, context)),
    ...section.trends.map((trend) => trendPanel(trend, context)),
    ...(section.extras ?? []).map((extra) => extraPanel(section, extra, context)),
  ];
  const cardBand = layoutBand(cards.length, STAT_SIZE, 0);
  const chartBand = layoutBand(charts.length, CHART_SIZE, cardBand.bottom);
  const place = (bodies: PanelBody[], positions: typeof cardBand.positions, firstId: number): Panel[] =>
    bodies.map((body, index) => ({ id: firstId + index, gridPos: positions[index]!, ...body }));
  return [...place(cards, cardBand.positions, 1), ...place(charts, chartBand.positions, cards.length + 1)];
}

/** The Grafana dashboard of one section in one language. `sections` are all sections, for the navigation links. */
export function buildDashboard(
  section: Section,
  sections: readonly Section[],
  language: Language,
  options: DashboardOptions = DEFAULT_DASHBOARD_OPTIONS,
): Dashboard {
  return {
    uid: dashboardUid(section),
    title: dashboardTitle(section, language),
    description: `KeWhats Monitoring: ${section.description[language]}. ${GENERATED_NOTE[language]}`,
    tags: [DASHBOARD_TAG],
    style: 'dark',
    timezone: options.timeZone,
    editable: false,
    graphTooltip: 1,
    fiscalYearStartMonth: 0,
    liveNow: false,
    refresh: '30s',
    time: defaultTimeRange(section),
    timepicker: {},
    annotations: { list: [] },
    templating: { list: [] },
    links: navigationLinks(sections, language),
    panels: sectionPanels(section, { language, currency: options.currency }),
    schemaVersion: SCHEMA_VERSION,
    version: 1,
  };
}

export interface GeneratedDashboard {
  /** Relative to the dashboards folder: `<language>/<name>.json`. */
  fileName: string;
  language: Language;
  dashboard: Dashboard;
  /** The file content: what is committed and what Grafana loads. */
  json: string;
}

/** Stable JSON: two-space indent and a final newline, keys in construction order. */
export function renderDashboard(dashboard: Dashboard): string {
  return `${JSON.stringify(dashboard, null, 2)}\n`;
}

/** One dashboard per section and language, in sidebar order within each language. */
export function generateDashboards(
  sections: readonly Section[],
  options: DashboardOptions = DEFAULT_DASHBOARD_OPTIONS,
  languages: readonly Language[] = LANGUAGES,
): GeneratedDashboard[] {
  const ordered = [...sections].sort((a, b) => a.position - b.position);
  return languages.flatMap((language) =>
    ordered.map((section) => {
      const dashboard = buildDashboard(section, ordered, language, options);
      return { fileName: dashboardFileName(section, language), language, dashboard, json: renderDashboard(dashboard) };
    }),
  );
}
