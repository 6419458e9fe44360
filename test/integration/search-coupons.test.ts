// SearchCoupons (SPEC §4) through real SOAP calls: node-soap built from the official WSDL, and raw envelopes where a
// test needs the exact XML (fault details, absent elements). Each test names the coupons it expects by the labels
// below and compares the exact list of codes, in order.
//
// Redemptions and dispatches are arranged with direct UPDATEs of the coupon rows (arrange only): the predicates on
// IsRedeemed, AccountId, RedemptionDate and SendToEmail only read those columns, and this suite must not depend on
// RedeemCoupon / DispatchCoupons. Coupons redeemed or claimed by another customer's accounts, and RedemptionInfo
// visibility, are covered by tenant-isolation.test.ts and search-visibility.test.ts.
//
// Every search carries the required CustomerId Equals predicate of its user's customer (added by call() unless the
// test writes its own); the tests of the rule itself send raw bodies.
import { expect } from 'chai';
import type * as soap from 'soap';
import { postSoap, soapRequest, useTestApp } from '../support/app.ts';
import { callNodeSoap, makeNodeSoapClient, type ClientOutcome } from '../support/clients.ts';
import { makeAccount, makeCouponClass, makeCustomer, makeUser, mint } from '../support/factories.ts';

type User = { id: string; authenticationToken: string; developerToken: string; customerId?: string };
interface Pred {
  Field: string;
  Operator: string;
  Value: string;
}
interface Body {
  Predicates?: { Predicate: Pred[] };
  Ordering?: { OrderBy: { Field: string; Order: string }[] };
  PageInfo?: { Index: number; Size: number };
}
type Rec = Record<string, unknown>;

/** Coupons of Contoso, in mint order. */
const CONTOSO = ['s1', 's2', 'm1', 's3', 'p1', 'm2', 'p2', 'q1', 'b1'] as const;
type Label = (typeof CONTOSO)[number];

const SQL_NAME = `O'Brien"; DROP TABLE coupons;--`;
const ODD_NAME = 'Back\\slash & <Co>';
/** Contoso's classes; each label's first letter names its class. */
const CLASSES = {
  s: { name: 'Spring', type: 'Retention', start: '2024-01-01', end: '2024-06-30', expires: '2024-12-31' },
  m: { name: 'Summer Sale', type: 'Acquisition', start: '2024-04-01', end: '2024-09-30', expires: '2025-03-31' },
  p: { name: '50%_off', type: 'Retention', start: '2024-07-01', end: '2024-12-31', expires: '2025-06-30' },
  q: { name: SQL_NAME, type: 'Retention', start: '2023-10-01', end: '2024-03-31', expires: '2024-09-30' },
  b: { name: ODD_NAME, type: 'Retention', start: '2024-10-01', end: '2025-03-31', expires: '2025-12-31' },
} as const;
const at = (day: string): string => `${day}T00:00:00Z`;

const p = (Field: string, Operator: string, Value: string): Pred => ({ Field, Operator, Value });
const all = (...except: Label[]): Label[] => CONTOSO.filter((l) => !except.includes(l));
const only = (...labels: Label[]): Label[] => CONTOSO.filter((l) => labels.includes(l));
const asList = (v: unknown): Rec[] => (Array.isArray(v) ? (v as Rec[]) : v ? [v as Rec] : []);

