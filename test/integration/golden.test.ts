// Golden wire tests (STYLE 9): each test/fixtures/soap/<Operation>__<case>/ holds a request a real client stack
// would send and the response written by hand from SPEC §2 and reference/wire-examples.md. The request is posted
// to a real server over a fresh database, and the answer is compared with the expected document canonically:
// element and attribute names as {namespace}local, element order, attribute values and text — prefixes and
// whitespace between elements do not count. Placeholders:
//   {{Name}}    in request.xml and response.xml: a value the case arranged (tokens, ids, minted coupon codes);
//   {{TrackingId}} in response.xml: the TrackingId header of the actual response (a GUID), so every TrackingId
//               of a response must equal its header's;
//   {{any}}     in response.xml: any non-empty text (human messages, which the contract does not fix).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { readXml, type XElement } from '../../src/soap/xml-reader.ts';
import { postSoap, useTestApp, type TestApp } from '../support/app.ts';
import { claimFeatureAdoptionCoupons } from '../../src/services/claim-coupons.ts';
import { addInsertionOrder, updateInsertionOrder } from '../../src/services/insertion-orders.ts';
import {
  makeAccount,
  makeCouponClass,
  makeCustomer,
  makeUser,
  makeWorld,
  mint,
  SPRING_CLASS,
} from '../support/factories.ts';
import { repoRoot } from '../support/official-wsdl.ts';
import { closeBillingMonths } from '../../src/services/billing-close.ts';
import { renderInvoiceXml } from '../../src/services/invoice-xml.ts';
import type { DocumentContent } from '../../src/rules/billing-documents.ts';

const FIXTURES = path.join(repoRoot, 'test', 'fixtures', 'soap');
const SOAP11 = 'http://schemas.xmlsoap.org/soap/envelope/';
const BILLING = 'https://bingads.microsoft.com/Billing/v13';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ANY = '{{any}}';

type Vars = Record<string, string>;
interface GoldenCase {
  /** The SOAPAction header sent with the request (quoted, as the SDKs send it). */
  readonly soapAction: string;
  /** Creates the data the case needs through the operator API and returns the placeholder values. */
  arrange(t: TestApp): Promise<Vars>;
}

/** A customer with an account and a SuperAdmin user, and no coupons. */
async function userVars(t: TestApp): Promise<Vars> {
  const w = await makeWorld(t);
  return {
    AuthenticationToken: w.user.authenticationToken,
    DeveloperToken: w.user.developerToken,
    CustomerId: w.customerId,
    AccountId: w.accountId,
  };
}

/**
 * A customer with two USD accounts and a EUR one, SuperAdmin, Standard and ViewOnly users, and a class 'Adoption' of
 * the feature (Retention, 50 USD, 30 days, 2020-01-01 to 2099-01-01, expiring 2099-06-01) with one coupon.
 */
async function adoptionVars(t: TestApp, featureId: number): Promise<Vars> {
  const w = await makeWorld(t);
  const second = await makeAccount(t, w.customerId);
  const euro = await makeAccount(t, w.customerId, { currency: 'EUR' });
  const standard = await makeUser(t, w.customerId, { role: 'Standard' });
  const viewer = await makeUser(t, w.customerId, { role: 'ViewOnly' });
  await makeCouponClass(t, w.customerId, { name: 'Adoption', featureId });
  const [code] = await mint(t, w.customerId, 'Adoption', 1);
  return {
    AuthenticationToken: w.user.authenticationToken,
    DeveloperToken: w.user.developerToken,
    StandardToken: standard.authenticationToken,
    StandardDeveloperToken: standard.developerToken,
    ViewerToken: viewer.authenticationToken,
    ViewerDeveloperToken: viewer.developerToken,
    CustomerId: w.customerId,
    AccountId: w.accountId,
    AccountNumber: w.accountNumber,
    SecondAccountId: second.id,
    EuroAccountId: euro.id,
    CouponCode: code!,
  };
}

/** adoptionVars (feature 7003) with the coupon claimed for AccountId at 2026-03-01T12:00:00Z, a fixed ClaimDate. */
async function claimedVars(t: TestApp): Promise<Vars> {
  const v = await adoptionVars(t, 7003);
  const principal = { userId: '0', customerId: v.CustomerId!, role: 'SuperAdmin' as const };
  const pair = { accountId: v.AccountId!, couponCode: v.CouponCode! };
  const out = await claimFeatureAdoptionCoupons(t.db.knex, principal, [pair], new Date('2026-03-01T12:00:00Z'));
  expect(out.items?.[0], 'the arranged claim').to.have.property('ok');
  const row = (await t.db.knex('coupons').where({ code: v.CouponCode }).first('id')) as { id: string };
  return { ...v, CouponId: String(row.id) };
}

