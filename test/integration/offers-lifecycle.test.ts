// The life of a redeemed coupon (SPEC §5) told through the interfaces users have: RedeemCoupon, GetCouponInfo,
// SearchCoupons and GetAccountMonthlySpend over real SOAP clients (zeep and node-soap), and the operator API and
// `billing` CLI for spend, payment methods, revocation and the test clock.
import { expect } from 'chai';
import { callNodeSoap, callZeep, type ClientOutcome } from '../support/clients.ts';
import { useTestApp } from '../support/app.ts';
import { billingOk } from '../support/cli.ts';
import { clockNow, setClock } from '../support/clock.ts';
import {
  customerIdPredicate,
  makeAccount,
  makeCouponClass,
  makeWorld,
  mint,
  type World,
} from '../support/factories.ts';
import { expectFaultCode, headersOf, list, resultOf, type Rec } from '../support/soap.ts';

const NOW = '2030-01-01T00:00:00.000Z';
const DAY = 86_400_000;

type Client = 'zeep' | 'node-soap';

interface OfferLine {
  couponCode: string;
  status: string;
  balance: string;
  spendToThreshold: string;
  activationDate: string | null;
  expirationDate: string | null;
  forfeited: string;
}

/** GetCouponInfo's CouponInfoData, with numbers read the same way whichever client returned them. */
interface Info {
  status: number;
  couponValue: number;
  upfrontSpending: number;
  spendToThreshold: number;
  balance: number;
  percentOff: number | null;
  redemptionDate: string | null;
  expirationDate: string | null;
}

const iso = (v: unknown): string | null => (v === null || v === undefined ? null : new Date(v as string).toISOString());
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

