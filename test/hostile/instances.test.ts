// Two instances under mixed load at once (SPEC §4, §7): DispatchCoupons racing for one class's coupons through both
// instances while, in the same moment, spend for one account is recorded through both. No coupon may go out twice,
// no email may get two, and the account's offers and ledger must equal a one-at-a-time replay of the same spends.
// On PostgreSQL the instances are two OS processes (src/main.ts); on PGlite two in-process servers on one database.
import { expect } from 'chai';
import type { Knex } from 'knex';
import { postSoap, soapRequest, type Credentials } from '../support/app.ts';
import { ARRAYS } from '../support/soap.ts';
import {
  classWithCoupons,
  comparableOffers,
  expectCleanExits,
  ledgerSums,
  redeemOneOfEach,
  replaySpends,
  spendAmounts,
  startTwoInstances,
  type Instance,
  type TwoInstances,
} from '../support/instances.ts';

describe('two instances: racing dispatches and concurrent spend at the same time', function () {
  this.timeout(300000);
  let two: TwoInstances;
  let knex: Knex;

  before(async () => {
    // No outbox worker: the test counts the queued messages, not their delivery.
    two = await startTwoInstances({ env: { OUTBOX_WORKER: '0' }, config: { outboxWorker: false } });
    knex = two.knex;
  });

  after(async () => {
    expectCleanExits((await two?.close()) ?? []);
  });

  const at = (i: number): Instance => two.at(i);

  it('10 dispatches for 30 coupons and 40 spends, all at once through both: no coupon twice, offers as if one by one', async () => {
    // Arrange: one customer, two accounts with the same three offers each, a class of 30 undispatched coupons.
    const { id: customer } = await at(0).admin<{ id: string }>('/admin/customers', { name: 'Racing' });
    const user = await at(1).admin<Credentials>('/admin/users', { customer, role: 'SuperAdmin' });
    const account = async (i: number): Promise<string> =>
      (await at(i).admin<{ id: string }>('/admin/accounts', { customer, currency: 'USD', paymentMethod: true })).id;
    const busy = await account(0);
    const calm = await account(1);
    const earn = await classWithCoupons(two, customer, 'Earn', { amount: '30', threshold: '10' }, 2);
    const half = await classWithCoupons(two, customer, 'Half', { amount: '20', percentOff: '50' }, 2);
    const big = await classWithCoupons(two, customer, 'Big', { amount: '200' }, 2);
    const raced = await classWithCoupons(two, customer, 'Race', { amount: '10' }, 30);
    const redeemed = await redeemOneOfEach(two, user, [busy, calm], [earn, half, big]);
    // 10 requests × 5 addresses = 50 distinct addresses for 30 coupons.
    const requests = Array.from({ length: 10 }, (_, r) => Array.from({ length: 5 }, (_, k) => `r${r}k${k}@race.test`));
    const amounts = spendAmounts();

    // Act: everything at once, alternating instances.
    const [dispatches] = await Promise.all([
      Promise.all(
        requests.map((emails, r) => {
          const inner =
            `<b:SendToEmails xmlns:a="${ARRAYS}">${emails.map((e) => `<a:string>${e}</a:string>`).join('')}</b:SendToEmails>` +
            `<b:CustomerId>${customer}</b:CustomerId><b:CouponClassName>Race</b:CouponClassName>`;
          return postSoap(at(r).endpoint, soapRequest('DispatchCoupons', inner, user));
        }),
      ),
      Promise.all(amounts.map((amount, i) => at(i + 1).admin('/admin/spend', { account: busy, amount }))),
    ]);

    // Assert the dispatches: 30 coupons to 30 different addresses, each in exactly one answer, the rest 4508.
    expect(dispatches.map((d) => d.status)).to.deep.equal(Array.from({ length: 10 }, () => 200));
    const rows = (await knex('coupons').whereIn('code', raced).select('id', 'code', 'send_to_email')) as {
      id: string;
      code: string;
      send_to_email: string | null;
    }[];
    const sent = rows.filter((r) => r.send_to_email !== null);
    const addresses = sent.map((r) => r.send_to_email!.toLowerCase());
    expect(new Set(addresses).size, 'no address got two coupons').to.equal(addresses.length);
    const distinct = new Set(requests.flat().map((e) => e.toLowerCase()));
    expect(sent.length).to.equal(Math.min(raced.length, distinct.size));
    const outbox = (await knex('outbox')
      .whereIn(
        'coupon_id',
        rows.map((r) => r.id),
      )
      .select('coupon_id', 'to_email')) as { coupon_id: string; to_email: string }[];
    expect(outbox.map((o) => `${o.coupon_id} ${o.to_email}`).sort(), 'one queued email per coupon sent').to.deep.equal(
      sent.map((r) => `${r.id} ${r.send_to_email}`).sort(),
    );
    // Every address either got a coupon in its request or a 4508 there.
    let served = 0;
    dispatches.forEach((d, r) => {
      const failed = new Map(
        [...d.body.matchAll(/<x:BatchError>.*?<x:Code>(\d+)<\/x:Code>.*?<x:Index>(\d+)<\/x:Index>/g)].map((m) => [
          Number(m[2]),
          Number(m[1]),
        ]),
      );
      for (const c of failed.values()) expect(c).to.equal(4508);
      served += requests[r]!.length - failed.size;
    });
    expect(served, 'successes reported = coupons sent').to.equal(sent.length);

    // Assert the spend: the same amounts at the same instants, replayed one by one on the calm account.
    const spends = await replaySpends(knex, at(0), busy, calm);
    expect(spends).to.have.length(40);
    const parallel = await comparableOffers(at(1), busy, redeemed);
    expect(parallel).to.deep.equal(await comparableOffers(at(1), calm, redeemed));
    const busySums = await ledgerSums(knex, busy);
    expect(busySums).to.deep.equal(await ledgerSums(knex, calm));
    const total = amounts.reduce((s, a) => s + Math.round(Number(a) * 100), 0);
    expect(busySums.covered! + busySums.charge!).to.equal(total);
  });
});
