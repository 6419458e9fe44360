// Peer (c) of the SearchCoupons benchmark: a plain Node HTTP server answering every POST with the same bytes,
// the service's own 100-coupon response. Usage: node --import tsx bench/peers/canned.ts <port> <response file>
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const [port, file] = process.argv.slice(2);
const body = readFileSync(file!);
createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'Content-Type': 'text/xml; charset=utf-8', 'Content-Length': body.length });
    res.end(body);
  });
}).listen(Number(port), '127.0.0.1', () => process.stdout.write('ready\n'));
