// RedeemCoupon over real SOAP clients built from the official WSDL (zeep for most calls, node-soap for some):
// every check of SPEC §4 with its code, in the stated order, against a service with the test clock.
import { expect } from 'chai';
import { callNodeSoap, callZeep, type ClientOutcome } from '../support/clients.ts';
import { useTestApp } from '../support/app.ts';
import { advanceClock, clockNow, setClock } from '../support/clock.ts';
import {
  customerIdPredicate,
  customerOfUser,
  makeAccount,
  makeCouponClass,
  makeCustomer,
  makeUser,
  makeWorld,
  makeWorldWithCoupons,
  mint,
  type World,
} from '../support/factories.ts';
import { ADAPI_FAULT, expectClientFault, headersOf, type Rec } from '../support/soap.ts';

/** The simulated "now" every test starts from (the test clock is shared through the suite's database). */
const NOW = '2030-01-01T00:00:00.000Z';

type Client = 'zeep' | 'node-soap';

const iso = (v: unknown): string => new Date(v as string).toISOString();

describe('RedeemCoupon checks a coupon and an account in the order of the specification', function () {
  this.timeout(120000);
  // Each test starts on a new test clock at NOW (the clock only moves forward).
  const t = useTestApp({ testClock: true }, { eachTestAt: NOW });

  function redeem(
    user: { authenticationToken: string; developerToken: string },
    accountId: string,
    code: string | null,
    client: Client = 'zeep',
  ): Promise<ClientOutcome<{ RedemptionDate: string }>> {
    // zeep takes the xs:long as a JSON number; node-soap as text (ids stay far below 2^53 here).
    return client === 'zeep'
      ? callZeep(t.endpoint, 'RedeemCoupon', headersOf(user), { AccountId: Number(accountId), CouponCode: code })
      : callNodeSoap(t.endpoint, 'RedeemCoupon', headersOf(user), { AccountId: accountId, CouponCode: code });
  }

  /** Redeems and expects success; returns the RedemptionDate as ISO text. */
  async function redeemOk(
    user: World['user'],
    accountId: string,
    code: string,
    client: Client = 'zeep',
  ): Promise<string> {
    const out = await redeem(user, accountId, code, client);
    expect(out.kind, JSON.stringify(out)).to.equal('result');
    return iso((out as { result: { RedemptionDate: string } }).result.RedemptionDate);
  }

  /** A world with a class (overridable) and one coupon of it. */
  async function worldWithCoupon(
    classOverrides: Record<string, unknown> = {},
    worldOverrides: { role?: string; currency?: string } = {},
  ): Promise<{ w: World; code: string }> {
    const { w, codes } = await makeWorldWithCoupons(t, 1, { class: classOverrides, world: worldOverrides });
    return { w, code: codes[0]! };
  }

  /** The coupon as SearchCoupons shows it to `user` (zeep). */
  async function searchCoupon(user: World['user'], code: string): Promise<Rec> {
    const customer = await customerOfUser(t, user);
    const out = await callZeep(t.endpoint, 'SearchCoupons', headersOf(user), {
      Predicates: {
        Predicate: [customerIdPredicate(customer), { Field: 'CouponCode', Operator: 'Equals', Value: code }],
      },
    });
    expect(out.kind, JSON.stringify(out)).to.equal('result');
    const coupons = ((out as { result: Rec }).result.Coupons as Rec).Coupon as Rec[];
    expect(coupons).to.have.length(1);
    return coupons[0]!;
  }

  async function redemptionCount(code: string): Promise<number> {
    const rows = (await t.db
      .knex('account_events as e')
      .join('coupons as c', 'c.id', 'e.coupon_id')
      .where({ 'c.code': code, 'e.kind': 'redeem' })
      .count({ n: '*' })) as { n: string | number }[];
    return Number(rows[0]!.n);
  }

  describe('who may redeem', () => {
    it('a Standard user redeems a coupon for its account and gets the RedemptionDate of now', async () => {
      const { w, code } = await worldWithCoupon();
      const standard = await makeUser(t, w.customerId, { role: 'Standard' });

      const before = await clockNow(t);
      const out = await redeem(standard, w.accountId, code);
      const after = await clockNow(t);

      expect(out.kind, JSON.stringify(out)).to.equal('result');
      const at = new Date(iso((out as { result: { RedemptionDate: string } }).result.RedemptionDate));
      expect(at.getTime()).to.be.within(before.getTime(), after.getTime());
      const coupon = await searchCoupon(w.user, code);
      expect(coupon.IsRedeemed).to.equal(true);
      expect(String((coupon.RedemptionInfo as Rec).AccountId)).to.equal(w.accountId);
      expect(iso((coupon.RedemptionInfo as Rec).RedemptionDate)).to.equal(at.toISOString());
    });

    it('a request with an invalid AuthenticationToken is refused first, with 105, whatever else is wrong', async () => {
      const { w } = await worldWithCoupon();
      const out = await redeem({ ...w.user, authenticationToken: 'not-a-token' }, '999999', 'NOSUCHCODE');
      expectClientFault(out, 105, ADAPI_FAULT);
    });

    it('an unknown account answers 2108, even when the code is unknown too', async () => {
      const { w } = await worldWithCoupon();
      expectClientFault(await redeem(w.user, '999999', 'NOSUCHCODE'), 2108);
    });

    for (const client of ['zeep', 'node-soap'] as const) {
      it(`another customer's account answers 106 as AdApiFaultDetail and the coupon stays unredeemed (${client})`, async () => {
        const { w, code } = await worldWithCoupon();
        const other = await makeWorld(t);

        const out = await redeem(w.user, other.accountId, code, client);

        expectClientFault(out, 106, ADAPI_FAULT);
        expect((await searchCoupon(w.user, code)).IsRedeemed).to.equal(false);
      });
    }

    it('a ViewOnly user is refused with 1001 and the coupon stays unredeemed', async () => {
      const { w, code } = await worldWithCoupon();
      const viewer = await makeUser(t, w.customerId, { role: 'ViewOnly' });

      expectClientFault(await redeem(viewer, w.accountId, code), 1001);
      expectClientFault(await redeem(viewer, w.accountId, 'NOSUCHCODE'), 1001);
      expect((await searchCoupon(w.user, code)).IsRedeemed).to.equal(false);
    });
  });

  describe('which coupons can be redeemed', () => {
    it('an unknown code answers 4500, and so does a missing one', async () => {
      const { w } = await worldWithCoupon();
      expectClientFault(await redeem(w.user, w.accountId, 'ABCDEFGHJKMNP'), 4500);
      expectClientFault(await redeem(w.user, w.accountId, null), 4500);
    });

    it('a revoked coupon answers 4512', async () => {
      const { w, code } = await worldWithCoupon();
      await t.admin('/admin/coupons/revoke', { code, reason: 'leaked on a forum' });
      expectClientFault(await redeem(w.user, w.accountId, code), 4512);
    });

    it("a coupon redeemed by another account answers 4501 and stays with the first account's redemption", async () => {
      const { w, code } = await worldWithCoupon();
      const second = await makeAccount(t, w.customerId);
      const firstDate = await redeemOk(w.user, w.accountId, code);

      expectClientFault(await redeem(w.user, second.id, code), 4501);
      expectClientFault(await redeem(w.user, second.id, code, 'node-soap'), 4501);

      const info = (await searchCoupon(w.user, code)).RedemptionInfo as Rec;
      expect(String(info.AccountId)).to.equal(w.accountId);
      expect(iso(info.RedemptionDate)).to.equal(firstDate);
      expect(await redemptionCount(code)).to.equal(1);
    });

    it('the same account redeeming the same code again, a day later, gets the original RedemptionDate back', async () => {
      const { w, code } = await worldWithCoupon();
      const first = await redeemOk(w.user, w.accountId, code);

      const later = await advanceClock(t, 'P1D');
      const again = await redeemOk(w.user, w.accountId, code);
      const third = await redeemOk(w.user, w.accountId, code, 'node-soap');

      expect(later.getTime()).to.be.greaterThan(new Date(first).getTime());
      expect(again).to.equal(first);
      expect(third).to.equal(first);
      expect(await redemptionCount(code)).to.equal(1);
    });

    it('a coupon before its StartDate answers 4502 and can be redeemed once the StartDate has come', async () => {
      const { w, code } = await worldWithCoupon({ start: '2030-02-01T00:00:00Z', end: '2030-06-01T00:00:00Z' });

      expectClientFault(await redeem(w.user, w.accountId, code), 4502);

      await setClock(t, '2030-02-01T00:00:00Z');
      await redeemOk(w.user, w.accountId, code);
    });

    it('a coupon after its EndDate answers 4503', async () => {
      const { w, code } = await worldWithCoupon({
        start: '2029-01-01T00:00:00Z',
        end: '2029-12-31T23:59:59Z',
        expires: '2031-01-01T00:00:00Z',
      });
      expectClientFault(await redeem(w.user, w.accountId, code), 4503);
    });

    it('a dispatched coupon of a class with a redeem-within window answers 4503 once the window since dispatch is over', async () => {
      const {
        w,
        codes: [late, inTime, neverSent],
      } = await makeWorldWithCoupons(t, 3, { class: { name: 'TikTok', redeemWithinDays: 14 } });
      // DispatchCoupons hands out coupons in mint order and sets SendToDate = now.
      const dispatched = await callZeep(t.endpoint, 'DispatchCoupons', headersOf(w.user), {
        SendToEmails: { string: ['ana@example.com'] },
        CustomerId: Number(w.customerId),
        CouponClassName: 'TikTok',
      });
      expect(dispatched.kind, JSON.stringify(dispatched)).to.equal('result');
      expect(iso((await searchCoupon(w.user, late!)).SendToDate)).to.match(/^2030-01-01T/);

      await advanceClock(t, 'P14DT1H');
      await callZeep(t.endpoint, 'DispatchCoupons', headersOf(w.user), {
        SendToEmails: { string: ['bo@example.com'] },
        CustomerId: Number(w.customerId),
        CouponClassName: 'TikTok',
      });
      await advanceClock(t, 'P13D');

      expectClientFault(await redeem(w.user, w.accountId, late!), 4503);
      const other = await makeAccount(t, w.customerId);
      await redeemOk(w.user, other.id, inTime!);
      const third = await makeAccount(t, w.customerId);
      await redeemOk(w.user, third.id, neverSent!);
    });

    it('an expired coupon answers 4504', async () => {
      const { w, code } = await worldWithCoupon({
        start: '2029-01-01T00:00:00Z',
        end: '2031-01-01T00:00:00Z',
        expires: '2029-12-31T00:00:00Z',
      });
      expectClientFault(await redeem(w.user, w.accountId, code), 4504);
    });

    it('a coupon in another currency than the account answers 4505', async () => {
      const { w, code } = await worldWithCoupon({ currency: 'USD' }, { currency: 'EUR' });
      expectClientFault(await redeem(w.user, w.accountId, code), 4505);
      const usd = await makeAccount(t, w.customerId, { currency: 'USD' });
      await redeemOk(w.user, usd.id, code);
    });

    it('a code is matched case-insensitively and trimmed', async () => {
      const { w, code } = await worldWithCoupon();
      const first = await redeemOk(w.user, w.accountId, `  ${code.toLowerCase()} \t`);
      expect(await redeemOk(w.user, w.accountId, code, 'node-soap')).to.equal(first);
      expect(String(((await searchCoupon(w.user, code)).RedemptionInfo as Rec).AccountId)).to.equal(w.accountId);
    });
  });

  describe('Acquisition coupons are for new customers only', () => {
    it('a brand-new customer redeems an Acquisition coupon', async () => {
      const { w, code } = await worldWithCoupon({ type: 'Acquisition' });
      await redeemOk(w.user, w.accountId, code);
    });

    it('a customer with spend on any of its accounts is refused an Acquisition coupon with 4506, not a Retention one', async () => {
      const w = await makeWorld(t);
      await makeCouponClass(t, w.customerId, { name: 'Welcome', type: 'Acquisition' });
      await makeCouponClass(t, w.customerId, { name: 'Loyalty', type: 'Retention' });
      const [welcome] = await mint(t, w.customerId, 'Welcome', 1);
      const [loyalty] = await mint(t, w.customerId, 'Loyalty', 1);
      const spender = await makeAccount(t, w.customerId);
      await t.admin('/admin/spend', { account: spender.id, amount: '0.01' });

      expectClientFault(await redeem(w.user, w.accountId, welcome!), 4506);
      await redeemOk(w.user, w.accountId, loyalty!);
    });

    it('a customer that already redeemed an Acquisition coupon on another account is refused a second one with 4506', async () => {
      const {
        w,
        codes: [first, second],
      } = await makeWorldWithCoupons(t, 2, { class: { type: 'Acquisition' } });
      const other = await makeAccount(t, w.customerId);
      const firstDate = await redeemOk(w.user, other.id, first!);

      expectClientFault(await redeem(w.user, w.accountId, second!), 4506);
      expectClientFault(await redeem(w.user, other.id, second!), 4506);
      // Retrying the first redemption is still safe: it answers the original date, not 4506.
      expect(await redeemOk(w.user, other.id, first!)).to.equal(firstDate);
    });

    it("another customer's spend does not make a customer old", async () => {
      const {
        w: owner,
        codes: [code],
      } = await makeWorldWithCoupons(t, 1, { class: { type: 'Acquisition' } });
      await t.admin('/admin/spend', { account: owner.accountId, amount: '5' });
      const newcomer = await makeCustomer(t, 'Fabrikam');
      const account = await makeAccount(t, newcomer);
      const user = await makeUser(t, newcomer, { role: 'Standard' });

      await redeemOk(user, account.id, code!);
    });
  });

  describe('when several checks fail, the first in the specified order answers', () => {
    it('a revoked and expired coupon answers 4512', async () => {
      const { w, code } = await worldWithCoupon({ expires: '2029-12-31T00:00:00Z', end: '2029-12-01T00:00:00Z' });
      await t.admin('/admin/coupons/revoke', { code });
      expectClientFault(await redeem(w.user, w.accountId, code), 4512);
    });

    it('a redeemed coupon revoked since answers 4512, even to the account that redeemed it', async () => {
      const { w, code } = await worldWithCoupon();
      await redeemOk(w.user, w.accountId, code);
      await t.admin('/admin/coupons/revoke', { code, reason: 'chargeback' });

      expectClientFault(await redeem(w.user, w.accountId, code), 4512);
      const other = await makeAccount(t, w.customerId);
      expectClientFault(await redeem(w.user, other.id, code), 4512);
    });

    it('a coupon redeemed by another account and expired since answers 4501; its own account still gets its date', async () => {
      const { w, code } = await worldWithCoupon({ end: '2030-01-05T00:00:00Z', expires: '2030-01-10T00:00:00Z' });
      const other = await makeAccount(t, w.customerId, { currency: 'EUR' });
      const first = await redeemOk(w.user, w.accountId, code);

      await setClock(t, '2030-02-01T00:00:00Z');

      expectClientFault(await redeem(w.user, other.id, code), 4501);
      expect(await redeemOk(w.user, w.accountId, code)).to.equal(first);
    });

    it('a coupon before its StartDate and in another currency answers 4502', async () => {
      const { w, code } = await worldWithCoupon(
        { start: '2030-02-01T00:00:00Z', end: '2030-03-01T00:00:00Z', expires: '2030-04-01T00:00:00Z' },
        { currency: 'EUR' },
      );
      expectClientFault(await redeem(w.user, w.accountId, code), 4502);
    });

    it('a coupon past its EndDate and expired answers 4503; an expired one in another currency answers 4504', async () => {
      const { w, code } = await worldWithCoupon(
        { start: '2029-01-01T00:00:00Z', end: '2029-06-01T00:00:00Z', expires: '2029-07-01T00:00:00Z' },
        { currency: 'EUR' },
      );
      expectClientFault(await redeem(w.user, w.accountId, code), 4503);

      await makeCouponClass(t, w.customerId, {
        name: 'Old',
        start: '2029-01-01T00:00:00Z',
        end: '2031-01-01T00:00:00Z',
        expires: '2029-07-01T00:00:00Z',
      });
      const [old] = await mint(t, w.customerId, 'Old', 1);
      expectClientFault(await redeem(w.user, w.accountId, old!), 4504);
    });

    it('an Acquisition coupon in another currency for an old customer answers 4505', async () => {
      const { w, code } = await worldWithCoupon({ type: 'Acquisition' }, { currency: 'EUR' });
      await t.admin('/admin/spend', { account: w.accountId, amount: '1' });
      expectClientFault(await redeem(w.user, w.accountId, code), 4505);
    });

    it("another customer's account answers 106 before an unknown code, a ViewOnly user 1001 before a revoked one", async () => {
      const { w, code } = await worldWithCoupon();
      const other = await makeWorld(t);
      expectClientFault(await redeem(w.user, other.accountId, 'NOSUCHCODE'), 106, ADAPI_FAULT);

      await t.admin('/admin/coupons/revoke', { code });
      const viewer = await makeUser(t, w.customerId, { role: 'ViewOnly' });
      expectClientFault(await redeem(viewer, w.accountId, code), 1001);
    });
  });
});
