// Two service instances against one database, hit truly in parallel (SPEC §4 "exactly one redemption per code,
// whatever the concurrency, across any number of service instances"; §7 stateless instances). On PostgreSQL the
// instances are two separate OS processes started from src/main.ts; on the embedded PGlite (one process only)
// they are two in-process servers sharing the database.
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import type { Knex } from 'knex';
import { freshDatabase, postSoap, soapRequest, type Credentials } from '../support/app.ts';
import { predicateXml, searchPredicatesXml } from '../support/factories.ts';
import {
  classWithCoupons,
  comparableOffers,
  expectCleanExits,
  ledgerSums,
  redeemOneOfEach,
  redeemRaw,
  replaySpends,
  spendAmounts,
  startTwoInstances,
  type Instance,
  type Redeemed,
  type TwoInstances,
} from '../support/instances.ts';
import { connectionGate, spawnServer } from '../support/server-process.ts';

describe('two service instances sharing one database', function () {
  this.timeout(300000);
  let two: TwoInstances;
  let knex: Knex;

  before(async () => {
    // Two independent OS processes (one after the other: starting together is its own test below).
    two = await startTwoInstances();
    knex = two.knex;
  });

  after(async () => {
    // SIGTERM drains and exits 0 (SPEC §7).
    expectCleanExits((await two?.close()) ?? []);
  });

  const first = (): Instance => two.at(0);
  /** Alternates between the two instances. */
  const at = (i: number): Instance => two.at(i);

  async function customerWithAccounts(
    n: number,
  ): Promise<{ customerId: string; user: Credentials; accounts: string[] }> {
    const { id: customerId } = await first().admin<{ id: string }>('/admin/customers', { name: 'Northwind' });
    const user = await at(1).admin<Credentials>('/admin/users', { customer: customerId, role: 'SuperAdmin' });
    const accounts: string[] = [];
    for (let i = 0; i < n; i++)
      accounts.push(
        (
          await at(i).admin<{ id: string }>('/admin/accounts', {
            customer: customerId,
            currency: 'USD',
            paymentMethod: true,
          })
        ).id,
      );
    return { customerId, user, accounts };
  }

  it('50 accounts redeeming one code at once through both instances: exactly one wins, 49 get 4501', async () => {
    const { customerId, user, accounts } = await customerWithAccounts(50);
    const [code] = await classWithCoupons(two, customerId, 'Race', { amount: '50' }, 1);

    const results = await Promise.all(accounts.map((account, i) => redeemRaw(at(i).endpoint, user, account, code!)));

    const winners = results.flatMap((r, i) => (r.ok ? [{ account: accounts[i]!, date: r.redemptionDate }] : []));
    const losers = results.filter((r): r is Extract<Redeemed, { ok: false }> => !r.ok);
    expect(winners, JSON.stringify(losers.slice(0, 3))).to.have.length(1);
    expect(losers.map((r) => r.codes)).to.deep.equal(Array.from({ length: 49 }, () => [4501]));
    const winner = winners[0]!;
    const events = (await knex('account_events as e')
      .join('coupons as c', 'c.id', 'e.coupon_id')
      .where({ 'c.code': code, 'e.kind': 'redeem' })
      .select('e.account_id')) as { account_id: string }[];
    expect(events.map((e) => String(e.account_id))).to.deep.equal([winner.account]);
    const coupon = (await knex('coupons').where({ code }).first('redeemed_account_id', 'redemption_date')) as {
      redeemed_account_id: string;
      redemption_date: Date;
    };
    expect(String(coupon.redeemed_account_id)).to.equal(winner.account);
    expect(coupon.redemption_date.toISOString()).to.equal(winner.date);
    const offers = (await knex('account_states').whereIn('account_id', accounts).select('account_id', 'state')) as {
      account_id: string;
      state: { offers: unknown[] };
    }[];
    const holding = offers.filter((s) => s.state.offers.length > 0).map((s) => String(s.account_id));
    expect(holding).to.deep.equal([winner.account]);
  });

  it("a customer's accounts redeeming different Acquisition coupons at once: only one succeeds, the others get 4506", async () => {
    const { customerId, user, accounts } = await customerWithAccounts(10);
    const codes = await classWithCoupons(two, customerId, 'Welcome', { amount: '25', type: 'Acquisition' }, 10);

    const results = await Promise.all(
      accounts.map((account, i) => redeemRaw(at(i).endpoint, user, account, codes[i]!)),
    );

    const ok = results.filter((r) => r.ok);
    const codesSeen = results.flatMap((r) => (r.ok ? [] : r.codes));
    expect(ok, JSON.stringify(results)).to.have.length(1);
    expect(codesSeen).to.deep.equal(Array.from({ length: 9 }, () => 4506));
  });

  /** Each Coupon element of a SearchCoupons page of one class through `instance`, keyed by its code. */
  async function couponElements(
    instance: Instance,
    customerId: string,
    user: Credentials,
    cls: string,
  ): Promise<Map<string, string>> {
    const inner =
      searchPredicatesXml(customerId, predicateXml('ClassName', 'Equals', cls)) +
      '<b:PageInfo><e:Index>0</e:Index><e:Size>100</e:Size></b:PageInfo>';
    const res = await postSoap(instance.endpoint, soapRequest('SearchCoupons', inner, user));
    expect(res.status, res.body.slice(0, 500)).to.equal(200);
    const elements = [...res.body.matchAll(/<(\w+:)?Coupon>[\s\S]*?<\/\1?Coupon>/g)].map((m) => m[0]);
    return new Map(elements.map((e) => [/<(?:\w+:)?CouponCode>([^<]+)</.exec(e)![1]!, e]));
  }

  it('a coupon redeemed through one instance shows redeemed in the very next search through the other, both having answered it before', async () => {
    const { customerId, user, accounts } = await customerWithAccounts(1);
    const codes = await classWithCoupons(two, customerId, 'Warm', { amount: '25' }, 5);
    // Both instances answer the page twice first, so each has every coupon of it written and kept.
    for (let i = 0; i < 4; i++) await couponElements(at(i), customerId, user, 'Warm');
    const before = await couponElements(at(1), customerId, user, 'Warm');
    expect([...before.values()].filter((e) => /IsRedeemed>true</.test(e))).to.deep.equal([]);

    for (const [n, code] of codes.slice(0, 3).entries()) {
      const r = await redeemRaw(at(0).endpoint, user, accounts[0]!, code);
      expect(r.ok, JSON.stringify(r)).to.equal(true);
      const onB = await couponElements(at(1), customerId, user, 'Warm');
      const mine = onB.get(code)!;
      expect(mine, `redemption ${n + 1}`).to.match(/<(\w+:)?IsRedeemed>true<\/\1?IsRedeemed>/);
      expect(mine).to.match(new RegExp(`<(\\w+:)?RedemptionInfo><(\\w+:)?AccountId>${accounts[0]}<`));
      // The instance that redeemed answers the same bytes for it.
      expect((await couponElements(at(0), customerId, user, 'Warm')).get(code)).to.equal(mine);
    }
    const after = await couponElements(at(1), customerId, user, 'Warm');
    for (const code of codes.slice(3)) expect(after.get(code)).to.equal(before.get(code));
    expect([...after].filter(([, e]) => /IsRedeemed>true</.test(e)).map(([c]) => c)).to.have.members(codes.slice(0, 3));
  });

  it('40 spends recorded at once through both instances give the same offers as the same spends recorded one by one', async () => {
    const { customerId, user, accounts } = await customerWithAccounts(2);
    const [busy, calm] = accounts as [string, string];
    const earn = await classWithCoupons(two, customerId, 'Earn', { amount: '30', threshold: '10' }, 2);
    const half = await classWithCoupons(two, customerId, 'Half', { amount: '20', percentOff: '50' }, 2);
    const big = await classWithCoupons(two, customerId, 'Big', { amount: '200' }, 2);
    const redeemed = await redeemOneOfEach(two, user, [busy, calm], [earn, half, big]);
    const amounts = spendAmounts();

    await Promise.all(amounts.map((amount, i) => at(i).admin('/admin/spend', { account: busy, amount })));

    // The same spends, at the same instants, one at a time, in time order, on the calm account.
    const spends = await replaySpends(knex, first(), busy, calm);
    expect(spends).to.have.length(40);

    const parallel = await comparableOffers(at(1), busy, redeemed);
    expect(parallel).to.deep.equal(await comparableOffers(at(1), calm, redeemed));
    expect(parallel.map((o) => (o as { status: string }).status)).to.deep.equal(['Depleted', 'Depleted', 'Active']);
    const total = amounts.reduce((s, a) => s + Math.round(Number(a) * 100), 0);
    const busySums = await ledgerSums(knex, busy);
    expect(busySums).to.deep.equal(await ledgerSums(knex, calm));
    // Every cent of spend is either covered by an offer or charged, exactly once.
    expect(busySums.covered! + busySums.charge!).to.equal(total);
  });

  if (process.env.DATABASE_URL) {
    it('three instances started at the same moment on an empty database all become healthy', async () => {
      const empty = await freshDatabase();
      // The gate lets the three first connections reach PostgreSQL together, as if the processes booted in step.
      const gate = await connectionGate(empty.url!, 3);
      const adminKey = randomBytes(18).toString('base64url');
      try {
        const started = await Promise.allSettled([1, 2, 3].map(() => spawnServer({ databaseUrl: gate.url, adminKey })));
        const ok = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
        await Promise.all(ok.map((p) => p.stop()));
        const errors = started.flatMap((s) => (s.status === 'rejected' ? [String(s.reason).split('\n')[1]] : []));
        expect(errors).to.deep.equal([]);
      } finally {
        await gate.close();
        await empty.drop();
      }
    });
  }
});
