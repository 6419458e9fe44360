// One autocannon run of POSTed SearchCoupons bodies from a separate process, as every bench section measures it.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../test/support/official-wsdl.ts';

const execFileAsync = promisify(execFile);

export interface Cannon {
  /** Requests per second (average) and in all. */
  readonly rps: number;
  readonly requests: number;
  readonly p50: number;
  readonly p99: number;
  readonly non2xx: number;
}

export async function cannon(url: string, bodyFile: string, seconds: number, connections = 16): Promise<Cannon> {
  const { stdout } = await execFileAsync(
    process.execPath,
    [
      path.join(repoRoot, 'node_modules/autocannon/autocannon.js'),
      ...['-c', String(connections), '-d', String(seconds), '-m', 'POST', '--json'],
      ...['-H', 'Content-Type=text/xml; charset=utf-8', '-H', 'SOAPAction="SearchCoupons"', '-i', bodyFile],
      url,
    ],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  const r = JSON.parse(stdout) as {
    requests: { average: number; total: number };
    latency: { p50: number; p99: number };
    non2xx: number;
  };
  return {
    rps: r.requests.average,
    requests: r.requests.total,
    p50: r.latency.p50,
    p99: r.latency.p99,
    non2xx: r.non2xx,
  };
}
