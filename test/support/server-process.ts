// The service as a separate OS process (`node --import tsx src/main.ts`), configured by environment only, as it
// runs in production: for tests that need several truly independent instances against one PostgreSQL.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SERVICE_PATH } from './app.ts';
import { repoRoot } from './official-wsdl.ts';

export interface ServerProcess {
  readonly baseUrl: string;
  readonly endpoint: string;
  readonly adminKey: string;
  /** The server's process id (for resource readings such as peak RSS). */
  readonly pid: number;
  /** The process's DATA_DIR (the embedded database lives under it when no DATABASE_URL is given). */
  readonly dataDir: string;
  /** Everything the process wrote on stdout and stderr so far. */
  readonly output: string[];
  /** Calls the operator API; throws with the server's message on a non-2xx answer. */
  admin<T = Record<string, unknown>>(path: string, body?: unknown, method?: string): Promise<T>;
  /** SIGTERM, then waits for the exit (SIGKILL after `graceMs`); removes the data directory unless keepDataDir. */
  stop(graceMs?: number): Promise<number | null>;
}

export interface SpawnOptions {
  /** PostgreSQL to use; '' runs the embedded PGlite under the process's DATA_DIR. */
  readonly databaseUrl: string;
  readonly adminKey: string;
  /** More environment (BILLING_TEST_CLOCK, OUTBOX_WORKER…). */
  readonly env?: Record<string, string>;
  /** More Node options before the script (e.g. `--cpu-prof`, which NODE_OPTIONS does not take). */
  readonly nodeArgs?: readonly string[];
  /** How long to wait for GET /health (default 60 s). */
  readonly startTimeoutMs?: number;
  /** Leave DATA_DIR in place after stop() (to open the embedded database afterwards); the caller removes it. */
  readonly keepDataDir?: boolean;
}

/** A free loopback port: bind to port 0, read it, release it. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** Starts `src/main.ts` on a free port with its own temporary DATA_DIR and waits until /health answers. */
export async function spawnServer(opts: SpawnOptions): Promise<ServerProcess> {
  const port = await freePort();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'billing-proc-'));
  const baseUrl = `http://127.0.0.1:${port}`;
  const output: string[] = [];
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), '--import', 'tsx', 'src/main.ts'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      TZ: 'UTC',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      DATABASE_URL: opts.databaseUrl,
      BILLING_ADMIN_KEY: opts.adminKey,
      LOG_LEVEL: 'warn',
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => output.push(d.toString()));
  child.stderr!.on('data', (d: Buffer) => output.push(d.toString()));
  const exit = exited(child);

  const stop = async (graceMs = 15000): Promise<number | null> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exit;
      clearTimeout(timer);
    }
    if (!opts.keepDataDir) await rm(dataDir, { recursive: true, force: true });
    return child.exitCode;
  };

  const deadline = Date.now() + (opts.startTimeoutMs ?? 60000);
  let gone = false;
  void exit.then(() => (gone = true));
  for (;;) {
    if (gone) {
      await stop();
      throw new Error(`the server process exited before it was healthy:\n${output.join('')}`);
    }
    try {
      const res = await fetch(`${baseUrl}/health`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the server process did not become healthy in time:\n${output.join('')}`);
    }
    await sleep(100);
  }

  const admin = async <T>(p: string, body?: unknown, method = 'POST'): Promise<T> => {
    const res = await fetch(`${baseUrl}${p}`, {
      method,
      headers: { Authorization: `Bearer ${opts.adminKey}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json()) as T & { error?: string };
    if (!res.ok) throw new Error(`${method} ${p} → ${res.status}: ${json.error ?? ''}`);
    return json;
  };

  return {
    baseUrl,
    endpoint: `${baseUrl}${SERVICE_PATH}`,
    adminKey: opts.adminKey,
    pid: child.pid!,
    dataDir,
    output,
    admin,
    stop,
  };
}

export interface ConnectionGate {
  /** `databaseUrl` with its host and port replaced by the gate's. */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * A TCP relay in front of PostgreSQL that holds the first `count` connections until all of them have arrived,
 * then lets them through together (and every later one at once). Processes started together reach the database
 * at the same instant however long each took to boot, which makes a start-up race reproducible.
 */
export async function connectionGate(databaseUrl: string, count: number, maxWaitMs = 30000): Promise<ConnectionGate> {
  const target = new URL(databaseUrl);
  const held: Socket[] = [];
  const all = new Set<Socket>();
  let open = false;
  const relay = (client: Socket): void => {
    const upstream = connect(Number(target.port || 5432), target.hostname);
    all.add(upstream);
    client.pipe(upstream).pipe(client);
    const end = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  };
  const release = (): void => {
    open = true;
    for (const c of held.splice(0)) relay(c);
  };
  const timer = setTimeout(release, maxWaitMs);
  const server = createServer((client) => {
    all.add(client);
    if (open) return relay(client);
    client.pause();
    held.push(client);
    if (held.length >= count) release();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const url = new URL(databaseUrl);
  url.hostname = '127.0.0.1';
  url.port = String(typeof address === 'object' && address ? address.port : 0);
  return {
    url: url.toString(),
    async close() {
      clearTimeout(timer);
      for (const socket of all) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
