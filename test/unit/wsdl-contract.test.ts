import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { generateWsdl } from '../../src/schema/wsdl.ts';
import { officialWsdlPath, repoRoot } from '../support/official-wsdl.ts';
import { compareWsdl, listOperations, loadWsdl, parseWsdl, type WsdlModel } from '../support/wsdl-model.ts';

const BILLING = 'https://bingads.microsoft.com/Billing/v13';
const ENTITIES = 'https://bingads.microsoft.com/Customer/v13/Entities';
const EXCEPTION = 'https://bingads.microsoft.com/Customer/v13/Exception';
const OUR_WSDL = path.join(repoRoot, 'wsdl', 'CustomerBillingService.wsdl');

const officialText = readFileSync(officialWsdlPath(), 'utf8');
const official: WsdlModel = parseWsdl(officialText);

/** Replaces `from` (which must occur) in `text`; every occurrence when `from` is a global RegExp. */
function replaceOrFail(text: string, from: string | RegExp, to: string | ((match: string) => string)): string {
  const found = typeof from === 'string' ? text.includes(from) : new RegExp(from.source, from.flags).test(text);
  if (!found) throw new Error(`mutation target not found in the official WSDL: ${String(from)}`);
  return typeof to === 'string' ? text.replace(from, to) : text.replace(from, to);
}

/** The block of a named top-level component, e.g. `<xs:complexType name="Coupon">…</xs:complexType>`. */
function editBlock(text: string, open: string, close: string, edit: (block: string) => string): string {
  const start = text.indexOf(open);
  if (start < 0) throw new Error(`block not found: ${open}`);
  const end = text.indexOf(close, start) + close.length;
  return text.slice(0, start) + edit(text.slice(start, end)) + text.slice(end);
}

/**
 * The official document rewritten with other prefixes (WSDL elements in the default namespace, `s:` for XML Schema,
 * `b:` for the Billing namespace, `addr:` for WS-Addressing, `n1…` for the per-element `q1…` declarations), all
 * insignificant whitespace removed and the attributes of every xs:element reversed. Same contract, other text.
 */
