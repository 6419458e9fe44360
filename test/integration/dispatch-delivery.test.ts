// Coupon emails after DispatchCoupons: delivered by the outbox worker to a real SMTP server in this process
// (or written as .eml files without one), exactly once per email, retried while the server refuses, failed after
// the last attempt, never sent twice by two workers, and sent again (same Message-ID) when a worker dies mid-send.
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { createLogger } from '../../src/log.ts';
import { claimDue } from '../../src/repositories/outbox.ts';
import { smtpTransport } from '../../src/mail/transport.ts';
import { startOutboxWorker, type OutboxWorker, type OutboxWorkerDeps } from '../../src/mail/worker.ts';
import { openDatabase } from '../../src/repositories/db.ts';
import { freshDatabase, postSoap, soapRequest, startTestApp, type TestApp, type TestDatabase } from '../support/app.ts';
import { makeCouponClass, makeWorld, mint, type World } from '../support/factories.ts';
import { eventually, parseMail, startSmtpSink, type SmtpSink } from '../support/smtp-sink.ts';

const ARR = 'http://schemas.microsoft.com/2003/10/Serialization/Arrays';
const silent = createLogger('silent');
const repoRoot = path.resolve(import.meta.dirname, '../..');

interface OutboxRow {
  id: string;
  to_email: string;
  status: string;
  attempts: number;
  last_error: string | null;
  next_attempt_at: Date;
  locked_until: Date | null;
  sent_at: Date | null;
}

const xml = (v: string): string => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Dispatches `emails` from a new class with as many coupons; returns the class name and its codes. */
async function dispatch(
  t: TestApp,
  w: World,
  emails: readonly string[],
  classOverrides: Record<string, unknown> = {},
): Promise<{ name: string; codes: string[] }> {
  const name = (classOverrides.name as string | undefined) ?? `Mail${Math.random().toString(36).slice(2, 10)}`;
  await makeCouponClass(t, w.customerId, { ...classOverrides, name });
  const codes = await mint(t, w.customerId, name, emails.length);
  const inner =
    `<b:SendToEmails xmlns:a="${ARR}">${emails.map((e) => `<a:string>${xml(e)}</a:string>`).join('')}</b:SendToEmails>` +
    `<b:CustomerId>${w.customerId}</b:CustomerId><b:CouponClassName>${xml(name)}</b:CouponClassName>`;
  const res = await postSoap(t.endpoint, soapRequest('DispatchCoupons', inner, w.user));
  expect(res.status, res.body).to.equal(200);
  expect(res.body).to.contain('<PartialErrors></PartialErrors>');
  return { name, codes };
}

async function outboxFor(t: TestApp, emails: readonly string[]): Promise<OutboxRow[]> {
  return (await t.db.knex('outbox').whereIn('to_email', emails).orderBy('id')) as OutboxRow[];
}
const allStatus = async (t: TestApp, emails: readonly string[], status: string): Promise<boolean> =>
  (await outboxFor(t, emails)).every((r) => r.status === status);