/**
 * A customer with a USD account, a EUR account and a billing group 'Retail' (description 'Shops') holding the USD
 * account and an empty group 'Online'; another customer with an account.
 */
async function groupVars(t: TestApp): Promise<Vars> {
  const v = await userVars(t);
  const euro = await makeAccount(t, v.CustomerId!, { currency: 'EUR' });
  const other = await makeWorld(t);
  const retail = await t.admin<{ id: string }>('/admin/billing-groups', {
    customer: v.CustomerId,
    name: 'Retail',
    description: 'Shops',
  });
  const online = await t.admin<{ id: string }>('/admin/billing-groups', { customer: v.CustomerId, name: 'Online' });
  const usd = await makeAccount(t, v.CustomerId!);
  await t.db.knex('billing_group_accounts').insert({ group_id: retail.id, account_id: usd.id, added_at: new Date() });
  await t.db.knex('billing_groups').where({ id: retail.id }).update({ currency: 'USD' });
  return {
    ...v,
    GroupId: retail.id,
    OnlineGroupId: online.id,
    GroupedAccountId: usd.id,
    EuroAccountId: euro.id,
    EuroAccountNumber: euro.number,
    OtherCustomerId: other.customerId,
    OtherAccountId: other.accountId,
  };
}

/** A customer with an invoice-billed USD account and a SuperAdmin user. */
async function invoiceVars(t: TestApp): Promise<Vars> {
  const customerId = await makeCustomer(t);
  const account = await makeAccount(t, customerId, { invoice: true });
  const user = await makeUser(t, customerId);
  return {
    AuthenticationToken: user.authenticationToken,
    DeveloperToken: user.developerToken,
    UserId: user.id,
    CustomerId: customerId,
    AccountId: account.id,
    AccountNumber: account.number,
  };
}

/**
 * One world for both document cases (month closes are global): a USD account that spent 12.34 on 2025-01-10 and
 * the document the January 2025 close issued for it; Data is that document's XML invoice in base64.
 */
let documentWorld: Promise<Vars> | null = null;
function documentVars(t: TestApp): Promise<Vars> {
  documentWorld ??= (async () => {
    const v = await userVars(t);
    const account = await t.db.knex('accounts').where({ id: v.AccountId }).first('number');
    await t.admin('/admin/spend', { account: v.AccountId, amount: '12.34', at: '2025-01-10T00:00:00Z' });
    await closeBillingMonths(t.db.knex, new Date('2025-02-01T00:00:01Z'));
    const doc = (await t.db.knex('billing_documents').where({ account_id: v.AccountId }).first('id', 'content')) as {
      id: string;
      content: DocumentContent;
    };
    return {
      ...v,
      AccountNumber: (account as { number: string }).number,
      DocumentId: String(doc.id),
      DocumentNumber: doc.content.number,
      Data: renderInvoiceXml(doc.content).toString('base64'),
    };
  })();
  return documentWorld;
}

/**
 * invoiceVars with an order added at 2026-03-01T12:00:00Z (Q1 2099, 2099-01-01 to 2099-01-31, 1000.5 USD, threshold
 * 75, PO-2099, 'Launch budget') and a change requested at 12:30 (EndDate 2099-02-28, SpendCapAmount 2000).
 */
async function insertionOrderVars(t: TestApp): Promise<Vars> {
  const v = await invoiceVars(t);
  const principal = { userId: v.UserId!, customerId: v.CustomerId!, role: 'SuperAdmin' as const };
  const { id } = await addInsertionOrder(
    t.db.knex,
    principal,
    {
      accountId: v.AccountId!,
      name: 'Q1 2099',
      comment: 'Launch budget',
      purchaseOrder: 'PO-2099',
      startDate: new Date('2099-01-01T00:00:00Z'),
      endDate: new Date('2099-01-31T00:00:00Z'),
      spendCapAmount: '1000.5',
      notificationThreshold: '75',
    },
    new Date('2026-03-01T12:00:00Z'),
  );
  await updateInsertionOrder(
    t.db.knex,
    principal,
    { id, pendingChanges: { endDate: new Date('2099-02-28T00:00:00Z'), spendCapAmount: '2000' } },
    new Date('2026-03-01T12:30:00Z'),
  );
  return { ...v, InsertionOrderId: id };
}

