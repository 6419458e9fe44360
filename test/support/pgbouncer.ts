// A pgbouncer of the test's own, in transaction pooling mode, in front of DATABASE_URL's server: its ini, user
// list and port in a temporary directory (PGBOUNCER names the binary; default Debian's /usr/sbin/pgbouncer).
// pgbouncer refuses to run as root, so as root it is started with `-u nobody`.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface Pgbouncer {
  /** `databaseUrl` with its host and port replaced by pgbouncer's. */
  urlFor(databaseUrl: string): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const accepts = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

const quoted = (s: string): string => `"${s.replace(/"/g, '""')}"`;

/** Starts pgbouncer (pool_mode = transaction) for the server of `databaseUrl`; resolves once it accepts. */
export async function startPgbouncer(databaseUrl: string): Promise<Pgbouncer> {
  const server = new URL(databaseUrl);
  const dir = await mkdtemp(path.join(tmpdir(), 'billing-pgbouncer-'));
  const port = await freePort();
  const user = decodeURIComponent(server.username || process.env.USER || 'postgres');
  const password = decodeURIComponent(server.password);
  const ini = [
    '[databases]',
    `* = host=${server.hostname || '127.0.0.1'} port=${server.port || '5432'}`,
    '[pgbouncer]',
    'listen_addr = 127.0.0.1',
    `listen_port = ${port}`,
    // The clients are this test's processes on loopback; the server login uses the user list's password.
    'auth_type = trust',
    `auth_file = ${path.join(dir, 'users.txt')}`,
    'pool_mode = transaction',
    'max_client_conn = 500',
    'default_pool_size = 20',
    'ignore_startup_parameters = extra_float_digits',
    'unix_socket_dir =',
    'logfile =',
  ].join('\n');
  await writeFile(path.join(dir, 'pgbouncer.ini'), `${ini}\n`);
  await writeFile(path.join(dir, 'users.txt'), `${quoted(user)} ${quoted(password)}\n`);
  // Readable by the unprivileged user pgbouncer switches to.
  await chmod(dir, 0o755);
  await chmod(path.join(dir, 'pgbouncer.ini'), 0o644);
  await chmod(path.join(dir, 'users.txt'), 0o644);
  const asRoot = process.getuid?.() === 0;
  const child: ChildProcess = spawn(
    process.env.PGBOUNCER ?? '/usr/sbin/pgbouncer',
    [...(asRoot ? ['-u', 'nobody'] : []), path.join(dir, 'pgbouncer.ini')],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const output: string[] = [];
  child.stderr!.on('data', (d: Buffer) => output.push(d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  const started = Date.now();
  while (!(await accepts(port))) {
    if (child.exitCode !== null || Date.now() - started > 10_000) {
      await stop();
      throw new Error(`pgbouncer did not start:\n${output.join('')}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    urlFor(url: string): string {
      const u = new URL(url);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    stop,
  };
}
