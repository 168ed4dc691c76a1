import type { TrendUnit } from '../sections/presentation.js';

/**
 * Grafana's built-in currency units for the platform currencies we expect (IDR is the default).
 * Built-in units scale with K/M/B like the other money units in Grafana's unit picker.
 */
const GRAFANA_CURRENCY_UNITS: Readonly<Record<string, string>> = {
  IDR: 'currencyIDR',
  USD: 'currencyUSD',
  EUR: 'currencyEUR',
  GBP: 'currencyGBP',
  JPY: 'currencyJPY',
  INR: 'currencyINR',
  MYR: 'currencyMYR',
  PHP: 'currencyPHP',
  VND: 'currencyVND',
};

/** The Grafana unit of a currency code; any other code falls back to Grafana's custom currency syntax. */
export function currencyUnit(currency: string): string {
  const code = currency.toUpperCase();
  return GRAFANA_CURRENCY_UNITS[code] ?? `currency:${code} `;
}

/** The Grafana unit of a trend's axis (scaled: "Rp29.2M", "1.5 K", "3 req/s"). */
export function trendUnit(unit: TrendUnit, currency: string): string {
  switch (unit) {
    case 'currency':
      return currencyUnit(currency);
    case 'requestsPerSecond':
      return 'reqps';
    case 'count':
      return 'short';
  }
}
