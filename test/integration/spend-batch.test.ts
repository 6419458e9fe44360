// Spend reported in bulk through the operator API gives the same offers as the same spends recorded one by one,
// and an invalid item refuses the whole batch.
import { expect } from 'chai';
import { callZeep } from '../support/clients.ts';
import { useTestApp } from '../support/app.ts';
import { advanceClock } from '../support/clock.ts';
import { makeAccount, makeCouponClass, makeCustomer, makeUser, mint } from '../support/factories.ts';
import { headersOf } from '../support/soap.ts';

describe('spend batches', function () {
  this.timeout(120000);
  const t = useTestApp({ testClock: true });

  async function accountWithOffers(customer: string, user: { authenticationToken: string; developerToken: string }) {
    const account = await makeAccount(t, customer);
    const headers = headersOf(user);
    for (const cls of ['Earn', 'Flat']) {
      const [code] = await mint(t, customer, cls);
      const r = await callZeep(t.endpoint, 'RedeemCoupon', headers, {
        AccountId: Number(account.id),
        CouponCode: code,
      });
      expect(r.kind, JSON.stringify(r)).to.equal('result');
    }
    return account.id;
  }
  const offers = (id: string) =>
    t.admin<{ status: string; balance: string; spendToThreshold: string; forfeited: string }[]>(
      `/admin/accounts/${id}/offers`,
      undefined,
      'GET',
    );

  it('a batch of spends, in any order, leaves the offers a one-by-one recording leaves', async () => {
    const customer = await makeCustomer(t);
    const user = await makeUser(t, customer);
    await makeCouponClass(t, customer, { name: 'Earn', amount: '30', threshold: '20' });
    await makeCouponClass(t, customer, { name: 'Flat', amount: '15.5' });
    const one = await accountWithOffers(customer, user);
    const many = await accountWithOffers(customer, user);
    const now = await advanceClock(t, 'P1D');
    const base = now.getTime() - 3_600_000; // after the redemptions, before now
    const spends = Array.from({ length: 40 }, (_, i) => ({
      amount: `${(i % 7) + 0.25}`,
      at: new Date(base + i * 1000),
    }));
    for (const s of spends) await t.admin('/admin/spend', { account: one, amount: s.amount, at: s.at.toISOString() });
    const shuffled = [...spends].reverse();
    const res = await t.admin<{ count: number }>('/admin/spend/batch', {
      events: shuffled.map((s) => ({ account: many, amount: s.amount, at: s.at.toISOString() })),
    });
    expect(res.count).to.equal(40);
    const a = await offers(one);
    const b = await offers(many);
    expect(b.map((o) => [o.status, o.balance, o.spendToThreshold, o.forfeited])).to.deep.equal(
      a.map((o) => [o.status, o.balance, o.spendToThreshold, o.forfeited]),
    );
    expect(a.map((o) => o.status)).to.deep.equal(['Depleted', 'Depleted']);
  });

  it('a batch with one invalid amount records nothing and names the item', async () => {
    const customer = await makeCustomer(t);
    const account = await makeAccount(t, customer);
    const before = await t.db.knex('account_events').where({ account_id: account.id, kind: 'spend' }).count({ n: '*' });
    let message = '';
    try {
      await t.admin('/admin/spend/batch', {
        events: [
          { account: account.id, amount: '5' },
          { account: account.id, amount: '1.234' },
        ],
      });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).to.match(/400: events\[1\]\.amount/);
    const after = await t.db.knex('account_events').where({ account_id: account.id, kind: 'spend' }).count({ n: '*' });
    expect(after).to.deep.equal(before);
  });
});
