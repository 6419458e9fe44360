// A customer never learns anything about another customer's accounts (SPEC §4, §8). Customer A has accounts with
// redemptions, claims, a dispatched coupon and spend; A's coupons are also redeemed and claimed by B's account, and
// B's coupons by A's accounts. B's user then calls every operation of the service with A's ids, codes, class names
// and dates in every field, and each answer carries the expected code and nothing of A's accounts: no account id, no
// account number, no redemption or claim date, no spend, no email.
import { expect } from 'chai';
import { postSoap, soapRequest, useTestApp } from '../support/app.ts';
import { makeAccount, makeCouponClass, makeCustomer, makeUser, mint } from '../support/factories.ts';

type User = { id: string; authenticationToken: string; developerToken: string };
type Answer = { status: number; body: string };
const ARRAYS = 'http://schemas.microsoft.com/2003/10/Serialization/Arrays';
const SPEND = '4321.87';
const A_EMAIL = 'only-a-knows@contoso.example';

const codesOf = (body: string): number[] => [...body.matchAll(/<(?:\w+:)?Code>(\d+)</g)].map((m) => Number(m[1]));
const couponCodes = (body: string): string[] => [...body.matchAll(/<(?:\w+:)?CouponCode>([^<]*)</g)].map((m) => m[1]!);
const pred = (field: string, op: string, value: string): string =>
  `<e:Predicate><e:Field>${field}</e:Field><e:Operator>${op}</e:Operator><e:Value>${value}</e:Value></e:Predicate>`;

