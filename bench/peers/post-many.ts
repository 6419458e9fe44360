// A load client in its own process: POSTs every body of a job file with a fixed number of requests in flight and
// prints {count, ms, statuses}. Usage: node --import tsx bench/peers/post-many.ts <job.json>
// job.json: { "url", "headers": {…}, "concurrency", "bodies": ["…", …] }
import { readJob } from './job.ts';

const job = readJob(process.argv[2]!);
const statuses: Record<string, number> = {};
let next = 0;
const started = performance.now();
async function worker(): Promise<void> {
  while (next < job.bodies.length) {
    const body = job.bodies[next++]!;
    const res = await fetch(job.url, { method: 'POST', headers: job.headers, body });
    await res.arrayBuffer();
    statuses[res.status] = (statuses[res.status] ?? 0) + 1;
  }
}
await Promise.all(Array.from({ length: job.concurrency }, worker));
process.stdout.write(`${JSON.stringify({ count: job.bodies.length, ms: performance.now() - started, statuses })}\n`);
