// Composition root: config → database → services → HTTP server; SIGTERM drains and exits 0.
import { startApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { SERVICE_PATH } from './soap/endpoint.ts';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`configuration error: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  const app = await startApp(config);
  const base = config.publicUrl ?? app.url.replace('127.0.0.1', 'localhost');
  app.log.info('listening', {
    url: `${base}${SERVICE_PATH}`,
    wsdl: `${base}${SERVICE_PATH}?wsdl`,
    database: app.db.kind === 'pglite' ? `embedded PGlite in ${config.dataDir}/pglite` : 'PostgreSQL (DATABASE_URL)',
    adminKey: config.adminKeyFile ? `in ${config.adminKeyFile}` : 'from BILLING_ADMIN_KEY',
    testClock: config.testClock,
  });
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    app.log.info('stopping', { signal });
    app.close().then(
      () => process.exit(0),
      (e: unknown) => {
        app.log.error('error while stopping', { error: e instanceof Error ? e.message : String(e) });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((e: unknown) => {
  process.stderr.write(`failed to start: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
