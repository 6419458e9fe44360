// Claims over SOAP (SPEC §4 Claims): CheckFeatureAdoptionCouponEligibility, ClaimFeatureAdoptionCoupons and
// DistributeCoupons called by clients built from the official WSDL (zeep, PHP SoapClient, node-soap), and what a
// claim does to the offer (PendingRedemption until the claiming account redeems it), to SearchCoupons, GetCouponInfo,
// the account's events and the email outbox. The test clock starts every test at NOW.
import { expect } from 'chai';
import { emptyAccountState, replay } from '../../src/rules/index.ts';
import { loadEvents, toEngineEvent } from '../../src/repositories/offers.ts';
import { callNodeSoap, callPhp, callZeep, type ClientOutcome, type SoapHeaders } from '../support/clients.ts';
import { postSoap, soapRequest, useTestApp } from '../support/app.ts';
import { argv, runBilling } from '../support/cli.ts';
import { advanceClock, setClock } from '../support/clock.ts';
import {
  customerIdPredicate,
  customerIdPredicateXml,
  customerOfUser,
  makeAccount,
  makeCouponClass,
  makeCustomer,
  makeUser,
  makeWorld,
  mint,
  type World,
} from '../support/factories.ts';
import { expectClientFault, headersOf, list, resultOf, type Rec } from '../support/soap.ts';

const NOW = '2030-01-01T00:00:00.000Z';

type Caller = (endpoint: string, op: string, headers: SoapHeaders, body?: unknown) => Promise<ClientOutcome>;
const CLIENTS: readonly (readonly [string, Caller])[] = [
  ['zeep', callZeep],
  ['PHP', callPhp],
  ['node-soap', callNodeSoap],
];

const iso = (v: unknown): string => new Date(v as string).toISOString();
/** A nil or absent complex element (zeep shows one as an object whose fields are all null). */
const isAbsent = (v: unknown): boolean =>
  v === null || v === undefined || Object.values(v as Rec).every((x) => x === null);

/** PartialErrors (ArrayOfArrayOfOperationError): the codes of each request index, [] for a success. */
const partialCodes = (r: Rec): number[][] =>
  list((r.PartialErrors as Rec | null | undefined)?.ArrayOfOperationError).map((inner) =>
    list(inner?.OperationError).map((e) => Number(e.Code)),
  );
const operationCodes = (r: Rec): number[] =>
  list((r.OperationErrors as Rec | null | undefined)?.OperationError).map((e) => Number(e.Code));
/** ClaimedDateByAccountId as [AccountId, ClaimDate ISO] pairs. */
const claimedDates = (r: Rec): [string, string][] =>
  list((r.ClaimedDateByAccountId as Rec | null | undefined)?.KeyValueEntityOflongdateTime).map((kv) => [
    String(kv.Key),
    iso(kv.Value),
  ]);

