// Where the time of a bench run goes: a process's CPU (from /proc), PostgreSQL's time for one database
// (pg_stat_statements when it is loaded, else pg_stat_database.active_time), and the heaviest functions of a
// --cpu-prof profile.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import knexFactory, { type Knex } from 'knex';

/** CPU time (user + system) a process has used so far, in ms, from /proc/<pid>/stat (clock ticks of 10 ms). */
export function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of the whole line)
  return ticks * 10;
}

/**
 * CPU time (ms) used so far by the PostgreSQL backends connected to `database` (their process titles name it), from
 * /proc: beside the service's own CPU, what the database server spent for it. Backends that have exited are not
 * counted, so read it around a phase whose connections stay open (the service's pool).
 */
export function postgresCpuMs(database: string): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (!readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(` ${database} `)) continue;
      total += processCpuMs(Number(entry));
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return total;
}

/** How PostgreSQL's time for one database is read, and the current total in ms. */
export interface DbTime {
  readonly source: 'pg_stat_statements' | 'pg_stat_database.active_time';
  read(): Promise<number>;
}

/**
 * PostgreSQL's execution time spent in `database`: pg_stat_statements (planning + execution of every statement)
 * when the extension is loaded, else pg_stat_database.active_time (time its backends spent running statements).
 * Both are flushed by the backends with some delay; read() waits until the figure stops moving.
 */
export async function dbTime(admin: Knex, database: string): Promise<DbTime> {
  let statements = false;
  try {
    await admin.raw('SELECT 1 FROM pg_stat_statements LIMIT 1');
    statements = true;
  } catch {
    // Not in shared_preload_libraries (or not created): the database-wide figure is used.
  }
  const once = async (): Promise<number> => {
    const sql = statements
      ? `SELECT coalesce(sum(total_plan_time + total_exec_time), 0)::float8 AS ms FROM pg_stat_statements
          WHERE dbid = (SELECT oid FROM pg_database WHERE datname = ?)`
      : `SELECT coalesce(active_time, 0)::float8 AS ms FROM pg_stat_database WHERE datname = ?`;
    const { rows } = (await admin.raw(sql, [database])) as { rows: { ms: number }[] };
    return Number(rows[0]?.ms ?? 0);
  };
  return {
    source: statements ? 'pg_stat_statements' : 'pg_stat_database.active_time',
    async read() {
      // Idle backends flush their counters within about 10 s (PostgreSQL 15: PGSTAT_IDLE_INTERVAL).
      let last = await once();
      for (let i = 0; i < 14; i++) {
        await new Promise((r) => setTimeout(r, 1000));
        const now = await once();
        if (now === last && i >= 1) return now;
        last = now;
      }
      return last;
    },
  };
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

/**
 * Self-time shares of a .cpuprofile (idle samples left out) over its last `lastMs`: the top `n` functions (name,
 * file:line), then by area (package or src/ folder).
 */
export function topFunctions(dir: string, n = 5, lastMs = Infinity): { lines: string[]; samples: number } {
  // One profile per thread (tsx's module loader runs in its own): the main thread's is the largest.
  const file = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .sort((a, b) => statSync(path.join(dir, b)).size - statSync(path.join(dir, a)).size)[0];
  if (!file) return { lines: ['  (no profile written)'], samples: 0 };
  const profile = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as {
    nodes: ProfileNode[];
    samples: number[];
    timeDeltas: number[];
    endTime: number;
  };
  // Only the last `lastMs` of the profile (the load), not the start-up's module loading.
  const from = profile.endTime - lastMs * 1000;
  let at = profile.endTime - profile.timeDeltas.reduce((s, d) => s + d, 0);
  const byId = new Map(profile.nodes.map((nd) => [nd.id, nd]));
  const self = new Map<string, number>();
  const areas = new Map<string, number>();
  let busy = 0;
  for (const [i, id] of profile.samples.entries()) {
    at += profile.timeDeltas[i] ?? 0;
    if (at < from) continue;
    const nd = byId.get(id);
    if (!nd) continue;
    const { functionName, url, lineNumber } = nd.callFrame;
    if (functionName === '(idle)') continue;
    busy++;
    const where = url ? `${url.replace(/^file:\/\/.*?\/(node_modules|src)\//, '$1/')}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonymous)'} ${where}`.trim();
    self.set(key, (self.get(key) ?? 0) + 1);
    const area =
      /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1] ??
      /\/src\/([^/]+)\//.exec(url)?.[1]?.replace(/^/, 'src/') ??
      (url.startsWith('node:') ? 'node internals' : url === '' ? functionName : 'other');
    areas.set(area, (areas.get(area) ?? 0) + 1);
  }
  const share = (v: number): string => `${((v / Math.max(1, busy)) * 100).toFixed(1)}%`.padStart(6);
  const top = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, n);
  const byArea = [...areas.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8);
  return {
    samples: busy,
    lines: [
      ...top.map(([k, v]) => `  ${share(v)}  ${k}`),
      `  by area: ${byArea.map(([k, v]) => `${k} ${share(v).trim()}`).join(', ')}`,
    ],
  };
}

/** A bench load run: POSTs every body once, `concurrency` in flight, from another process. */
export type PostMany = (
  url: string,
  headers: Record<string, string>,
  bodies: string[],
  concurrency: number,
) => Promise<{ count: number; ms: number; statuses: Record<string, number> }>;

/**
 * A fresh database `<prefix>_<random>` on the server of DATABASE_URL, with an admin connection to drop it afterwards;
 * without DATABASE_URL, no admin connection and an empty URL (the service then runs on the embedded PGlite).
 */
export async function benchDatabase(prefix: string): Promise<{ adminDb: Knex | null; dbName: string; dbUrl: string }> {
  const baseUrl = process.env.DATABASE_URL || null;
  const dbName = `${prefix}_${randomBytes(4).toString('hex')}`;
  if (!baseUrl) return { adminDb: null, dbName, dbUrl: '' };
  const adminDb = knexFactory({ client: 'pg', connection: baseUrl, pool: { min: 0, max: 1 } });
  await adminDb.raw(`CREATE DATABASE ${dbName}`);
  const u = new URL(baseUrl);
  u.pathname = `/${dbName}`;
  return { adminDb, dbName, dbUrl: u.toString() };
}

/** The operator API's body for the bench's plain coupon class: Retention, 50 USD, 30 active days, expiring in 2099. */
export function retentionClass(customer: string, name: string): Record<string, unknown> {
  return {
    customer,
    name,
    type: 'Retention',
    amount: '50',
    currency: 'USD',
    activeDays: 30,
    expires: '2099-01-01T00:00:00Z',
  };
}
