// A load client in its own process, like post-many.ts but on autocannon (the client every SearchCoupons figure is
// measured with), so the client's own cost per request stays small: POSTs every body of a job file once, with a
// fixed number of connections, and prints {count, ms, statuses}.
// Usage: node --import tsx bench/peers/cannon-bodies.ts <job.json>   (job.json as for post-many.ts)
import autocannon from 'autocannon';
import { readJob } from './job.ts';

const job = readJob(process.argv[2]!);
let next = 0;
// Timed from the first request to the last response: autocannon itself ends only at its next one-second sample.
let first = 0;
let last = 0;
const result = await autocannon({
  url: job.url,
  connections: job.concurrency,
  amount: job.bodies.length,
  requests: [
    {
      method: 'POST',
      headers: job.headers,
      setupRequest: (req) => {
        if (first === 0) first = performance.now();
        return { ...req, body: job.bodies[next++ % job.bodies.length]! };
      },
      onResponse: () => {
        last = performance.now();
      },
    },
  ],
});
const statuses: Record<string, number> = {};
for (const [code, { count }] of Object.entries(result.statusCodeStats ?? {})) statuses[code] = Number(count);
process.stdout.write(`${JSON.stringify({ count: result.requests.total, ms: last - first, statuses })}\n`);
