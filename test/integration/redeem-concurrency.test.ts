// Redemptions of different codes on one account at the same moment: each is decided on the state the previous one
// committed, so none is lost from the account's offers and at most one offer is Active.
import { expect } from 'chai';
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
});
