// Two instances on one database sweep insertion orders at the same moment: every status change is recorded once and
// every threshold email is queued once (SPEC §4a, the shared sweep).
import { expect } from 'chai';
import { sweepInsertionOrders } from '../../src/services/insertion-order-sweep.ts';
import { resetClock, setClock } from '../support/clock.ts';
import { makeAccount, makeCustomer, makeUser } from '../support/factories.ts';
import { headersOf, resultOf } from '../support/soap.ts';
import { callNodeSoap } from '../support/clients.ts';
import { startTwoApps, type TwoApps } from '../support/instances.ts';

describe('insertion order sweep on two instances', function () {
  this.timeout(180000);
  let two: TwoApps;

  before(async () => {
    two = await startTwoApps({ testClock: true });
  });
  after(async () => two.close());

  it('orders starting, exhausting and reaching their threshold are recorded and mailed once in all', async () => {
    const [a, b] = two.apps;
    await resetClock(a, '2026-03-01T12:00:00Z');
    const customer = await makeCustomer(a);
    const user = await makeUser(a, customer);
    const ORDERS = 24;
    const accounts: string[] = [];
    for (let i = 0; i < ORDERS; i++) {
      const acc = await makeAccount(a, customer, { invoice: true, email: `ap${i}@contoso.example` });
      accounts.push(acc.id);
      const out = await callNodeSoap(a.endpoint, 'AddInsertionOrder', headersOf(user), {
        InsertionOrder: {
          AccountId: acc.id,
          EndDate: '2026-03-31T00:00:00Z',
          NotificationThreshold: '50',
          SpendCapAmount: '100',
          StartDate: '2026-03-02T00:00:00Z',
        },
      });
      resultOf(out);
    }
    const now = await setClock(a, '2026-03-02T06:00:00Z');
    // Half the accounts spend half their cap (threshold), a quarter spend all of it (exhausted, threshold too).
    for (let i = 0; i < ORDERS; i++) {
      if (i % 2 === 0)
        await a.admin('/admin/spend', { account: accounts[i], amount: '50', at: '2026-03-02T01:00:00Z' });
      if (i % 4 === 0)
        await a.admin('/admin/spend', { account: accounts[i], amount: '50', at: '2026-03-02T02:00:00Z' });
    }

    const results = await Promise.all([
      sweepInsertionOrders(a.db.knex, now, 5),
      sweepInsertionOrders(b.db.knex, now, 5),
      sweepInsertionOrders(b.db.knex, now, 7),
    ]);
    const again = await sweepInsertionOrders(a.db.knex, now);

    const moved = results.reduce((n, r) => n + r.moved, 0);
    const notified = results.reduce((n, r) => n + r.notified, 0);
    // Each order moves once: NotStarted → Active, or straight to Exhausted where the spend already reached the cap.
    expect([moved, notified]).to.deep.equal([ORDERS, ORDERS / 2]);
    expect(again).to.deep.equal({ moved: 0, notified: 0 });
    const knex = a.db.knex;
    const transitions = (await knex('insertion_order_events')
      .where({ kind: 'status' })
      .whereNotNull('from_status')
      .select('insertion_order_id', 'to_status')) as { insertion_order_id: string; to_status: string }[];
    const keys = transitions.map((e) => `${e.insertion_order_id}:${e.to_status}`);
    expect(new Set(keys).size).to.equal(keys.length);
    expect(keys.filter((k) => k.endsWith(':Exhausted'))).to.have.length(ORDERS / 4);
    const mails = (await knex('outbox').where({ kind: 'insertion_order_threshold' }).pluck('to_email')) as string[];
    expect([...mails].sort()).to.deep.equal(
      accounts
        .map((_, i) => i)
        .filter((i) => i % 2 === 0)
        .map((i) => `ap${i}@contoso.example`)
        .sort(),
    );
  });
});

describe('insertion order sweep in the periodic tick of two running instances', function () {
  this.timeout(180000);
  let two: TwoApps;

  before(async () => {
    two = await startTwoApps({ testClock: true, expirySweepMs: 50 });
  });
  after(async () => two.close());

  it('an order reaching its StartDate becomes Active without any call, recorded once', async () => {
    const [a] = two.apps;
    await resetClock(a, '2026-05-01T12:00:00Z');
    const customer = await makeCustomer(a);
    const user = await makeUser(a, customer);
    const acc = await makeAccount(a, customer, { invoice: true });
    const added = resultOf<{ InsertionOrderId: number }>(
      await callNodeSoap(a.endpoint, 'AddInsertionOrder', headersOf(user), {
        InsertionOrder: {
          AccountId: acc.id,
          EndDate: '2026-05-31T00:00:00Z',
          SpendCapAmount: '100',
          StartDate: '2026-05-02T00:00:00Z',
        },
      }),
    );
    const id = String(added.InsertionOrderId);
    const stored = async (): Promise<string> =>
      ((await a.db.knex('insertion_orders').where({ id }).first('status')) as { status: string }).status;
    expect(await stored()).to.equal('NotStarted');

    await setClock(a, '2026-05-02T00:00:01Z');
    const deadline = Date.now() + 20_000;
    while ((await stored()) !== 'Active' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 500)); // several more ticks of both instances

    expect(await stored()).to.equal('Active');
    const moves = (await a.db
      .knex('insertion_order_events')
      .where({ insertion_order_id: id, kind: 'status', to_status: 'Active' })
      .count({ n: '*' })) as { n: string }[];
    expect(Number(moves[0]!.n)).to.equal(1);
  });
});
