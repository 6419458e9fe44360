// Reading a request body with a hard size limit, enforced before anything is parsed.
import type { IncomingMessage } from 'node:http';

export class BodyTooLargeError extends Error {}
/** The client went away (connection closed or reset) before its request body was complete. */
export class ClientAbortedError extends Error {}

export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.reject(new BodyTooLargeError());
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (c: Buffer) => {
      if (failed) return;
      size += c.length;
      if (size > limit) {
        failed = true;
        chunks.length = 0;
        req.resume();
        reject(new BodyTooLargeError());
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks, size));
    });
    req.on('error', (e: NodeJS.ErrnoException) => {
      if (failed) return;
      failed = true;
      // Node reports a body cut short as 'aborted' (ECONNRESET): the client's doing, not ours.
      reject(e.code === 'ECONNRESET' || e.message === 'aborted' ? new ClientAbortedError(e.message) : e);
    });
    req.on('close', () => {
      if (failed || req.complete) return;
      failed = true;
      reject(new ClientAbortedError('aborted'));
    });
  });
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
/** Strict UTF-8: invalid byte sequences are an error, never replacement characters. */
export function decodeUtf8(buf: Buffer): string {
  return utf8.decode(buf);
}
