// A real SMTP server in the test process (the smtp-server package) that keeps every message it accepts and can
// be told to refuse recipients, like a mail server having a bad day. Also an RFC 5322 reader for what it got:
// Python's `email` package (the interop tests' /usr/bin/python3), an independent MIME parser.
import { execFile } from 'node:child_process';
import type { AddressInfo, Socket } from 'node:net';
import { promisify } from 'node:util';
import { SMTPServer } from 'smtp-server';

export interface SinkMessage {
  readonly from: string | null;
  readonly to: readonly string[];
  readonly raw: string;
}

export interface SmtpSink {
  readonly url: string;
  readonly messages: SinkMessage[];
  /** Reply code to refuse RCPT TO with for an address (e.g. 451 transient, 550 permanent), or null to accept. */
  refuse: (address: string) => number | null;
  /** Milliseconds to hold each message before answering DATA (to keep sends in flight). */
  dataDelayMs: number;
  /** Messages received but not answered yet (held by dataDelayMs). */
  readonly pending: number;
  close(): Promise<void>;
  /** Stops listening and drops every connection at once, like a mail server that died. */
  crash(): Promise<void>;
}

/** Starts the sink on `port` (default: any free port). */
export async function startSmtpSink(port = 0): Promise<SmtpSink> {
  const messages: SinkMessage[] = [];
  const sink: SmtpSink = {
    url: '',
    messages,
    refuse: () => null,
    dataDelayMs: 0,
    pending: 0,
    close: async () => undefined,
    crash: async () => undefined,
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    size: 10 * 1024 * 1024,
    onRcptTo(address, _session, callback) {
      const code = sink.refuse(address.address);
      if (code === null) return callback();
      const err = new Error(code >= 500 ? 'Mailbox unavailable' : 'Try again later') as Error & {
        responseCode: number;
      };
      err.responseCode = code;
      callback(err);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const accept = (): void => {
          (sink as { pending: number }).pending--;
          messages.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString('utf8'),
          });
          callback();
        };
        (sink as { pending: number }).pending++;
        if (sink.dataDelayMs > 0) setTimeout(accept, sink.dataDelayMs).unref();
        else accept();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const sockets = new Set<Socket>();
  server.server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const address = server.server.address() as AddressInfo;
  Object.assign(sink, {
    url: `smtp://127.0.0.1:${address.port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    crash: () =>
      new Promise<void>((resolve) => {
        server.server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  });
  return sink;
}

export interface ParsedMail {
  readonly messageId: string | null;
  readonly from: string | null;
  readonly to: string | null;
  readonly subject: string | null;
  readonly date: string | null;
  readonly contentType: string;
  /** Content types of the leaf parts, in order. */
  readonly parts: readonly string[];
  readonly text: string | null;
  readonly html: string | null;
  /** Header names with a defect Python's parser reported, if any. */
  readonly defects: readonly string[];
}

const PARSER = `
import email, json, sys
from email import policy
out = []
for raw in json.load(sys.stdin):
    m = email.message_from_bytes(raw.encode('utf-8'), policy=policy.default)
    plain = m.get_body(('plain',))
    html = m.get_body(('html',))
    out.append({
        'messageId': m['Message-ID'], 'from': m['From'], 'to': m['To'], 'subject': m['Subject'], 'date': m['Date'],
        'contentType': m.get_content_type(),
        'parts': [p.get_content_type() for p in m.walk() if not p.is_multipart()],
        'text': plain.get_content() if plain is not None else None,
        'html': html.get_content() if html is not None else None,
        'defects': [type(d).__name__ for p in m.walk() for d in p.defects],
    })
json.dump(out, sys.stdout)
`;

/** Parses raw RFC 5322 messages with Python's standard `email` package (policy.default). */
export async function parseMail(raws: readonly string[]): Promise<ParsedMail[]> {
  const python = process.env.ZEEP_PYTHON ?? '/usr/bin/python3';
  const child = promisify(execFile)(python, ['-c', PARSER], { maxBuffer: 256 * 1024 * 1024 });
  child.child.stdin!.end(JSON.stringify(raws));
  const { stdout } = await child;
  return JSON.parse(stdout) as ParsedMail[];
}

/** Waits until `check` is true, polling; fails after `timeoutMs`. */
export async function eventually(
  check: () => Promise<boolean> | boolean,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