const received = (sink: SmtpSink, email: string): number => sink.messages.filter((m) => m.to.includes(email)).length;
const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('Coupon emails are delivered by the outbox worker over SMTP', function () {
  this.timeout(60_000);
  let sink: SmtpSink;
  let t: TestApp;
  let w: World;

  before(async () => {
    sink = await startSmtpSink();
    t = await startTestApp({ smtpUrl: sink.url, outboxPollMs: 20, outboxRetryBaseMs: 20, outboxMaxAttempts: 3 });
    w = await makeWorld(t);
  });
  after(async () => {
    await t.close();
    await sink.close();
  });
  afterEach(() => {
    sink.refuse = () => null;
  });

  it('each dispatched email arrives once, with the code, amount, threshold, dates, text and HTML parts', async () => {
    const emails = ['ann@example.com', 'bob@example.com', 'cy@example.com'];
    const { codes } = await dispatch(t, w, emails, {
      name: 'Spring <Promo> & "Co"',
      amount: '1250.5',
      threshold: '25.50',
      start: '2020-01-01T00:00:00Z',
      end: '2099-01-01T00:00:00Z',
      expires: '2099-06-01T12:30:00Z',
    });
    await eventually(() => allStatus(t, emails, 'sent'), 10_000, 'all sent');
    await pause(200); // nothing more arrives later
    expect(emails.map((e) => received(sink, e))).to.deep.equal([1, 1, 1]);
    const rows = await outboxFor(t, emails);
    const mails = await parseMail(emails.map((e) => sink.messages.find((m) => m.to.includes(e))!.raw));
    mails.forEach((m, i) => {
      expect(m.defects).to.deep.equal([]);
      expect(m.messageId).to.equal(`<outbox-${rows[i]!.id}@billing.local>`);
      expect(m.to).to.equal(emails[i]);
      expect(m.from).to.contain('billing@billing.local');
      expect(m.contentType).to.equal('multipart/alternative');
      expect(m.parts).to.deep.equal(['text/plain', 'text/html']);
      expect(m.subject).to.contain(codes[i]);
      for (const body of [m.text!, m.html!]) {
        expect(body).to.contain(codes[i]);
        expect(body).to.contain('1,250.50 USD');
        expect(body).to.contain('25.50 USD');
        expect(body).to.contain('1 January 2099, 00:00 UTC'); // redeem by (EndDate)
        expect(body).to.contain('1 June 2099, 12:30 UTC'); // expires
        expect(body).to.contain('RedeemCoupon');
        expect(body).to.contain('Billing &');
      }
      expect(m.text).to.contain('Spring <Promo> & "Co"');
      expect(m.html).to.contain('Spring &lt;Promo&gt; &amp; &quot;Co&quot;');
      expect(m.html).not.to.contain('<Promo>');
    });
    for (const r of rows) {
      expect(r.attempts).to.equal(1);
      expect(r.sent_at).to.be.instanceOf(Date);
      expect(r.locked_until).to.equal(null);
    }
  });

  it('a redeem-within class says by when the coupon must be redeemed', async () => {
    const { codes } = await dispatch(t, w, ['dee@example.com'], { redeemWithinDays: 14, end: '2099-01-01T00:00:00Z' });
    await eventually(() => received(sink, 'dee@example.com') === 1, 10_000, 'delivery');
    const [m] = await parseMail([sink.messages.find((x) => x.to.includes('dee@example.com'))!.raw]);
    expect(m!.text).to.contain(codes[0]);
    expect(m!.text).to.contain('14 days of receiving this email');
    const by = new Date(Date.now() + 14 * 86_400_000);
    expect(m!.text).to.contain(`${by.getUTCDate()} `);
  });

  it('a message the server refuses (451) is retried with backoff and delivered once it recovers', async () => {
    let refusals = 0;
    sink.refuse = (a) => (a === 'retry@example.com' && refusals++ < 2 ? 451 : null);
    await dispatch(t, w, ['retry@example.com']);
    await eventually(async () => (await outboxFor(t, ['retry@example.com']))[0]!.attempts >= 1, 5000, 'first try');
    await eventually(() => allStatus(t, ['retry@example.com'], 'sent'), 10_000, 'delivery after retries');
    const [row] = await outboxFor(t, ['retry@example.com']);
    expect(row!.attempts).to.equal(3);
    expect(row!.last_error).to.equal(null);
    expect(refusals).to.equal(3);
    expect(received(sink, 'retry@example.com')).to.equal(1);
  });

  it('a message the server keeps refusing is marked failed after the last attempt, and never sent', async () => {
    sink.refuse = (a) => (a === 'never@example.com' ? 451 : null);
    await dispatch(t, w, ['never@example.com']);
    await eventually(() => allStatus(t, ['never@example.com'], 'failed'), 10_000, 'failed');
    const [row] = await outboxFor(t, ['never@example.com']);
    expect(row!.attempts).to.equal(3); // outboxMaxAttempts
    expect(row!.last_error).to.contain('451');
    await pause(150);
    expect((await outboxFor(t, ['never@example.com']))[0]!.attempts).to.equal(3);
    expect(received(sink, 'never@example.com')).to.equal(0);
  });

  it('a permanent refusal (550) fails the message at once', async () => {
    sink.refuse = (a) => (a === 'gone@example.com' ? 550 : null);
    await dispatch(t, w, ['gone@example.com']);
    await eventually(() => allStatus(t, ['gone@example.com'], 'failed'), 10_000, 'failed');
    expect((await outboxFor(t, ['gone@example.com']))[0]!.attempts).to.equal(1);
  });

  it('billing outbox lists every message with its coupon code, status and attempts, filtered by status', async () => {
    const cli = async (...args: string[]): Promise<unknown> => {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [path.join(repoRoot, 'bin/billing.js'), 'outbox', ...args, '--url', t.baseUrl],
        { env: { ...process.env, BILLING_ADMIN_KEY: t.adminKey } },
      );
      return JSON.parse(stdout);
    };
    const all = (await cli()) as { email: string; couponCode: string; status: string; attempts: number }[];
    const failed = (await cli('--status', 'failed')) as typeof all;
    const sent = (await cli('--status', 'sent')) as typeof all;
    expect(all.length).to.equal(failed.length + sent.length + all.filter((r) => r.status === 'pending').length);
    expect(Object.keys(all[0]!)).to.deep.equal(['email', 'couponCode', 'status', 'attempts']);
    expect(failed.find((r) => r.email === 'never@example.com')).to.include({ status: 'failed', attempts: 3 });
    expect(failed.find((r) => r.email === 'gone@example.com')).to.include({ status: 'failed', attempts: 1 });
    expect(sent.find((r) => r.email === 'retry@example.com')).to.include({ status: 'sent', attempts: 3 });
    expect(sent.every((r) => r.status === 'sent' && /^[A-Z0-9]{13}$/.test(r.couponCode))).to.equal(true);
    const bad = await promisify(execFile)(
      process.execPath,
      [path.join(repoRoot, 'bin/billing.js'), 'outbox', '--status', 'lost', '--url', t.baseUrl],
      { env: { ...process.env, BILLING_ADMIN_KEY: t.adminKey } },
    ).then(
      () => null,
      (e: { code?: number; stderr?: string }) => e,
    );
    expect(bad?.code).to.equal(1);
    expect(bad?.stderr).to.contain('status must be one of pending, sent, failed');
  });
});

