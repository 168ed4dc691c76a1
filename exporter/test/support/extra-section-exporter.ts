// The exporter in demo mode, like src/main.ts, with one more section than src/sections has: the
// "Payments by status" section of extra-section.ts. The Grafana plugin's browser test starts it to
// take a section the plugin was never built with through the built data source. With
// DASHBOARDS_OUT set it also writes the dashboards generated for all nine sections there.
//
//   PORT=… MONITORING_TOKEN=… KEWHATS_DATA_DIR=… node --import tsx test/support/extra-section-exporter.ts
import { pino } from 'pino';
import { loadConfig } from '../../src/config.js';
import { generateDashboards, writeFiles } from '../../src/dashboards/index.js';
import { connectDatabase } from '../../src/db/connect.js';
import { prepareDemoEnvironment } from '../../src/demo/demo-environment.js';
import { startExporter } from '../../src/exporter.js';
import { SECTIONS } from '../../src/sections/index.js';
import { paymentsSection } from './extra-section.js';

const logger = pino({ level: process.env.LOG_LEVEL ?? 'warn' });
const demo = await prepareDemoEnvironment(loadConfig(), logger);
const pool = await connectDatabase(demo.config.databaseUrl!, { max: demo.config.dbPoolMax, statementTimeoutMs: demo.config.statementTimeoutMs });
const sections = [...SECTIONS, paymentsSection];
const exporter = await startExporter({ config: demo.config, pool, logger, sections });
if (process.env.DASHBOARDS_OUT) writeFiles(generateDashboards(sections), process.env.DASHBOARDS_OUT);

process.on('SIGTERM', () => {
  void (async () => {
    await exporter.close();
    await pool.end();
    await demo.embedded.stop();
    process.exit(0);
  })();
});