describe('SearchCoupons: the coupons a user sees, filtered, ordered and paged', function () {
  this.timeout(60000);
  const t = useTestApp();
  let client: soap.Client;
  const code = {} as Record<Label, string>;
  const contoso = { id: '', accounts: [] as string[], user: {} as User };
  const fabrikam = { id: '', account: '', user: {} as User, codes: [] as string[] };
  const paging = { user: {} as User, alpha: [] as string[], beta: [] as string[], mintOrder: [] as string[] };

  const codesOf = (labels: readonly Label[]): string[] => labels.map((l) => code[l]);
  const headers = (u: User) => ({ AuthenticationToken: u.authenticationToken, DeveloperToken: u.developerToken });
  /** The body with the CustomerId Equals predicate of the user's customer first, unless it names a CustomerId. */
  const withCustomer = (u: User, body: Body): Body => {
    const given = body.Predicates?.Predicate ?? [];
    if (given.some((x) => x.Field.toLowerCase() === 'customerid')) return body;
    return { ...body, Predicates: { Predicate: [p('CustomerId', 'Equals', u.customerId!), ...given] } };
  };
  const call = (u: User, body: Body): Promise<ClientOutcome<Rec>> =>
    callNodeSoap<Rec>(t.endpoint, 'SearchCoupons', headers(u), withCustomer(u, body), client);
  /** The XML of a CustomerId Equals predicate for raw envelopes. */
  const customerXml = (id: string): string =>
    `<e:Predicate><e:Field>CustomerId</e:Field><e:Operator>Equals</e:Operator><e:Value>${id}</e:Value></e:Predicate>`;

  /** The codes SearchCoupons returns, in order; fails the test on a fault. */
  async function search(body: Body, u: User = contoso.user): Promise<string[]> {
    const out = await call(u, body);
    if (out.kind !== 'result') throw new Error(`expected coupons, got ${JSON.stringify(out)}`);
    return asList((out.result.Coupons as Rec | null)?.Coupon).map((c) => String(c.CouponCode));
  }
  /** The fault SearchCoupons answers; fails the test on a result. */
  async function fault(body: Body, u: User = contoso.user): Promise<{ codes: number[]; detailRoot: string | null }> {
    const out = await call(u, body);
    if (out.kind !== 'fault') throw new Error(`expected a fault, got ${JSON.stringify(out)}`);
    return out;
  }
  const where = (...predicates: Pred[]): Body => ({ Predicates: { Predicate: predicates } });

  /** Arrange only: what RedeemCoupon / DispatchCoupons would have written. */
  async function markRedeemed(c: string, accountId: string, when: string): Promise<void> {
    await t.db.knex('coupons').where({ code: c }).update({ redeemed_account_id: accountId, redemption_date: when });
  }
  async function markDispatched(c: string, email: string): Promise<void> {
    await t.db
      .knex('coupons')
      .where({ code: c })
      .update({ send_to_email: email, send_to_date: at('2024-02-01') });
  }

  before(async () => {
    client = await makeNodeSoapClient(t.endpoint);

    contoso.id = await makeCustomer(t, 'Contoso');
    contoso.accounts = [(await makeAccount(t, contoso.id)).id, (await makeAccount(t, contoso.id)).id];
    contoso.user = { ...(await makeUser(t, contoso.id)), customerId: contoso.id };
    for (const k of Object.values(CLASSES))
      await makeCouponClass(t, contoso.id, {
        name: k.name,
        type: k.type,
        start: at(k.start),
        end: at(k.end),
        expires: at(k.expires),
      });
    // Minted interleaved, so that mint order and class order differ.
    for (const label of CONTOSO) {
      const k = CLASSES[label[0] as keyof typeof CLASSES];
      code[label] = (await mint(t, contoso.id, k.name, 1))[0]!;
    }
    await markRedeemed(code.s1, contoso.accounts[0]!, '2024-05-10T15:30:00Z');
    await markRedeemed(code.p1, contoso.accounts[1]!, at('2024-08-20'));
    await markDispatched(code.s2, 'Alice@Example.com');
    await markDispatched(code.m1, 'bob@contoso.com');
    await markDispatched(code.q1, 'carol_smith@example.org');

    // Another customer with a class of the same name, a redeemed coupon and a coupon sent to the same address.
    fabrikam.id = await makeCustomer(t, 'Fabrikam');
    fabrikam.account = (await makeAccount(t, fabrikam.id)).id;
    fabrikam.user = { ...(await makeUser(t, fabrikam.id)), customerId: fabrikam.id };
    await makeCouponClass(t, fabrikam.id, { name: 'Spring', start: at('2024-01-01'), end: at('2024-06-30') });
    await makeCouponClass(t, fabrikam.id, { name: 'Winter', type: 'Acquisition' });
    fabrikam.codes = [...(await mint(t, fabrikam.id, 'Spring', 2)), ...(await mint(t, fabrikam.id, 'Winter', 2))];
    await markRedeemed(fabrikam.codes[0]!, fabrikam.account, at('2024-05-10'));
    await markDispatched(fabrikam.codes[1]!, 'alice@example.com');

    // A third customer with 105 coupons in two classes, for paging.
    const pagingId = await makeCustomer(t, 'Paging');
    paging.user = { ...(await makeUser(t, pagingId)), customerId: pagingId };
    await makeCouponClass(t, pagingId, { name: 'Alpha', start: at('2024-02-01') });
    await makeCouponClass(t, pagingId, { name: 'Beta', start: at('2024-01-01') });
    for (const [name, n] of [
      ['Alpha', 20],
      ['Beta', 30],
      ['Alpha', 30],
      ['Beta', 25],
    ] as const) {
      const minted = await mint(t, pagingId, name, n);
      (name === 'Alpha' ? paging.alpha : paging.beta).push(...minted);
      paging.mintOrder.push(...minted);
    }
  });

  describe('who sees what', () => {
    it('a user sees every coupon of its own customer, in mint order, and none of another customer’s', async () => {
      const codes = await search({});

      expect(codes).to.deep.equal(codesOf(CONTOSO));
    });

    it('the other customer’s user sees only its own customer’s coupons', async () => {
      const codes = await search({}, fabrikam.user);

      expect(codes).to.deep.equal(fabrikam.codes);
    });

    it('CustomerId Equals the user’s own customer returns its coupons', async () => {
      const codes = await search(where(p('CustomerId', 'Equals', contoso.id)));

      expect(codes).to.deep.equal(codesOf(CONTOSO));
    });

    it('CustomerId Equals the user’s own customer written with leading zeros returns its coupons', async () => {
      const codes = await search(where(p('CustomerId', 'Equals', `000${contoso.id}`)));

      expect(codes).to.deep.equal(codesOf(CONTOSO));
    });

    it('CustomerId Equals another customer is refused with code 106 (AdApiFaultDetail)', async () => {
      const f = await fault(where(p('CustomerId', 'Equals', fabrikam.id)));

      expect(f.codes).to.deep.equal([106]);
      expect(f.detailRoot).to.equal('AdApiFaultDetail');
    });

    it('CustomerId Equals a customer that does not exist is refused with code 106', async () => {
      const f = await fault(where(p('CustomerId', 'Equals', '9223372036854775807')));

      expect(f.codes).to.deep.equal([106]);
    });

    it('CustomerId Equals the own customer and again another customer is refused with code 106', async () => {
      const f = await fault(where(p('CustomerId', 'Equals', contoso.id), p('CustomerId', 'Equals', fabrikam.id)));

      expect(f.codes).to.deep.equal([106]);
    });

    for (const [what, inner] of [
      ['no Predicates at all', ''],
      ['an empty Predicates list', '<b:Predicates/>'],
      [
        'a ClassName predicate but no CustomerId',
        '<b:Predicates><e:Predicate><e:Field>ClassName</e:Field><e:Operator>Equals</e:Operator>' +
          '<e:Value>Spring</e:Value></e:Predicate></b:Predicates>',
      ],
    ] as const)
      it(`${what}: ApiFault 474, the required CustomerId predicate is missing`, async () => {
        const res = await postSoap(t.endpoint, soapRequest('SearchCoupons', inner, contoso.user));

        expect(res.status).to.equal(500);
        expect(res.body).to.match(/<(\w+:)?ApiFault\b/);
        expect([...res.body.matchAll(/<Code>(\d+)<\/Code>/g)].map((m) => m[1])).to.deep.equal(['474']);
        expect(res.body).to.not.include(code.s1);
      });

    it('AccountId Equals an account of another customer is refused with code 106, naming nothing of it', async () => {
      const f = await fault(where(p('AccountId', 'Equals', fabrikam.account)));

      expect(f.codes).to.deep.equal([106]);
      expect(f.detailRoot).to.equal('AdApiFaultDetail');
    });

    it('AccountId Equals an account that does not exist gets the same 106', async () => {
      const f = await fault(where(p('AccountId', 'Equals', '9223372036854775806')));

      expect(f.codes).to.deep.equal([106]);
    });

    it('AccountId In the own accounts plus one of another customer is refused with code 106', async () => {
      const f = await fault(where(p('AccountId', 'In', `${contoso.accounts[0]},${fabrikam.account}`)));

      expect(f.codes).to.deep.equal([106]);
    });
  });

  describe('each predicate returns exactly the matching coupons', () => {
    const cases: (readonly [string, () => Pred[], Label[]])[] = [
      ['AccountId Equals the first account', () => [p('AccountId', 'Equals', contoso.accounts[0]!)], only('s1')],
      ['AccountId Equals the second account', () => [p('AccountId', 'Equals', contoso.accounts[1]!)], only('p1')],
      [
        'AccountId In both accounts (spaces around the ids)',
        () => [p('AccountId', 'In', ` ${contoso.accounts[1]} , ${contoso.accounts[0]} `)],
        only('s1', 'p1'),
      ],
      ['CouponCode Equals a code', () => [p('CouponCode', 'Equals', code.s2)], only('s2')],
      [
        'CouponCode Equals a code in lower case with spaces around it',
        () => [p('CouponCode', 'Equals', `  ${code.s2.toLowerCase()}\t`)],
        only('s2'),
      ],
      [
        'CouponCode In codes in mixed case, one of another customer',
        () => [p('CouponCode', 'In', `${code.b1.toLowerCase()} , ${code.m1},${fabrikam.codes[2]}`)],
        only('m1', 'b1'),
      ],
      ['CouponCode Equals a code of another customer', () => [p('CouponCode', 'Equals', fabrikam.codes[3]!)], []],
      ['CouponCode Equals a code that does not exist', () => [p('CouponCode', 'Equals', 'NOSUCHCODE234')], []],
      ['CouponType Equals Acquisition', () => [p('CouponType', 'Equals', 'Acquisition')], only('m1', 'm2')],
      ['CouponType Equals Retention', () => [p('CouponType', 'Equals', 'Retention')], all('m1', 'm2')],
      ['IsRedeemed Equals true', () => [p('IsRedeemed', 'Equals', 'true')], only('s1', 'p1')],
      ['IsRedeemed Equals false', () => [p('IsRedeemed', 'Equals', 'false')], all('s1', 'p1')],
      [
        'SendToEmail Equals an address in another case',
        () => [p('SendToEmail', 'Equals', 'alice@example.com')],
        only('s2'),
      ],
      ['SendToEmail Contains a domain', () => [p('SendToEmail', 'Contains', 'contoso')], only('m1')],
      ['SendToEmail Contains "@example."', () => [p('SendToEmail', 'Contains', '@example.')], only('s2', 'q1')],
      [
        'StartDate GreaterThanEquals a class start (inclusive)',
        () => [p('StartDate', 'GreaterThanEquals', at('2024-04-01'))],
        only('m1', 'm2', 'p1', 'p2', 'b1'),
      ],
      [
        'StartDate GreaterThanEquals the same instant written with a +02:00 offset',
        () => [p('StartDate', 'GreaterThanEquals', '2024-04-01T02:00:00+02:00')],
        only('m1', 'm2', 'p1', 'p2', 'b1'),
      ],
      [
        'StartDate LessThanEquals a class start with no zone (read as UTC)',
        () => [p('StartDate', 'LessThanEquals', '2024-04-01T00:00:00')],
        only('s1', 's2', 's3', 'm1', 'm2', 'q1'),
      ],
      [
        'EndDate GreaterThanEquals',
        () => [p('EndDate', 'GreaterThanEquals', at('2024-12-31'))],
        only('p1', 'p2', 'b1'),
      ],
      ['EndDate LessThanEquals', () => [p('EndDate', 'LessThanEquals', at('2024-03-31'))], only('q1')],
      [
        'ExpirationDate GreaterThanEquals',
        () => [p('ExpirationDate', 'GreaterThanEquals', at('2025-06-30'))],
        only('p1', 'p2', 'b1'),
      ],
      [
        'ExpirationDate LessThanEquals',
        () => [p('ExpirationDate', 'LessThanEquals', at('2024-12-31'))],
        only('s1', 's2', 's3', 'q1'),
      ],
      [
        'RedemptionDate GreaterThanEquals',
        () => [p('RedemptionDate', 'GreaterThanEquals', at('2024-06-01'))],
        only('p1'),
      ],
      ['RedemptionDate LessThanEquals', () => [p('RedemptionDate', 'LessThanEquals', at('2024-06-01'))], only('s1')],
      [
        'RedemptionDate LessThanEquals a time earlier on the day of a redemption (the time of day is ignored)',
        () => [p('RedemptionDate', 'LessThanEquals', '2024-05-10T08:00:00Z')],
        only('s1'),
      ],
      [
        'RedemptionDate GreaterThanEquals the last second of the day of a redemption (the time of day is ignored)',
        () => [p('RedemptionDate', 'GreaterThanEquals', '2024-05-10T23:59:59Z')],
        only('s1', 'p1'),
      ],
      [
        'RedemptionDate GreaterThanEquals the day after a redemption',
        () => [p('RedemptionDate', 'GreaterThanEquals', at('2024-05-11'))],
        only('p1'),
      ],
      [
        'StartDate GreaterThanEquals late on a class start day still includes that class (date only)',
        () => [p('StartDate', 'GreaterThanEquals', '2024-04-01T23:59:59.999Z')],
        only('m1', 'm2', 'p1', 'p2', 'b1'),
      ],
      [
        'StartDate LessThanEquals the day before a class start, late in the day, excludes that class',
        () => [p('StartDate', 'LessThanEquals', '2024-03-31T23:59:59Z')],
        only('s1', 's2', 's3', 'q1'),
      ],
      [
        'StartDate GreaterThanEquals a time that is a later UTC date than its local date (UTC date counts)',
        () => [p('StartDate', 'GreaterThanEquals', '2024-03-31T22:00:00-05:00')],
        only('m1', 'm2', 'p1', 'p2', 'b1'),
      ],
      [
        'EndDate GreaterThanEquals the evening of a class end day includes that class (date only)',
        () => [p('EndDate', 'GreaterThanEquals', '2024-12-31T18:00:00Z')],
        only('p1', 'p2', 'b1'),
      ],
      [
        'ExpirationDate GreaterThanEquals noon of an expiry day includes that class (date only)',
        () => [p('ExpirationDate', 'GreaterThanEquals', '2025-06-30T12:00:00Z')],
        only('p1', 'p2', 'b1'),
      ],
      [
        'RedemptionDate GreaterThanEquals and LessThanEquals the same instant',
        () => [
          p('RedemptionDate', 'GreaterThanEquals', at('2024-08-20')),
          p('RedemptionDate', 'LessThanEquals', at('2024-08-20')),
        ],
        only('p1'),
      ],
      [
        'several predicates are ANDed (ClassName Equals Spring and IsRedeemed Equals false)',
        () => [p('ClassName', 'Equals', 'Spring'), p('IsRedeemed', 'Equals', 'false')],
        only('s2', 's3'),
      ],
    ];
    for (const field of ['ClassName', 'CouponClassName'])
      cases.push(
        [
          `${field} Equals Spring (another customer has a Spring class too)`,
          () => [p(field, 'Equals', 'Spring')],
          only('s1', 's2', 's3'),
        ],
        [`${field} Equals compares the exact name: spring is not Spring`, () => [p(field, 'Equals', 'spring')], []],
        [`${field} NotEquals Spring`, () => [p(field, 'NotEquals', 'Spring')], all('s1', 's2', 's3')],
        [`${field} In two names`, () => [p(field, 'In', 'Spring, Summer Sale')], only('s1', 's2', 's3', 'm1', 'm2')],
        [`${field} Contains, ignoring case`, () => [p(field, 'Contains', 'SALE')], only('m1', 'm2')],
        [`${field} NotContains`, () => [p(field, 'NotContains', 'sale')], all('m1', 'm2')],
        [`${field} StartsWith, ignoring case`, () => [p(field, 'StartsWith', 'sp')], only('s1', 's2', 's3')],
      );

    for (const [name, predicates, expected] of cases) {
      it(`${name} returns exactly ${expected.length ? expected.join(', ') : 'nothing'}`, async () => {
        const codes = await search(where(...predicates()));

        expect(codes).to.deep.equal(codesOf(expected));
      });
    }
  });

  describe('invalid predicates are refused with code 3030', () => {
    const bad: readonly (readonly [string, Pred])[] = [
      ['an unknown field', p('Colour', 'Equals', 'red')],
      ['CustomerId In (only Equals)', p('CustomerId', 'In', '1,2')],
      ['CustomerId Equals text', p('CustomerId', 'Equals', 'me')],
      ['AccountId NotEquals', p('AccountId', 'NotEquals', '1')],
      ['AccountId Equals text', p('AccountId', 'Equals', 'F1000001')],
      ['AccountId In with an empty item', p('AccountId', 'In', '1,,2')],
      ['AccountId Equals a number beyond xs:long', p('AccountId', 'Equals', '9223372036854775808')],
      ['CouponCode Contains', p('CouponCode', 'Contains', 'AB')],
      ['ClassName GreaterThanEquals', p('ClassName', 'GreaterThanEquals', 'A')],
      ['CouponClassName LessThanEquals', p('CouponClassName', 'LessThanEquals', 'Z')],
      ['CouponType NotEquals', p('CouponType', 'NotEquals', 'Retention')],
      ['CouponType Equals a value that is not a coupon type', p('CouponType', 'Equals', 'Both')],
      ['IsRedeemed NotEquals', p('IsRedeemed', 'NotEquals', 'true')],
      ['IsRedeemed Equals a value that is not a boolean', p('IsRedeemed', 'Equals', 'maybe')],
      ['SendToEmail StartsWith', p('SendToEmail', 'StartsWith', 'alice')],
      ['StartDate Equals', p('StartDate', 'Equals', at('2024-01-01'))],
      [
        'EndDate GreaterThanEquals a date that does not exist',
        p('EndDate', 'GreaterThanEquals', '2024-02-30T00:00:00Z'),
      ],
      ['ExpirationDate LessThanEquals text', p('ExpirationDate', 'LessThanEquals', 'next year')],
      [
        'RedemptionDate GreaterThanEquals a date without a time',
        p('RedemptionDate', 'GreaterThanEquals', '2024-05-10'),
      ],
    ];
    for (const [name, predicate] of bad) {
      it(`${name} → ApiFault 3030`, async () => {
        const f = await fault(where(predicate));

        expect(f.codes).to.deep.equal([3030]);
        expect(f.detailRoot).to.equal('ApiFault');
      });
    }

    it('several bad predicates give one fault listing every problem, each naming its predicate', async () => {
      const predicates = [
        ['Colour', 'Equals', 'red'],
        ['ClassName', 'GreaterThanEquals', 'A'],
        ['CouponCode', 'Equals', code.s1],
        ['StartDate', 'LessThanEquals', 'soon'],
        ['IsRedeemed', 'Equals', 'yes'],
        ['AccountId', 'In', '1,x'],
        ['SendToEmail', 'Equals', null],
      ]
        .map(
          ([f, o, v]) =>
            `<e:Predicate><e:Field>${f}</e:Field><e:Operator>${o}</e:Operator>` +
            `${v === null ? '' : `<e:Value>${v}</e:Value>`}</e:Predicate>`,
        )
        .join('');

      const res = await postSoap(
        t.endpoint,
        soapRequest('SearchCoupons', `<b:Predicates>${predicates}</b:Predicates>`, contoso.user),
      );

      expect(res.status).to.equal(500);
      const errors = [...res.body.matchAll(/<OperationError>(.*?)<\/OperationError>/g)].map((m) => m[1]!);
      expect(errors.map((e) => /<Code>(\d+)<\/Code>/.exec(e)?.[1])).to.deep.equal(Array(7).fill('3030'));
      // Seven predicates are more than the four allowed: that comes first, then each bad predicate by index.
      expect(errors.map((e) => /<Details>Predicates(?:\[(\d+)\])?:/.exec(e)?.[1] ?? 'all')).to.deep.equal([
        'all',
        '0',
        '1',
        '3',
        '4',
        '5',
        '6',
      ]);
      expect(errors[0]).to.include('at most 4 predicates');
    });

    it('five predicates, each valid, are more than the four allowed: ApiFault 3030', async () => {
      const f = await fault(
        where(
          p('CustomerId', 'Equals', contoso.id),
          p('ClassName', 'Equals', 'Spring'),
          p('IsRedeemed', 'Equals', 'false'),
          p('StartDate', 'GreaterThanEquals', at('2024-01-01')),
          p('StartDate', 'LessThanEquals', at('2024-12-31')),
        ),
      );

      expect(f.codes).to.deep.equal([3030]);
    });

    it('four predicates, CustomerId among them, are accepted', async () => {
      const codes = await search(
        where(
          p('CustomerId', 'Equals', contoso.id),
          p('ClassName', 'Equals', 'Spring'),
          p('StartDate', 'GreaterThanEquals', at('2024-01-01')),
          p('IsRedeemed', 'Equals', 'false'),
        ),
      );

      expect(codes).to.deep.equal(codesOf(['s2', 's3']));
    });
  });

  describe('the number of values is capped, with code 3030 and never an internal error', () => {
    const ids = (n: number, from: number): string => Array.from({ length: n }, (_, i) => String(from + i)).join(',');

    it('a CouponCode In list of 1,000 codes, the visible ones among them, is accepted', async () => {
      const many = [code.s1, code.b1, ...Array.from({ length: 998 }, (_, i) => `NOPE${i}`)].join(',');

      expect(await search(where(p('CouponCode', 'In', many)))).to.deep.equal(codesOf(['s1', 'b1']));
    });

    it('a CouponCode In list of 1,001 codes → ApiFault 3030', async () => {
      const f = await fault(where(p('CouponCode', 'In', ids(1001, 1))));

      expect(f.codes).to.deep.equal([3030]);
      expect(f.detailRoot).to.equal('ApiFault');
    });

    it('two In lists of 600 values (1,200 in all) → ApiFault 3030', async () => {
      const f = await fault(where(p('CouponCode', 'In', ids(600, 1)), p('ClassName', 'In', ids(600, 1))));

      expect(f.codes).to.deep.equal([3030]);
    });

    it('11 AccountId In lists of 1,000 ids answer ApiFault 3030, not code 0', async () => {
      const lists = Array.from({ length: 11 }, (_, i) => p('AccountId', 'In', ids(1000, 1 + i * 1000)));

      const f = await fault(where(...lists));

      expect(f.codes).to.not.include(0);
      expect(new Set(f.codes)).to.deep.equal(new Set([3030]));
      expect(f.detailRoot).to.equal('ApiFault');
    });
  });

  describe('SQL metacharacters, % and _ in values are plain data', () => {
    const cases: readonly (readonly [string, Pred, Label[]])[] = [
      [
        'ClassName Equals a name with quotes, a semicolon and a comment',
        p('ClassName', 'Equals', SQL_NAME),
        only('q1'),
      ],
      ['ClassName Contains a single quote', p('ClassName', 'Contains', "'"), only('q1')],
      ['ClassName Contains a double quote and a semicolon', p('ClassName', 'Contains', '";'), only('q1')],
      ['ClassName Contains "%"', p('ClassName', 'Contains', '%'), only('p1', 'p2')],
      ['ClassName Contains "_"', p('ClassName', 'Contains', '_'), only('p1', 'p2')],
      ['ClassName Contains "%_"', p('ClassName', 'Contains', '%_'), only('p1', 'p2')],
      ['ClassName StartsWith "5_" (no wildcard: the name starts with "50")', p('ClassName', 'StartsWith', '5_'), []],
      ['ClassName StartsWith "%" (no wildcard)', p('ClassName', 'StartsWith', '%'), []],
      ['ClassName NotContains "%"', p('ClassName', 'NotContains', '%'), all('p1', 'p2')],
      ['ClassName Contains a backslash', p('ClassName', 'Contains', '\\'), only('b1')],
      ['ClassName Equals a name with a backslash, & and <…>', p('ClassName', 'Equals', ODD_NAME), only('b1')],
      ['ClassName In with a quote', p('ClassName', 'In', `x', 'y`), []],
      ['CouponCode Equals a tautology', p('CouponCode', 'Equals', "' OR '1'='1"), []],
      ['CouponCode In with a closing parenthesis', p('CouponCode', 'In', "x') OR 1=1 --"), []],
      ['CouponCode StartsWith "%"', p('CouponCode', 'StartsWith', '%'), []],
      ['CouponCode StartsWith "_"', p('CouponCode', 'StartsWith', '_'), []],
      ['SendToEmail Contains "_" (only the address with an underscore)', p('SendToEmail', 'Contains', '_'), only('q1')],
      ['SendToEmail Contains "%"', p('SendToEmail', 'Contains', '%'), []],
      ['SendToEmail Equals a tautology', p('SendToEmail', 'Equals', "x' OR ''='"), []],
    ];
    for (const [name, predicate, expected] of cases) {
      it(`${name} returns exactly ${expected.length ? expected.join(', ') : 'nothing'}`, async () => {
        const codes = await search(where(predicate));

        expect(codes).to.deep.equal(codesOf(expected));
      });
    }

    it('after all of them every coupon is still there', async () => {
      expect(await search({})).to.deep.equal(codesOf(CONTOSO));
    });
  });

  describe('ordering', () => {
    const order = (Field: string, Order: string): Body => ({ Ordering: { OrderBy: [{ Field, Order }] } });
    // Class names ascending: 50%_off, Back\slash…, O'Brien…, Spring, Summer Sale; ties in mint order.
    const byClassName: Label[] = ['p1', 'p2', 'b1', 'q1', 's1', 's2', 's3', 'm1', 'm2'];
    // Start dates ascending: O'Brien (2023-10), Spring, Summer Sale, 50%_off, Back\slash; ties in mint order.
    const byStartDate: Label[] = ['q1', 's1', 's2', 's3', 'm1', 'm2', 'p1', 'p2', 'b1'];

    const cases: readonly (readonly [string, string, Label[], string])[] = [
      ['CouponClassName', 'Ascending', byClassName, 'by class name, ties in mint order'],
      [
        'CouponClassName',
        'Descending',
        [...byClassName].reverse(),
        'by class name descending, ties in reverse mint order (the ascending list reversed)',
      ],
      ['CouponStartDate', 'Ascending', byStartDate, 'by start date, ties in mint order'],
      [
        'CouponStartDate',
        'Descending',
        [...byStartDate].reverse(),
        'latest start first, ties in reverse mint order (the ascending list reversed)',
      ],
      ['Id', 'Ascending', [...CONTOSO], 'in mint order'],
      ['Id', 'Descending', [...CONTOSO].reverse(), 'newest minted first'],
    ];
    for (const [field, direction, expected, how] of cases) {
      it(`${field} ${direction} returns the coupons ${how}`, async () => {
        const codes = await search(order(field, direction));

        expect(codes).to.deep.equal(codesOf(expected));
      });
    }

    it('ordering combines with predicates', async () => {
      const codes = await search({
        ...where(p('CouponType', 'Equals', 'Retention')),
        ...order('CouponStartDate', 'Descending'),
      });

      expect(codes).to.deep.equal(codesOf(['b1', 'p2', 'p1', 's3', 's2', 's1', 'q1']));
    });

    it('only the first OrderBy is applied: a second one is ignored', async () => {
      const codes = await search({
        Ordering: {
          OrderBy: [
            { Field: 'CouponClassName', Order: 'Ascending' },
            { Field: 'CouponStartDate', Order: 'Descending' },
          ],
        },
      });

      expect(codes).to.deep.equal(codesOf(byClassName));
    });

    it('a second OrderBy that would be invalid is ignored too (no 3031)', async () => {
      const codes = await search({
        Ordering: {
          OrderBy: [
            { Field: 'Id', Order: 'Descending' },
            { Field: 'Name', Order: 'Ascending' },
          ],
        },
      });

      expect(codes).to.deep.equal(codesOf([...CONTOSO].reverse()));
    });

    for (const field of ['Name', 'Number', 'LifeCycleStatus'])
      it(`OrderByField ${field} (valid in the WSDL, meaningless for coupons) → ApiFault 3031`, async () => {
        const f = await fault(order(field, 'Ascending'));

        expect(f.codes).to.deep.equal([3031]);
        expect(f.detailRoot).to.equal('ApiFault');
      });
  });

  describe('paging', () => {
    const page = (Index: number, Size: number, Order = 'Ascending'): Body => ({
      Ordering: { OrderBy: [{ Field: 'CouponClassName', Order }] },
      PageInfo: { Index, Size },
    });

    it('without PageInfo the first 100 coupons come back, in mint order', async () => {
      const res = await postSoap(
        t.endpoint,
        soapRequest(
          'SearchCoupons',
          `<b:Predicates>${customerXml(paging.user.customerId!)}</b:Predicates>`,
          paging.user,
        ),
      );
      const codes = [...res.body.matchAll(/<(?:\w+:)?CouponCode>([^<]*)</g)].map((m) => m[1]);

      expect(res.status).to.equal(200);
      expect(codes).to.deep.equal(paging.mintOrder.slice(0, 100));
    });

    it('the second page of 100 holds the last 5 coupons', async () => {
      const codes = await search({ PageInfo: { Index: 1, Size: 100 } }, paging.user);

      expect(codes).to.deep.equal(paging.mintOrder.slice(100));
    });

    it('pages of 7 concatenate to the full ordered list, with no duplicate and no gap, then an empty page', async () => {
      const pages: string[][] = [];
      for (let index = 0; index <= 15; index++) pages.push(await search(page(index, 7), paging.user));

      expect(pages.slice(0, 15).every((pg) => pg.length === 7)).to.equal(true);
      expect(pages[15]).to.deep.equal([]);
      expect(pages.flat()).to.deep.equal([...paging.alpha, ...paging.beta]);
    });

    it('pages of 10 in descending order concatenate to the full list reversed', async () => {
      const pages: string[][] = [];
      for (let index = 0; index < 11; index++) pages.push(await search(page(index, 10, 'Descending'), paging.user));

      expect(pages[10]).to.have.length(5);
      expect(pages.flat()).to.deep.equal([...paging.alpha, ...paging.beta].reverse());
    });

    it('a page far past the end is empty', async () => {
      expect(await search(page(1000, 100), paging.user)).to.deep.equal([]);
    });

    for (const [what, index, size] of [
      ['Size 0', 0, 0],
      ['Size 101', 0, 101],
      ['Index -1', -1, 10],
    ] as const)
      it(`${what} → ApiFault 3031`, async () => {
        const f = await fault(page(index, size), paging.user);

        expect(f.codes).to.deep.equal([3031]);
        expect(f.detailRoot).to.equal('ApiFault');
      });
  });
});
