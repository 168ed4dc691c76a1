export * from './dashboard.js';
export * from './files.js';
export * from './grafana.js';
export { LAST_UPDATED_FIELD, LAST_UPDATED_THRESHOLDS } from './panels.js';
export { defaultTrend, sectionTrends, type Trend, type TrendQuery } from './trends.js';
export { currencyUnit, figureUnit } from './units.js';