function reprefixed(text: string): string {
  let out = text
    .replace(/xmlns:wsdl=/g, 'xmlns=')
    .replace(/<(\/?)wsdl:/g, '<$1')
    .replace(/xmlns:xs=/g, 'xmlns:s=')
    .replace(/<(\/?)xs:/g, '<$1s:')
    .replace(/="xs:/g, '="s:')
    .replace(/xmlns:soap=/g, 'xmlns:soapb=')
    .replace(/<(\/?)soap:/g, '<$1soapb:')
    .replace(/xmlns:tns=/g, 'xmlns:b=')
    .replace(/="tns:/g, '="b:')
    .replace(/xmlns:wsaw=/g, 'xmlns:addr=')
    .replace(/ wsaw:Action=/g, ' addr:Action=')
    .replace(/xmlns:q(\d+)=/g, 'xmlns:n$1=')
    .replace(/="q(\d+):/g, '="n$1:')
    .replace(/>\s+</g, '><');
  out = out.replace(/<s:element ([^>]*?)\s*(\/?)>/g, (_m, attrs: string, slash: string) => {
    const list = attrs.match(/[\w:]+="[^"]*"/g) ?? [];
    return `<s:element ${list.reverse().join(' ')}${slash ? ' /' : ''}>`;
  });
  if (/\b(wsdl|xs|tns|wsaw|q\d+):[A-Za-z]/.test(out.replace(/xmlns:\w+="[^"]*"/g, ''))) {
    throw new Error('re-prefixing left an old prefix in use');
  }
  return out;
}

describe('WSDL contract: our WSDL against the official Customer Billing v13 WSDL', () => {
  it('wsdl/CustomerBillingService.wsdl has no structural difference from the official WSDL and declares all its 16 operations', () => {
    const ours = loadWsdl(OUR_WSDL);
    expect(compareWsdl(ours, official)).to.deep.equal([]);
    expect(listOperations(official)).to.have.length(16);
    expect(listOperations(ours)).to.have.members(listOperations(official)).and.to.have.length(16);
  });

  it('the committed WSDL is exactly what the generator writes from the contract description', () => {
    expect(readFileSync(OUR_WSDL, 'utf8')).to.equal(generateWsdl());
  });

  it('ignores prefix names, whitespace and attribute order (the official WSDL under other prefixes is equal)', () => {
    const other = reprefixed(officialText);
    expect(other).to.not.include('<wsdl:').and.to.not.include('<xs:').and.to.not.include('"tns:');
    expect(compareWsdl(parseWsdl(other), official)).to.deep.equal([]);
  });
});

interface Mutation {
  title: string;
  apply: (text: string) => string;
  /** Every entry must appear together in at least one reported difference. */
  expectInOneDifference: string[][];
}

const mutations: Mutation[] = [
  {
    title: 'two fields of the Coupon complexType swapped',
    apply: (text) =>
      editBlock(text, '<xs:complexType name="Coupon">', '</xs:complexType>', (block) => {
        const code = block.match(/^.*name="CouponCode".*$/m)?.[0];
        const cls = block.match(/^.*name="ClassName".*$/m)?.[0];
        if (!code || !cls) throw new Error('Coupon fields not found');
        return block.replace(code, '\u0000').replace(cls, code).replace('\u0000', cls);
      }),
    expectInOneDifference: [[`{${ENTITIES}}Coupon`, 'CouponCode', 'ClassName', 'order']],
  },
  {
    title: 'the ApiFault fault element moved from the Billing to the Exception namespace',
    apply: (text) => {
      const withoutDecl = replaceOrFail(
        text,
        /\s*<xs:element xmlns:q\d+="https:\/\/bingads\.microsoft\.com\/Customer\/v13\/Exception" name="ApiFault" [^>]*\/>/,
        '',
      );
      return replaceOrFail(withoutDecl, /element="tns:ApiFault"/g, `xmlns:exc="${EXCEPTION}" element="exc:ApiFault"`);
    },
    expectInOneDifference: [
      [`{${BILLING}}ApiFault`, 'missing in ours'],
      ['_ApiFault_FaultMessage', `{${EXCEPTION}}ApiFault`, `{${BILLING}}ApiFault`],
    ],
  },
  {
    title: 'nillable dropped from Coupon.PercentOff',
    apply: (text) =>
      editBlock(text, '<xs:complexType name="Coupon">', '</xs:complexType>', (block) =>
        replaceOrFail(block, 'name="PercentOff" nillable="true"', 'name="PercentOff"'),
      ),
    expectInOneDifference: [[`{${ENTITIES}}Coupon/PercentOff`, 'nillable']],
  },
  {
    title: 'an OrderByField enumeration value renamed',
    apply: (text) =>
      replaceOrFail(text, '<xs:enumeration value="CouponClassName" />', '<xs:enumeration value="ClassName" />'),
    expectInOneDifference: [
      [`{${ENTITIES}}OrderByField`, 'enumeration values missing in ours: CouponClassName'],
      [`{${ENTITIES}}OrderByField`, 'ClassName', 'not in the official'],
    ],
  },
  {
    title: 'an EnumerationValue annotation changed (DataType.Pdf = 3 instead of 2)',
    apply: (text) =>
      editBlock(text, '<xs:simpleType name="DataType">', '</xs:simpleType>', (block) =>
        replaceOrFail(block, '>2</EnumerationValue>', '>3</EnumerationValue>'),
      ),
    expectInOneDifference: [[`{${ENTITIES}}DataType enumeration Pdf`, 'EnumerationValue', '"3"', '"2"']],
  },
  {
    title: 'the soapAction of SearchCoupons changed',
    apply: (text) => replaceOrFail(text, 'soapAction="SearchCoupons"', `soapAction="${BILLING}/SearchCoupons"`),
    expectInOneDifference: [['operation SearchCoupons', 'soapAction', `${BILLING}/SearchCoupons`]],
  },
  {
    title: 'the RedeemCoupon operation removed (portType and binding)',
    apply: (text) => replaceOrFail(text, /\s*<wsdl:operation name="RedeemCoupon">[\s\S]*?<\/wsdl:operation>/g, ''),
    expectInOneDifference: [
      ['portType', 'operation RedeemCoupon is missing in ours'],
      ['binding', 'operation RedeemCoupon is missing in ours'],
    ],
  },
  {
    title: 'the EmitDefaultValue=false annotation dropped from Coupon.ClaimInfo',
    apply: (text) =>
      editBlock(text, '<xs:complexType name="Coupon">', '</xs:complexType>', (block) =>
        replaceOrFail(block, /<xs:annotation>[\s\S]*?<\/xs:annotation>/, ''),
      ),
    expectInOneDifference: [[`{${ENTITIES}}Coupon/ClaimInfo`, 'EmitDefaultValue']],
  },
  {
    title: 'elementFormDefault of the Entities schema set to unqualified',
    apply: (text) =>
      replaceOrFail(
        text,
        `elementFormDefault="qualified" targetNamespace="${ENTITIES}"`,
        `elementFormDefault="unqualified" targetNamespace="${ENTITIES}"`,
      ),
    expectInOneDifference: [[`schema ${ENTITIES}`, 'elementFormDefault', 'unqualified']],
  },
  {
    title: 'the AuthenticationToken header dropped from the SearchCoupons input binding',
    apply: (text) =>
      replaceOrFail(
        text,
        /\s*<soap:header message="tns:SearchCouponsRequest_Headers" part="AuthenticationToken"[^>]*\/>/,
        '',
      ),
    expectInOneDifference: [['operation SearchCoupons input', 'soap:header', 'AuthenticationToken']],
  },
  {
    title: 'the wsaw:Action of the SearchCoupons response changed',
    apply: (text) =>
      replaceOrFail(
        text,
        `wsaw:Action="${BILLING}/ICustomerBillingService/SearchCouponsResponse"`,
        `wsaw:Action="${BILLING}/SearchCouponsResponse"`,
      ),
    expectInOneDifference: [['operation SearchCoupons output', 'wsaw:Action']],
  },
  {
    title: 'a schema moved out of the document (xs:import with a schemaLocation)',
    apply: (text) =>
      replaceOrFail(
        text,
        '<xs:import namespace="https://adapi.microsoft.com" />',
        '<xs:import namespace="https://adapi.microsoft.com" schemaLocation="adapi.xsd" />',
      ),
    expectInOneDifference: [['external references', 'adapi.xsd']],
  },
  {
    title: 'the element type of a fault message part changed to AdApiFaultDetail in the Billing namespace',
    apply: (text) =>
      replaceOrFail(
        text,
        /<wsdl:part xmlns:q(\d+)="https:\/\/adapi\.microsoft\.com" name="detail" element="q\1:AdApiFaultDetail" \/>/,
        '<wsdl:part name="detail" element="tns:AdApiFaultDetail" />',
      ),
    expectInOneDifference: [['part detail', 'element', `{${BILLING}}AdApiFaultDetail`]],
  },
];

describe('WSDL comparer: every contract change is reported', () => {
  for (const mutation of mutations) {
    it(`reports ${mutation.title}`, () => {
      const mutated = mutation.apply(officialText);
      expect(mutated, 'the mutation changed the text').to.not.equal(officialText);
      const differences = compareWsdl(parseWsdl(mutated), official);
      expect(differences, 'at least one difference').to.have.length.greaterThan(0);
      for (const needles of mutation.expectInOneDifference) {
        const hit = differences.some((d) => needles.every((n) => d.includes(n)));
        expect(hit, `a difference naming all of ${JSON.stringify(needles)}; got:\n${differences.join('\n')}`).to.equal(
          true,
        );
      }
    });
  }

  it('reports an operation removed as a 15-operation WSDL', () => {
    const mutated = replaceOrFail(
      officialText,
      /\s*<wsdl:operation name="RedeemCoupon">[\s\S]*?<\/wsdl:operation>/g,
      '',
    );
    expect(listOperations(parseWsdl(mutated)))
      .to.have.length(15)
      .and.not.include('RedeemCoupon');
  });

  it('resolves an undeclared prefix to a marker namespace that shows up as a difference', () => {
    const mutated = replaceOrFail(
      officialText,
      'element="tns:SearchCouponsRequest"',
      'element="nope:SearchCouponsRequest"',
    );
    const differences = compareWsdl(parseWsdl(mutated), official);
    expect(differences.some((d) => d.includes('urn:undeclared-prefix:nope'))).to.equal(true);
  });
});