describe('Two outbox workers on one database never send a message twice', function () {
  this.timeout(60_000);
  let sink: SmtpSink;
  let shared: TestDatabase;
  let second: TestDatabase;
  let a: TestApp;
  let b: TestApp;
  let w: World;

  before(async () => {
    sink = await startSmtpSink();
    shared = await freshDatabase();
    // Two service instances over one database, each with its own outbox worker; on PostgreSQL each with a
    // connection pool of its own, as two processes would have.
    second = shared.url
      ? { db: await openDatabase({ databaseUrl: shared.url, pgliteDir: null }), url: shared.url, drop: async () => {} }
      : shared;
    a = await startTestApp({ smtpUrl: sink.url, outboxPollMs: 10 }, shared);
    b = await startTestApp({ smtpUrl: sink.url, outboxPollMs: 10 }, second);
    w = await makeWorld(a);
  });
  after(async () => {
    await a.close();
    await b.close();
    if (second !== shared) await second.db.close();
    await shared.drop();
    await sink.close();
  });

  it("300 messages, two instances' workers racing for them: each arrives exactly once", async () => {
    const emails = Array.from({ length: 300 }, (_, i) => `race${i}@example.com`);
    sink.dataDelayMs = 2; // keep sends in flight so the workers overlap
    try {
      await dispatch(a, w, emails);
      await eventually(() => allStatus(a, emails, 'sent'), 30_000, 'all sent');
    } finally {
      sink.dataDelayMs = 0;
    }
    await pause(200);
    const counts = emails.map((e) => received(sink, e));
    expect(counts.filter((c) => c !== 1)).to.deep.equal([]);
    const ids = new Set(sink.messages.map((m) => /^Message-ID: (.*)$/im.exec(m.raw)?.[1]));
    expect(ids.size).to.equal(300);
    const rows = await outboxFor(a, emails);
    expect(rows.every((r) => r.attempts === 1)).to.equal(true);
  });
});

