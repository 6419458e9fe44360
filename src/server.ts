// The HTTP router beside app.ts: routes to the SOAP endpoint, the operator API, the offers page and the health and
// metrics endpoints, and drains in-flight requests on close. Only app.ts imports it.
import { createServer, type Server } from 'node:http';
import type { Knex } from 'knex';
import { createAdminApi, type AdminDeps } from './admin/api.ts';
import type { Logger } from './log.ts';
import { selectOne } from './repositories/health.ts';
import { ClientAbortedError } from './request-body.ts';
import type { Metrics } from './metrics.ts';
import { createSoapEndpoint, SERVICE_PATH, type SoapDeps } from './soap/endpoint.ts';
import { handleOffers } from './web/routes.ts';

export interface AppDeps extends SoapDeps, AdminDeps {
  readonly knex: Knex;
  readonly log: Logger;
  readonly metrics: Metrics;
  /** /ready answers 503 when the database does not answer `SELECT 1` within this (default 5000 ms). */
  readonly readyTimeoutMs?: number;
}

/** True when a pooled connection answers `SELECT 1` in time: a hung database or an exhausted pool is not ready. */
async function databaseReady(knex: Knex, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  const query = selectOne(knex).then(
    () => true,
    () => false,
  );
  try {
    return await Promise.race([query, late]);
  } finally {
    clearTimeout(timer);
  }
}

export function createHttpServer(deps: AppDeps): Server {
  const soap = createSoapEndpoint(deps);
  const admin = createAdminApi(deps);
  const servicePath = SERVICE_PATH.toLowerCase();
  const server = createServer((req, res) => {
    // Once the server is closing, every answer closes its connection, so draining does not wait for keep-alive.
    if (!server.listening) res.shouldKeepAlive = false;
    res.on('finish', () => {
      if (!server.listening) req.socket.destroySoon();
    });
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    const handle = async (): Promise<void> => {
      if (path.toLowerCase() === servicePath) return soap(req, res, url.searchParams);
      if (path.startsWith('/admin/')) return admin(req, res, path);
      if (path === '/offers' || path.startsWith('/offers/')) return handleOffers(deps, req, res, path);
      if (path === '/health') {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end('{"status":"ok"}');
        return;
      }
      if (path === '/ready') {
        const ok = await databaseReady(deps.knex, deps.readyTimeoutMs ?? 5000);
        res.writeHead(ok ? 200 : 503, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ ready: ok }));
        return;
      }
      if (path === '/metrics') {
        const mem = process.memoryUsage();
        res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
        res.end(deps.metrics.render({ process_resident_memory_bytes: mem.rss, nodejs_heap_used_bytes: mem.heapUsed }));
        return;
      }
      req.resume();
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Not found\n');
    };
    handle().catch((e: unknown) => {
      if (e instanceof ClientAbortedError) {
        deps.log.info('aborted', { path, stage: 'request body' });
        return;
      }
      deps.log.error('unhandled request error', { path, error: e instanceof Error ? e.message : String(e) });
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end();
    });
  });
  server.keepAliveTimeout = 5000;
  server.headersTimeout = 10000;
  server.requestTimeout = 30000;
  return server;
}
