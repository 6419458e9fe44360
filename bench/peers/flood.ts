// An anonymous sender in its own process: POSTs one body file (no credentials) over and over, one request in
// flight, until killed. Usage: node --import tsx bench/peers/flood.ts <url> <body-file>
import { readFileSync } from 'node:fs';

const [url, file] = process.argv.slice(2);
const body = readFileSync(file!);
process.stdout.write('ready\n');
for (;;) {
  const res = await fetch(url!, { method: 'POST', headers: { 'Content-Type': 'text/xml; charset=utf-8' }, body });
  await res.arrayBuffer();
}
