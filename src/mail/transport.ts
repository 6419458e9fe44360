// Where outbox messages go: an SMTP server through a pooled nodemailer transport (SMTP_URL), or, without one,
// RFC 5322 `.eml` files under DATA_DIR/outbox/. The Message-ID is derived from the outbox row, so a message sent
// again after a crash mid-send is recognisably the same message, and its file name is too (a resend replaces the
// file; it never adds a second one).
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { SendMailOptions } from 'nodemailer';

export interface OutgoingMessage {
  readonly id: string;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly createdAt: Date;
}

export interface MailTransport {
  readonly kind: 'smtp' | 'file';
  /** Resolves once the server (or the file system) has accepted the message; rejects with the reason otherwise. */
  send(message: OutgoingMessage): Promise<void>;
  close(): Promise<void>;
}

export class PermanentMailError extends Error {}

export interface MailIdentity {
  /** From address, e.g. `Billing <billing@example.com>` or `billing@example.com`. */
  readonly from: string;
}

/** The domain of the From address names our messages: `<outbox-42@billing.local>`. */
export function messageIdFor(id: string, from: string): string {
  const m = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from);
  return `<outbox-${id}@${m?.[1] ?? 'billing.local'}>`;
}

function mailOptions(m: OutgoingMessage, ident: MailIdentity): SendMailOptions {
  return {
    from: ident.from,
    // An address object, not a string, so the address is never parsed as a list.
    to: { name: '', address: m.to },
    envelope: { to: [m.to] },
    subject: m.subject,
    text: m.text,
    html: m.html,
    messageId: messageIdFor(m.id, ident.from),
    date: m.createdAt,
    headers: { 'Auto-Submitted': 'auto-generated', 'X-Outbox-Id': m.id },
  };
}

export interface SmtpOptions extends MailIdentity {
  readonly url: string;
  /** Connections kept open to the server, each sending one message at a time (default 5). */
  readonly maxConnections?: number;
}

export function smtpTransport(opts: SmtpOptions): MailTransport {
  const transporter = nodemailer.createTransport({
    url: opts.url,
    pool: true,
    maxConnections: opts.maxConnections ?? 5,
    maxMessages: 1000,
    // Well under the worker's lease: a send that hangs fails and is retried by this worker, not taken over.
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  return {
    kind: 'smtp',
    async send(m) {
      try {
        await transporter.sendMail(mailOptions(m, opts));
      } catch (e) {
        const err = e as { permanent?: boolean; responseCode?: number; message?: string };
        // RFC 5321: a 5yz reply refuses the message for good; retrying would get the same answer.
        if (err.permanent === true) throw new PermanentMailError(err.message ?? 'refused', { cause: e });
        throw e;
      }
    },
    async close() {
      transporter.close();
    },
  };
}

export interface FileOptions extends MailIdentity {
  /** Directory the .eml files are written to (DATA_DIR/outbox). */
  readonly dir: string;
}

/** The file name of a message: stable per outbox row, so a resend replaces rather than duplicates. */
export const emlFileName = (id: string): string => `outbox-${id.padStart(12, '0')}.eml`;

export function fileTransport(opts: FileOptions): MailTransport {
  const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  let ready: Promise<unknown> | null = null;
  return {
    kind: 'file',
    async send(m) {
      ready ??= mkdir(opts.dir, { recursive: true });
      await ready;
      const info = await composer.sendMail(mailOptions(m, opts));
      const raw = info.message as Buffer;
      const final = path.join(opts.dir, emlFileName(m.id));
      // Written under a temporary name (ignored by readers of *.eml), flushed, then renamed: a reader never sees a
      // half-written message, and a crash leaves at most a stray temporary file.
      const tmp = path.join(opts.dir, `.${emlFileName(m.id)}.${randomBytes(6).toString('hex')}.tmp`);
      const fh = await open(tmp, 'w', 0o640);
      try {
        await fh.writeFile(raw);
        await fh.sync();
      } finally {
        await fh.close();
      }
      try {
        await rename(tmp, final);
      } catch (e) {
        await unlink(tmp).catch(() => undefined);
        throw e;
      }
    },
    async close() {
      composer.close();
    },
  };
}
