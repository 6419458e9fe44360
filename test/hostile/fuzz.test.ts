// Fuzzing the envelope reader (SPEC §8: "whatever arrives, the service answers with a fault"). Arbitrary strings and
// mutated valid envelopes — flipped characters, truncations, duplicated and removed tags, random prefixes and
// namespaces — go through parseEnvelope and decodeRequest, which must return or throw one of the reader's own errors
// (never a TypeError, RangeError or stack overflow) and must do it fast; then a few hundred of them go to the running
// service, which must answer each with a well-formed SOAP fault, a 200 envelope or a 4xx, and keep serving.
import { expect } from 'chai';
import fc from 'fast-check';
import { ApiError } from '../../src/errors.ts';
import { NS, operationDef, wrapperFields } from '../../src/schema/index.ts';
import { EnvelopeError, parseEnvelope } from '../../src/soap/envelope.ts';
import { HANDLERS } from '../../src/soap/operations.ts';
import { decodeRequest } from '../../src/soap/xml-decode.ts';
import { readXml, XmlReadError } from '../../src/soap/xml-reader.ts';
import { postSoap, startTestApp, type Credentials, type TestApp } from '../support/app.ts';
import { makeWorldWithCoupons, predicateXml, searchPredicatesXml, type World } from '../support/factories.ts';
import { ARRAYS, readFault, SOAP11, XSI } from '../support/soap.ts';

/** The longest any single input may take to read (inputs are at most a few KB). */
const MAX_MS_PER_INPUT = 500;

