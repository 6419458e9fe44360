// Redemptions of different codes on one account at the same moment: each is decided on the state the previous one
// committed, so none is lost from the account's offers and at most one offer is Active. A redemption decided on a
// snapshot that another write on the account made stale is decided again: the stored state always equals a replay
// of the account's events.
import { expect } from 'chai';
import { emptyAccountState, replay } from '../../src/rules/index.ts';
import { loadEvents, loadStates, toEngineEvent } from '../../src/repositories/offers.ts';
import { postSoap, useTestApp } from '../support/app.ts';
import { makeWorldWithCoupons, redeemRequestXml } from '../support/factories.ts';

describe('RedeemCoupon under concurrency on one account', function () {
  this.timeout(120000);
  const t = useTestApp({ testClock: true }, { eachTestAt: '2030-01-01T00:00:00.000Z' });

  it('24 different codes redeemed in parallel on one account all become offers, one Active and the rest Pending', async () => {
    const { w, codes } = await makeWorldWithCoupons(t, 24);
    const answers = await Promise.all(
      codes.map((code) => postSoap(t.endpoint, redeemRequestXml(w, code), { SOAPAction: 'RedeemCoupon' })),
    );
    expect(answers.map((a) => a.status)).to.deep.equal(codes.map(() => 200));

    const offers = await t.admin<{ couponCode: string; status: string }[]>(
      `/admin/accounts/${w.accountId}/offers`,
      undefined,
      'GET',
    );
    expect(offers.map((o) => o.couponCode).sort()).to.deep.equal([...codes].sort());
    const statuses = offers.map((o) => o.status);
    expect(statuses.filter((s) => s === 'Active')).to.have.length(1);
    expect(statuses.filter((s) => s === 'Pending')).to.have.length(23);
  });

  it('redemptions and spends racing on one account leave the stored state equal to a replay of its events', async () => {
    const { w, codes } = await makeWorldWithCoupons(t, 16, { class: { threshold: '5' } });
    const spends = Array.from({ length: 16 }, (_, i) =>
      t.admin('/admin/spend', { account: w.accountId, amount: `${i + 1}.25`, at: '2030-01-01T00:00:00Z' }),
    );
    const redemptions = codes.map((code) =>
      postSoap(t.endpoint, redeemRequestXml(w, code), { SOAPAction: 'RedeemCoupon' }),
    );
    const [answers] = await Promise.all([Promise.all(redemptions), Promise.all(spends)]);
    expect(answers.map((a) => a.status)).to.deep.equal(codes.map(() => 200));

    const events = (await loadEvents(t.db.knex, w.accountId)).map(toEngineEvent);
    expect(events.filter((e) => e.kind === 'redeem')).to.have.length(16);
    expect(events.filter((e) => e.kind === 'spend')).to.have.length(16);
    const stored = (await loadStates(t.db.knex, [w.accountId])).get(w.accountId)!;
    const replayed = replay(emptyAccountState(false), events, stored.asOf).state;
    expect(stored.offers).to.deep.equal(replayed.offers);
  });
});
