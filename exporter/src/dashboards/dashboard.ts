import { DEFAULT_CURRENCY, DEFAULT_REPORT_TIMEZONE } from '../config.js';
import type { Section } from '../sections/section.js';
import { DASHBOARD_TAG, SCHEMA_VERSION, type Dashboard, type DashboardLink, type Panel } from './grafana.js';
import { layoutBand, type PanelSize } from './layout.js';
import { breakdownPanel, extraPanels, figurePanel, lastUpdatedPanel, trendPanel, type PanelBody } from './panels.js';
import { sectionTrends } from './trends.js';

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

export function dashboardUid(section: Section): string {
  return `kewhats-${section.name}`;
}

/** `dashboard.json` for the home section (named "dashboard"), `<name>.json` for the others. */
export function dashboardFileName(section: Section): string {
  return `${section.name}.json`;
}

export function dashboardTitle(section: Section): string {
  return `KeWhats · ${section.title}`;
}

/**
 * A section with a money figure shows revenue, which follows the dashboard's time range; it opens
 * on the current month ("this month" in Grafana), the API's default revenue range. The
 * others open on the last 6 hours of their Prometheus trends.
 */
function defaultTimeRange(section: Section): { from: string; to: string } {
  const followsRange = section.figures.some((figure) => figure.unit === 'currency');
  return followsRange ? { from: 'now/M', to: 'now/M' } : { from: 'now-6h', to: 'now' };
}

/**
 * Explicit links to every section's dashboard in sidebar order (a tag-based link list would sort
 * them by title). Plain /d/<uid> URLs, so the navigation works outside the app plugin too.
 */
function navigationLinks(sections: readonly Section[]): DashboardLink[] {
  return sections.map((section) => ({
    title: section.title,
    type: 'link',
    url: `/d/${dashboardUid(section)}`,
    tooltip: dashboardTitle(section),
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
 * Prometheus trends and any section-specific panels. Ids follow that order from 1, positions
 * come from the layout alone: the same section always gives the same JSON.
 */
function sectionPanels(section: Section, options: DashboardOptions): Panel[] {
  const cards = [lastUpdatedPanel(section), ...section.figures.map((figure) => figurePanel(section, figure, options.currency))];
  const charts = [
    ...section.breakdowns.map((breakdown) => breakdownPanel(section, breakdown)),
    ...sectionTrends(section).map((trend) => trendPanel(trend, options.currency)),
    ...extraPanels(section),
  ];
  const cardBand = layoutBand(cards.length, STAT_SIZE, 0);
  const chartBand = layoutBand(charts.length, CHART_SIZE, cardBand.bottom);
  const place = (bodies: PanelBody[], positions: typeof cardBand.positions, firstId: number): Panel[] =>
    bodies.map((body, index) => ({ id: firstId + index, gridPos: positions[index]!, ...body }));
  return [...place(cards, cardBand.positions, 1), ...place(charts, chartBand.positions, cards.length + 1)];
}

/** The Grafana dashboard of one section. `sections` are all sections, for the navigation links. */
export function buildDashboard(
  section: Section,
  sections: readonly Section[],
  options: DashboardOptions = DEFAULT_DASHBOARD_OPTIONS,
): Dashboard {
  return {
    uid: dashboardUid(section),
    title: dashboardTitle(section),
    description: `KeWhats Monitoring: ${section.title}. Generated from the exporter's section definitions (exporter/src/dashboards); edit the generator, not this file.`,
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
    links: navigationLinks(sections),
    panels: sectionPanels(section, options),
    schemaVersion: SCHEMA_VERSION,
    version: 1,
  };
}

export interface GeneratedDashboard {
  fileName: string;
  dashboard: Dashboard;
  /** The file content: what is committed and what Grafana loads. */
  json: string;
}

/** Stable JSON: two-space indent and a final newline, keys in construction order. */
export function renderDashboard(dashboard: Dashboard): string {
  return `${JSON.stringify(dashboard, null, 2)}\n`;
}

/** One dashboard per section, in sidebar order. */
export function generateDashboards(
  sections: readonly Section[],
  options: DashboardOptions = DEFAULT_DASHBOARD_OPTIONS,
): GeneratedDashboard[] {
  return sections.map((section) => {
    const dashboard = buildDashboard(section, sections, options);
    return { fileName: dashboardFileName(section), dashboard, json: renderDashboard(dashboard) };
  });
}
