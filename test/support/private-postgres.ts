// A private PostgreSQL cluster for tests that stop the database: its own data directory in a temporary folder, its
// own free port, started and stopped with the machine's initdb / pg_ctl. It never touches the shared cluster on
// 5432. PostgreSQL refuses to run as root, so as root the cluster belongs to the `postgres` user (runuser).
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import knexFactory from 'knex';

const run = promisify(execFile);

export interface PrivateCluster {
  readonly port: number;
  /** postgres://…/`database` on this cluster (superuser `billing`, trust authentication, loopback only). */
  url(database: string): string;
  /** Starts (or restarts) the server and waits until it accepts connections. */
  start(): Promise<void>;
  /** `pg_ctl stop -m <mode>`: `immediate` is a crash (no shutdown checkpoint, connections cut). */
  stop(mode?: 'smart' | 'fast' | 'immediate'): Promise<void>;
  /** The server's own log so far. */
  log(): Promise<string>;
  /** Stops the server if running and removes the data directory. */
  destroy(): Promise<void>;
}

/** The newest PostgreSQL binaries of the machine (Debian layout), or null. */
export function postgresBinDir(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(path.join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(root, versions[0], 'bin') : null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

export async function startPrivateCluster(): Promise<PrivateCluster> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('no PostgreSQL binaries under /usr/lib/postgresql/*/bin (initdb, pg_ctl) on this machine');
  const asRoot = userInfo().uid === 0;
  const dir = await mkdtemp(path.join(tmpdir(), 'billing-private-pg-'));
  const data = path.join(dir, 'data');
  const logFile = path.join(dir, 'server.log');
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    await chown(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const pg = (tool: string, args: string[]) =>
    asRoot
      ? run('runuser', ['-u', 'postgres', '--', path.join(bin, tool), ...args], { cwd: dir })
      : run(path.join(bin, tool), args, { cwd: dir });
  await pg('initdb', ['-D', data, '-U', 'billing', '-A', 'trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
  const port = await freePort();
  // Loopback only, the socket in the private folder, no durability needed: it is thrown away afterwards.
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off`;
  let running = false;

  const cluster: PrivateCluster = {
    port,
    url: (database) => `postgres://billing@127.0.0.1:${port}/${database}`,
    async start() {
      await pg('pg_ctl', ['-D', data, '-l', logFile, '-o', options, '-w', '-t', '60', 'start']);
      running = true;
    },
    async stop(mode = 'fast') {
      await pg('pg_ctl', ['-D', data, '-m', mode, '-w', 'stop']);
      running = false;
    },
    log: () => readFile(logFile, 'utf8').catch(() => ''),
    async destroy() {
      if (running) await cluster.stop('immediate').catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
  try {
    await cluster.start();
    const admin = knexFactory({ client: 'pg', connection: cluster.url('postgres'), pool: { min: 0, max: 1 } });
    await admin.raw('CREATE DATABASE billing');
    await admin.destroy();
  } catch (e) {
    await cluster.destroy();
    throw e;
  }
  return cluster;
}