describe('Outbox worker rounds, step by step', function () {
  this.timeout(60_000);
  let sink: SmtpSink;
  let t: TestApp;
  let w: World;
  const workers: OutboxWorker[] = [];
  const newWorker = (opts: Partial<OutboxWorkerDeps> = {}): OutboxWorker => {
    const worker = startOutboxWorker({
      knex: t.db.knex,
      log: silent,
      transport: smtpTransport({ url: sink.url, from: 'billing@billing.local' }),
      autoStart: false,
      ...opts,
    });
    workers.push(worker);
    return worker;
  };

  before(async () => {
    sink = await startSmtpSink();
    t = await startTestApp({ smtpUrl: sink.url, outboxWorker: false });
    w = await makeWorld(t);
  });
  after(async () => {
    for (const worker of workers) await worker.stop();
    await t.close();
    await sink.close();
  });
  afterEach(() => {
    sink.refuse = () => null;
  });

  it('a refused attempt leaves the message pending, with the error and the next attempt after the backoff', async () => {
    const emails = ['later@example.com'];
    await dispatch(t, w, emails);
    sink.refuse = () => 451;
    const worker = newWorker({ retryBaseMs: 60_000 });
    const before = Date.now();
    expect(await worker.runOnce()).to.equal(1);
    const [row] = await outboxFor(t, emails);
    expect(row!.status).to.equal('pending');
    expect(row!.attempts).to.equal(1);
    expect(row!.last_error).to.contain('451');
    expect(row!.locked_until).to.equal(null);
    expect(row!.next_attempt_at.getTime()).to.be.within(before + 55_000, Date.now() + 70_000);
    expect(await worker.runOnce()).to.equal(0); // not due yet
    await t.db.knex('outbox').whereIn('to_email', emails).update({ status: 'failed' });
  });

  it("a dead worker's leased messages are sent again when the lease runs out, under the same Message-ID", async () => {
    const emails = ['crash1@example.com', 'crash2@example.com'];
    await dispatch(t, w, emails);
    // The doomed worker claims both with a short lease, gets the first one out, and dies before recording it.
    const claimed = await claimDue(t.db.knex, 10, 300);
    expect(claimed.map((r) => r.to_email)).to.deep.equal(emails);
    const doomed = smtpTransport({ url: sink.url, from: 'billing@billing.local' });
    const c = claimed[0]!;
    await doomed.send({
      id: c.id,
      to: c.to_email,
      subject: c.subject,
      text: c.text,
      html: c.html,
      createdAt: c.created_at,
    });
    await doomed.close();
    const worker = newWorker();
    // While the lease holds, no other worker touches them.
    expect(await worker.runOnce()).to.equal(0);
    await pause(350);
    expect(await worker.runOnce()).to.equal(2);
    const rows = await outboxFor(t, emails);
    expect(rows.map((r) => [r.status, r.attempts])).to.deep.equal([
      ['sent', 2],
      ['sent', 2],
    ]);
    // At-least-once: the first message went out twice, both times as the same message.
    const first = sink.messages.filter((m) => m.to.includes('crash1@example.com'));
    expect(first.length).to.equal(2);
    const [m1, m2] = await parseMail(first.map((m) => m.raw));
    expect(m1!.messageId).to.equal(`<outbox-${rows[0]!.id}@billing.local>`);
    expect(m2!.messageId).to.equal(m1!.messageId);
    expect(received(sink, 'crash2@example.com')).to.equal(1);
  });

  it('a slow server does not let a second worker take over messages in flight (the lease is renewed)', async () => {
    const emails = ['slow@example.com'];
    await dispatch(t, w, emails);
    sink.dataDelayMs = 800;
    try {
      const first = newWorker({ leaseMs: 300 }).runOnce();
      await pause(500); // past the first lease of 300 ms
      expect(await newWorker({ leaseMs: 300 }).runOnce()).to.equal(0);
      expect(await first).to.equal(1);
    } finally {
      sink.dataDelayMs = 0;
    }
    const [row] = await outboxFor(t, emails);
    expect([row!.status, row!.attempts]).to.deep.equal(['sent', 1]);
    expect(received(sink, 'slow@example.com')).to.equal(1);
  });

  it('a message whose last allowed attempt was interrupted is marked failed, not sent again', async () => {
    const emails = ['lastgasp@example.com'];
    await dispatch(t, w, emails);
    await t.db.knex('outbox').whereIn('to_email', emails).update({ attempts: 3, last_error: 'timeout' });
    await claimDue(t.db.knex, 10, 1); // the last allowed attempt (4 of 4) starts, and its worker dies
    await pause(20);
    expect(await newWorker({ maxAttempts: 4 }).runOnce()).to.equal(1);
    const [row] = await outboxFor(t, emails);
    expect([row!.status, row!.attempts]).to.deep.equal(['failed', 5]);
    expect(row!.last_error).to.contain('interrupted');
    expect(received(sink, 'lastgasp@example.com')).to.equal(0);
  });
});