describe('Claims: feature-adoption coupons over SOAP', function () {
  this.timeout(180_000);
  let featureNo = 100;
  // Each test starts on a new test clock at NOW (the clock only moves forward).
  const t = useTestApp({ testClock: true, outboxWorker: false }, { eachTestAt: NOW });

  /** A world (customer, USD account with a payment method, SuperAdmin) and a class of a feature no other test uses. */
  async function featureWorld(
    count = 3,
    classOverrides: Record<string, unknown> = {},
  ): Promise<{ w: World; featureId: number; className: string; codes: string[] }> {
    const w = await makeWorld(t);
    const featureId = ++featureNo;
    const className = `Feature${featureId}`;
    await makeCouponClass(t, w.customerId, { name: className, featureId, ...classOverrides });
    return { w, featureId, className, codes: await mint(t, w.customerId, className, count) };
  }

  const pairsBody = (pairs: readonly (readonly [string, string | null])[]): Rec => ({
    AccountCouponPairs: {
      KeyValueEntityOflongstring: pairs.map(([account, code]) => ({ Key: Number(account), Value: code })),
    },
  });
  const claim = (
    call: Caller,
    user: World['user'],
    pairs: readonly (readonly [string, string | null])[],
  ): Promise<ClientOutcome> => call(t.endpoint, 'ClaimFeatureAdoptionCoupons', headersOf(user), pairsBody(pairs));

  async function searchOne(user: World['user'], code: string, claimInfo: boolean): Promise<Rec> {
    const customer = await customerOfUser(t, user);
    const out = await callZeep(t.endpoint, 'SearchCoupons', headersOf(user), {
      Predicates: {
        Predicate: [customerIdPredicate(customer), { Field: 'CouponCode', Operator: 'Equals', Value: code }],
      },
      // zeep takes an xs:list as a Python list (a string would be sent letter by letter).
      ...(claimInfo ? { ReturnAdditionalFields: ['CouponClaimInfo'] } : {}),
    });
    const coupons = list((resultOf(out).Coupons as Rec).Coupon);
    expect(coupons).to.have.length(1);
    return coupons[0]!;
  }
  async function couponInfo(w: World, couponCode: string): Promise<Rec> {
    const out = await callZeep(t.endpoint, 'GetCouponInfo', headersOf(w.user), { CustomerId: Number(w.customerId) });
    const id = await couponId(couponCode);
    const found = list((resultOf(out).CouponInfoData as Rec).CouponInfoData).find((d) => String(d.CouponId) === id);
    expect(found, `GetCouponInfo has coupon ${couponCode}`).to.not.equal(undefined);
    return found!;
  }
  async function couponId(code: string): Promise<string> {
    return String(((await t.db.knex('coupons').where({ code }).first('id')) as { id: string }).id);
  }
  const redeem = (user: World['user'], accountId: string, code: string): Promise<ClientOutcome> =>
    callZeep(t.endpoint, 'RedeemCoupon', headersOf(user), { AccountId: Number(accountId), CouponCode: code });
  async function claimEvents(code: string): Promise<number> {
    const [row] = (await t.db
      .knex('account_events as e')
      .join('coupons as c', 'c.id', 'e.coupon_id')
      .where({ 'c.code': code, 'e.kind': 'claim' })
      .count({ n: '*' })) as { n: string | number }[];
    return Number(row!.n);
  }

  describe('ClaimFeatureAdoptionCoupons and the life of a claimed coupon', () => {
    for (const [client, call] of CLIENTS) {
      it(`${client}: a claim puts the offer in PendingRedemption with ClaimInfo, and only the claiming account can redeem it`, async () => {
        const { w, featureId, codes } = await featureWorld(1);
        const other = await makeAccount(t, w.customerId);
        const code = codes[0]!;

        const out = await claim(call, w.user, [[w.accountId, code]]);
        const r = resultOf(out);
        const dates = claimedDates(r);
        expect(dates.map(([k]) => k)).to.deep.equal([w.accountId]);
        const claimDate = dates[0]![1];
        expect(new Date(claimDate).getTime()).to.be.within(Date.parse(NOW), Date.parse(NOW) + 60_000);
        expect(partialCodes(r)).to.deep.equal([[]]);
        expect(operationCodes(r)).to.deep.equal([]);

        // SearchCoupons: ClaimInfo only when asked for.
        const plain = await searchOne(w.user, code, false);
        expect(isAbsent(plain.ClaimInfo)).to.equal(true);
        expect(plain.IsRedeemed).to.equal(false);
        const withClaim = await searchOne(w.user, code, true);
        expect(withClaim.ClaimInfo).to.deep.equal({
          AccountId: Number(w.accountId),
          AccountNumber: w.accountNumber,
          ClaimDate: (withClaim.ClaimInfo as Rec).ClaimDate,
        });
        expect(iso((withClaim.ClaimInfo as Rec).ClaimDate)).to.equal(claimDate);
        expect(isAbsent(withClaim.RedemptionInfo)).to.equal(true);

        // GetCouponInfo: Status 6 (PendingRedemption), ClaimDate and FeatureId.
        const pending = await couponInfo(w, code);
        expect(pending.Status).to.equal(6);
        expect(iso(pending.ClaimDate)).to.equal(claimDate);
        expect(pending.FeatureId).to.equal(featureId);
        expect(pending.RedemptionDate).to.equal(null);
        expect(String(pending.AccountId)).to.equal(w.accountId);

        // Another account of the same customer is refused; the claiming account completes the claim.
        expectClientFault(await redeem(w.user, other.id, code), 4513);
        const redeemed = resultOf(await redeem(w.user, w.accountId, code));
        const active = await couponInfo(w, code);
        expect(active.Status).to.equal(1);
        expect(iso(active.RedemptionDate)).to.equal(iso(redeemed.RedemptionDate));
        expect(iso(active.ClaimDate)).to.equal(claimDate);
        const after = await searchOne(w.user, code, true);
        expect(after.IsRedeemed).to.equal(true);
        expect(String((after.RedemptionInfo as Rec).AccountId)).to.equal(w.accountId);
        expect(iso((after.ClaimInfo as Rec).ClaimDate)).to.equal(claimDate);
      });
    }

    it('the raw response has one ClaimedDateByAccountId entry per success and an empty list per successful index', async () => {
      const { w, codes } = await featureWorld(1);
      const inner =
        `<b:AccountCouponPairs><e:KeyValueEntityOflongstring><e:Key>${w.accountId}</e:Key>` +
        `<e:Value>${codes[0]!.toLowerCase()}</e:Value></e:KeyValueEntityOflongstring><e:KeyValueEntityOflongstring>` +
        `<e:Key>${w.accountId}</e:Key><e:Value>NOSUCHCODE</e:Value></e:KeyValueEntityOflongstring></b:AccountCouponPairs>`;
      const res = await postSoap(t.endpoint, soapRequest('ClaimFeatureAdoptionCoupons', inner, w.user));
      expect(res.status, res.body).to.equal(200);
      expect(res.body).to.match(
        /<ClaimedDateByAccountId><e:KeyValueEntityOflongdateTime><e:Key>\d+<\/e:Key><e:Value>2030-01-01T00:00:[\d.]+Z<\/e:Value><\/e:KeyValueEntityOflongdateTime><\/ClaimedDateByAccountId><OperationErrors><\/OperationErrors><PartialErrors><x:ArrayOfOperationError><\/x:ArrayOfOperationError><x:ArrayOfOperationError><x:OperationError><x:Code>4500<\/x:Code>/,
      );
    });

    it('on the wire, SearchCoupons writes ClaimInfo only with ReturnAdditionalFields=CouponClaimInfo', async () => {
      const { w, codes } = await featureWorld(2);
      resultOf(await claim(callZeep, w.user, [[w.accountId, codes[0]!]]));
      const search = async (extra: string): Promise<string> => {
        const predicates = `<b:Predicates>${customerIdPredicateXml(w.customerId)}</b:Predicates>`;
        const res = await postSoap(t.endpoint, soapRequest('SearchCoupons', predicates + extra, w.user));
        expect(res.status, res.body).to.equal(200);
        return res.body;
      };
      expect(await search('')).to.not.contain('ClaimInfo');
      expect(await search('<b:ReturnAdditionalFields>TaxCertificate</b:ReturnAdditionalFields>')).to.not.contain(
        'ClaimInfo',
      );
      const body = await search('<b:ReturnAdditionalFields>AccountMode CouponClaimInfo</b:ReturnAdditionalFields>');
      // Only the claimed coupon has one: an unclaimed coupon leaves it out (EmitDefaultValue=false), never nil.
      expect(body.match(/<e:ClaimInfo>/g)).to.have.length(1);
      expect(body).to.not.contain('ClaimInfo i:nil');
      expect(body).to.contain(
        `<e:RedemptionInfo i:nil="true"/><e:ClaimInfo><e:AccountId>${w.accountId}</e:AccountId><e:AccountNumber>${w.accountNumber}</e:AccountNumber><e:ClaimDate>2030-01-01T00:00:`,
      );
    });

    it('an account without a payment method completes its claim into NeedsPaymentMethod', async () => {
      const { w, codes } = await featureWorld(1);
      const bare = await makeAccount(t, w.customerId, { paymentMethod: false });
      expect(claimedDates(resultOf(await claim(callZeep, w.user, [[bare.id, codes[0]!]])))).to.have.length(1);
      resultOf(await redeem(w.user, bare.id, codes[0]!));
      expect((await couponInfo(w, codes[0]!)).Status).to.equal(4);
    });

    it('failing pairs get their own errors at their index, in RedeemCoupon order, and the other pairs are claimed', async () => {
      const { w, featureId, codes } = await featureWorld(4);
      const second = await makeAccount(t, w.customerId);
      const euro = await makeAccount(t, w.customerId, { currency: 'EUR' });
      const stranger = await makeWorld(t);
      await makeCouponClass(t, w.customerId, { name: 'NoFeature' });
      const [plain] = await mint(t, w.customerId, 'NoFeature', 1);
      await t.admin('/admin/coupons/revoke', { code: codes[3] });
      await makeCouponClass(t, w.customerId, { name: 'OtherFeature', featureId: featureId + 1000 });
      const [otherFeature] = await mint(t, w.customerId, 'OtherFeature', 1);

      const out = resultOf(
        await claim(callZeep, w.user, [
          [w.accountId, codes[0]!], // 0: claimed
          [second.id, 'NOSUCHCODE'], // 1: 4500
          [second.id, codes[0]!], // 2: claimed by index 0's account: 4513
          [w.accountId, codes[1]!], // 3: the account has this feature now: 4514
          [stranger.accountId, codes[1]!], // 4: not the user's account: 106
          ['987654321', codes[1]!], // 5: no such account: 2108
          [second.id, plain!], // 6: not a feature-adoption coupon: 4515
          [second.id, codes[3]!], // 7: revoked: 4512
          [euro.id, codes[1]!], // 8: currency: 4505
          [second.id, codes[1]!], // 9: claimed
          [second.id, ''], // 10: 4500
          [w.accountId, otherFeature!], // 11: another feature: claimed
        ]),
      );
      expect(partialCodes(out)).to.deep.equal([
        [],
        [4500],
        [4513],
        [4514],
        [106],
        [2108],
        [4515],
        [4512],
        [4505],
        [],
        [4500],
        [],
      ]);
      expect(claimedDates(out).map(([k]) => k)).to.deep.equal([w.accountId, second.id, w.accountId]);
      const rows = (await t.db.knex('coupons').whereIn('code', codes).orderBy('id').select('claimed_account_id')) as {
        claimed_account_id: string | null;
      }[];
      expect(rows.map((r) => r.claimed_account_id)).to.deep.equal([w.accountId, second.id, null, null]);
    });

    it('claiming the same coupon again for the same account returns the first ClaimDate and records nothing new', async () => {
      const { w, codes } = await featureWorld(1);
      const first = claimedDates(resultOf(await claim(callZeep, w.user, [[w.accountId, codes[0]!]])));
      await advanceClock(t, 'P1D');
      const again = claimedDates(resultOf(await claim(callZeep, w.user, [[w.accountId, codes[0]!]])));
      expect(again).to.deep.equal(first);
      expect(await claimEvents(codes[0]!)).to.equal(1);
    });

    it('a claim outside the redemption window or after expiry fails as RedeemCoupon would (4502, 4503, 4504)', async () => {
      const w = await makeWorld(t);
      const f = ++featureNo;
      const cases: [Record<string, unknown>, number][] = [
        [{ start: '2031-01-01T00:00:00Z', end: '2032-01-01T00:00:00Z', expires: '2033-01-01T00:00:00Z' }, 4502],
        [{ start: '2020-01-01T00:00:00Z', end: '2029-06-01T00:00:00Z', expires: '2033-01-01T00:00:00Z' }, 4503],
        [{ start: '2020-01-01T00:00:00Z', end: null, expires: '2029-12-31T00:00:00Z' }, 4504],
      ];
      const pairs: [string, string][] = [];
      for (const [i, [dates]] of cases.entries()) {
        await makeCouponClass(t, w.customerId, { name: `Window${i}`, featureId: f, ...dates });
        pairs.push([w.accountId, (await mint(t, w.customerId, `Window${i}`, 1))[0]!]);
      }
      const out = resultOf(await claim(callZeep, w.user, pairs));
      expect(partialCodes(out)).to.deep.equal(cases.map(([, code]) => [code]));
    });

    it('a claim expires with its coupon: GetCouponInfo shows Status 3 once the coupon ExpirationDate passes', async () => {
      const { w, codes } = await featureWorld(1, { expires: '2030-02-01T00:00:00Z' });
      resultOf(await claim(callZeep, w.user, [[w.accountId, codes[0]!]]));
      await setClock(t, '2030-03-01T00:00:00Z');
      expect((await couponInfo(w, codes[0]!)).Status).to.equal(3);
      expectClientFault(await redeem(w.user, w.accountId, codes[0]!), 4504);
    });

    it('a claim reserves the coupon: after its EndDate the claiming account still redeems it until ExpirationDate', async () => {
      const { w, codes } = await featureWorld(1, { end: '2030-01-15T00:00:00Z', expires: '2030-06-01T00:00:00Z' });
      resultOf(await claim(callZeep, w.user, [[w.accountId, codes[0]!]]));
      await setClock(t, '2030-02-01T00:00:00Z');

      const out = resultOf(await redeem(w.user, w.accountId, codes[0]!));

      expect(iso(out.RedemptionDate).slice(0, 10)).to.equal('2030-02-01');
      expect((await couponInfo(w, codes[0]!)).Status).to.equal(1);
    });

    it('an Acquisition coupon claimed by a new customer stays redeemable after the customer has spent', async () => {
      const { w, codes } = await featureWorld(1, { type: 'Acquisition' });
      resultOf(await claim(callZeep, w.user, [[w.accountId, codes[0]!]]));
      const other = await makeAccount(t, w.customerId);
      await t.admin('/admin/spend', { account: other.id, amount: '10' });

      resultOf(await redeem(w.user, w.accountId, codes[0]!));

      expect((await couponInfo(w, codes[0]!)).Status).to.equal(1);
    });

    it('an unclaimed coupon past its EndDate is still refused with 4503', async () => {
      const { w, codes } = await featureWorld(1, { end: '2030-01-15T00:00:00Z', expires: '2030-06-01T00:00:00Z' });
      await setClock(t, '2030-02-01T00:00:00Z');

      expectClientFault(await redeem(w.user, w.accountId, codes[0]!), 4503);
    });

    it('a claim that expired unredeemed ends: the offer reads Expired and the account may claim another coupon of the feature', async () => {
      const { w, featureId, codes } = await featureWorld(1, { expires: '2030-02-01T00:00:00Z' });
      await makeCouponClass(t, w.customerId, { name: `Later${featureId}`, featureId, expires: '2031-01-01T00:00:00Z' });
      const [later] = await mint(t, w.customerId, `Later${featureId}`, 1);
      resultOf(await claim(callZeep, w.user, [[w.accountId, codes[0]!]]));
      expect(partialCodes(resultOf(await claim(callZeep, w.user, [[w.accountId, later!]])))).to.deep.equal([[4514]]);
      await setClock(t, '2030-03-01T00:00:00Z');

      const offers = await t.admin<Rec[]>(`/admin/accounts/${w.accountId}/offers`, undefined, 'GET');
      const eligible = resultOf(
        await callZeep(t.endpoint, 'CheckFeatureAdoptionCouponEligibility', headersOf(w.user), {
          FeatureId: featureId,
          AccountIds: { long: [Number(w.accountId)] },
        }),
      );
      const again = resultOf(await claim(callZeep, w.user, [[w.accountId, later!]]));

      expect((await couponInfo(w, codes[0]!)).Status).to.equal(3);
      expect(offers.find((o) => o.couponCode === codes[0])).to.include({ status: 'Expired' });
      expect(list((eligible.EligibleAccountIds as Rec | null)?.long).map(String)).to.deep.equal([w.accountId]);
      expect(partialCodes(again)).to.deep.equal([[]]);
      expect((await couponInfo(w, later!)).Status).to.equal(6);
    });

    it('a claim is one account event, and replaying the account events gives the stored offers', async () => {
      const { w, codes } = await featureWorld(2);
      resultOf(await claim(callZeep, w.user, [[w.accountId, codes[0]!]]));
      resultOf(await redeem(w.user, w.accountId, codes[0]!));
      await t.admin('/admin/spend', { account: w.accountId, amount: '20' });
      const events = await loadEvents(t.db.knex, w.accountId);
      expect(events.map((e) => e.kind)).to.deep.equal(['paymentMethodAdded', 'claim', 'redeem', 'spend']);
      const stored = (await t.db.knex('account_states').where({ account_id: w.accountId }).first('state')) as {
        state: { offers: unknown[]; asOf: number };
      };
      const replayed = replay(emptyAccountState(false), events.map(toEngineEvent), stored.state.asOf);
      expect(replayed.state.offers).to.deep.equal(stored.state.offers);
      const ledger = (await t.db
        .knex('ledger_entries')
        .where({ account_id: w.accountId, kind: 'status' })
        .orderBy('id')
        .select('status_from', 'status_to')) as { status_from: string | null; status_to: string }[];
      expect(ledger.slice(0, 2).map((l) => [l.status_from, l.status_to])).to.deep.equal([
        [null, 'PendingRedemption'],
        ['PendingRedemption', 'Active'],
      ]);
    });

    it('request-level problems come back in OperationErrors: 3087 for no pairs, 3024 for more than 100', async () => {
      const { w, codes } = await featureWorld(1);
      const empty = resultOf(await callZeep(t.endpoint, 'ClaimFeatureAdoptionCoupons', headersOf(w.user), {}));
      expect(operationCodes(empty)).to.deep.equal([3087]);
      expect(partialCodes(empty)).to.deep.equal([]);
      expect(claimedDates(empty)).to.deep.equal([]);
      const many = Array.from({ length: 101 }, () => [w.accountId, codes[0]!] as const);
      const tooMany = resultOf(await claim(callNodeSoap, w.user, many));
      expect(operationCodes(tooMany)).to.deep.equal([3024]);
      expect(await claimEvents(codes[0]!)).to.equal(0);
    });

    for (const [client, call] of CLIENTS) {
      it(`${client}: a ViewOnly user gets an ApiFault 1001; a Standard user may claim`, async () => {
        const { w, codes } = await featureWorld(1);
        const viewer = await makeUser(t, w.customerId, { role: 'ViewOnly' });
        expectClientFault(await claim(call, viewer, [[w.accountId, codes[0]!]]), 1001);
        const standard = await makeUser(t, w.customerId, { role: 'Standard' });
        expect(claimedDates(resultOf(await claim(call, standard, [[w.accountId, codes[0]!]])))).to.have.length(1);
      });
    }
  });

  describe('CheckFeatureAdoptionCouponEligibility', () => {
    for (const [client, call] of CLIENTS) {
      it(`${client}: lists only the user's accounts that could claim a coupon of the feature now`, async () => {
        const { w, featureId, codes } = await featureWorld(2);
        const claimed = await makeAccount(t, w.customerId);
        const euro = await makeAccount(t, w.customerId, { currency: 'EUR' });
        const fresh = await makeAccount(t, w.customerId);
        const stranger = await makeWorld(t);
        resultOf(await claim(callZeep, w.user, [[claimed.id, codes[0]!]]));

        const ids = [fresh.id, claimed.id, euro.id, stranger.accountId, '987654321', w.accountId, fresh.id];
        const out = resultOf(
          await call(t.endpoint, 'CheckFeatureAdoptionCouponEligibility', headersOf(w.user), {
            FeatureId: featureId,
            AccountIds: { long: ids.map(Number) },
          }),
        );
        expect(list((out.EligibleAccountIds as Rec | null)?.long).map(String)).to.deep.equal([fresh.id, w.accountId]);

        // An eligible account can indeed claim; once the last coupon is claimed, nobody is eligible.
        resultOf(await claim(callZeep, w.user, [[fresh.id, codes[1]!]]));
        const none = resultOf(
          await call(t.endpoint, 'CheckFeatureAdoptionCouponEligibility', headersOf(w.user), {
            FeatureId: featureId,
            AccountIds: { long: [Number(w.accountId)] },
          }),
        );
        expect(list((none.EligibleAccountIds as Rec | null)?.long)).to.deep.equal([]);
      });
    }

    it('follows the claim rules: not before StartDate, and Acquisition coupons only for new customers', async () => {
      const { w, featureId } = await featureWorld(1, { start: '2031-01-01T00:00:00Z', end: '2032-01-01T00:00:00Z' });
      const eligible = async (user: World['user'], accountId: string): Promise<string[]> =>
        list(
          (
            resultOf(
              await callZeep(t.endpoint, 'CheckFeatureAdoptionCouponEligibility', headersOf(user), {
                FeatureId: featureId,
                AccountIds: { long: [Number(accountId)] },
              }),
            ).EligibleAccountIds as Rec | null
          )?.long,
        ).map(String);
      expect(await eligible(w.user, w.accountId)).to.deep.equal([]);
      await setClock(t, '2031-06-01T00:00:00Z');
      expect(await eligible(w.user, w.accountId)).to.deep.equal([w.accountId]);

      const acquisition = await featureWorld(1, { type: 'Acquisition' });
      const check = async (): Promise<string[]> =>
        list(
          (
            resultOf(
              await callZeep(t.endpoint, 'CheckFeatureAdoptionCouponEligibility', headersOf(acquisition.w.user), {
                FeatureId: acquisition.featureId,
                AccountIds: { long: [Number(acquisition.w.accountId)] },
              }),
            ).EligibleAccountIds as Rec | null
          )?.long,
        ).map(String);
      expect(await check()).to.deep.equal([acquisition.w.accountId]);
      await t.admin('/admin/spend', { account: acquisition.w.accountId, amount: '1' });
      expect(await check()).to.deep.equal([]);
      expect(
        partialCodes(
          resultOf(await claim(callZeep, acquisition.w.user, [[acquisition.w.accountId, acquisition.codes[0]!]])),
        ),
      ).to.deep.equal([[4506]]);
    });

    const faults: readonly [string, (w: World) => Rec, number][] = [
      ['an empty AccountIds', () => ({ FeatureId: 1, AccountIds: { long: [] } }), 3087],
      ['no AccountIds', () => ({ FeatureId: 1 }), 3087],
      ['101 AccountIds', (w) => ({ FeatureId: 1, AccountIds: { long: Array(101).fill(Number(w.accountId)) } }), 3024],
      ['no FeatureId', (w) => ({ AccountIds: { long: [Number(w.accountId)] } }), 201],
    ];
    for (const [what, body, code] of faults) {
      it(`${what} is an ApiFault ${code} (the response has no OperationErrors)`, async () => {
        const w = await makeWorld(t);
        expectClientFault(
          await callZeep(t.endpoint, 'CheckFeatureAdoptionCouponEligibility', headersOf(w.user), body(w)),
          code,
        );
      });
    }
  });

  describe('DistributeCoupons', () => {
    const distribute = (call: Caller, user: World['user'], body: Rec): Promise<ClientOutcome> =>
      call(t.endpoint, 'DistributeCoupons', headersOf(user), body);
    async function claimedBy(codes: readonly string[]): Promise<(string | null)[]> {
      const rows = (await t.db.knex('coupons').whereIn('code', codes).orderBy('id').select('claimed_account_id')) as {
        claimed_account_id: string | null;
      }[];
      return rows.map((r) => r.claimed_account_id);
    }

    for (const [client, call] of CLIENTS) {
      it(`${client}: each listed account gets one coupon of the class as a claim; 4508 once the coupons run out`, async () => {
        const { w, className, codes } = await featureWorld(2);
        const a2 = await makeAccount(t, w.customerId);
        const a3 = await makeAccount(t, w.customerId);
        const out = resultOf(
          await distribute(call, w.user, {
            AccountIds: { int: [Number(w.accountId), 987654, Number(a2.id), Number(a3.id)] },
            ClassName: className,
            SendNotification: false,
          }),
        );
        expect(partialCodes(out)).to.deep.equal([[], [2108], [], [4508]]);
        expect(operationCodes(out)).to.deep.equal([]);
        expect(await claimedBy(codes)).to.deep.equal([w.accountId, a2.id]);
        // Distributed coupons are ordinary claims: PendingRedemption, redeemable by their account only.
        expect((await couponInfo(w, codes[1]!)).Status).to.equal(6);
        expectClientFault(await redeem(w.user, a3.id, codes[1]!), 4513);
        resultOf(await redeem(w.user, a2.id, codes[1]!));
      });

      it(`${client}: a Standard user gets an ApiFault 1001`, async () => {
        const { w, className, codes } = await featureWorld(1);
        const standard = await makeUser(t, w.customerId, { role: 'Standard' });
        const out = await distribute(call, standard, {
          AccountIds: { int: [Number(w.accountId)] },
          ClassName: className,
          SendNotification: false,
        });
        expectClientFault(out, 1001);
        expect(await claimedBy(codes)).to.deep.equal([null]);
      });
    }

    it('with SendNotification, one email per claimed account goes to the outbox (accounts without an email get none)', async () => {
      const { w, className, codes } = await featureWorld(3);
      const mailed = await makeAccount(t, w.customerId, { email: 'ads@contoso.example' });
      const silent = await makeAccount(t, w.customerId);
      const out = resultOf(
        await distribute(callZeep, w.user, {
          AccountIds: { int: [Number(mailed.id), Number(silent.id), Number(mailed.id)] },
          ClassName: className,
          SendNotification: true,
        }),
      );
      // The class has a FeatureId: the account listed twice already has the feature at its second index.
      expect(partialCodes(out)).to.deep.equal([[], [], [4514]]);
      const queued = (await t.db
        .knex('outbox as o')
        .join('coupons as c', 'c.id', 'o.coupon_id')
        .whereIn('c.code', codes)
        .select('o.kind', 'o.to_email', 'c.code', 'o.subject', 'o.text', 'o.html')) as Rec[];
      expect(queued.map((q) => [q.kind, q.to_email, q.code])).to.deep.equal([
        ['claim_notification', 'ads@contoso.example', codes[0]],
      ]);
      expect(queued[0]!.subject).to.contain(codes[0]).and.contain(mailed.number);
      expect(queued[0]!.text).to.contain(`reserved for your account ${mailed.number}`);
      expect(queued[0]!.html).to.contain(`reserved for your account ${mailed.number}`);

      const quiet = await featureWorld(1);
      const q = await makeAccount(t, quiet.w.customerId, { email: 'quiet@contoso.example' });
      resultOf(
        await distribute(callZeep, quiet.w.user, {
          AccountIds: { int: [Number(q.id)] },
          ClassName: quiet.className,
          SendNotification: false,
        }),
      );
      expect(await t.db.knex('outbox').where({ to_email: 'quiet@contoso.example' }).first()).to.equal(undefined);
    });

    it('by FeatureId, each account gets a coupon of a class of that feature in its currency, or 4515', async () => {
      const { w, featureId, codes } = await featureWorld(1);
      await makeCouponClass(t, w.customerId, { name: `Euro${featureId}`, featureId, currency: 'EUR' });
      const [euroCode] = await mint(t, w.customerId, `Euro${featureId}`, 1);
      const euro = await makeAccount(t, w.customerId, { currency: 'EUR' });
      const pound = await makeAccount(t, w.customerId, { currency: 'GBP' });
      const another = await makeAccount(t, w.customerId);
      const out = resultOf(
        await distribute(callNodeSoap, w.user, {
          AccountIds: { int: [Number(pound.id), Number(euro.id), Number(w.accountId), Number(another.id)] },
          FeatureId: featureId,
          SendNotification: false,
        }),
      );
      expect(partialCodes(out)).to.deep.equal([[4515], [], [], [4515]]);
      expect(await claimedBy([codes[0]!, euroCode!])).to.deep.equal([w.accountId, euro.id]);
    });

    it("another customer's account is refused at its index with 106", async () => {
      const { w, className } = await featureWorld(2);
      const stranger = await makeWorld(t);
      const out = resultOf(
        await distribute(callZeep, w.user, {
          AccountIds: { int: [Number(stranger.accountId), Number(w.accountId)] },
          ClassName: className,
          SendNotification: false,
        }),
      );
      expect(partialCodes(out)).to.deep.equal([[106], []]);
    });

    const requestLevel: readonly [string, (name: string, w: World) => Rec, number[]][] = [
      [
        'an unknown ClassName',
        (_n, w) => ({ AccountIds: { int: [Number(w.accountId)] }, ClassName: 'NoSuchClass' }),
        [4507],
      ],
      ['neither ClassName nor FeatureId', (_n, w) => ({ AccountIds: { int: [Number(w.accountId)] } }), [4507]],
      ['an empty AccountIds', (n) => ({ AccountIds: { int: [] }, ClassName: n }), [3087]],
      ['no AccountIds and no class', () => ({ ClassName: 'NoSuchClass' }), [3087, 4507]],
      [
        '101 AccountIds',
        (n, w) => ({ AccountIds: { int: Array(101).fill(Number(w.accountId)) }, ClassName: n }),
        [3024],
      ],
    ];
    for (const [what, body, expected] of requestLevel) {
      it(`${what} comes back in OperationErrors (${expected.join(', ')}) and nothing is distributed`, async () => {
        const { w, className, codes } = await featureWorld(1);
        const out = resultOf(await distribute(callZeep, w.user, { SendNotification: false, ...body(className, w) }));
        expect(operationCodes(out)).to.deep.equal(expected);
        expect(partialCodes(out)).to.deep.equal([]);
        expect(await claimedBy(codes)).to.deep.equal([null]);
      });
    }
  });

  describe('billing account create --email', () => {
    it('stores the notification address of the account, and refuses an invalid one', async () => {
      const customer = await makeCustomer(t);
      const ok = await runBilling(t, argv`account create --customer ${customer} --currency USD --email a@b.example`);
      expect(ok.status, ok.stderr).to.equal(0);
      const { id } = JSON.parse(ok.stdout) as { id: string };
      expect(await t.db.knex('accounts').where({ id }).first('email')).to.deep.equal({ email: 'a@b.example' });
      const bad = await runBilling(t, argv`account create --customer ${customer} --currency USD --email ${'a@b, c@d'}`);
      expect(bad.status).to.not.equal(0);
      expect(bad.stderr).to.contain('email');
    });
  });
});
