// DispatchCoupons over SOAP (SPEC §4), called by clients built from the official WSDL (zeep, node-soap) and by
// raw envelopes: which emails get a coupon, the PartialErrors of the others, the request-level faults, and what
// the database holds afterwards.
import { expect } from 'chai';
import { callNodeSoap, callZeep, type ClientOutcome, type SoapHeaders } from '../support/clients.ts';
import { postSoap, soapRequest, startTestApp, type TestApp } from '../support/app.ts';
import { customerIdPredicate, makeCouponClass, makeUser, makeWorld, mint, type World } from '../support/factories.ts';
import { headersOf } from '../support/soap.ts';

type Caller = (endpoint: string, op: string, headers: SoapHeaders, body?: unknown) => Promise<ClientOutcome>;
const CLIENTS: readonly (readonly [string, Caller])[] = [
  ['zeep', callZeep],
  ['node-soap', callNodeSoap],
];

type Rec = Record<string, unknown>;
interface BatchErrorOut {
  code: number;
  index: number;
  details: string | null;
  message: string | null;
}
const items = (v: unknown): Rec[] => (Array.isArray(v) ? (v as Rec[]) : v ? [v as Rec] : []);
/** PartialErrors as any client shapes it (zeep: {BatchError: [...]}, node-soap: {BatchError: [...]} or absent). */
function partialErrors(result: unknown): BatchErrorOut[] {
  const pe = (result as Rec | null)?.PartialErrors as Rec | null | undefined;
  return items(pe?.BatchError).map((e) => ({
    code: Number(e.Code),
    index: Number(e.Index),
    details: (e.Details as string | null | undefined) ?? null,
    message: (e.Message as string | null | undefined) ?? null,
  }));
}

const ARR = 'http://schemas.microsoft.com/2003/10/Serialization/Arrays';
function rawDispatch(customerId: string, className: string, emails: readonly (string | null)[] | null): string {
  const list =
    emails === null
      ? '<b:SendToEmails i:nil="true"/>'
      : `<b:SendToEmails xmlns:a="${ARR}">${emails
          .map((e) => (e === null ? '<a:string i:nil="true"/>' : `<a:string>${e}</a:string>`))
          .join('')}</b:SendToEmails>`;
  return `${list}<b:CustomerId>${customerId}</b:CustomerId><b:CouponClassName>${className}</b:CouponClassName>`;
}

