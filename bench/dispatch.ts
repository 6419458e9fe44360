// DispatchCoupons benchmark: `node --import tsx bench/dispatch.ts` (PostgreSQL when DATABASE_URL is set, in a
// fresh database that is dropped afterwards; else the embedded PGlite).
//  1. Answer time of DispatchCoupons with 1,000 SendToEmails over HTTP (three runs, each on a fresh class of
//     1,000 coupons, after a warm-up), with no outbox worker running so delivery does not compete.
//  2. Delivery throughput: an outbox worker (pooled nodemailer SMTP transport) sends the 3,000 queued messages to
//     an in-process smtp-server sink; messages per second until the last one is both received and marked sent.
import { createLogger } from '../src/log.ts';
import { smtpTransport } from '../src/mail/transport.ts';
import { startOutboxWorker } from '../src/mail/worker.ts';
import { postSoap, soapRequest, startTestApp } from '../test/support/app.ts';
import { makeCouponClass, makeWorld, mint } from '../test/support/factories.ts';
import { startSmtpSink } from '../test/support/smtp-sink.ts';

const ARR = 'http://schemas.microsoft.com/2003/10/Serialization/Arrays';
const RUNS = 3;
const EMAILS = 1000;

const t = await startTestApp({ outboxWorker: false, logLevel: 'warn' });
const sink = await startSmtpSink();
try {
  const w = await makeWorld(t);
  const dispatch = async (name: string, emails: readonly string[]): Promise<number> => {
    const inner =
      `<b:SendToEmails xmlns:a="${ARR}">${emails.map((e) => `<a:string>${e}</a:string>`).join('')}</b:SendToEmails>` +
      `<b:CustomerId>${w.customerId}</b:CustomerId><b:CouponClassName>${name}</b:CouponClassName>`;
    const body = soapRequest('DispatchCoupons', inner, w.user);
    const started = performance.now();
    const res = await postSoap(t.endpoint, body);
    const ms = performance.now() - started;
    if (res.status !== 200 || !res.body.includes('<PartialErrors></PartialErrors>'))
      throw new Error(`dispatch failed: ${res.body.slice(0, 500)}`);
    return ms;
  };
  const setUp = async (name: string, n: number): Promise<void> => {
    await makeCouponClass(t, w.customerId, { name, threshold: '25', redeemWithinDays: 14 });
    await mint(t, w.customerId, name, n);
  };

  await setUp('Warmup', 50);
  await dispatch(
    'Warmup',
    Array.from({ length: 50 }, (_, i) => `warm${i}@example.com`),
  );
  const times: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    await setUp(`Bench${r}`, EMAILS);
    times.push(
      await dispatch(
        `Bench${r}`,
        Array.from({ length: EMAILS }, (_, i) => `r${r}.user${i}@example.com`),
      ),
    );
  }

  const queued = RUNS * EMAILS + 50;
  const worker = startOutboxWorker({
    knex: t.db.knex,
    log: createLogger('warn'),
    transport: smtpTransport({ url: sink.url, from: 'billing@billing.local' }),
    pollMs: 10,
  });
  const started = performance.now();
  const sentCount = async (): Promise<number> => {
    const [{ n }] = (await t.db.knex('outbox').where({ status: 'sent' }).count({ n: '*' })) as [{ n: string | number }];
    return Number(n);
  };
  // Watch the sink (in memory) and ask the database only at the end, so the watching costs the worker nothing.
  while (sink.messages.length < queued || (await sentCount()) < queued) {
    if (performance.now() - started > 120_000) throw new Error(`only ${sink.messages.length} of ${queued} sent`);
    await new Promise((r) => setTimeout(r, 5));
  }
  const deliveryMs = performance.now() - started;
  await worker.stop();
  if (sink.messages.length !== queued) throw new Error(`the sink got ${sink.messages.length} messages for ${queued}`);

  const fmt = (ms: number): string => `${ms.toFixed(0)} ms`;
  const database = t.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : 'embedded PGlite';
  process.stdout.write(
    `${JSON.stringify(
      {
        database,
        dispatch: {
          emails: EMAILS,
          answerTimes: times.map(fmt),
          best: fmt(Math.min(...times)),
        },
        delivery: {
          messages: queued,
          seconds: Number((deliveryMs / 1000).toFixed(2)),
          messagesPerSecond: Math.round(queued / (deliveryMs / 1000)),
        },
      },
      null,
      2,
    )}\n`,
  );
} finally {
  await sink.close();
  await t.close();
}
