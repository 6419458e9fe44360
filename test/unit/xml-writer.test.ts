// Typed values on the wire: decoding request elements against the contract (src/soap/xml-decode.ts) and writing
// responses from it (src/soap/xml-writer.ts). Written documents are read back with the namespace-aware reader, so
// the assertions are about namespaces and order, not about prefixes.
import { expect } from 'chai';
import { ApiError } from '../../src/errors.ts';
import { fieldsOf, wrapperFields } from '../../src/schema/index.ts';
import { responseEnvelope, SOAP11 } from '../../src/soap/envelope.ts';
import { decodeRequest, type DObject } from '../../src/soap/xml-decode.ts';
import { readXml, type XElement } from '../../src/soap/xml-reader.ts';
import {
  escapeText,
  formatDateTime,
  recordWriter,
  writeFields,
  XSI,
  type XObject,
  type XValue,
} from '../../src/soap/xml-writer.ts';

const BILLING = 'https://bingads.microsoft.com/Billing/v13';
const ENTITIES = 'https://bingads.microsoft.com/Customer/v13/Entities';
const NIL = `{${XSI}}nil`;

/** Decodes `<b:{op}Request>{inner}</b:{op}Request>` with b = Billing, e = Entities, i = xsi. */
function decode(op: string, inner: string): DObject {
  const el = readXml(
    `<b:${op}Request xmlns:b="${BILLING}" xmlns:e="${ENTITIES}" xmlns:i="${XSI}">${inner}</b:${op}Request>`,
  );
  return decodeRequest(wrapperFields(`${op}Request`), el);
}

/** The ApiError a decode throws, as (code, details) pairs. */
function problemsOf(op: string, inner: string): { code: number; details: string }[] {
  try {
    decode(op, inner);
  } catch (e) {
    expect(e).to.be.instanceOf(ApiError);
    return (e as ApiError).problems.map((p) => ({ code: p.code, details: p.details ?? '' }));
  }
  expect.fail('the request should have been refused with code 201');
}

function child(el: XElement, local: string): XElement | undefined {
  return el.children.find((c) => c.local === local);
}
const names = (el: XElement): string[] => el.children.map((c) => c.local);

/** A Coupon value with every field set, its keys deliberately in reverse schema order. */
function coupon(overrides: Record<string, unknown> = {}): XObject {
  const base: Record<string, unknown> = {
    ClaimInfo: undefined,
    RedemptionInfo: null,
    IsRedeemed: false,
    SendToDate: null,
    SendToEmail: null,
    EndDate: new Date('2099-01-01T00:00:00Z'),
    StartDate: new Date('2020-01-01T00:00:00Z'),
    ExpirationDate: new Date('2099-06-01T00:00:00Z'),
    ActiveDuration: 30,
    PercentOff: null,
    CurrencyCode: 'USD',
    SpendThreshold: '0',
    Amount: '50',
    CouponType: 'Retention',
    ClassName: 'Spring',
    CouponCode: 'K7QX4M2P9HTA',
  };
  return { ...base, ...overrides } as XObject;
}

/** Writes a SearchCouponsResponse with the given coupons and returns the parsed Coupon elements. */
function writtenCoupons(...coupons: XObject[]): readonly XElement[] {
  const doc = readXml(responseEnvelope('SearchCoupons', 'tracking-id', { Coupons: { Coupon: coupons } }));
  const body = child(doc, 'Body')!;
  const response = body.children[0]!;
  expect([response.ns, response.local]).to.deep.equal([BILLING, 'SearchCouponsResponse']);
  const list = child(response, 'Coupons')!;
  expect(list.ns).to.equal(BILLING);
  return list.children;
}