/** One valid request of each implemented operation, in the shapes real clients send. */
function seeds(creds: Credentials, w: { customerId: string; accountId: string; code: string }): string[] {
  const env = (op: string, inner: string, style: 'wcf' | 'python' = 'wcf'): string =>
    style === 'python'
      ? `<?xml version='1.0' encoding='utf-8'?><SOAP-ENV:Envelope xmlns:SOAP-ENV="${SOAP11}" xmlns:ns2="${NS.ent}" ` +
        `xmlns:ns1="${NS.tns}" xmlns:xsi="${XSI}"><SOAP-ENV:Header><ns1:AuthenticationToken>${creds.authenticationToken}` +
        `</ns1:AuthenticationToken><ns1:DeveloperToken>${creds.developerToken}</ns1:DeveloperToken></SOAP-ENV:Header>` +
        `<ns0:Body xmlns:ns0="${SOAP11}"><ns1:${op}Request>${inner.replace(/\b(b|e):/g, (_m, p: string) => (p === 'b' ? 'ns1:' : 'ns2:'))}` +
        `</ns1:${op}Request></ns0:Body></SOAP-ENV:Envelope>`
      : `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="${SOAP11}" xmlns:b="${NS.tns}" xmlns:e="${NS.ent}" ` +
        `xmlns:a="${ARRAYS}" xmlns:i="${XSI}"><s:Header><b:AuthenticationToken>${creds.authenticationToken}</b:AuthenticationToken>` +
        `<b:DeveloperToken>${creds.developerToken}</b:DeveloperToken><b:CustomerId>${w.customerId}</b:CustomerId></s:Header>` +
        `<s:Body><b:${op}Request>${inner}</b:${op}Request></s:Body></s:Envelope>`;
  // The CustomerId predicate is required; without it every search would stop at fault 474.
  const search =
    searchPredicatesXml(w.customerId, predicateXml('ClassName', 'Equals', 'Spring')) +
    '<b:Ordering><e:OrderBy><e:Field>Id</e:Field><e:Order>Ascending</e:Order></e:OrderBy>' +
    '</b:Ordering><b:PageInfo><e:Index>0</e:Index><e:Size>10</e:Size></b:PageInfo>' +
    '<b:ReturnAdditionalFields>CouponClaimInfo</b:ReturnAdditionalFields>';
  return [
    env('SearchCoupons', search),
    env('SearchCoupons', search, 'python'),
    env(
      'DispatchCoupons',
      `<b:SendToEmails><a:string>fuzz@example.com</a:string><a:string i:nil="true"/></b:SendToEmails>` +
        `<b:CustomerId>${w.customerId}</b:CustomerId><b:CouponClassName>Spring</b:CouponClassName>`,
    ),
    env('RedeemCoupon', `<b:AccountId>${w.accountId}</b:AccountId><b:CouponCode>${w.code}</b:CouponCode>`),
    env('GetCouponInfo', `<b:CustomerId>${w.customerId}</b:CustomerId>`),
    env(
      'GetAccountMonthlySpend',
      `<b:AccountId>${w.accountId}</b:AccountId><b:MonthYear>2024-05-01T00:00:00Z</b:MonthYear>`,
    ),
    env(
      'CheckFeatureAdoptionCouponEligibility',
      `<b:FeatureId>7</b:FeatureId><b:AccountIds><a:long>${w.accountId}</a:long></b:AccountIds>`,
    ),
    env(
      'ClaimFeatureAdoptionCoupons',
      `<b:AccountCouponPairs><e:KeyValueEntityOflongstring><e:Key>${w.accountId}</e:Key><e:Value>${w.code}</e:Value>` +
        `</e:KeyValueEntityOflongstring></b:AccountCouponPairs>`,
    ),
    env(
      'DistributeCoupons',
      `<b:AccountIds><a:int>1</a:int></b:AccountIds><b:ClassName>Spring</b:ClassName><b:FeatureId>7</b:FeatureId>` +
        `<b:SendNotification>false</b:SendNotification>`,
    ),
    env(
      'GetBillingDocumentsInfo',
      `<b:AccountIds><a:long>${w.accountId}</a:long></b:AccountIds><b:StartDate>2024-01-01T00:00:00Z</b:StartDate>` +
        `<b:EndDate i:nil="true"/><b:ReturnInvoiceNumber>true</b:ReturnInvoiceNumber>`,
    ),
    env(
      'GetBillingDocuments',
      `<b:BillingDocumentsInfo><e:BillingDocumentInfo><e:AccountId>${w.accountId}</e:AccountId><e:Amount>1.5</e:Amount>` +
        `<e:DocumentId>1</e:DocumentId><e:CustomerId>${w.customerId}</e:CustomerId></e:BillingDocumentInfo>` +
        `</b:BillingDocumentsInfo><b:Type>Pdf</b:Type>`,
    ),
    env('GetBillingGroups', `<b:CustomerId>${w.customerId}</b:CustomerId>`),
    env('GetUngroupedAccounts', `<b:CustomerId>${w.customerId}</b:CustomerId>`),
    env(
      'UpdateBillingGroupAccounts',
      `<b:CustomerId>${w.customerId}</b:CustomerId><b:BillingGroupId>1</b:BillingGroupId>` +
        `<b:AccountsToAdd><a:long>${w.accountId}</a:long></b:AccountsToAdd>`,
    ),
    env(
      'AddInsertionOrder',
      `<b:InsertionOrder><e:AccountId>${w.accountId}</e:AccountId><e:EndDate>2099-02-01T00:00:00Z</e:EndDate>` +
        `<e:Id i:nil="true"/><e:NotificationThreshold>50</e:NotificationThreshold><e:SpendCapAmount>100.5</e:SpendCapAmount>` +
        `<e:StartDate>2099-01-01T00:00:00Z</e:StartDate><e:Name>Fuzz</e:Name><e:PurchaseOrder>PO-1</e:PurchaseOrder></b:InsertionOrder>`,
    ),
    env(
      'UpdateInsertionOrder',
      `<b:InsertionOrder><e:AccountId>${w.accountId}</e:AccountId><e:Id>1</e:Id><e:PendingChanges>` +
        `<e:SpendCapAmount>200</e:SpendCapAmount><e:ChangeStatus>ApproveChanges</e:ChangeStatus></e:PendingChanges></b:InsertionOrder>`,
    ),
    env(
      'SearchInsertionOrders',
      `<b:Predicates><e:Predicate><e:Field>AccountId</e:Field><e:Operator>Equals</e:Operator><e:Value>${w.accountId}</e:Value>` +
        `</e:Predicate><e:Predicate><e:Field>StartDate</e:Field><e:Operator>GreaterThanEquals</e:Operator>` +
        `<e:Value>2024-01-01T00:00:00Z</e:Value></e:Predicate></b:Predicates><b:Ordering><e:OrderBy><e:Field>Name</e:Field>` +
        `<e:Order>Ascending</e:Order></e:OrderBy></b:Ordering><b:PageInfo><e:Index>0</e:Index><e:Size>10</e:Size></b:PageInfo>` +
        '<b:ReturnAdditionalFields>UnlimitedAndEndlessFlags</b:ReturnAdditionalFields>',
    ),
  ];
}