const CASES: Record<string, GoldenCase> = {
  AddInsertionOrder__approved_order: { soapAction: '"AddInsertionOrder"', arrange: invoiceVars },
  AddInsertionOrder__status_given: { soapAction: '"AddInsertionOrder"', arrange: invoiceVars },
  UpdateInsertionOrder__approve_changes: { soapAction: '"UpdateInsertionOrder"', arrange: insertionOrderVars },
  UpdateInsertionOrder__only_status_of_approved_order: {
    soapAction: '"UpdateInsertionOrder"',
    arrange: insertionOrderVars,
  },
  SearchInsertionOrders__one_order: { soapAction: '"SearchInsertionOrders"', arrange: insertionOrderVars },
  SearchInsertionOrders__missing_account_id: { soapAction: '"SearchInsertionOrders"', arrange: invoiceVars },
  SearchCoupons__two_coupons: {
    soapAction: '"SearchCoupons"',
    async arrange(t) {
      const v = await userVars(t);
      // SPRING_CLASS has fixed dates, so the answer does not depend on when the test runs.
      await makeCouponClass(t, v.CustomerId!, SPRING_CLASS);
      const [c1, c2] = await mint(t, v.CustomerId!, 'Spring', 2);
      return { ...v, CouponCode1: c1!, CouponCode2: c2! };
    },
  },
  SearchCoupons__empty_result: { soapAction: '"SearchCoupons"', arrange: userVars },
  SearchCoupons__invalid_paging: { soapAction: '"SearchCoupons"', arrange: userVars },
  SearchCoupons__unknown_predicate_field: { soapAction: '"SearchCoupons"', arrange: userVars },
  SearchCoupons__invalid_token: { soapAction: '"SearchCoupons"', arrange: userVars },
  SearchCoupons__missing_developer_token: { soapAction: '"SearchCoupons"', arrange: userVars },
  SearchCoupons__non_numeric_customer_id: { soapAction: '"SearchCoupons"', arrange: userVars },
  SearchCoupons__non_numeric_page_size: { soapAction: '"SearchCoupons"', arrange: userVars },
  GetBillingGroups__groups_listed: { soapAction: '"GetBillingGroups"', arrange: groupVars },
  GetBillingGroups__other_customer: { soapAction: '"GetBillingGroups"', arrange: groupVars },
  GetUngroupedAccounts__potential_groups: { soapAction: '"GetUngroupedAccounts"', arrange: groupVars },
  UpdateBillingGroupAccounts__partial_errors: { soapAction: '"UpdateBillingGroupAccounts"', arrange: groupVars },
  GetBillingDocumentsInfo__listed_with_number: { soapAction: '"GetBillingDocumentsInfo"', arrange: documentVars },
  GetBillingDocumentsInfo__start_after_end: { soapAction: '"GetBillingDocumentsInfo"', arrange: userVars },
  GetBillingDocuments__xml_document: { soapAction: '"GetBillingDocuments"', arrange: documentVars },
  GetBillingDocuments__empty_list: { soapAction: '"GetBillingDocuments"', arrange: userVars },
  CheckFeatureAdoptionCouponEligibility__eligible_accounts: {
    soapAction: '"CheckFeatureAdoptionCouponEligibility"',
    arrange: (t) => adoptionVars(t, 7001),
  },
  CheckFeatureAdoptionCouponEligibility__too_many_accounts: {
    soapAction: '"CheckFeatureAdoptionCouponEligibility"',
    arrange: (t) => adoptionVars(t, 7001),
  },
  ClaimFeatureAdoptionCoupons__partial_errors: {
    soapAction: '"ClaimFeatureAdoptionCoupons"',
    arrange: (t) => adoptionVars(t, 7002),
  },
  ClaimFeatureAdoptionCoupons__empty_pairs: { soapAction: '"ClaimFeatureAdoptionCoupons"', arrange: userVars },
  ClaimFeatureAdoptionCoupons__view_only_user: {
    soapAction: '"ClaimFeatureAdoptionCoupons"',
    arrange: (t) => adoptionVars(t, 7002),
  },
  DistributeCoupons__partial_errors: { soapAction: '"DistributeCoupons"', arrange: (t) => adoptionVars(t, 7004) },
  DistributeCoupons__unknown_class: { soapAction: '"DistributeCoupons"', arrange: userVars },
  DistributeCoupons__standard_user: { soapAction: '"DistributeCoupons"', arrange: (t) => adoptionVars(t, 7004) },
  SearchCoupons__claimed_with_claim_info: { soapAction: '"SearchCoupons"', arrange: claimedVars },
  SearchCoupons__claimed_without_claim_info: { soapAction: '"SearchCoupons"', arrange: claimedVars },
  GetCouponInfo__claimed_coupon: { soapAction: '"GetCouponInfo"', arrange: claimedVars },
  Unknown__wrong_body_namespace: { soapAction: '"SearchCoupons"', arrange: userVars },
};

