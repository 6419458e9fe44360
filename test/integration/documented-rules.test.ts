// Rules the official reference pages state for RedeemCoupon, GetCouponInfo, GetAccountMonthlySpend and
// DispatchCoupons that no other suite covered (docs/documented-rules.md lists every rule and its test): the month
// handling of GetAccountMonthlySpend, the fields of CouponInfoData, and requests without a required element.
import { expect } from 'chai';
import { callNodeSoap, callZeep, type ClientOutcome } from '../support/clients.ts';
import { postSoap, soapRequest, useTestApp } from '../support/app.ts';
import { resetClock, setClock } from '../support/clock.ts';
import { makeCouponClass, makeWorld, makeWorldWithCoupons, mint, type World } from '../support/factories.ts';
import { expectClientFault, headersOf, resultOf, type Rec, expectFault as expectRawFault } from '../support/soap.ts';

const NOW = '2030-01-20T12:00:00.000Z';

const iso = (v: unknown): string | null => (v === null || v === undefined ? null : new Date(v as string).toISOString());

describe('documented rules of the operations, as a client sees them', function () {
  this.timeout(120000);
  // Each test starts on a new test clock at NOW (the clock only moves forward).
  const t = useTestApp({ testClock: true }, { eachTestAt: NOW });

  const spend = (account: string, amount: string, at: string): Promise<unknown> =>
    t.admin('/admin/spend', { account, amount, at });

  /** A raw request (for elements a typed client always sends) by the world's user. */
  const raw = (w: World, operation: string, inner: string): ReturnType<typeof postSoap> =>
    postSoap(t.endpoint, soapRequest(operation, inner, w.user));

  describe('GetAccountMonthlySpend: the month and year of MonthYear, never a future month', () => {
    const monthly = (w: World, monthYear: string, client: 'zeep' | 'node-soap' = 'zeep'): Promise<ClientOutcome> =>
      client === 'zeep'
        ? callZeep(t.endpoint, 'GetAccountMonthlySpend', headersOf(w.user), {
            AccountId: Number(w.accountId),
            MonthYear: monthYear,
          })
        : callNodeSoap(t.endpoint, 'GetAccountMonthlySpend', headersOf(w.user), {
            AccountId: w.accountId,
            MonthYear: monthYear, // node-soap writes a JS Date as an empty element: pass ISO text
          });
    const amount = async (w: World, monthYear: string, client?: 'zeep' | 'node-soap'): Promise<number> =>
      Number(resultOf(await monthly(w, monthYear, client)).Amount);

    /** A world with spend in December 2029 (5.00) and in January 2030 up to now (2.50 + 1.25). */
    async function worldWithSpend(): Promise<World> {
      const w = await makeWorld(t);
      await spend(w.accountId, '5.00', '2029-12-31T23:59:59Z');
      await spend(w.accountId, '2.50', '2030-01-05T08:00:00Z');
      await spend(w.accountId, '1.25', NOW);
      return w;
    }

    it('the current month answers the spend so far, whatever day and time MonthYear names', async () => {
      const w = await worldWithSpend();

      expect(await amount(w, '2030-01-01T00:00:00Z')).to.equal(3.75);
      expect(await amount(w, '2030-01-31T23:59:59Z', 'node-soap')).to.equal(3.75);
    });

    it('a past month answers its whole total, and a past month without spend answers 0', async () => {
      const w = await worldWithSpend();

      expect(await amount(w, '2029-12-15T00:00:00Z')).to.equal(5);
      expect(await amount(w, '2029-06-01T00:00:00Z', 'node-soap')).to.equal(0);
    });

    it('the next month is refused with an ApiFault 201 naming MonthYear, and so is a month of a later year', async () => {
      const w = await worldWithSpend();

      for (const monthYear of ['2030-02-01T00:00:00Z', '2031-01-01T00:00:00Z']) {
        expectClientFault(await monthly(w, monthYear), 201);
        expectClientFault(await monthly(w, monthYear, 'node-soap'), 201);
      }
      const res = await raw(
        w,
        'GetAccountMonthlySpend',
        `<b:AccountId>${w.accountId}</b:AccountId><b:MonthYear>2030-02-01T00:00:00Z</b:MonthYear>`,
      );
      const fault = expectRawFault(res, { faultcode: 'Client', detail: 'ApiFault', codes: [201] });
      expect(fault.details[0]).to.include('MonthYear').and.include('2030-02').and.include('2030-01');
    });

    it('months compare in UTC: a later local date that is still this month in UTC is allowed, and the reverse refused', async () => {
      const w = await worldWithSpend();

      // 00:30 on 1 February at UTC+01:00 is 23:30 on 31 January in UTC: the current month.
      expect(await amount(w, '2030-02-01T00:30:00+01:00')).to.equal(3.75);
      // 23:30 on 31 January at UTC-01:00 is 00:30 on 1 February in UTC: a future month.
      expectClientFault(await monthly(w, '2030-01-31T23:30:00-01:00'), 201);
    });

    it('the current month counts spend up to now only, even spend recorded for a later moment', async () => {
      const w = await worldWithSpend();
      await setClock(t, '2030-01-25T00:00:00Z');
      await spend(w.accountId, '10.00', '2030-01-25T00:00:00Z');
      // Another instance's clock, or a test clock started again, may be behind the spend already recorded.
      await resetClock(t, NOW);

      expect(await amount(w, '2030-01-01T00:00:00Z')).to.equal(3.75);
      await setClock(t, '2030-01-25T00:00:00Z');
      expect(await amount(w, '2030-01-01T00:00:00Z')).to.equal(13.75);
    });

    it('a future month is refused before the account is looked up: an unknown account is 201 then, 2108 for this month', async () => {
      const w = await makeWorld(t);

      expectClientFault(await monthly({ ...w, accountId: '999999999' }, '2030-03-01T00:00:00Z'), 201);
      expectClientFault(await monthly({ ...w, accountId: '999999999' }, '2030-01-01T00:00:00Z'), 2108);
    });

    it('a year and month alone ("2030-01", as the page allows) answers what a full date of that month does', async () => {
      const w = await worldWithSpend();
      const ask = (monthYear: string): ReturnType<typeof postSoap> =>
        raw(
          w,
          'GetAccountMonthlySpend',
          `<b:AccountId>${w.accountId}</b:AccountId><b:MonthYear>${monthYear}</b:MonthYear>`,
        );
      const amountIn = (body: string): string | undefined => /<Amount>([^<]*)<\/Amount>/.exec(body)?.[1];

      const current = await ask('2030-01');
      const past = await ask('2029-12');
      expect([current.status, past.status]).to.deep.equal([200, 200]);
      expect([amountIn(current.body), amountIn(past.body)]).to.deep.equal(['3.75', '5']);
      expectRawFault(await ask('2030-02'), { faultcode: 'Client', detail: 'ApiFault', codes: [201] });
      expectRawFault(await ask('2030-13'), { faultcode: 'Client', detail: 'ApiFault', codes: [201] });
    });
  });

  describe('GetCouponInfo: one CouponInfoData per coupon redeemed or claimed by an account of the customer', () => {
    it('an Acquisition coupon is CouponType 1 and a Retention one 2, each with its account, currency, dates and duration', async () => {
      const w = await makeWorld(t);
      await makeCouponClass(t, w.customerId, {
        name: 'Welcome',
        type: 'Acquisition',
        activeDays: 45,
        start: '2029-01-01T00:00:00Z',
        end: '2031-01-01T00:00:00Z',
        expires: '2031-06-01T00:00:00Z',
      });
      await makeCouponClass(t, w.customerId, { name: 'Loyal', type: 'Retention', activeDays: 30 });
      const [welcome] = await mint(t, w.customerId, 'Welcome', 1);
      const [loyal] = await mint(t, w.customerId, 'Loyal', 1);
      const redeemedAt: (string | null)[] = [];
      for (const code of [welcome!, loyal!])
        redeemedAt.push(
          iso(
            resultOf(
              await callZeep(t.endpoint, 'RedeemCoupon', headersOf(w.user), {
                AccountId: Number(w.accountId),
                CouponCode: code,
              }),
            ).RedemptionDate,
          ),
        );

      const out = resultOf(
        await callZeep(t.endpoint, 'GetCouponInfo', headersOf(w.user), { CustomerId: Number(w.customerId) }),
      );
      const infos = ((out.CouponInfoData as Rec).CouponInfoData as Rec[]).map((i) => ({
        accountId: String(i.AccountId),
        couponType: Number(i.CouponType),
        currencyCode: i.CurrencyCode,
        activeDuration: Number(i.ActiveDuration),
        startDate: iso(i.StartDate),
        endDate: iso(i.EndDate),
        redemptionDate: iso(i.RedemptionDate),
      }));

      expect(infos).to.deep.equal([
        {
          accountId: w.accountId,
          couponType: 1,
          currencyCode: 'USD',
          activeDuration: 45,
          startDate: '2029-01-01T00:00:00.000Z',
          endDate: '2031-01-01T00:00:00.000Z',
          redemptionDate: redeemedAt[0],
        },
        {
          accountId: w.accountId,
          couponType: 2,
          currencyCode: 'USD',
          activeDuration: 30,
          startDate: '2020-01-01T00:00:00.000Z',
          endDate: '2099-01-01T00:00:00.000Z',
          redemptionDate: redeemedAt[1],
        },
      ]);
    });

    it('coupons the customer owns that no account redeemed or claimed (minted or dispatched) are not listed', async () => {
      const {
        w,
        codes: [redeemed],
      } = await makeWorldWithCoupons(t, 3);
      resultOf(
        await callZeep(t.endpoint, 'RedeemCoupon', headersOf(w.user), {
          AccountId: Number(w.accountId),
          CouponCode: redeemed!,
        }),
      );
      resultOf(
        await callZeep(t.endpoint, 'DispatchCoupons', headersOf(w.user), {
          SendToEmails: { string: ['someone@example.com'] },
          CustomerId: Number(w.customerId),
          CouponClassName: 'Spring',
        }),
      );

      const out = resultOf(
        await callNodeSoap(t.endpoint, 'GetCouponInfo', headersOf(w.user), { CustomerId: w.customerId }),
      );
      const list = (out.CouponInfoData as Rec).CouponInfoData;
      const infos = (Array.isArray(list) ? list : [list]) as Rec[];
      const [row] = (await t.db.knex('coupons').where({ code: redeemed }).select('id')) as { id: string }[];

      expect(infos.map((i) => String(i.CouponId))).to.deep.equal([String(row!.id)]);
    });
  });

  describe('request limits of the service operations page: one CouponCode, one AccountId, one CouponClassName', () => {
    it('a repeated CouponCode, AccountId or CouponClassName is an ApiFault 201 saying so, and nothing is redeemed or dispatched', async () => {
      const {
        w,
        codes: [first, second],
      } = await makeWorldWithCoupons(t, 2);
      const emails =
        '<b:SendToEmails xmlns:a="http://schemas.microsoft.com/2003/10/Serialization/Arrays">' +
        '<a:string>someone@example.com</a:string></b:SendToEmails>';
      const requests: readonly [string, string, string][] = [
        [
          'RedeemCoupon',
          `<b:AccountId>${w.accountId}</b:AccountId><b:CouponCode>${first}</b:CouponCode><b:CouponCode>${second}</b:CouponCode>`,
          'CouponCode',
        ],
        [
          'GetAccountMonthlySpend',
          `<b:AccountId>${w.accountId}</b:AccountId><b:AccountId>${w.accountId}</b:AccountId>` +
            '<b:MonthYear>2030-01-01T00:00:00Z</b:MonthYear>',
          'AccountId',
        ],
        [
          'DispatchCoupons',
          `${emails}<b:CustomerId>${w.customerId}</b:CustomerId>` +
            '<b:CouponClassName>Spring</b:CouponClassName><b:CouponClassName>Spring</b:CouponClassName>',
          'CouponClassName',
        ],
      ];

      for (const [operation, inner, element] of requests) {
        const fault = expectRawFault(await raw(w, operation, inner), {
          faultcode: 'Client',
          detail: 'ApiFault',
          codes: [201],
        });
        expect(fault.details[0]).to.include(element).and.include('more than once');
      }
      const touched = (await t.db
        .knex('coupons')
        .whereIn('code', [first!, second!])
        .where((q) => q.whereNotNull('redeemed_account_id').orWhereNotNull('send_to_email'))
        .count({ n: '*' })) as { n: string }[];
      expect(Number(touched[0]!.n)).to.equal(0);
    });
  });

  describe('a request without an element the page marks required is a fault and changes nothing', () => {
    it('RedeemCoupon without AccountId is an ApiFault 201 naming AccountId, and the coupon stays unredeemed', async () => {
      const {
        w,
        codes: [code],
      } = await makeWorldWithCoupons(t, 1);

      const res = await raw(w, 'RedeemCoupon', `<b:CouponCode>${code}</b:CouponCode>`);

      const fault = expectRawFault(res, { faultcode: 'Client', detail: 'ApiFault', codes: [201] });
      expect(fault.details[0]).to.include('AccountId');
      const [coupon] = (await t.db.knex('coupons').where({ code }).select('redeemed_account_id')) as Rec[];
      expect(coupon!.redeemed_account_id).to.equal(null);
    });

    it('GetCouponInfo without CustomerId is an ApiFault 201 naming CustomerId', async () => {
      const w = await makeWorld(t);

      const fault = expectRawFault(await raw(w, 'GetCouponInfo', ''), {
        faultcode: 'Client',
        detail: 'ApiFault',
        codes: [201],
      });
      expect(fault.details[0]).to.include('CustomerId');
    });

    it('GetAccountMonthlySpend without AccountId or without MonthYear is an ApiFault 201 naming it', async () => {
      const w = await makeWorld(t);

      const noAccount = await raw(w, 'GetAccountMonthlySpend', '<b:MonthYear>2030-01-01T00:00:00Z</b:MonthYear>');
      expect(
        expectRawFault(noAccount, { faultcode: 'Client', detail: 'ApiFault', codes: [201] }).details[0],
      ).to.include('AccountId');
      const noMonth = await raw(w, 'GetAccountMonthlySpend', `<b:AccountId>${w.accountId}</b:AccountId>`);
      expect(expectRawFault(noMonth, { faultcode: 'Client', detail: 'ApiFault', codes: [201] }).details[0]).to.include(
        'MonthYear',
      );
    });

    it('DispatchCoupons without CustomerId is 106 and without CouponClassName 4507; no coupon is handed out', async () => {
      const { w } = await makeWorldWithCoupons(t, 2);
      const emails =
        '<b:SendToEmails xmlns:a="http://schemas.microsoft.com/2003/10/Serialization/Arrays">' +
        '<a:string>someone@example.com</a:string></b:SendToEmails>';

      const noCustomer = await raw(w, 'DispatchCoupons', `${emails}<b:CouponClassName>Spring</b:CouponClassName>`);
      expectRawFault(noCustomer, { faultcode: 'Server', detail: 'AdApiFaultDetail', codes: [106] });
      const noClass = await raw(w, 'DispatchCoupons', `${emails}<b:CustomerId>${w.customerId}</b:CustomerId>`);
      expectRawFault(noClass, { faultcode: 'Server', detail: 'ApiFault', codes: [4507] });
      const sent = (await t.db
        .knex('coupons')
        .where({ owner_customer_id: w.customerId })
        .whereNotNull('send_to_email')
        .count({ n: '*' })) as { n: string }[];
      expect(Number(sent[0]!.n)).to.equal(0);
    });
  });
});