describe('An instance killed (SIGKILL) while sending loses no email', function () {
  this.timeout(60_000);
  let sink: SmtpSink;
  let t: TestApp;
  let w: World;

  before(async function () {
    // Another process needs the same database: PostgreSQL only (the embedded database lives in this process; the
    // step-by-step test above covers the same path there).
    if (!process.env.DATABASE_URL) this.skip();
    sink = await startSmtpSink();
    t = await startTestApp({ smtpUrl: sink.url, outboxWorker: false });
    w = await makeWorld(t);
  });
  after(async () => {
    await t?.close();
    await sink?.close();
  });

  it('the messages it was sending are sent by another worker after the lease, under the same Message-ID', async () => {
    const emails = ['killed1@example.com', 'killed2@example.com', 'killed3@example.com'];
    await dispatch(t, w, emails);
    sink.dataDelayMs = 60_000; // the server takes the message and does not answer: the sender is mid-send
    const script = `
      import knexFactory from 'knex';
      import { createLogger } from ${JSON.stringify(path.join(repoRoot, 'src/log.ts'))};
      import { smtpTransport } from ${JSON.stringify(path.join(repoRoot, 'src/mail/transport.ts'))};
      import { startOutboxWorker } from ${JSON.stringify(path.join(repoRoot, 'src/mail/worker.ts'))};
      const knex = knexFactory({ client: 'pg', connection: process.env.OUTBOX_DB });
      startOutboxWorker({ knex, log: createLogger('silent'), leaseMs: 1500, pollMs: 20,
        transport: smtpTransport({ url: process.env.OUTBOX_SMTP, from: 'billing@billing.local' }) });
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: repoRoot,
      env: { ...process.env, OUTBOX_DB: t.databaseUrl!, OUTBOX_SMTP: sink.url },
      stdio: 'ignore',
    });
    try {
      await eventually(async () => (await outboxFor(t, emails)).every((r) => r.attempts === 1), 20_000, 'claimed');
      await eventually(() => sink.pending >= 1, 10_000, 'mid-send');
    } finally {
      child.kill('SIGKILL');
    }
    await new Promise((r) => child.once('exit', r));
    sink.dataDelayMs = 0;
    const worker = startOutboxWorker({
      knex: t.db.knex,
      log: silent,
      transport: smtpTransport({ url: sink.url, from: 'billing@billing.local' }),
      pollMs: 20,
    });
    try {
      await eventually(() => allStatus(t, emails, 'sent'), 20_000, 'sent after the lease');
    } finally {
      await worker.stop();
    }
    const rows = await outboxFor(t, emails);
    expect(rows.map((r) => r.attempts)).to.deep.equal([2, 2, 2]);
    for (const [i, e] of emails.entries()) {
      const copies = sink.messages.filter((m) => m.to.includes(e));
      // The dead process may or may not have got its copy accepted; the one sent after the lease always is.
      expect(copies.length).to.be.within(1, 2);
      const ids = copies.map((m) => /^Message-ID: (.*)$/im.exec(m.raw)?.[1]?.trim());
      expect(new Set(ids)).to.deep.equal(new Set([`<outbox-${rows[i]!.id}@billing.local>`]));
    }
  });
});

describe('Without SMTP_URL, coupon emails are written as .eml files', function () {
  this.timeout(60_000);
  let dir: string;
  let t: TestApp;
  let w: World;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'billing-eml-'));
    t = await startTestApp({ dataDir: dir, smtpUrl: null, outboxPollMs: 20 });
    w = await makeWorld(t);
  });
  after(async () => {
    await t.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('one RFC 5322 file per email under DATA_DIR/outbox, with text and HTML parts, and no temporary file left', async () => {
    const emails = ['eml1@example.com', 'eml2@example.com'];
    const { codes } = await dispatch(t, w, emails, { amount: '50', threshold: '0' });
    await eventually(() => allStatus(t, emails, 'sent'), 10_000, 'written');
    const files = (await readdir(path.join(dir, 'outbox'))).sort();
    const rows = await outboxFor(t, emails);
    expect(files).to.deep.equal(rows.map((r) => `outbox-${r.id.padStart(12, '0')}.eml`));
    const raws = await Promise.all(files.map((f) => readFile(path.join(dir, 'outbox', f), 'utf8')));
    for (const raw of raws) expect(raw).to.match(/\r\n\r\n/); // CRLF line endings, as on the wire
    const mails = await parseMail(raws);
    mails.forEach((m, i) => {
      expect(m.defects).to.deep.equal([]);
      expect(m.to).to.equal(emails[i]);
      expect(m.messageId).to.equal(`<outbox-${rows[i]!.id}@billing.local>`);
      expect(m.parts).to.deep.equal(['text/plain', 'text/html']);
      expect(m.text).to.contain(codes[i]).and.contain('50.00 USD');
      expect(m.html).to.contain(codes[i]).and.contain('50.00 USD');
      expect(m.date).to.be.a('string');
    });
  });
});