/** Characters that make XML interesting. */
const xmlish = fc.constantFrom(
  '<', '>', '/', '?', '!', '=', '"', "'", '&', ';', '#', ':', ' ', '\n', '[', ']', '-',
  'a', 'x', 's', 'b:', 'xmlns', 'Envelope', 'Body', 'Header', '&amp;', '&#', '&#x', '<!--', '-->', '<![CDATA[', ']]>',
  '<!DOCTYPE', '<?xml', '?>', SOAP11, NS.tns, '\u0000', '\uFFFE', '\uD800', '😀', 'é',
); // prettier-ignore

/** Text a value may be replaced with: well-formed, but anything but what the schema expects. */
const valueText = fc.oneof(
  fc.string({ unit: fc.constantFrom('0', '1', '9', '-', '+', '.', 'e', 'T', 'Z', ':', ' ', 'a', '&amp;', '&lt;', '&#233;', "'", '%', '_', ','), maxLength: 24 }),
  fc.constantFrom('', ' ', 'true', 'NaN', '-0', '9223372036854775808', '2147483648', '2024-02-30T00:00:00Z', 'Equals', 'CouponClaimInfo', "' OR 1=1 --"),
  fc.integer({ min: 1000, max: 5000 }).map((n) => 'A'.repeat(n)),
); // prettier-ignore

/** A position, as a fraction of the document (fc.double would favour 0, 1 and denormals). */
const at = fc.integer({ min: 0, max: 9999 }).map((n) => n / 10000);
/** A mutation of a document: where (0..1 of its length) and what. */
const mutation = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('flip' as const), at, s: fc.string({ unit: 'binary', minLength: 1, maxLength: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('duplicateTag' as const), at, times: fc.integer({ min: 2, max: 3 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('removeTag' as const), at }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('prefix' as const), s: fc.string({ unit: xmlish, maxLength: 8 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('namespace' as const), at, s: fc.oneof(fc.webUrl(), fc.string({ maxLength: 12 }), fc.constantFrom('', SOAP11, NS.tns, NS.ent, 'http://www.w3.org/2003/05/soap-envelope')) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('renamePrefix' as const), from: fc.constantFrom('s:', 'b:', 'e:', 'a:', 'i:', 'ns1:', 'ns2:', 'SOAP-ENV:'), to: fc.constantFrom('', 'x:', 's:', 'b:', 'e:', 'xml:', 'xmlns:', '1:', ':') }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('insert' as const), at, s: fc.string({ unit: xmlish, maxLength: 6 }) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('value' as const), at, s: valueText }) },
); // prettier-ignore
/** Mutations that keep most documents well-formed, so they reach the request decoder and the services. */
const wellFormed = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('value' as const), at, s: valueText }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('duplicateTag' as const), at, times: fc.integer({ min: 2, max: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('removeTag' as const), at }) },
); // prettier-ignore
type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

/** Positions of the tags (`<…>`) of a document. */
function tags(doc: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  for (const m of doc.matchAll(/<[^<>]*>/g)) out.push({ start: m.index, end: m.index + m[0].length });
  return out;
}

