// Who sees a coupon redeemed across customers, and when its RedemptionInfo is shown (SPEC §4 SearchCoupons).
import { expect } from 'chai';
import { callZeep, type SoapHeaders } from '../support/clients.ts';
import { useTestApp } from '../support/app.ts';
import {
  customerIdPredicate,
  customerOfUser,
  makeAccount,
  makeCouponClass,
  makeCustomer,
  makeUser,
  mint,
} from '../support/factories.ts';
import { headersOf, type Rec } from '../support/soap.ts';

describe('SearchCoupons across customers', function () {
  this.timeout(120000);
  const t = useTestApp();

  async function search(h: SoapHeaders, user: { id: string }): Promise<Rec[]> {
    const customer = await customerOfUser(t, user);
    const out = await callZeep(t.endpoint, 'SearchCoupons', h, {
      Predicates: { Predicate: [customerIdPredicate(customer)] },
    });
    expect(out.kind, JSON.stringify(out)).to.equal('result');
    if (out.kind !== 'result') return [];
    const coupons = ((out.result as Rec).Coupons as Rec | null)?.Coupon;
    return (coupons as Rec[] | undefined) ?? [];
  }

  it('the owner sees a coupon another customer redeemed, with RedemptionInfo only when that account bills to the owner', async () => {
    const owner = await makeCustomer(t, 'Owner');
    const ownerUser = await makeUser(t, owner);
    await makeCouponClass(t, owner, { name: 'Shared' });
    const [billed, foreign] = await mint(t, owner, 'Shared', 2);

    const other = await makeCustomer(t, 'Other');
    const otherUser = await makeUser(t, other);
    const billsToOwner = await makeAccount(t, other, { billTo: owner });
    const billsToSelf = await makeAccount(t, other);
    for (const [account, code] of [
      [billsToOwner.id, billed],
      [billsToSelf.id, foreign],
    ] as const) {
      const r = await callZeep(t.endpoint, 'RedeemCoupon', headersOf(otherUser), {
        AccountId: Number(account),
        CouponCode: code,
      });
      expect(r.kind, JSON.stringify(r)).to.equal('result');
    }

    const seenByOwner = await search(headersOf(ownerUser), ownerUser);
    const byCode = new Map(seenByOwner.map((c) => [c.CouponCode, c]));
    expect([...byCode.keys()]).to.have.members([billed, foreign]);
    expect(byCode.get(billed)!.IsRedeemed).to.equal(true);
    expect((byCode.get(billed)!.RedemptionInfo as Rec).AccountNumber).to.equal(billsToOwner.number);
    expect(byCode.get(foreign)!.IsRedeemed).to.equal(true);
    // zeep reads a nil complex element as an object whose fields are all null.
    expect(Object.values((byCode.get(foreign)!.RedemptionInfo as Rec | null) ?? {}).every((v) => v === null)).to.equal(
      true,
    );

    const seenByOther = await search(headersOf(otherUser), otherUser);
    expect(seenByOther.map((c) => c.CouponCode)).to.have.members([billed, foreign]);
    for (const c of seenByOther) expect((c.RedemptionInfo as Rec).AccountId).to.not.equal(null);

    const stranger = await makeUser(t, await makeCustomer(t, 'Stranger'));
    expect(await search(headersOf(stranger), stranger)).to.deep.equal([]);
  });
});
