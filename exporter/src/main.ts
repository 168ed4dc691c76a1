// The exporter process: configuration, database (embedded demo or DATABASE_URL), HTTP server,
// graceful shutdown. Start-up problems end it with one clear line and exit code 1.
import { ConfigError, loadConfig, type Config } from './config.js';
import { connectDatabase } from './db/connect.js';
import type { DemoEnvironment } from './demo/demo-environment.js';
import { startExporter } from './exporter.js';
import { createLogger } from './logger.js';

function fail(message: string): never {
  console.error(`kewhats-exporter: ${message}`);
  process.exit(1);
}

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  fail(error instanceof ConfigError ? `configuration: ${error.message}` : String(error));
}

const logger = createLogger(config.logLevel);
let demo: DemoEnvironment | undefined;
try {
  if (!config.databaseUrl) {
    // Loaded only in demo mode: production never loads the embedded database.
    const { prepareDemoEnvironment } = await import('./demo/demo-environment.js');
    demo = await prepareDemoEnvironment(config, logger);
    config = demo.config;
  }
  const poolOptions = { max: config.dbPoolMax, statementTimeoutMs: config.statementTimeoutMs, queryTimeoutMs: config.queryTimeoutMs };
  // The primary takes every write and sign-in; the aggregate reads and exports go to the read
  // replica when DATABASE_READ_URL names one (docs/reliability.md#read-replicas).
  const pool = await connectDatabase(config.databaseUrl!, poolOptions);
  const readPool =
    config.databaseReadUrl && config.databaseReadUrl !== config.databaseUrl
      ? await connectDatabase(config.databaseReadUrl, { ...poolOptions, applicationName: 'kewhats-exporter-read' }).catch(async (error: unknown) => {
          await pool.end();
          throw error;
        })
      : pool;
  const exporter = await startExporter({ config, pool, readPool, logger });
  logger.info({ url: exporter.url, demo: Boolean(demo) }, 'exporter listening');
  if (demo) (await import('./demo/banner.js')).printDemoBanner({ url: exporter.url, config, demo });
  // Demo life: on in demo mode unless DEMO_SIMULATOR=false; with DATABASE_URL only on request.
  const simulate = (Boolean(demo) || config.demoSimulator === true) && config.demoSimulator !== false;
  const simulator = simulate
    ? (await import('./demo/simulator.js')).startDemoSimulator({ pool, logger, timeZone: config.reportTimeZone })
    : undefined;

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    await simulator?.stop();
    await exporter.close();
    if (readPool !== pool) await readPool.end();
    await pool.end();
    await demo?.embedded.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
} catch (error) {
  await demo?.embedded.stop().catch(() => {});
  const message = error instanceof Error ? error.message : String(error);
  fail((error as NodeJS.ErrnoException).code === 'EADDRINUSE' ? `port ${config.port} is already in use (set PORT)` : message);
}