function mutate(doc: string, m: Mutation): string {
  const pos = (at: number): number => Math.floor(at * doc.length);
  switch (m.kind) {
    case 'flip': {
      const i = pos(m.at);
      return doc.slice(0, i) + m.s + doc.slice(i + m.s.length);
    }
    case 'truncate':
      return doc.slice(0, pos(m.at));
    case 'insert':
      return doc.slice(0, pos(m.at)) + m.s + doc.slice(pos(m.at));
    case 'prefix':
      return m.s + doc;
    case 'duplicateTag':
    case 'removeTag': {
      const all = tags(doc);
      if (all.length === 0) return doc;
      const tag = all[Math.min(all.length - 1, Math.floor(m.at * all.length))]!;
      const text = doc.slice(tag.start, tag.end);
      // An opening tag takes its element along (up to its closing tag), so whole elements are duplicated or lost.
      const name = /^<([^\s/>!?]+)/.exec(text)?.[1];
      const close = name && !text.endsWith('/>') ? doc.indexOf(`</${name}>`, tag.end) : -1;
      const end = close >= 0 ? close + name!.length + 3 : tag.end;
      const piece = doc.slice(tag.start, end);
      return doc.slice(0, tag.start) + (m.kind === 'removeTag' ? '' : piece.repeat(m.times)) + doc.slice(end);
    }
    case 'namespace': {
      const decls = [...doc.matchAll(/xmlns(:\w[\w-]*)?="([^"]*)"/g)];
      const d = decls[Math.min(decls.length - 1, Math.floor(m.at * decls.length))];
      if (!d) return doc;
      const i = d.index + d[0].indexOf('"') + 1;
      return doc.slice(0, i) + m.s.replace(/["<&]/g, '') + doc.slice(i + d[2]!.length);
    }
    case 'renamePrefix':
      return doc.split(m.from).join(m.to);
    case 'value': {
      const texts = [...doc.matchAll(/>([^<>]*)<\//g)];
      const v = texts[Math.min(texts.length - 1, Math.floor(m.at * texts.length))];
      if (!v) return doc;
      return doc.slice(0, v.index + 1) + m.s + doc.slice(v.index + 1 + v[1]!.length);
    }
  }
}

/** Reads a document as the endpoint does; returns what happened, or throws anything else (which fails the test). */
function readOnce(doc: string): 'ok' | 'envelope' | 'request' {
  try {
    const env = parseEnvelope(doc);
    const name = env.body.local.replace(/Request$/, '');
    // Any operation's fields: a document fuzzed into another operation's element is still read against a contract.
    const op = env.body.ns === NS.tns && operationDef(name) ? name : 'SearchCoupons';
    decodeRequest(wrapperFields(`${op}Request`), env.body);
    return 'ok';
  } catch (e) {
    if (e instanceof EnvelopeError || e instanceof XmlReadError) return 'envelope';
    if (e instanceof ApiError) return 'request';
    throw e;
  }
}

/** readOnce, failing when it takes longer than MAX_MS_PER_INPUT (a hang shows up as a slow, failing case). */
function read(doc: string): 'ok' | 'envelope' | 'request' {
  const started = performance.now();
  const outcome = readOnce(doc);
  const ms = performance.now() - started;
  if (ms > MAX_MS_PER_INPUT) throw new Error(`reading took ${ms.toFixed(0)} ms for ${doc.length} chars`);
  return outcome;
}

const fixedWorld = { customerId: '1', accountId: '2', code: 'ABCDEFGHJKMNP' };
const fixedSeeds = seeds({ authenticationToken: 'auth-token', developerToken: 'dev-token' }, fixedWorld);

describe('the envelope reader under fuzzing returns or throws only its own errors, quickly', function () {
  this.timeout(120000);

  it('every seed envelope is read successfully (so mutations start from valid requests)', () => {
    for (const s of fixedSeeds) expect(read(s), s).to.equal('ok');
    expect(fixedSeeds.length).to.be.greaterThan(HANDLERS.size);
  });

  it('arbitrary strings of any Unicode', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (s) => void read(s)),
      { numRuns: 3000 },
    );
  });

  it('arbitrary strings made of XML syntax', () => {
    fc.assert(
      fc.property(fc.string({ unit: xmlish, maxLength: 200 }), (s) => void read(s)),
      { numRuns: 3000 },
    );
  });

  it('valid envelopes with one to five mutations', () => {
    const outcomes = { ok: 0, envelope: 0, request: 0 };
    fc.assert(
      fc.property(fc.constantFrom(...fixedSeeds), fc.array(mutation, { minLength: 1, maxLength: 5 }), (seed, ms) => {
        outcomes[read(ms.reduce(mutate, seed))]++;
      }),
      { numRuns: 5000 },
    );
    console.log(`      outcomes: ${JSON.stringify(outcomes)}`);
    // The mutations reach every layer: some still parse, some break the XML, some break only the request.
    for (const n of Object.values(outcomes)) expect(n).to.be.greaterThan(20);
  });

  it('valid envelopes with well-formed mutations of values and elements', () => {
    const outcomes = { ok: 0, envelope: 0, request: 0 };
    fc.assert(
      fc.property(fc.constantFrom(...fixedSeeds), fc.array(wellFormed, { minLength: 1, maxLength: 4 }), (seed, ms) => {
        outcomes[read(ms.reduce(mutate, seed))]++;
      }),
      { numRuns: 5000 },
    );
    console.log(`      outcomes: ${JSON.stringify(outcomes)}`);
    expect(outcomes.request).to.be.greaterThan(500);
    expect(outcomes.ok).to.be.greaterThan(500);
  });

  it('deep, wide and repetitive structures stay fast', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 1, max: 2000 }),
        fc.constantFrom('<b:x>', '<b:x a="1">', '<e:Predicate>', '<![CDATA[', '&#x41;', '<!---->'),
        (depth, width, unit) => {
          const seed = fixedSeeds[0]!;
          const at = seed.indexOf('<b:PageInfo>');
          void read(seed.slice(0, at) + unit.repeat(depth) + '<e:Index>1</e:Index>'.repeat(width) + seed.slice(at));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('the running service under fuzzing answers every request with a SOAP fault, a 200 or a 4xx', function () {
  this.timeout(300000);
  let t: TestApp;
  let w: World;
  let codes: string[];
  let live: string[];

  before(async () => {
    // Mutated credential headers are failed sign-ins from this one address; the failed-sign-in limit would pause it
    // after ten (credential-guessing.test.ts covers that), and this suite is about parsing, so it is off here.
    t = await startTestApp({ signInMaxFailures: 0 });
    ({ w, codes } = await makeWorldWithCoupons(t, 50));
    live = seeds(w.user, { customerId: w.customerId, accountId: w.accountId, code: codes[0]! });
  });
  after(async () => t?.close());

  it('600 mutated requests: no 5xx but SOAP faults, no internal error, and the service keeps serving', async () => {
    const statuses = new Map<number, number>();
    const faultCodes = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          {
            weight: 3,
            arbitrary: fc
              .tuple(fc.constantFrom(...live), fc.array(mutation, { minLength: 1, maxLength: 3 }))
              .map(([s, ms]) => ms.reduce(mutate, s)),
          },
          {
            weight: 4,
            arbitrary: fc
              .tuple(fc.constantFrom(...live), fc.array(wellFormed, { minLength: 1, maxLength: 3 }))
              .map(([s, ms]) => ms.reduce(mutate, s)),
          },
          { weight: 1, arbitrary: fc.string({ unit: xmlish, maxLength: 200 }) },
          { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
        ),
        fc.option(fc.constantFrom('SearchCoupons', '"RedeemCoupon"', '', 'x/DispatchCoupons', '"', '\t')),
        async (doc, action) => {
          const res = await postSoap(t.endpoint, doc, action === null ? {} : { SOAPAction: action });
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          if (res.status === 200) {
            const env = readXml(res.body);
            expect([env.ns, env.local]).to.deep.equal([SOAP11, 'Envelope']);
          } else if (res.status === 500) {
            expect(res.contentType).to.equal('text/xml; charset=utf-8');
            const f = readFault(res.body);
            for (const c of f.codes) faultCodes.set(c, (faultCodes.get(c) ?? 0) + 1);
            expect(f.codes, `an internal error for:\n${doc}\n${res.body}`).to.not.include(0);
          } else expect(res.status, res.body).to.be.within(400, 499);
        },
      ),
      { numRuns: 600 },
    );
    console.log(
      `      statuses ${JSON.stringify(Object.fromEntries(statuses))}; fault codes ${JSON.stringify(Object.fromEntries(faultCodes))}`,
    );
    const after = await postSoap(t.endpoint, live[0]!);
    expect(after.status, after.body).to.equal(200);
    expect(await (await fetch(`${t.baseUrl}/health`)).text()).to.include('ok');
    expect(t.logs.filter((l) => l.includes('"level":"error"'))).to.deep.equal([]);
  });
});