describe('xml-decode: request values are typed exactly, or refused with code 201', () => {
  it('keeps an xs:long above 2^53 exact, as decimal text', () => {
    const v = decode('RedeemCoupon', '<b:AccountId>9007199254740993</b:AccountId><b:CouponCode>X</b:CouponCode>');
    expect(v.AccountId).to.equal('9007199254740993');
    expect(decode('RedeemCoupon', '<b:AccountId>9223372036854775807</b:AccountId>').AccountId).to.equal(
      '9223372036854775807',
    );
    expect(decode('RedeemCoupon', '<b:AccountId> -9223372036854775808 </b:AccountId>').AccountId).to.equal(
      '-9223372036854775808',
    );
  });

  it('refuses an xs:long one past the 64-bit range with 201 naming the element', () => {
    expect(problemsOf('RedeemCoupon', '<b:AccountId>9223372036854775808</b:AccountId>')).to.deep.equal([
      { code: 201, details: "RedeemCouponRequest.AccountId: '9223372036854775808' is not a valid long." },
    ]);
    expect(problemsOf('RedeemCoupon', '<b:AccountId>-9223372036854775809</b:AccountId>')[0]?.code).to.equal(201);
    expect(problemsOf('RedeemCoupon', '<b:AccountId>123456789012345678901234</b:AccountId>')[0]?.code).to.equal(201);
  });

  it('refuses non-numeric, fractional, exponent and empty longs and ints with 201 naming the element', () => {
    for (const bad of ['12abc', '1.5', '1e3', '', ' ', '0x10', 'NaN', 'Infinity']) {
      const [p] = problemsOf('GetCouponInfo', `<b:CustomerId>${bad}</b:CustomerId>`);
      expect(p?.code, bad).to.equal(201);
      expect(p?.details, bad).to.include('GetCouponInfoRequest.CustomerId');
    }
    const [p] = problemsOf('SearchCoupons', '<b:PageInfo><e:Index>x</e:Index><e:Size>10</e:Size></b:PageInfo>');
    expect(p).to.deep.equal({ code: 201, details: "SearchCouponsRequest.PageInfo.Index: 'x' is not a valid int." });
    expect(problemsOf('SearchCoupons', '<b:PageInfo><e:Size>2147483648</e:Size></b:PageInfo>')[0]?.details).to.include(
      'PageInfo.Size',
    );
  });

  it('reads xs:boolean as true/false/1/0 and refuses anything else with 201', () => {
    expect(decode('DistributeCoupons', '<b:SendNotification>1</b:SendNotification>').SendNotification).to.equal(true);
    expect(decode('DistributeCoupons', '<b:SendNotification>false</b:SendNotification>').SendNotification).to.equal(
      false,
    );
    for (const bad of ['yes', 'TRUE', 'True', '']) {
      expect(problemsOf('DistributeCoupons', `<b:SendNotification>${bad}</b:SendNotification>`), bad).to.deep.equal([
        { code: 201, details: `DistributeCouponsRequest.SendNotification: '${bad}' is not a valid boolean.` },
      ]);
    }
  });

  it('refuses a malformed or impossible dateTime with 201 naming the element', () => {
    for (const bad of [
      'yesterday',
      '2024-02-30T00:00:00Z',
      '2024-13-01T00:00:00Z',
      '2024-01-01',
      '2024-01-01T25:00:00',
    ]) {
      const [p] = problemsOf('GetAccountMonthlySpend', `<b:AccountId>1</b:AccountId><b:MonthYear>${bad}</b:MonthYear>`);
      expect(p, bad).to.deep.equal({
        code: 201,
        details: `GetAccountMonthlySpendRequest.MonthYear: '${bad}' is not a valid dateTime.`,
      });
    }
  });

  it('reads a dateTime without a zone as UTC, and one with an offset as that instant', () => {
    const plain = decode('GetAccountMonthlySpend', '<b:MonthYear>2024-02-03T04:05:06</b:MonthYear>').MonthYear;
    expect((plain as Date).toISOString()).to.equal('2024-02-03T04:05:06.000Z');
    const offset = decode('GetAccountMonthlySpend', '<b:MonthYear>2024-02-03T04:05:06.5+02:00</b:MonthYear>');
    expect((offset.MonthYear as Date).toISOString()).to.equal('2024-02-03T02:05:06.500Z');
  });

  it('refuses an unknown enumeration value with 201 naming the element', () => {
    const predicate =
      '<b:Predicates><e:Predicate><e:Field>CouponCode</e:Field><e:Operator>Like</e:Operator></e:Predicate></b:Predicates>';
    expect(problemsOf('SearchCoupons', predicate)).to.deep.equal([
      {
        code: 201,
        details: "SearchCouponsRequest.Predicates.Predicate.Operator: 'Like' is not a valid PredicateOperator.",
      },
    ]);
    const ordering = '<b:Ordering><e:OrderBy><e:Field>Id</e:Field><e:Order>Up</e:Order></e:OrderBy></b:Ordering>';
    expect(problemsOf('SearchCoupons', ordering)[0]?.details).to.include('Ordering.OrderBy.Order');
    expect(
      problemsOf('SearchCoupons', '<b:ReturnAdditionalFields>CouponClaimInfo Bogus</b:ReturnAdditionalFields>')[0]
        ?.details,
    ).to.include('ReturnAdditionalFields');
  });

  it('reads an xs:list of flags as its values', () => {
    const v = decode(
      'SearchCoupons',
      '<b:ReturnAdditionalFields> CouponClaimInfo  TaxCertificate </b:ReturnAdditionalFields>',
    );
    expect(v.ReturnAdditionalFields).to.deep.equal(['CouponClaimInfo', 'TaxCertificate']);
  });

  it('collects every problem of a request before answering, one 201 per element', () => {
    const problems = problemsOf(
      'SearchCoupons',
      '<b:Ordering><e:OrderBy><e:Field>Bogus</e:Field><e:Order>Up</e:Order></e:OrderBy></b:Ordering>' +
        '<b:PageInfo><e:Index>x</e:Index><e:Size>-</e:Size></b:PageInfo>',
    );
    expect(problems.map((p) => p.code)).to.deep.equal([201, 201, 201, 201]);
  });

  it('refuses an element that is not a list appearing twice with 201', () => {
    expect(problemsOf('RedeemCoupon', '<b:AccountId>1</b:AccountId><b:AccountId>2</b:AccountId>')).to.deep.equal([
      { code: 201, details: 'RedeemCouponRequest.AccountId appears more than once.' },
    ]);
    const twice = '<b:PageInfo><e:Index>0</e:Index><e:Index>1</e:Index></b:PageInfo>';
    expect(problemsOf('SearchCoupons', twice)[0]?.details).to.equal(
      'SearchCouponsRequest.PageInfo.Index appears more than once.',
    );
  });

  it('keeps every item of a list element, nil items as null', () => {
    const v = decode(
      'SearchCoupons',
      '<b:Predicates><e:Predicate i:nil="true"/><e:Predicate><e:Field>ClassName</e:Field>' +
        '<e:Operator>Equals</e:Operator><e:Value i:nil="true"/></e:Predicate></b:Predicates>',
    );
    expect(v.Predicates).to.deep.equal({
      Predicate: [null, { Field: 'ClassName', Operator: 'Equals', Value: null }],
    });
  });

  it('reads nil on a nillable element as null and refuses it on a non-nillable one with 201', () => {
    expect(decode('SearchCoupons', '<b:Predicates i:nil="true"/><b:PageInfo i:nil="1"/>')).to.deep.equal({
      Predicates: null,
      PageInfo: null,
    });
    expect(problemsOf('RedeemCoupon', '<b:AccountId i:nil="true"/>')).to.deep.equal([
      { code: 201, details: 'RedeemCouponRequest.AccountId cannot be nil.' },
    ]);
  });

  it('refuses an element in the wrong namespace as unexpected, with 201', () => {
    const [p] = problemsOf('RedeemCoupon', '<e:AccountId>1</e:AccountId>');
    expect(p?.code).to.equal(201);
    expect(p?.details).to.include(`unexpected element {${ENTITIES}}AccountId`);
  });

  it('refuses text where the schema expects elements and elements where it expects text, with 201', () => {
    expect(problemsOf('SearchCoupons', '<b:PageInfo>10</b:PageInfo>')[0]?.details).to.include('must not contain text');
    expect(problemsOf('RedeemCoupon', '<b:CouponCode><b:x/></b:CouponCode>')[0]?.details).to.include(
      'must not contain elements',
    );
  });
});