const escapeXml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Replaces every {{Name}} but {{any}}; an unknown placeholder is a broken fixture. */
function substitute(xml: string, vars: Vars, file: string): string {
  return xml.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => {
    if (whole === ANY) return whole;
    const v = vars[name];
    if (v === undefined) throw new Error(`${file}: no value for placeholder ${whole}`);
    return escapeXml(v);
  });
}

/**
 * faultcode's text is a QName whose prefix must be declared in scope (SPEC §2). The reader resolves element names
 * only, so the QName is turned into an empty element of that name before parsing: resolved through the document's
 * own declarations, and refused if its prefix is undeclared.
 */
function qnameTextAsElement(xml: string): string {
  return xml.replace(
    /(<(?:[\w.-]+:)?faultcode(?:\s[^>]*)?>)\s*([\w.-]+:[\w.-]+)\s*(<\/)/g,
    (_m, open: string, qname: string, close: string) => `${open}<${qname} qname-text="1"/>${close}`,
  );
}

/**
 * One line per element, indented by depth: `{ns}local [attr=value …] "text"`. Whitespace-only text of an element
 * that has children is insignificant; the text of a leaf is compared exactly.
 */
function canonical(el: XElement, depth = 0, out: string[] = []): string[] {
  const attrs = [...el.attrs.entries()]
    .filter(([k]) => k !== 'qname-text')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => ` ${k}=${JSON.stringify(v)}`)
    .join('');
  const qnameChild = el.children.length === 1 && el.children[0]!.attrs.get('qname-text') === '1';
  let text = '';
  if (qnameChild) text = ` qname {${el.children[0]!.ns}}${el.children[0]!.local}`;
  else if (el.children.length === 0) text = ` ${JSON.stringify(el.text)}`;
  else if (el.text.trim() !== '') text = ` mixed ${JSON.stringify(el.text.trim())}`;
  out.push(`${'  '.repeat(depth)}{${el.ns}}${el.local}${attrs}${text}`);
  if (!qnameChild) for (const c of el.children) canonical(c, depth + 1, out);
  return out;
}

/** Canonical lines of a document; an {{any}} leaf in `expected` accepts any non-empty text at that line. */
function compareCanonically(actualXml: string, expectedXml: string, label: string): void {
  const actual = canonical(readXml(qnameTextAsElement(actualXml)));
  const expected = canonical(readXml(qnameTextAsElement(expectedXml)));
  const anyText = ` ${JSON.stringify(ANY)}`;
  const aligned = expected.map((line, i) => {
    const a = actual[i];
    if (!line.endsWith(anyText) || a === undefined) return line;
    const prefix = line.slice(0, -anyText.length);
    return a.startsWith(prefix) && /^ "(?:[^"\\]|\\.)+"$/.test(a.slice(prefix.length)) ? a : line;
  });
  expect(actual, `${label}: response differs from response.xml`).to.deep.equal(aligned);
}

function headerTrackingId(xml: string): string | undefined {
  const header = readXml(xml).children.find((c) => c.ns === SOAP11 && c.local === 'Header');
  return header?.children.find((c) => c.ns === BILLING && c.local === 'TrackingId')?.text;
}