describe('DispatchCoupons over SOAP', function () {
  this.timeout(120_000);
  let t: TestApp;
  let w: World;
  let headers: SoapHeaders;
  let classNo = 0;

  /** A fresh class of the world's customer with `count` coupons; returns its name and codes in mint order. */
  async function classWith(count: number, overrides: Record<string, unknown> = {}): Promise<[string, string[]]> {
    const name = `Dispatch${++classNo}`;
    await makeCouponClass(t, w.customerId, { name, ...overrides });
    return [name, count > 0 ? await mint(t, w.customerId, name, count) : []];
  }
  const body = (name: string, emails: readonly string[] | null, customerId = w.customerId): Rec => ({
    SendToEmails: emails === null ? null : { string: emails },
    CustomerId: customerId,
    CouponClassName: name,
  });
  async function dispatched(name: string): Promise<{ code: string; send_to_email: string | null }[]> {
    return (await t.db
      .knex('coupons')
      .where({ owner_customer_id: w.customerId, class_name: name })
      .orderBy('id')
      .select('code', 'send_to_email', 'send_to_date')) as { code: string; send_to_email: string | null }[];
  }

  before(async () => {
    // No worker: these tests look at what is queued, the delivery tests at what is sent.
    t = await startTestApp({ outboxWorker: false });
    w = await makeWorld(t);
    headers = headersOf(w.user);
    await makeCouponClass(t, w.customerId, { name: 'Spring' });
    await mint(t, w.customerId, 'Spring', 1);
  });
  after(async () => t.close());

  for (const [client, call] of CLIENTS) {
    it(`${client}: valid first-seen emails get coupons; invalid, repeated and unserved ones come back by index`, async () => {
      const [name, codes] = await classWith(2);
      const emails = ['ann@example.com', 'not-an-email', 'ANN@Example.com', 'bob@example.com', 'cy@example.com'];
      const out = await call(t.endpoint, 'DispatchCoupons', headers, body(name, emails));
      expect(out.kind, JSON.stringify(out)).to.equal('result');
      const errors = partialErrors((out as { result: unknown }).result);
      expect(errors.map((e) => [e.index, e.code])).to.deep.equal([
        [1, 4509],
        [2, 4510],
        [4, 4508],
      ]);
      for (const e of errors) expect(e.message).to.be.a('string').and.not.equal('');
      expect(errors[1]!.details).to.contain('SendToEmails[0]');
      const rows = await dispatched(name);
      expect(rows.map((r) => [r.code, r.send_to_email])).to.deep.equal([
        [codes[0], 'ann@example.com'],
        [codes[1], 'bob@example.com'],
      ]);
      const queued = (await t.db
        .knex('outbox as o')
        .join('coupons as c', 'c.id', 'o.coupon_id')
        .where('c.class_name', name)
        .orderBy('o.id')
        .select('o.to_email', 'c.code', 'o.status', 'o.kind', 'o.subject')) as Rec[];
      expect(queued.map((q) => [q.to_email, q.code, q.status, q.kind])).to.deep.equal([
        ['ann@example.com', codes[0], 'pending', 'coupon_dispatch'],
        ['bob@example.com', codes[1], 'pending', 'coupon_dispatch'],
      ]);
      expect(queued[0]!.subject).to.contain(codes[0]);
    });

    it(`${client}: a dispatch with no failure answers no PartialErrors (an empty list on the wire)`, async () => {
      const [name] = await classWith(2);
      const out = await call(t.endpoint, 'DispatchCoupons', headers, body(name, ['a@example.com', 'b@example.com']));
      expect(out.kind, JSON.stringify(out)).to.equal('result');
      expect(partialErrors((out as { result: unknown }).result)).to.deep.equal([]);
    });

    it(`${client}: SearchCoupons shows whom each coupon was sent to and when`, async () => {
      const [name, codes] = await classWith(1);
      const before = Date.now();
      await call(t.endpoint, 'DispatchCoupons', headers, body(name, ['dee@example.com']));
      const out = await call(t.endpoint, 'SearchCoupons', headers, {
        Predicates: {
          Predicate: [customerIdPredicate(w.customerId), { Field: 'ClassName', Operator: 'Equals', Value: name }],
        },
      });
      expect(out.kind, JSON.stringify(out)).to.equal('result');
      const coupon = items(((out as { result: Rec }).result.Coupons as Rec).Coupon)[0]!;
      expect(coupon.CouponCode).to.equal(codes[0]);
      expect(coupon.SendToEmail).to.equal('dee@example.com');
      const sent = new Date(coupon.SendToDate as string).getTime();
      expect(sent).to.be.within(before - 1000, Date.now() + 1000);
    });

    const faults: readonly [string, () => Promise<[Rec, SoapHeaders?]>, number][] = [
      ['more than 1,000 SendToEmails', async () => [body('Spring', mails(1001))], 3024],
      ['an empty SendToEmails', async () => [body('Spring', [])], 3087],
      ['a nil SendToEmails', async () => [body('Spring', null)], 3087],
      ['a class the customer does not have', async () => [body('NoSuchClass', ['a@example.com'])], 4507],
      ['a CustomerId the user may not access', async () => [body('Spring', ['a@example.com'], '999999')], 106],
      [
        'a Standard user',
        async () => {
          const u = await makeUser(t, w.customerId, { role: 'Standard' });
          return [body('Spring', ['a@example.com']), headersOf(u)];
        },
        1001,
      ],
    ];
    for (const [what, make, code] of faults) {
      it(`${client}: ${what} is a fault with code ${code}`, async () => {
        const [b, h] = await make();
        const out = await call(t.endpoint, 'DispatchCoupons', h ?? headers, b);
        expect(out.kind, JSON.stringify(out)).to.equal('fault');
        if (out.kind !== 'fault') return;
        expect(out.codes).to.deep.equal([code]);
        expect(out.detailRoot).to.be.oneOf(
          code === 106
            ? ['{https://adapi.microsoft.com}AdApiFaultDetail', 'AdApiFaultDetail']
            : ['{https://bingads.microsoft.com/Billing/v13}ApiFault', 'ApiFault'],
        );
      });
    }
  }

  it('a nil item is an invalid address at its own index, and the items after it keep theirs', async () => {
    const [name] = await classWith(5);
    const res = await postSoap(
      t.endpoint,
      soapRequest(
        'DispatchCoupons',
        rawDispatch(w.customerId, name, ['a@example.com', null, ' b@example.com ']),
        w.user,
      ),
    );
    expect(res.status, res.body).to.equal(200);
    expect(res.body).to.match(
      /<PartialErrors><x:BatchError><x:Code>4509<\/x:Code><x:Details>[^<]*<\/x:Details><x:Index>1<\/x:Index><x:Message>[^<]+<\/x:Message><\/x:BatchError><\/PartialErrors>/,
    );
    const rows = await dispatched(name);
    expect(rows.filter((r) => r.send_to_email).map((r) => r.send_to_email)).to.deep.equal([
      'a@example.com',
      'b@example.com',
    ]);
  });

  it('a successful dispatch writes PartialErrors as an empty element, not nil', async () => {
    const [name] = await classWith(1);
    const res = await postSoap(
      t.endpoint,
      soapRequest('DispatchCoupons', rawDispatch(w.customerId, name, ['solo@example.com']), w.user),
    );
    expect(res.status, res.body).to.equal(200);
    expect(res.body).to.match(
      /<DispatchCouponsResponse [^>]*><PartialErrors><\/PartialErrors><\/DispatchCouponsResponse>/,
    );
  });

  it('redeemed, claimed, revoked and already dispatched coupons are never handed out', async () => {
    const [name, codes] = await classWith(6);
    const now = new Date();
    const k = t.db.knex;
    await k('coupons').where({ code: codes[0] }).update({ redeemed_account_id: w.accountId, redemption_date: now });
    await k('coupons').where({ code: codes[1] }).update({ claimed_account_id: w.accountId, claim_date: now });
    await k('coupons').where({ code: codes[2] }).update({ revoked_at: now, revoke_reason: 'test' });
    await k('coupons').where({ code: codes[3] }).update({ send_to_email: 'earlier@example.com', send_to_date: now });
    const out = await callNodeSoap(t.endpoint, 'DispatchCoupons', headers, body(name, mails(3)));
    expect(out.kind, JSON.stringify(out)).to.equal('result');
    expect(partialErrors((out as { result: unknown }).result).map((e) => [e.index, e.code])).to.deep.equal([[2, 4508]]);
    const rows = await dispatched(name);
    expect(rows.map((r) => r.send_to_email)).to.deep.equal([
      null,
      null,
      null,
      'earlier@example.com',
      'user0@example.com',
      'user1@example.com',
    ]);
  });

  for (const [what, dates] of [
    ['past its EndDate', { end: '2021-01-01T00:00:00Z', expires: '2099-01-01T00:00:00Z' }],
    ['past its ExpirationDate', { end: null, expires: '2021-06-01T00:00:00Z' }],
  ] as const) {
    it(`a class ${what} hands out nothing: every valid email is 4508`, async () => {
      const [name] = await classWith(3, { start: '2020-01-01T00:00:00Z', ...dates });
      const out = await callNodeSoap(t.endpoint, 'DispatchCoupons', headers, body(name, ['a@example.com', 'bad@']));
      expect(out.kind, JSON.stringify(out)).to.equal('result');
      expect(partialErrors((out as { result: unknown }).result).map((e) => [e.index, e.code])).to.deep.equal([
        [0, 4508],
        [1, 4509],
      ]);
      expect((await dispatched(name)).every((r) => r.send_to_email === null)).to.equal(true);
    });
  }

  it('when the email cannot be queued, the coupon is not handed out either (one transaction)', async () => {
    const [name, codes] = await classWith(1);
    const k = t.db.knex;
    const coupon = (await k('coupons').where({ code: codes[0] }).first('id')) as { id: string };
    // A stray outbox row for this coupon makes the queueing insert violate outbox_dispatch_coupon_uniq.
    await k('outbox').insert({
      kind: 'coupon_dispatch',
      to_email: 'x@example.com',
      coupon_id: coupon.id,
      subject: 's',
      text: 't',
      html: 'h',
    });
    const out = await callNodeSoap(t.endpoint, 'DispatchCoupons', headers, body(name, ['a@example.com']));
    expect(out.kind, JSON.stringify(out)).to.equal('fault');
    expect((out as { codes: number[] }).codes).to.deep.equal([0]);
    expect((await dispatched(name))[0]!.send_to_email).to.equal(null);
    await k('outbox').where({ coupon_id: coupon.id }).delete();
  });

  it('1,000 emails are dispatched in one request, each to its own coupon with its own queued email', async () => {
    const [name] = await classWith(1000);
    const started = performance.now();
    const res = await postSoap(
      t.endpoint,
      soapRequest('DispatchCoupons', rawDispatch(w.customerId, name, mails(1000)), w.user),
    );
    const ms = performance.now() - started;
    expect(res.status, res.body.slice(0, 500)).to.equal(200);
    expect(res.body).to.contain('<PartialErrors></PartialErrors>');
    const rows = await dispatched(name);
    expect(new Set(rows.map((r) => r.send_to_email)).size).to.equal(1000);
    const [{ n }] = (await t.db
      .knex('outbox as o')
      .join('coupons as c', 'c.id', 'o.coupon_id')
      .where('c.class_name', name)
      .count({ n: '*' })) as [{ n: string | number }];
    expect(Number(n)).to.equal(1000);
    // Generous bound for a loaded CI machine; bench/dispatch.ts measures it properly.
    expect(ms).to.be.below(5000);
  });
});

function mails(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `user${i}@example.com`);
}