describe('tenant isolation: another customer’s user learns nothing about a customer’s accounts', function () {
  this.timeout(180000);
  const t = useTestApp();
  const a = {
    id: '',
    user: {} as User,
    accounts: [] as { id: string; number: string }[],
    codes: {} as Record<string, string>,
  };
  const b = { id: '', user: {} as User, account: { id: '', number: '' }, codes: {} as Record<string, string> };
  /** Everything about A's accounts that must never reach B. */
  const secrets: string[] = [];

  const call = (op: string, inner: string, u: User = b.user): Promise<Answer> =>
    postSoap(t.endpoint, soapRequest(op, inner, u));
  const ok = async (op: string, inner: string, u: User = a.user): Promise<string> => {
    const res = await call(op, inner, u);
    expect(res.status, `${op}: ${res.body}`).to.equal(200);
    return res.body;
  };
  function expectNothingOfA(res: Answer): void {
    for (const s of secrets) expect(res.body, `leaks ${s}`).to.not.include(s);
    for (const acc of a.accounts)
      expect(res.body, `leaks account id ${acc.id}`).to.not.match(new RegExp(`>${acc.id}<`));
  }
  function expectAdApiFault(res: Answer, code: number): void {
    expect(res.status).to.equal(500);
    expect(res.body).to.match(/AdApiFaultDetail/);
    expect(codesOf(res.body)).to.deep.equal([code]);
  }
  function expectApiFault(res: Answer, code: number): void {
    expect(res.status).to.equal(500);
    expect(res.body).to.match(/<(\w+:)?ApiFault\b/);
    expect(codesOf(res.body)).to.deep.equal([code]);
  }
  const search = (...predicates: string[]): Promise<Answer> =>
    call(
      'SearchCoupons',
      `<b:Predicates>${pred('CustomerId', 'Equals', b.id)}${predicates.join('')}</b:Predicates>` +
        '<b:ReturnAdditionalFields>CouponClaimInfo</b:ReturnAdditionalFields>',
    );

  before(async () => {
    // Arrange only: account ids that cannot be mistaken for any other number in an answer.
    await t.db.knex.raw(`SELECT setval(pg_get_serial_sequence('accounts', 'id'), 7700000)`);
    a.id = await makeCustomer(t, 'Alpha Corp');
    a.user = await makeUser(t, a.id);
    a.accounts = [await makeAccount(t, a.id), await makeAccount(t, a.id), await makeAccount(t, a.id)];
    b.id = await makeCustomer(t, 'Beta Corp');
    b.user = await makeUser(t, b.id);
    b.account = await makeAccount(t, b.id);

    await makeCouponClass(t, a.id, { name: 'AlphaOnly' });
    await makeCouponClass(t, a.id, { name: 'AlphaFeature', featureId: 9100 });
    await makeCouponClass(t, b.id, { name: 'BetaOnly' });
    await makeCouponClass(t, b.id, { name: 'BetaFeature', featureId: 9200 });
    const [aRedeemed, aDispatched, aByB, aFree] = await mint(t, a.id, 'AlphaOnly', 4);
    const [aClaimed, aClaimedByB] = await mint(t, a.id, 'AlphaFeature', 2);
    const [bByA, bOwn] = await mint(t, b.id, 'BetaOnly', 2);
    const [bClaimedByA, bFeatureFree] = await mint(t, b.id, 'BetaFeature', 2);
    Object.assign(a.codes, { aRedeemed, aDispatched, aByB, aFree, aClaimed, aClaimedByB });
    Object.assign(b.codes, { bByA, bOwn, bClaimedByA, bFeatureFree });
    const [a0, a1, a2] = [a.accounts[0]!, a.accounts[1]!, a.accounts[2]!];

    // A's accounts redeem and claim A's coupons and B's; B's account redeems and claims A's.
    const redeem = (acc: string, code: string, u: User): Promise<string> =>
      ok('RedeemCoupon', `<b:AccountId>${acc}</b:AccountId><b:CouponCode>${code}</b:CouponCode>`, u);
    const claim = (acc: string, code: string, u: User): Promise<string> =>
      ok(
        'ClaimFeatureAdoptionCoupons',
        `<b:AccountCouponPairs><e:KeyValueEntityOflongstring><e:Key>${acc}</e:Key><e:Value>${code}</e:Value>` +
          '</e:KeyValueEntityOflongstring></b:AccountCouponPairs>',
        u,
      );
    await redeem(a0.id, aRedeemed!, a.user);
    await redeem(a1.id, bByA!, a.user);
    await claim(a1.id, aClaimed!, a.user);
    await claim(a2.id, bClaimedByA!, a.user);
    await redeem(b.account.id, aByB!, b.user);
    await claim(b.account.id, aClaimedByB!, b.user);
    await t.db
      .knex('coupons')
      .where({ code: aDispatched })
      .update({ send_to_email: A_EMAIL, send_to_date: new Date() });
    await t.admin('/admin/spend', { account: a0.id, amount: SPEND });

    for (const acc of a.accounts) secrets.push(acc.number);
    secrets.push(A_EMAIL, SPEND);
    const rows = (await t.db
      .knex('coupons')
      .whereIn(
        'redeemed_account_id',
        a.accounts.map((x) => x.id),
      )
      .orWhereIn(
        'claimed_account_id',
        a.accounts.map((x) => x.id),
      )
      .select('redemption_date', 'claim_date')) as { redemption_date: Date | null; claim_date: Date | null }[];
    for (const r of rows)
      for (const d of [r.redemption_date, r.claim_date])
        if (d)
          secrets.push(
            d
              .toISOString()
              .replace('.000Z', 'Z')
              .replace(/\.(\d*?)0*Z$/, '.$1Z'),
          );
  });

  describe('SearchCoupons', () => {
    it('B sees its own coupons and A’s coupons its account redeemed or claimed, with no RedemptionInfo or ClaimInfo of A’s accounts', async () => {
      const res = await search();

      expect(res.status, res.body).to.equal(200);
      expect(couponCodes(res.body)).to.have.members([
        b.codes.bByA,
        b.codes.bOwn,
        b.codes.bClaimedByA,
        b.codes.bFeatureFree,
        a.codes.aByB,
        a.codes.aClaimedByB,
      ]);
      expectNothingOfA(res);
      // B's own account's redemption and claim are shown.
      expect(res.body).to.include(b.account.number);
    });

    it('CustomerId Equals A → 106', async () => {
      const res = await call('SearchCoupons', `<b:Predicates>${pred('CustomerId', 'Equals', a.id)}</b:Predicates>`);

      expectAdApiFault(res, 106);
      expectNothingOfA(res);
    });

    for (const [what, op, value] of [
      ['AccountId Equals each of A’s accounts', 'Equals', (i: number) => a.accounts[i]!.id],
      ['AccountId In A’s accounts', 'In', () => a.accounts.map((x) => x.id).join(',')],
      ['AccountId In B’s account and one of A’s', 'In', (i: number) => `${b.account.id},${a.accounts[i]!.id}`],
    ] as const)
      it(`${what} → 106`, async () => {
        for (let i = 0; i < a.accounts.length; i++) {
          const res = await search(pred('AccountId', op, value(i)));

          expectAdApiFault(res, 106);
          expectNothingOfA(res);
        }
      });

    it('CouponCode Equals / In / StartsWith A’s codes finds only the coupons B may see', async () => {
      const all = Object.values(a.codes);
      for (const c of all) {
        const res = await search(pred('CouponCode', 'Equals', c));
        expect(res.status).to.equal(200);
        expect(couponCodes(res.body)).to.deep.equal(c === a.codes.aByB || c === a.codes.aClaimedByB ? [c] : []);
        expectNothingOfA(res);
        const starts = await search(pred('CouponCode', 'StartsWith', c.slice(0, 6)));
        expectNothingOfA(starts);
      }
      const res = await search(pred('CouponCode', 'In', all.join(',')));
      expect(couponCodes(res.body)).to.have.members([a.codes.aByB, a.codes.aClaimedByB]);
      expectNothingOfA(res);
    });

    it('RedemptionDate around the moment A’s account redeemed B’s coupon does not match it (its date is hidden)', async () => {
      const day = (d: Date): string => d.toISOString();
      const when = new Date();
      const res = await search(
        pred('RedemptionDate', 'GreaterThanEquals', day(new Date(when.getTime() - 86_400_000))),
        pred('RedemptionDate', 'LessThanEquals', day(new Date(when.getTime() + 86_400_000))),
      );

      expect(res.status).to.equal(200);
      expect(couponCodes(res.body)).to.deep.equal([a.codes.aByB]);
      expectNothingOfA(res);
    });

    it('IsRedeemed true shows that B’s coupon is redeemed, but not by whom or when', async () => {
      const res = await search(pred('IsRedeemed', 'Equals', 'true'));

      expect(couponCodes(res.body)).to.have.members([b.codes.bByA, a.codes.aByB]);
      expectNothingOfA(res);
    });

    for (const [what, p] of [
      ['ClassName Equals A’s class', () => pred('ClassName', 'Equals', 'AlphaOnly')],
      ['CouponClassName Contains A’s class name', () => pred('CouponClassName', 'Contains', 'Alpha')],
      ['SendToEmail Equals the address A dispatched to', () => pred('SendToEmail', 'Equals', A_EMAIL)],
      ['SendToEmail Contains its domain', () => pred('SendToEmail', 'Contains', 'contoso.example')],
      ['CouponType Equals Retention', () => pred('CouponType', 'Equals', 'Retention')],
      [
        'StartDate GreaterThanEquals A’s class start',
        () => pred('StartDate', 'GreaterThanEquals', '2020-01-01T00:00:00Z'),
      ],
      ['EndDate LessThanEquals A’s class end', () => pred('EndDate', 'LessThanEquals', '2099-01-01T00:00:00Z')],
      [
        'ExpirationDate LessThanEquals A’s expiry',
        () => pred('ExpirationDate', 'LessThanEquals', '2099-06-01T00:00:00Z'),
      ],
    ] as const)
      it(`${what} returns nothing of A’s accounts and no coupon of A that B may not see`, async () => {
        const res = await search(p());

        expect(res.status, res.body).to.equal(200);
        const seen = new Set([...Object.values(b.codes), a.codes.aByB, a.codes.aClaimedByB]);
        for (const c of couponCodes(res.body)) expect(seen.has(c), c).to.equal(true);
        expect(res.body).to.not.include(A_EMAIL);
        expectNothingOfA(res);
      });
  });

  describe('the other operations', () => {
    it('RedeemCoupon on A’s account → 106, whatever the code', async () => {
      for (const code of [b.codes.bOwn!, a.codes.aFree!, a.codes.aRedeemed!]) {
        const res = await call(
          'RedeemCoupon',
          `<b:AccountId>${a.accounts[2]!.id}</b:AccountId><b:CouponCode>${code}</b:CouponCode>`,
        );
        expectAdApiFault(res, 106);
        expectNothingOfA(res);
      }
    });

    it('RedeemCoupon of A’s redeemed or claimed codes on B’s account → 4501 / 4513, naming none of A’s accounts', async () => {
      const redeemed = await call(
        'RedeemCoupon',
        `<b:AccountId>${b.account.id}</b:AccountId><b:CouponCode>${a.codes.aRedeemed}</b:CouponCode>`,
      );
      expectApiFault(redeemed, 4501);
      expectNothingOfA(redeemed);
      const claimed = await call(
        'RedeemCoupon',
        `<b:AccountId>${b.account.id}</b:AccountId><b:CouponCode>${a.codes.aClaimed}</b:CouponCode>`,
      );
      expectApiFault(claimed, 4513);
      expectNothingOfA(claimed);
      const unknown = await call(
        'RedeemCoupon',
        `<b:AccountId>${b.account.id}</b:AccountId><b:CouponCode>NOSUCHCODE42</b:CouponCode>`,
      );
      expectApiFault(unknown, 4500);
    });

    it('GetCouponInfo for A → 106', async () => {
      const res = await call('GetCouponInfo', `<b:CustomerId>${a.id}</b:CustomerId>`);

      expectAdApiFault(res, 106);
      expectNothingOfA(res);
    });

    it('GetCouponInfo for B lists B’s accounts’ offers only', async () => {
      const res = await call('GetCouponInfo', `<b:CustomerId>${b.id}</b:CustomerId>`);

      expect(res.status, res.body).to.equal(200);
      expectNothingOfA(res);
    });

    it('GetAccountMonthlySpend of A’s account → 106, no spend figure', async () => {
      const month = new Date().toISOString().slice(0, 7);
      const res = await call(
        'GetAccountMonthlySpend',
        `<b:AccountId>${a.accounts[0]!.id}</b:AccountId><b:MonthYear>${month}-01T00:00:00Z</b:MonthYear>`,
      );

      expectAdApiFault(res, 106);
      expectNothingOfA(res);
    });

    it('DispatchCoupons for A’s customer → 106; A’s class name under B’s customer → 4507', async () => {
      const emails = `<b:SendToEmails xmlns:a="${ARRAYS}"><a:string>x@beta.example</a:string></b:SendToEmails>`;
      const asA = await call(
        'DispatchCoupons',
        `${emails}<b:CustomerId>${a.id}</b:CustomerId><b:CouponClassName>AlphaOnly</b:CouponClassName>`,
      );
      expectAdApiFault(asA, 106);
      expectNothingOfA(asA);
      const className = await call(
        'DispatchCoupons',
        `${emails}<b:CustomerId>${b.id}</b:CustomerId><b:CouponClassName>AlphaOnly</b:CouponClassName>`,
      );
      expectApiFault(className, 4507);
      expectNothingOfA(className);
    });

    it('CheckFeatureAdoptionCouponEligibility leaves A’s accounts out', async () => {
      for (const feature of [9100, 9200]) {
        const ids = [...a.accounts.map((x) => x.id), b.account.id].map((id) => `<a:long>${id}</a:long>`).join('');
        const res = await call(
          'CheckFeatureAdoptionCouponEligibility',
          `<b:FeatureId>${feature}</b:FeatureId><b:AccountIds xmlns:a="${ARRAYS}">${ids}</b:AccountIds>`,
        );

        expect(res.status, res.body).to.equal(200);
        expectNothingOfA(res);
      }
    });

    it('ClaimFeatureAdoptionCoupons: A’s account → 106 per pair; A’s claimed code on B’s account → 4513', async () => {
      const pair = (acc: string, code: string): string =>
        `<e:KeyValueEntityOflongstring><e:Key>${acc}</e:Key><e:Value>${code}</e:Value></e:KeyValueEntityOflongstring>`;
      const res = await call(
        'ClaimFeatureAdoptionCoupons',
        `<b:AccountCouponPairs>${pair(a.accounts[2]!.id, b.codes.bFeatureFree!)}${pair(b.account.id, a.codes.aClaimed!)}</b:AccountCouponPairs>`,
      );

      expect(res.status, res.body).to.equal(200);
      expect(codesOf(res.body)).to.deep.equal([106, 4513]);
      expectNothingOfA(res);
    });

    it('DistributeCoupons: A’s class name → 4507; A’s accounts → 106 per account', async () => {
      const ids = (list: string[]): string =>
        `<b:AccountIds xmlns:a="${ARRAYS}">${list.map((id) => `<a:int>${id}</a:int>`).join('')}</b:AccountIds>`;
      const byName = await call(
        'DistributeCoupons',
        `${ids([b.account.id])}<b:ClassName>AlphaFeature</b:ClassName><b:SendNotification>false</b:SendNotification>`,
      );
      expect(codesOf(byName.body)).to.deep.equal([4507]);
      expectNothingOfA(byName);
      const accounts = await call(
        'DistributeCoupons',
        `${ids([a.accounts[2]!.id])}<b:ClassName>BetaFeature</b:ClassName><b:SendNotification>false</b:SendNotification>`,
      );
      expect(codesOf(accounts.body)).to.deep.equal([106]);
      expectNothingOfA(accounts);
    });

    it('billing documents and groups: A’s customer id is 106, A’s group is not found, A’s accounts are refused', async () => {
      const longs = (ids: string[]): string =>
        `<b:AccountIds xmlns:a="${ARRAYS}">${ids.map((id) => `<a:long>${id}</a:long>`).join('')}</b:AccountIds>`;
      const infos = await call(
        'GetBillingDocumentsInfo',
        `${longs(a.accounts.map((x) => x.id))}<b:StartDate>2020-01-01T00:00:00Z</b:StartDate>`,
      );
      expectAdApiFault(infos, 106);
      expectNothingOfA(infos);
      const docs = await call(
        'GetBillingDocuments',
        `<b:BillingDocumentsInfo><e:BillingDocumentInfo><e:CustomerId>${a.id}</e:CustomerId><e:DocumentId>1</e:DocumentId>` +
          '</e:BillingDocumentInfo></b:BillingDocumentsInfo><b:Type>Pdf</b:Type>',
      );
      expectAdApiFault(docs, 106);
      for (const op of ['GetBillingGroups', 'GetUngroupedAccounts']) {
        const res = await call(op, `<b:CustomerId>${a.id}</b:CustomerId>`);
        expectAdApiFault(res, 106);
        expectNothingOfA(res);
      }
      const aGroup = await t.admin<{ id: string }>('/admin/billing-groups', { customer: a.id, name: 'AlphaGroup' });
      const bGroup = await t.admin<{ id: string }>('/admin/billing-groups', { customer: b.id, name: 'BetaGroup' });
      const add = (customer: string, group: string, ids: string[]): Promise<Answer> =>
        call(
          'UpdateBillingGroupAccounts',
          `<b:CustomerId>${customer}</b:CustomerId><b:BillingGroupId>${group}</b:BillingGroupId>` +
            `<b:AccountsToAdd xmlns:a="${ARRAYS}">${ids.map((id) => `<a:long>${id}</a:long>`).join('')}</b:AccountsToAdd>`,
        );
      expectAdApiFault(await add(a.id, aGroup.id, [b.account.id]), 106);
      const foreignGroup = await add(b.id, aGroup.id, [b.account.id]);
      expectApiFault(foreignGroup, 4602);
      expect(foreignGroup.body).to.not.include('AlphaGroup');
      const foreignAccount = await add(b.id, bGroup.id, [a.accounts[0]!.id]);
      expect(foreignAccount.status).to.equal(200);
      expect(codesOf(foreignAccount.body)).to.deep.equal([106]);
      expectNothingOfA(foreignAccount);
    });

    it('insertion orders: A’s invoice account → 106 on add and search; A’s order → 5104 on update', async () => {
      const invoice = await makeAccount(t, a.id, { invoice: true });
      const io = (acc: string, extra = ''): string =>
        `<b:InsertionOrder><e:AccountId>${acc}</e:AccountId><e:EndDate>2099-02-01T00:00:00Z</e:EndDate>${extra}` +
        `<e:SpendCapAmount>100</e:SpendCapAmount><e:StartDate>2099-01-01T00:00:00Z</e:StartDate></b:InsertionOrder>`;
      const added = await ok('AddInsertionOrder', io(invoice.id));
      const orderId = /InsertionOrderId>(\d+)</.exec(added)![1]!;
      const answers = [
        await call('AddInsertionOrder', io(invoice.id)),
        await call('SearchInsertionOrders', `<b:Predicates>${pred('AccountId', 'Equals', invoice.id)}</b:Predicates>`),
        await call(
          'UpdateInsertionOrder',
          io(invoice.id, `<e:Id>${orderId}</e:Id>`).replace(/<e:AccountId>\d+/, '<e:AccountId>0'),
        ),
      ];
      expect(answers.map((r) => codesOf(r.body))).to.deep.equal([[106], [106], [5104]]);
      for (const res of answers) {
        expectNothingOfA(res);
        expect(res.body).to.not.include(invoice.number);
      }
    });
  });
});