const caseDirs = readdirSync(FIXTURES, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

describe('golden wire tests: requests from test/fixtures/soap get exactly the hand-written responses', function () {
  this.timeout(60000);
  // No periodic sweep: the document cases close January 2025 themselves, before any later month is closed.
  const t = useTestApp({ expirySweepMs: 0 });

  it('every fixture folder has a case here and every case has a fixture folder', () => {
    expect(caseDirs).to.deep.equal(Object.keys(CASES).sort());
  });

  for (const name of caseDirs) {
    it(`${name.replace('__', ': ').replace(/_/g, ' ')}`, async () => {
      const golden = CASES[name];
      expect(golden, `no case for fixture folder ${name}`).to.not.equal(undefined);
      const dir = path.join(FIXTURES, name);
      const vars = await golden!.arrange(t);
      const request = substitute(readFileSync(path.join(dir, 'request.xml'), 'utf8'), vars, `${name}/request.xml`);

      const res = await postSoap(t.endpoint, request, { SOAPAction: golden!.soapAction });

      const expectedRaw = readFileSync(path.join(dir, 'response.xml'), 'utf8');
      const isFault = /<(?:[\w.-]+:)?Fault[\s>]/.test(expectedRaw);
      expect(res.status, res.body).to.equal(isFault ? 500 : 200);
      expect(res.contentType).to.equal('text/xml; charset=utf-8');
      const trackingId = headerTrackingId(res.body);
      expect(trackingId, 'TrackingId response header').to.match(GUID);
      const expected = substitute(expectedRaw, { ...vars, TrackingId: trackingId! }, `${name}/response.xml`);
      compareCanonically(res.body, expected, name);
      expect(
        t.logs.filter((l) => l.includes(trackingId!)),
        'one log line with the TrackingId',
      ).to.have.length(1);
    });
  }

  describe('the canonical comparison itself', () => {
    const base = readFileSync(path.join(FIXTURES, 'SearchCoupons__two_coupons', 'response.xml'), 'utf8');
    const vars = { TrackingId: '6f1c1e52-3f1b-4a43-9b7e-2a7f3f0d2b10', CouponCode1: 'AAA', CouponCode2: 'BBB' };
    const expected = substitute(base, vars, 'two_coupons');
    const fails = (mutated: string, against = expected): void => {
      expect(() => compareCanonically(mutated, against, 'mutation')).to.throw(/differs/);
    };

    it('ignores prefixes, namespace declaration placement and whitespace between elements', () => {
      const reprefixed = expected
        .replace(/\bent:/g, 'q:')
        .replace('xmlns:ent=', 'xmlns:q=')
        .replace(/\bsoap:/g, 'S:')
        .replace('xmlns:soap=', 'xmlns:S=')
        .replace(/>\s+</g, '><');
      compareCanonically(reprefixed, expected, 'reprefixed');
    });

    it('notices a Coupon in the Billing namespace instead of the Entities one', () => {
      fails(expected.replace(/<ent:Coupon>/g, '<b:Coupon>').replace(/<\/ent:Coupon>/g, '</b:Coupon>'));
    });

    it('notices two elements swapped', () => {
      fails(
        expected.replace(
          '<ent:StartDate>2020-01-01T00:00:00Z</ent:StartDate>\n          <ent:EndDate>2099-01-01T00:00:00Z</ent:EndDate>',
          '<ent:EndDate>2099-01-01T00:00:00Z</ent:EndDate><ent:StartDate>2020-01-01T00:00:00Z</ent:StartDate>',
        ),
      );
    });

    it('notices a nil element written empty, and a nil element left out', () => {
      fails(expected.replace('<ent:PercentOff xsi:nil="true"/>', '<ent:PercentOff/>'));
      fails(expected.replace('<ent:SendToDate xsi:nil="true"/>', ''));
    });

    it('notices a different text, a fractional second and an extra element', () => {
      fails(expected.replace('>AAA<', '>AAB<'));
      fails(expected.replace('2099-06-01T00:00:00Z', '2099-06-01T00:00:00.000Z'));
      fails(
        expected.replace(
          '<ent:IsRedeemed>false</ent:IsRedeemed>',
          '<ent:IsRedeemed>false</ent:IsRedeemed><ent:ClaimInfo/>',
        ),
      );
    });

    it('resolves the faultcode QName through its own prefix declaration', () => {
      const fault = (codeNs: string): string =>
        `<soap:Envelope xmlns:soap="${SOAP11}" xmlns:f="${codeNs}"><soap:Body><soap:Fault>` +
        `<faultcode>f:Server</faultcode></soap:Fault></soap:Body></soap:Envelope>`;
      const expectedFault = `<s:Envelope xmlns:s="${SOAP11}"><s:Body><s:Fault><faultcode>s:Server</faultcode></s:Fault></s:Body></s:Envelope>`;
      compareCanonically(fault(SOAP11), expectedFault, 'faultcode');
      fails(fault('urn:other'), expectedFault);
      expect(() => compareCanonically(expectedFault.replace('xmlns:s=', 'xmlns:t='), expectedFault, 'x')).to.throw();
    });
  });
});