describe('xml-writer: responses follow the schema, whatever the value looks like', () => {
  it('writes Coupon fields in schema order whatever the order of the object keys', () => {
    const [c] = writtenCoupons(coupon());
    expect(names(c!)).to.deep.equal([
      'CouponCode',
      'ClassName',
      'CouponType',
      'Amount',
      'SpendThreshold',
      'CurrencyCode',
      'PercentOff',
      'ActiveDuration',
      'ExpirationDate',
      'StartDate',
      'EndDate',
      'SendToEmail',
      'SendToDate',
      'IsRedeemed',
      'RedemptionInfo',
    ]);
    expect(names(c!)).to.deep.equal(
      fieldsOf('ent:Coupon')
        .map((f) => f.name)
        .filter((n) => n !== 'ClaimInfo'),
    );
  });

  it('puts Coupon and every element inside it in the Entities namespace, under Coupons in the Billing namespace', () => {
    const redemption = {
      ActivationDate: new Date('2027-03-01T00:00:00Z'),
      ExpirationDate: new Date('2027-03-31T00:00:00Z'),
      RedemptionDate: new Date('2027-03-01T00:00:00Z'),
      CurrencyCode: 'USD',
      Balance: '50',
      SpendToThreshold: '0',
      AccountNumber: 'F100001',
      AccountId: '7',
    };
    const [c] = writtenCoupons(coupon({ IsRedeemed: true, RedemptionInfo: redemption }));
    expect(c!.ns).to.equal(ENTITIES);
    expect(c!.local).to.equal('Coupon');
    for (const f of c!.children) expect(f.ns, f.local).to.equal(ENTITIES);
    const info = child(c!, 'RedemptionInfo')!;
    expect(names(info)).to.deep.equal([
      'AccountId',
      'AccountNumber',
      'SpendToThreshold',
      'Balance',
      'CurrencyCode',
      'RedemptionDate',
      'ExpirationDate',
      'ActivationDate',
    ]);
    for (const f of info.children) expect(f.ns, f.local).to.equal(ENTITIES);
  });

  it('writes xsi:nil="true" for a nillable field that is null, with xsi declared', () => {
    const [c] = writtenCoupons(coupon({ PercentOff: null, SendToEmail: null, RedemptionInfo: null }));
    for (const name of ['PercentOff', 'SendToEmail', 'SendToDate', 'RedemptionInfo']) {
      const el = child(c!, name)!;
      expect(el.attrs.get(NIL), name).to.equal('true');
      expect(el.text, name).to.equal('');
      expect(el.children, name).to.have.length(0);
    }
  });

  it('omits a non-nillable field that has no value instead of writing nil', () => {
    const [c] = writtenCoupons(coupon({ Amount: null, IsRedeemed: undefined }));
    expect(names(c!)).to.not.include('Amount');
    expect(names(c!)).to.not.include('IsRedeemed');
    expect(names(c!)).to.include('SpendThreshold');
  });

  it('omits ClaimInfo when it is not set (EmitDefaultValue=false), even as null, and writes it after RedemptionInfo', () => {
    const [without, asNull, claimed] = writtenCoupons(
      coupon({ ClaimInfo: undefined }),
      coupon({ ClaimInfo: null }),
      coupon({
        ClaimInfo: { ClaimDate: new Date('2027-02-01T10:00:00Z'), AccountNumber: 'F100002', AccountId: '8' },
      }),
    );
    expect(names(without!)).to.not.include('ClaimInfo');
    expect(names(asNull!)).to.not.include('ClaimInfo');
    expect(names(claimed!).slice(-2)).to.deep.equal(['RedemptionInfo', 'ClaimInfo']);
    const info = child(claimed!, 'ClaimInfo')!;
    expect(info.ns).to.equal(ENTITIES);
    expect(info.children.map((x) => [x.ns, x.local, x.text])).to.deep.equal([
      [ENTITIES, 'AccountId', '8'],
      [ENTITIES, 'AccountNumber', 'F100002'],
      [ENTITIES, 'ClaimDate', '2027-02-01T10:00:00Z'],
    ]);
  });

  it('writes dateTime in UTC with Z, with fractional seconds only when they are not zero', () => {
    expect(formatDateTime(new Date('2027-03-01T00:00:00Z'))).to.equal('2027-03-01T00:00:00Z');
    expect(formatDateTime(new Date('2027-03-01T12:34:56.789Z'))).to.equal('2027-03-01T12:34:56.789Z');
    expect(formatDateTime(new Date('2027-03-01T12:34:56.5+01:00'))).to.match(/^2027-03-01T11:34:56\.50*Z$/);
    const [c] = writtenCoupons(coupon({ StartDate: new Date('2020-01-01T00:00:00.120Z') }));
    expect(child(c!, 'StartDate')!.text).to.match(/^2020-01-01T00:00:00\.120?Z$/);
    expect(child(c!, 'EndDate')!.text).to.equal('2099-01-01T00:00:00Z');
  });

  it('writes an xs:long above 2^53 exactly, from a bigint or decimal text', () => {
    const info = (id: unknown): XObject =>
      ({
        AccountId: id,
        ClaimDate: new Date('2027-02-01T00:00:00Z'),
      }) as XObject;
    const [a, b] = writtenCoupons(
      coupon({ ClaimInfo: info(9007199254740993n) }),
      coupon({ ClaimInfo: info('9223372036854775807') }),
    );
    expect(child(child(a!, 'ClaimInfo')!, 'AccountId')!.text).to.equal('9007199254740993');
    expect(child(child(b!, 'ClaimInfo')!, 'AccountId')!.text).to.equal('9223372036854775807');
  });

  it('refuses to write a long that a JS number has already rounded, rather than send a wrong id', () => {
    expect(() => writtenCoupons(coupon({ ClaimInfo: { AccountId: 2 ** 53 + 2, ClaimDate: new Date(0) } }))).to.throw(
      TypeError,
    );
  });

  it('writes money as the exact decimal text it was given', () => {
    const [c] = writtenCoupons(coupon({ Amount: '12345678901234.56', SpendThreshold: '0.07', PercentOff: '12.5' }));
    expect(child(c!, 'Amount')!.text).to.equal('12345678901234.56');
    expect(child(c!, 'SpendThreshold')!.text).to.equal('0.07');
    expect(child(c!, 'PercentOff')!.text).to.equal('12.5');
  });

  it('escapes markup and replaces characters XML cannot carry, so the response stays well-formed', () => {
    const nasty = 'a\u0000b\u0001c\u0008d\u000be\u001ff\ufffeg\uffffh\ud800i\udc00j <&> ]]> \r\n\t😀';
    const xml = responseEnvelope('SearchCoupons', 'tracking-id', {
      Coupons: { Coupon: [coupon({ ClassName: nasty })] },
    });
    // eslint-disable-next-line no-control-regex
    expect(xml).to.not.match(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/);
    expect(() => readXml(xml)).to.not.throw();
    const [c] = writtenCoupons(coupon({ ClassName: nasty }));
    expect(child(c!, 'ClassName')!.text).to.equal(
      'a\ufffdb\ufffdc\ufffdd\ufffde\ufffdf\ufffdg\ufffdh\ufffdi\ufffdj <&> ]]> \r\n\t😀',
    );
    expect(escapeText('<s:Envelope>')).to.equal('&lt;s:Envelope&gt;');
  });

  it('declares every prefix it uses and wraps the response in a SOAP 1.1 envelope with a TrackingId header', () => {
    const xml = responseEnvelope('SearchCoupons', 'abc', { Coupons: { Coupon: [coupon()] } });
    const doc = readXml(xml); // throws on an undeclared prefix
    expect([doc.ns, doc.local]).to.deep.equal([SOAP11, 'Envelope']);
    const header = child(doc, 'Header')!;
    expect(header.children.map((h) => [h.ns, h.local, h.text])).to.deep.equal([[BILLING, 'TrackingId', 'abc']]);
  });

  it('writes an empty Coupons element for no coupons and nil for a null list', () => {
    const empty = readXml(responseEnvelope('SearchCoupons', 't', { Coupons: { Coupon: [] } }));
    const list = child(child(empty, 'Body')!.children[0]!, 'Coupons')!;
    expect(list.children).to.have.length(0);
    expect(list.attrs.get(NIL)).to.equal(undefined);
    const none = readXml(responseEnvelope('SearchCoupons', 't', { Coupons: null }));
    expect(child(child(none, 'Body')!.children[0]!, 'Coupons')!.attrs.get(NIL)).to.equal('true');
  });

  it('writes a GetCouponInfo item from its values in schema order exactly as from an object', () => {
    const item = fieldsOf('ent:ArrayOfCouponInfoData').find((f) => f.name === 'CouponInfoData')!;
    const write = recordWriter(item, 'GetCouponInfoResponse.CouponInfoData.CouponInfoData');
    const names = fieldsOf('ent:CouponInfoData').map((f) => f.name);
    const cases: XValue[][] = [
      [
        '12',
        '34',
        null,
        1,
        new Date('2026-03-01T12:00:00.250Z'),
        new Date('2099-06-01T00:00:00Z'),
        '12.5',
        '50',
        '10.25',
        30,
        '0',
        new Date('2020-01-01T00:00:00Z'),
        null,
        '50',
        'USD',
        7003,
        2,
      ],
      [
        '9007199254740993',
        '1',
        new Date('2026-03-01T12:00:00Z'),
        null,
        null,
        null,
        null,
        '0',
        '0',
        null,
        null,
        null,
        null,
        null,
        'A&B<',
        null,
        1,
      ],
    ];
    for (const values of cases) {
      const obj = Object.fromEntries(names.map((n, i) => [n, values[i]])) as XObject;
      const viaObject: string[] = [];
      writeFields(viaObject, [item], { CouponInfoData: [obj] }, 'GetCouponInfoResponse.CouponInfoData');
      expect(write(values)).to.equal(viaObject.join(''));
    }
    expect(() => write(['1'])).to.throw(TypeError);
    expect(() => write(cases[0]!.map((v, i) => (i === 3 ? 'x' : v)))).to.throw(TypeError, /Status/);
  });
});