describe('the life of a redeemed coupon, as users and operators see it', function () {
  this.timeout(300000);
  // Each test starts on a new test clock at NOW (the clock only moves forward).
  const t = useTestApp({ testClock: true }, { eachTestAt: NOW });

  const offersOf = (accountId: string): Promise<OfferLine[]> =>
    billingOk<OfferLine[]>(t, ['offers', '--account', accountId]);
  const spend = (account: string, amount: string, at?: string): Promise<{ id: string }> =>
    t.admin('/admin/spend', at === undefined ? { account, amount } : { account, amount, at });

  async function redeem(w: World, accountId: string, code: string, client: Client = 'zeep'): Promise<string> {
    const out =
      client === 'zeep'
        ? await callZeep(t.endpoint, 'RedeemCoupon', headersOf(w.user), {
            AccountId: Number(accountId),
            CouponCode: code,
          })
        : await callNodeSoap(t.endpoint, 'RedeemCoupon', headersOf(w.user), { AccountId: accountId, CouponCode: code });
    return iso(resultOf(out as ClientOutcome<{ RedemptionDate: string }>).RedemptionDate)!;
  }

  /** A class with the given terms (factory defaults otherwise) and `count` coupons of it. */
  async function coupons(w: World, name: string, terms: Record<string, unknown>, count = 1): Promise<string[]> {
    await makeCouponClass(t, w.customerId, { name, ...terms });
    return mint(t, w.customerId, name, count);
  }

  /** GetCouponInfo for the world's customer, by coupon code. */
  async function couponInfo(w: World, client: Client = 'zeep'): Promise<Map<string, Info>> {
    const out =
      client === 'zeep'
        ? await callZeep(t.endpoint, 'GetCouponInfo', headersOf(w.user), { CustomerId: Number(w.customerId) })
        : await callNodeSoap(t.endpoint, 'GetCouponInfo', headersOf(w.user), { CustomerId: w.customerId });
    const infos = list(((resultOf(out) as Rec).CouponInfoData as Rec | null)?.CouponInfoData);
    const codes = (await t.db.knex('coupons').whereIn(
      'id',
      infos.map((i) => String(i.CouponId)),
    )) as { id: string; code: string }[];
    const codeOf = new Map(codes.map((c) => [String(c.id), c.code]));
    return new Map(
      infos.map((i) => [
        codeOf.get(String(i.CouponId))!,
        {
          status: Number(i.Status),
          couponValue: Number(i.CouponValue),
          upfrontSpending: Number(i.UpfrontSpending),
          spendToThreshold: Number(i.SpendToThreshold),
          balance: Number(i.Balance),
          percentOff: num(i.PercentOff),
          redemptionDate: iso(i.RedemptionDate),
          expirationDate: iso(i.ExpirationDate),
        },
      ]),
    );
  }

  /** SearchCoupons' RedemptionInfo of one coupon, as the world's user sees it. */
  async function redemptionInfo(w: World, code: string, client: Client = 'zeep'): Promise<Rec | null> {
    const body = {
      Predicates: {
        Predicate: [customerIdPredicate(w.customerId), { Field: 'CouponCode', Operator: 'Equals', Value: code }],
      },
    };
    const out =
      client === 'zeep'
        ? await callZeep(t.endpoint, 'SearchCoupons', headersOf(w.user), body)
        : await callNodeSoap(t.endpoint, 'SearchCoupons', headersOf(w.user), body);
    const [coupon] = list(((resultOf(out) as Rec).Coupons as Rec).Coupon);
    const info = (coupon?.RedemptionInfo ?? null) as Rec | null;
    // zeep shows a nil complex element as an object whose fields are all null.
    return info && Object.values(info).some((v) => v !== null) ? info : null;
  }

  /** The account's ledger: the sum of the effective (not reversed) entries per kind, in minor units. */
  async function ledgerSums(accountId: string, couponCode?: string): Promise<Record<string, number>> {
    const { rows } = (await t.db.knex.raw(
      `SELECT e.kind, SUM(e.amount_minor) AS total FROM ledger_entries e
         LEFT JOIN coupons c ON c.id = e.coupon_id
        WHERE e.account_id = ? AND e.reverses_id IS NULL AND (?::text IS NULL OR c.code = ?)
          AND NOT EXISTS (SELECT 1 FROM ledger_entries r WHERE r.reverses_id = e.id)
        GROUP BY e.kind`,
      [accountId, couponCode ?? null, couponCode ?? null],
    )) as { rows: { kind: string; total: string }[] };
    return Object.fromEntries(rows.map((r) => [r.kind, Number(r.total)]));
  }

  describe('threshold, credit and coverage', () => {
    it('spend below the threshold lowers SpendToThreshold; the crossing spend grants the credit and covers the excess', async () => {
      const w = await makeWorld(t);
      const [code] = await coupons(w, 'SpendGet', { amount: '50', threshold: '20' });
      await redeem(w, w.accountId, code!, 'node-soap');

      const fresh = (await couponInfo(w)).get(code!)!;
      expect(fresh).to.include({ status: 1, couponValue: 50, upfrontSpending: 20, spendToThreshold: 20, balance: 0 });

      await billingOk(t, ['spend', 'record', '--account', w.accountId, '--amount', '15']);
      const earning = (await couponInfo(w, 'node-soap')).get(code!)!;
      expect(earning).to.include({ status: 1, spendToThreshold: 5, balance: 0 });

      await billingOk(t, ['spend', 'record', '--account', w.accountId, '--amount', '12']);
      const credited = (await couponInfo(w)).get(code!)!;
      expect(credited).to.include({ status: 1, spendToThreshold: 0, balance: 43 });
      const info = (await redemptionInfo(w, code!))!;
      expect([Number(info.SpendToThreshold), Number(info.Balance)]).to.deep.equal([0, 43]);
      const [offer] = await offersOf(w.accountId);
      expect(offer).to.include({ couponCode: code, status: 'Active', balance: '43', spendToThreshold: '0' });
      // 20 cash counted toward the threshold, the credit of 50, 7 covered by it; only the 20 is charged.
      expect(await ledgerSums(w.accountId)).to.deep.include({
        threshold: 2000,
        credit: 5000,
        covered: 700,
        charge: 2000,
      });
    });

    it('an offer without a threshold has its whole Amount as Balance from activation', async () => {
      const w = await makeWorld(t);
      const [code] = await coupons(w, 'Plain', { amount: '25.50' });
      await redeem(w, w.accountId, code!);

      expect((await couponInfo(w)).get(code!)).to.include({ status: 1, spendToThreshold: 0, balance: 25.5 });
    });

    it('a percent-off coupon covers only its percent of each spend, never more than its balance', async () => {
      const w = await makeWorld(t);
      const [code] = await coupons(w, 'Quarter', { amount: '100', percentOff: '25' });
      await redeem(w, w.accountId, code!);

      await spend(w.accountId, '40');
      expect((await couponInfo(w)).get(code!)).to.include({ status: 1, balance: 90, percentOff: 25 });
      expect(await ledgerSums(w.accountId)).to.deep.include({ covered: 1000, charge: 3000 });

      // 25 % of 400 would be 100, but only 90 is left: it covers 90 and the offer is depleted.
      await spend(w.accountId, '400');
      expect((await couponInfo(w, 'node-soap')).get(code!)).to.include({ status: 2, balance: 0 });
      const sums = await ledgerSums(w.accountId);
      expect(sums.covered).to.equal(10000);
      expect(sums.charge).to.equal(44000 - 10000);
    });
  });

  describe('one active offer at a time', () => {
    it('when the active offer is depleted, the next pending offer activates and takes the rest of the same spend', async () => {
      const w = await makeWorld(t);
      const [first] = await coupons(w, 'Ten', { amount: '10' });
      const [second] = await coupons(w, 'Thirty', { amount: '30' });
      await redeem(w, w.accountId, first!);
      await redeem(w, w.accountId, second!, 'node-soap');
      const queued = await couponInfo(w);
      expect(queued.get(first!)).to.include({ status: 1, balance: 10 });
      expect(queued.get(second!)).to.include({ status: 5, balance: 0 });
      expect(await redemptionInfo(w, second!)).to.include({ ActivationDate: null });

      const at = (await clockNow(t)).toISOString();
      await spend(w.accountId, '25', at);

      const after = await couponInfo(w, 'node-soap');
      expect(after.get(first!)).to.include({ status: 2, balance: 0 });
      expect(after.get(second!)).to.include({ status: 1, balance: 15 });
      expect(iso((await redemptionInfo(w, second!, 'node-soap'))!.ActivationDate)).to.equal(at);
      const lines = await offersOf(w.accountId);
      expect(lines.map((o) => [o.couponCode, o.status, o.balance, o.activationDate])).to.deep.equal([
        [first, 'Depleted', '0', lines[0]!.activationDate],
        [second, 'Active', '15', at],
      ]);
      // The 25 are covered entirely: 10 by the first offer, 15 by the second; nothing is charged.
      expect(await ledgerSums(w.accountId)).to.deep.include({ covered: 2500 });
      expect((await ledgerSums(w.accountId)).charge ?? 0).to.equal(0);
    });

    it('an account without a payment method has offers that need one; adding it makes them Active and Pending', async () => {
      const w = await makeWorld(t);
      const account = await billingOk<{ id: string; number: string }>(t, [
        'account',
        'create',
        '--customer',
        w.customerId,
        '--currency',
        'USD',
      ]);
      const [first] = await coupons(w, 'First', { amount: '50', threshold: '10' });
      const [second] = await coupons(w, 'Second', { amount: '20' });
      await redeem(w, account.id, first!, 'node-soap');
      await redeem(w, account.id, second!);
      const waiting = await couponInfo(w);
      expect(waiting.get(first!)).to.include({ status: 4, spendToThreshold: 10, balance: 0 });
      expect(waiting.get(second!)).to.include({ status: 4, balance: 0 });
      expect(await redemptionInfo(w, first!)).to.include({ ActivationDate: null });
      // Spend before activation never counts for an offer (no paying existing balances).
      await spend(account.id, '3');

      expect(await billingOk(t, ['account', 'add-payment-method', '--account', account.id])).to.deep.equal({
        id: account.id,
      });

      const ready = await couponInfo(w, 'node-soap');
      expect(ready.get(first!)).to.include({ status: 1, spendToThreshold: 10, balance: 0 });
      expect(ready.get(second!)).to.include({ status: 5 });
      const [line] = await offersOf(account.id);
      expect(line!.activationDate).to.not.equal(null);
      expect(iso((await redemptionInfo(w, first!))!.ActivationDate)).to.equal(line!.activationDate);
    });
    it('a coupon redeemed after the active offer has expired is Active at once', async () => {
      const w = await makeWorld(t);
      const [day] = await coupons(w, 'OneDay', { amount: '10', activeDays: 1 });
      const [next] = await coupons(w, 'Next', { amount: '20' });
      await redeem(w, w.accountId, day!);
      await billingOk(t, ['clock', 'advance', 'P2D']);

      const redeemedAt = await redeem(w, w.accountId, next!);

      const infos = await couponInfo(w);
      expect(infos.get(day!)).to.include({ status: 3 });
      expect(infos.get(next!)).to.include({ status: 1, balance: 20 });
      expect(iso((await redemptionInfo(w, next!))!.ActivationDate)).to.equal(redeemedAt);
    });

    it('an offer that expires while it waits for a payment method is Expired, and adding one activates the next', async () => {
      const w = await makeWorld(t);
      const account = await makeAccount(t, w.customerId, { paymentMethod: false });
      const [brief] = await coupons(w, 'Brief', { amount: '10', activeDays: 2 });
      const [long] = await coupons(w, 'Long', { amount: '20', activeDays: 30 });
      await redeem(w, account.id, brief!);
      await redeem(w, account.id, long!, 'node-soap');
      await billingOk(t, ['clock', 'advance', 'P3D']);
      const waiting = await couponInfo(w);
      expect([waiting.get(brief!)!.status, waiting.get(long!)!.status]).to.deep.equal([3, 4]);

      await billingOk(t, ['account', 'add-payment-method', '--account', account.id]);

      const ready = await couponInfo(w, 'node-soap');
      expect([ready.get(brief!)!.status, ready.get(long!)!.status]).to.deep.equal([3, 1]);
      expect(ready.get(long!)).to.include({ balance: 20 });
      expect((await offersOf(account.id)).map((o) => [o.status, o.activationDate === null])).to.deep.equal([
        ['Expired', true],
        ['Active', false],
      ]);
    });
  });

  describe('expiry and revocation', () => {
    it('at its expiration the balance is forfeited, the offer is Expired and the next pending one activates at that instant', async () => {
      const w = await makeWorld(t);
      const [short] = await coupons(w, 'Short', { amount: '50', activeDays: 10 });
      const [brief] = await coupons(w, 'Brief', { amount: '15', activeDays: 5 });
      const [next] = await coupons(w, 'Next', { amount: '20', activeDays: 30 });
      const redeemedShort = await redeem(w, w.accountId, short!);
      await redeem(w, w.accountId, brief!);
      await redeem(w, w.accountId, next!, 'node-soap');
      await spend(w.accountId, '5');

      const { now } = await billingOk<{ now: string }>(t, ['clock', 'advance', 'P11D']);
      expect(new Date(now).getTime()).to.be.greaterThan(new Date(redeemedShort).getTime() + 10 * DAY);

      const lines = await offersOf(w.accountId);
      const byCode = new Map(lines.map((o) => [o.couponCode, o]));
      const shortLine = byCode.get(short!)!;
      expect(shortLine).to.include({ status: 'Expired', balance: '0', forfeited: '45' });
      expect(shortLine.expirationDate).to.equal(new Date(new Date(redeemedShort).getTime() + 10 * DAY).toISOString());
      // A pending offer whose own expiry came while it waited never activates.
      expect(byCode.get(brief!)).to.include({ status: 'Expired', activationDate: null, forfeited: '0' });
      expect(byCode.get(next!)).to.include({
        status: 'Active',
        balance: '20',
        activationDate: shortLine.expirationDate,
      });

      const infos = await couponInfo(w);
      expect(infos.get(short!)).to.include({ status: 3, balance: 0, expirationDate: shortLine.expirationDate });
      expect(infos.get(brief!)).to.include({ status: 3 });
      expect(infos.get(next!)).to.include({ status: 1, balance: 20 });
      const shortInfo = (await redemptionInfo(w, short!))!;
      const nextInfo = (await redemptionInfo(w, next!, 'node-soap'))!;
      expect(iso(nextInfo.ActivationDate)).to.equal(iso(shortInfo.ExpirationDate));

      await spend(w.accountId, '1');
      expect(await ledgerSums(w.accountId, short!)).to.deep.include({ forfeit: 4500, covered: 500 });
      expect(await ledgerSums(w.accountId, next!)).to.deep.include({ covered: 100 });
    });

    it('a revoked offer forfeits its balance, shows Revoked, and the next pending offer activates', async () => {
      const w = await makeWorld(t);
      const [first] = await coupons(w, 'First', { amount: '50' });
      const [second] = await coupons(w, 'Second', { amount: '20' });
      await redeem(w, w.accountId, first!);
      await redeem(w, w.accountId, second!);
      await spend(w.accountId, '10');

      const revoked = await billingOk(t, ['coupons', 'revoke', '--code', first!.toLowerCase(), '--reason', 'fraud']);
      expect(revoked).to.deep.equal({ code: first, status: 'Revoked' });

      const infos = await couponInfo(w, 'node-soap');
      expect(infos.get(first!)).to.include({ status: 7, balance: 0 });
      expect(infos.get(second!)).to.include({ status: 1, balance: 20 });
      const lines = await offersOf(w.accountId);
      expect(lines.map((o) => [o.status, o.balance, o.forfeited])).to.deep.equal([
        ['Revoked', '0', '40'],
        ['Active', '20', '0'],
      ]);
      expect(lines[1]!.activationDate).to.not.equal(null);
      expect(await ledgerSums(w.accountId, first!)).to.deep.include({ forfeit: 4000, covered: 1000 });
      const info = await redemptionInfo(w, first!);
      expect(String(info!.AccountId)).to.equal(w.accountId);
    });
  });

  describe('spend recorded out of order', () => {
    it('gives the same offers and the same ledger totals as spend recorded in time order', async () => {
      const w = await makeWorld(t);
      const b = await makeAccount(t, w.customerId);
      const earn = await coupons(w, 'Earn', { amount: '30', threshold: '10', activeDays: null }, 2);
      const queue = await coupons(w, 'Queue', { amount: '20', activeDays: null }, 2);
      const redeemed = new Map<string, string>();
      for (const [i, account] of [w.accountId, b.id].entries()) {
        redeemed.set(earn[i]!, await redeem(w, account, earn[i]!));
        redeemed.set(queue[i]!, await redeem(w, account, queue[i]!));
      }
      await setClock(t, '2030-01-02T00:00:00Z');
      const events: readonly (readonly [string, string])[] = [
        ['2029-12-31T12:00:00Z', '7'], // before the redemptions: cash, counts for no offer
        ['2030-01-01T01:00:00Z', '6'],
        ['2030-01-01T02:00:00Z', '8'], // crosses the threshold
        ['2030-01-01T03:00:00Z', '30'], // depletes the first offer, the second activates
        ['2030-01-01T04:00:00Z', '5'],
      ];

      for (const [at, amount] of events) await spend(w.accountId, amount, at);
      for (const i of [3, 1, 4, 2, 0])
        await billingOk(t, ['spend', 'record', '--account', b.id, '--amount', events[i]![1], '--at', events[i]![0]]);

      const view = async (account: string): Promise<unknown[]> =>
        (await offersOf(account)).map(({ couponCode, activationDate, ...o }) => ({
          ...o,
          activationDate: activationDate === redeemed.get(couponCode) ? 'at redemption' : activationDate,
        }));
      const inOrder = await view(w.accountId);
      expect(inOrder).to.deep.equal([
        {
          status: 'Depleted',
          balance: '0',
          spendToThreshold: '0',
          activationDate: 'at redemption',
          expirationDate: '2099-06-01T00:00:00.000Z',
          forfeited: '0',
        },
        {
          status: 'Active',
          balance: '11',
          spendToThreshold: '0',
          activationDate: '2030-01-01T03:00:00.000Z',
          expirationDate: '2099-06-01T00:00:00.000Z',
          forfeited: '0',
        },
      ]);
      expect(await view(b.id)).to.deep.equal(inOrder);
      const sums = await ledgerSums(w.accountId);
      expect(sums).to.deep.include({ threshold: 1000, credit: 5000, covered: 3900, charge: 1700 });
      expect(await ledgerSums(b.id)).to.deep.equal(sums);
    });
    it('a spend reported late for a time before an expiry lowers the forfeited balance, by reversal in the ledger', async () => {
      const w = await makeWorld(t);
      const [short] = await coupons(w, 'Short', { amount: '50', activeDays: 10 });
      const [next] = await coupons(w, 'Next', { amount: '20' });
      await redeem(w, w.accountId, short!);
      await redeem(w, w.accountId, next!);
      await spend(w.accountId, '5');
      await billingOk(t, ['clock', 'advance', 'P11D']);
      await spend(w.accountId, '1'); // the expiry is recorded by now: 45 forfeited
      expect(await ledgerSums(w.accountId, short!)).to.deep.include({ forfeit: 4500 });

      await billingOk(t, [
        'spend',
        'record',
        '--account',
        w.accountId,
        '--amount',
        '5',
        '--at',
        '2030-01-06T00:00:00Z',
      ]);

      const lines = await offersOf(w.accountId);
      expect(lines.map((o) => [o.status, o.balance, o.forfeited])).to.deep.equal([
        ['Expired', '0', '40'],
        ['Active', '19', '0'],
      ]);
      expect(await ledgerSums(w.accountId, short!)).to.deep.include({ forfeit: 4000, covered: 1000 });
      const reversals = (await t.db
        .knex('ledger_entries')
        .where({ account_id: w.accountId, kind: 'forfeit' })
        .whereNotNull('reverses_id')
        .select('amount_minor')) as { amount_minor: string }[];
      expect(reversals.map((r) => Number(r.amount_minor))).to.deep.equal([-4500]);
    });
  });

  describe('GetAccountMonthlySpend', () => {
    it('sums only the spend of the requested UTC month, boundaries included', async () => {
      const w = await makeWorld(t);
      await setClock(t, '2030-03-15T00:00:00Z');
      for (const [at, amount] of [
        ['2030-01-01T00:00:00Z', '5.50'],
        ['2030-01-31T23:59:59.999Z', '1.10'],
        ['2030-02-01T00:00:00Z', '2.20'],
        ['2030-02-28T23:59:59.999Z', '3.30'],
        ['2030-03-01T00:00:00Z', '4.40'],
      ] as const)
        await spend(w.accountId, amount, at);

      const monthly = async (monthYear: string, client: Client): Promise<number> => {
        const out =
          client === 'zeep'
            ? await callZeep(t.endpoint, 'GetAccountMonthlySpend', headersOf(w.user), {
                AccountId: Number(w.accountId),
                MonthYear: monthYear,
              })
            : await callNodeSoap(t.endpoint, 'GetAccountMonthlySpend', headersOf(w.user), {
                AccountId: w.accountId,
                MonthYear: monthYear, // node-soap writes a JS Date as an empty element: pass ISO text
              });
        return Number((resultOf(out) as Rec).Amount);
      };

      expect(await monthly('2030-01-15T00:00:00Z', 'zeep')).to.equal(6.6);
      expect(await monthly('2030-02-01T00:00:00Z', 'node-soap')).to.equal(5.5);
      expect(await monthly('2030-02-28T23:59:59Z', 'zeep')).to.equal(5.5);
      // 00:30 on 1 March at UTC+1 is still February in UTC.
      expect(await monthly('2030-03-01T00:30:00+01:00', 'zeep')).to.equal(5.5);
      expect(await monthly('2030-03-31T00:00:00Z', 'node-soap')).to.equal(4.4);
      expect(await monthly('2029-12-01T00:00:00Z', 'zeep')).to.equal(0);
    });

    it("answers 2108 for an unknown account and 106 for another customer's account", async () => {
      const w = await makeWorld(t);
      const other = await makeWorld(t);
      const ask = (accountId: number): Promise<ClientOutcome> =>
        callZeep(t.endpoint, 'GetAccountMonthlySpend', headersOf(w.user), {
          AccountId: accountId,
          MonthYear: '2030-01-01T00:00:00Z',
        });

      expectFaultCode(await ask(999999), 2108);
      const denied = await ask(Number(other.accountId));
      expectFaultCode(denied, 106);
      expect((denied as { detailRoot: string }).detailRoot).to.equal('{https://adapi.microsoft.com}AdApiFaultDetail');
      expectFaultCode(
        await callNodeSoap(t.endpoint, 'GetAccountMonthlySpend', headersOf(w.user), {
          AccountId: other.accountId,
          MonthYear: '2030-01-01T00:00:00Z',
        }),
        106,
      );
    });
  });

  describe('money is exact', () => {
    it('1,000 spends of 0.01 against a 10.00 coupon leave exactly 0 and a Depleted offer', async function () {
      this.timeout(600000);
      const w = await makeWorld(t);
      const [code] = await coupons(w, 'Cents', { amount: '10.00' });
      await redeem(w, w.accountId, code!);

      for (let i = 0; i < 999; i++) await spend(w.accountId, '0.01');
      expect((await couponInfo(w)).get(code!)).to.include({ status: 1, balance: 0.01 });
      expect((await offersOf(w.accountId))[0]).to.include({ status: 'Active', balance: '0.01' });

      await spend(w.accountId, '0.01');

      expect((await couponInfo(w, 'node-soap')).get(code!)).to.include({ status: 2, balance: 0 });
      expect((await offersOf(w.accountId))[0]).to.include({ status: 'Depleted', balance: '0', forfeited: '0' });
      const sums = await ledgerSums(w.accountId);
      expect(sums.covered).to.equal(1000);
      expect(sums.charge ?? 0).to.equal(0);
    });
  });
});
