// SIGTERM under load (SPEC §7: "stop accepting, finish in-flight requests, exit 0"): the service process gets
// SIGTERM while 50 RedeemCoupon calls are in flight — 40 fully sent and queued for the database, 10 still sending
// their bodies — and every one of them gets its full answer, the process exits 0, and the database afterwards
// holds each redemption whole (coupon, event, ledger, state) or not at all. On PostgreSQL when DATABASE_URL is set,
// else on the process's own embedded PGlite, opened after it has exited.
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import path from 'node:path';
import { expect } from 'chai';
import { openDatabase, type Database } from '../../src/repositories/db.ts';
import { freshDatabase, soapRequest, type TestDatabase } from '../support/app.ts';
import { XML_TYPE } from '../support/soap.ts';
import { spawnServer, type ServerProcess } from '../support/server-process.ts';

interface Creds {
  readonly authenticationToken: string;
  readonly developerToken: string;
}

interface InFlight {
  /** Resolves once the server has read the headers (its 100 Continue) and the first part of the body is out. */
  readonly accepted: Promise<void>;
  /** Sends the rest of the body. */
  finish(): void;
  readonly answer: Promise<{ status: number; body: string; at: number }>;
}

/**
 * A POST with `Expect: 100-continue`: the server's 100 Continue proves it accepted the connection and parsed the
 * request line and headers, so the request is in flight on the server, not waiting in the accept queue.
 * `split` sends only the first half of the body until finish() is called.
 */
function send(endpoint: string, body: string, split: boolean): InFlight {
  const bytes = Buffer.from(body);
  const half = split ? Math.floor(bytes.length / 2) : bytes.length;
  let accept!: () => void;
  let fail!: (e: Error) => void;
  const accepted = new Promise<void>((resolve, reject) => {
    accept = resolve;
    fail = reject;
  });
  let req!: ReturnType<typeof httpRequest>;
  const answer = new Promise<{ status: number; body: string; at: number }>((resolve, reject) => {
    req = httpRequest(
      endpoint,
      {
        method: 'POST',
        agent: false,
        headers: { 'Content-Type': XML_TYPE, 'Content-Length': bytes.length, Expect: '100-continue' },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, at: Date.now() }));
        res.on('error', reject);
      },
    );
    req.on('error', (e) => {
      fail(e);
      reject(e);
    });
  });
  req.on('continue', () => {
    req.write(bytes.subarray(0, half), () => accept());
    if (!split) req.end();
  });
  req.flushHeaders();
  return { accepted, answer, finish: () => req.end(bytes.subarray(half)) };
}

describe('SIGTERM while requests are in flight', function () {
  this.timeout(180000);
  let tdb: TestDatabase | null = null;
  let server: ServerProcess;
  let db: Database | null = null;

  after(async () => {
    await db?.close();
    await tdb?.drop();
    if (server) await rm(server.dataDir, { recursive: true, force: true });
  });

  it('every request sent before the signal gets its full answer, the process exits 0, and no redemption is torn', async () => {
    if (process.env.DATABASE_URL) tdb = await freshDatabase();
    server = await spawnServer({
      databaseUrl: tdb?.url ?? '',
      adminKey: randomBytes(18).toString('base64url'),
      keepDataDir: true,
    });
    const { id: customer } = await server.admin<{ id: string }>('/admin/customers', { name: 'Draining' });
    const user = await server.admin<Creds>('/admin/users', { customer, role: 'SuperAdmin' });
    const accounts: string[] = [];
    for (let i = 0; i < 5; i++)
      accounts.push(
        (await server.admin<{ id: string }>('/admin/accounts', { customer, currency: 'USD', paymentMethod: true })).id,
      );
    await server.admin('/admin/classes', {
      customer,
      name: 'Drain',
      type: 'Retention',
      amount: '10',
      threshold: '5',
      currency: 'USD',
      start: '2020-01-01T00:00:00Z',
      end: '2099-01-01T00:00:00Z',
      expires: '2099-06-01T00:00:00Z',
    });
    const { codes } = await server.admin<{ codes: string[] }>('/admin/coupons/mint', {
      customer,
      class: 'Drain',
      count: 60,
    });
    const redeem = (i: number): string =>
      soapRequest(
        'RedeemCoupon',
        `<b:AccountId>${accounts[i % accounts.length]}</b:AccountId><b:CouponCode>${codes[i]}</b:CouponCode>`,
        user,
      );

    // 10 requests that have sent half their body, then 40 complete ones, all accepted by the server; then SIGTERM.
    const partial = Array.from({ length: 10 }, (_, i) => send(server.endpoint, redeem(40 + i), true));
    await Promise.all(partial.map((r) => r.accepted));
    const complete = Array.from({ length: 40 }, (_, i) => send(server.endpoint, redeem(i), false));
    await Promise.all(complete.map((r) => r.accepted));
    const signalled = Date.now();
    const stopped = server.stop(60000);
    await new Promise((r) => setTimeout(r, 300));
    for (const r of partial) r.finish();

    const answers = await Promise.all([...complete, ...partial].map((r) => r.answer));
    const exit = await stopped;
    const late = answers.filter((a) => a.at > signalled).length;
    console.log(`      ${late} of ${answers.length} answers came after SIGTERM`);
    expect(late).to.be.at.least(partial.length);

    const dates = answers.map((a) => /<RedemptionDate>([^<]+)<\/RedemptionDate>/.exec(a.body)?.[1]);
    expect(
      answers.map((a, i) => (a.status === 200 && dates[i] ? 'redeemed' : `${a.status} ${a.body.slice(0, 300)}`)),
    ).to.deep.equal(answers.map(() => 'redeemed'));
    expect(exit, server.output.join('')).to.equal(0);
    const log = server.output.join('');
    expect(log).to.not.match(/"level":"error"/);

    // The database afterwards: each coupon redeemed whole or not at all, and exactly the 50 answered ones redeemed.
    db = tdb ? tdb.db : await openDatabase({ databaseUrl: null, pgliteDir: path.join(server.dataDir, 'pglite') });
    const { rows } = (await db.knex.raw(
      `SELECT c.code, c.redeemed_account_id AS account,
              (SELECT count(*) FROM account_events e WHERE e.coupon_id = c.id AND e.kind = 'redeem') AS events,
              (SELECT count(*) FROM ledger_entries l WHERE l.coupon_id = c.id) AS ledger,
              (SELECT count(*) FROM account_states s, jsonb_array_elements(s.state->'offers') o
                WHERE o->>'couponCode' = c.code) AS offers
         FROM coupons c`,
    )) as { rows: { code: string; account: string | null; events: string; ledger: string; offers: string }[] };
    const torn = rows.filter((r) =>
      r.account === null
        ? Number(r.events) + Number(r.ledger) + Number(r.offers) > 0
        : Number(r.events) !== 1 || Number(r.ledger) < 1 || Number(r.offers) !== 1,
    );
    expect(torn).to.deep.equal([]);
    const redeemed = rows.filter((r) => r.account !== null).map((r) => r.code);
    expect(redeemed.sort()).to.deep.equal(codes.slice(0, 50).sort());
  });
});
