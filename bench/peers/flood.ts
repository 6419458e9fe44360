// An anonymous sender in its own process: POSTs one body file (no credentials) over and over, one request in
// flight, until killed, from its own loopback address (an attacker's address is not the real client's: the
// failed-sign-in limiter pauses the flooding address, not everyone).
// Usage: node --import tsx bench/peers/flood.ts <url> <body-file> [local-address]
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';

const [url, file, localAddress] = process.argv.slice(2);
const body = readFileSync(file!);
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

function post(): Promise<void> {
  return new Promise((resolve) => {
    const req = request(
      url!,
      { method: 'POST', agent, localAddress, headers: { 'Content-Type': 'text/xml; charset=utf-8' } },
      (res) => {
        res.resume();
        res.on('end', resolve);
        res.on('error', () => resolve());
      },
    );
    req.on('error', () => resolve());
    req.end(body);
  });
}

process.stdout.write('ready\n');
for (;;) await post();
