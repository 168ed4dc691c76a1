export * from './app-plugin.js';
export * from './dashboard.js';
export * from './files.js';
export * from './grafana.js';
export { LAST_UPDATED_FIELD, LAST_UPDATED_THRESHOLDS } from './panels.js';
export { currencyUnit, trendUnit } from './units.js';
