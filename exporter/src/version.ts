import { readFileSync } from 'node:fs';

/** The exporter's version, sent as X-KeWhats-Version (the Grafana data source shows it). */
export const VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
