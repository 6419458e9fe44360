// Helpers of the hostile-input and failure suites (test/hostile/, bad-input): a raw HTTP exchange and XML escaping.
// Reading a raw SOAP fault lives in test/support/soap.ts (readFault, expectFault).
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';

/**
 * A raw HTTP exchange (fetch cannot set Host, send a body with PUT as-is, or stream a chunked body); `chunked`
 * writes the body in 64 KiB pieces.
 */
export function rawHttp(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: Buffer | string; chunked?: boolean } = {},
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    let done = false;
    const req = httpRequest(url, { method: opts.method ?? 'GET', headers: opts.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        done = true;
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', (e: NodeJS.ErrnoException) => {
      // A server that answers and closes before the whole body is sent: the answer counts.
      if (done || e.code === 'EPIPE' || e.code === 'ECONNRESET') return;
      reject(e);
    });
    if (opts.chunked && opts.body !== undefined) {
      const body = typeof opts.body === 'string' ? Buffer.from(opts.body) : opts.body;
      for (let i = 0; i < body.length; i += 64 * 1024) req.write(body.subarray(i, i + 64 * 1024));
      req.end();
    } else req.end(opts.body);
  });
}

const xmlEscapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
/** Escapes text for an element or attribute value. */
export const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => xmlEscapes[c]!);
