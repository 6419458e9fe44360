// The mail server down (SPEC §7/§8: background work loses nothing). test/integration/dispatch-delivery.test.ts covers
// a server that answers but refuses (451, 550) and a worker killed mid-send; here the SMTP server is not there at
// all — nothing listening when the coupons are dispatched, then dying with the worker's pooled connections open —
// and every queued email still arrives exactly once when it comes back.
import { createServer } from 'node:net';
import { expect } from 'chai';
import { postSoap, soapRequest, startTestApp, type TestApp } from '../support/app.ts';
import { makeCouponClass, makeWorld, mint, type World } from '../support/factories.ts';
import { ARRAYS } from '../support/soap.ts';
import { eventually, startSmtpSink, type SmtpSink } from '../support/smtp-sink.ts';

interface OutboxRow {
  to_email: string;
  status: string;
  attempts: number;
  last_error: string | null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

describe('with the SMTP server down, coupon emails wait in the outbox and all arrive once it is back', function () {
  this.timeout(60000);
  let port: number;
  let t: TestApp;
  let w: World;
  const sinks: SmtpSink[] = [];

  before(async () => {
    port = await freePort();
    t = await startTestApp({
      smtpUrl: `smtp://127.0.0.1:${port}`,
      outboxPollMs: 20,
      outboxRetryBaseMs: 50,
      outboxMaxAttempts: 100,
    });
    w = await makeWorld(t);
  });
  after(async () => {
    await t?.close();
    for (const s of sinks) await s.close();
  });

  async function dispatch(emails: readonly string[]): Promise<void> {
    const name = `Down${Math.random().toString(36).slice(2, 8)}`;
    await makeCouponClass(t, w.customerId, { name });
    await mint(t, w.customerId, name, emails.length);
    const inner =
      `<b:SendToEmails xmlns:a="${ARRAYS}">${emails.map((e) => `<a:string>${e}</a:string>`).join('')}</b:SendToEmails>` +
      `<b:CustomerId>${w.customerId}</b:CustomerId><b:CouponClassName>${name}</b:CouponClassName>`;
    const res = await postSoap(t.endpoint, soapRequest('DispatchCoupons', inner, w.user));
    // The answer does not depend on the mail server: the emails are queued with the coupons.
    expect(res.status, res.body).to.equal(200);
    expect(res.body).to.contain('<PartialErrors></PartialErrors>');
  }
  const rows = async (emails: readonly string[]): Promise<OutboxRow[]> =>
    (await t.db.knex('outbox').whereIn('to_email', emails)) as OutboxRow[];
  const receivedBy = (email: string): number =>
    sinks.flatMap((s) => s.messages).filter((m) => m.to.includes(email)).length;

  it('nothing listening: attempts fail and are retried; when a server starts on the port, each email arrives once', async () => {
    const emails = Array.from({ length: 5 }, (_, i) => `down${i}@example.com`);
    await dispatch(emails);

    await eventually(async () => (await rows(emails)).every((r) => r.attempts >= 2), 10000, 'two refused attempts');
    for (const r of await rows(emails)) {
      expect(r.status).to.equal('pending');
      expect(r.last_error).to.match(/ECONNREFUSED|connect/i);
    }

    sinks.push(await startSmtpSink(port));
    await eventually(async () => (await rows(emails)).every((r) => r.status === 'sent'), 20000, 'delivery');
    for (const e of emails) expect(receivedBy(e), e).to.equal(1);
  });

  it('the server dies with pooled connections open: the emails queued meanwhile arrive once after it restarts', async () => {
    const warmup = ['warm@example.com'];
    await dispatch(warmup);
    await eventually(async () => (await rows(warmup)).every((r) => r.status === 'sent'), 10000, 'warm-up delivery');

    await sinks[sinks.length - 1]!.crash();
    const emails = Array.from({ length: 5 }, (_, i) => `crash${i}@example.com`);
    await dispatch(emails);
    await eventually(async () => (await rows(emails)).every((r) => r.attempts >= 2), 10000, 'refused attempts');
    expect((await rows(emails)).every((r) => r.status === 'pending')).to.equal(true);

    sinks.push(await startSmtpSink(port));
    await eventually(async () => (await rows(emails)).every((r) => r.status === 'sent'), 20000, 'delivery');
    for (const e of [...emails, ...warmup]) expect(receivedBy(e), e).to.equal(1);
    const failed = await t.db.knex('outbox').where({ status: 'failed' }).count<{ count: string }[]>('* as count');
    expect(Number(failed[0]!.count)).to.equal(0);
  });
});
