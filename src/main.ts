// Composition root: config → database → services → HTTP server; SIGTERM drains and exits 0, or cuts what is
// still running at SHUTDOWN_GRACE_MS and exits 1.
import { setFlagsFromString } from 'node:v8';
import { startApp } from './app.ts';
import { ConfigError, DEFAULT_SHUTDOWN_GRACE_MS, loadConfig } from './config.ts';
import { SERVICE_PATH } from './soap/endpoint.ts';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(line('error', 'configuration error', { error: e.message }));
      process.exit(2);
    }
    throw e;
  }
  // Read by V8 at each full collection, so it applies from here on (the heap is still small at this point).
  if (config.heapGrowingPercent) setFlagsFromString(`--heap-growing-percent=${config.heapGrowingPercent}`);
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
    const graceMs = config.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS;
    app.log.info('stopping', { signal, graceMs });
    // At the deadline whatever is still in flight is cut (its sockets destroyed; PostgreSQL rolls back the open
    // transactions when the process's connections close) and the exit code is 1, so a supervisor can tell.
    setTimeout(() => {
      app.log.warn('shutdown deadline passed: cutting remaining requests', { graceMs });
      app.server.closeAllConnections();
      process.exit(1);
    }, graceMs).unref();
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

/** A JSON log line for the moments before the logger exists. */
function line(level: string, msg: string, fields: Record<string, string | undefined>): string {
  return `${JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields })}\n`;
}

main().catch((e: unknown) => {
  process.stderr.write(
    line('error', 'failed to start', {
      error: e instanceof Error ? e.message : String(e),
      stack: e instanceof Error ? e.stack : undefined,
    }),
  );
  process.exit(1);
});
