// Hostile and broken input (SPEC §2, §8): whatever arrives, the service answers with the exact SOAP 1.1 fault or
// HTTP 4xx the contract names, carries the same TrackingId in the fault header, the fault detail and its log
// line, never logs a secret, and keeps serving: after every case a normal SearchCoupons still succeeds.
import { expect } from 'chai';
import { operations } from '../../src/schema/index.ts';
import { readXml, type XElement } from '../../src/soap/xml-reader.ts';
import {
  postSoap,
  SERVICE_PATH,
  soapRequest,
  startTestApp,
  useTestApp,
  type Credentials,
  type TestApp,
} from '../support/app.ts';
import {
  makeCouponClass,
  makeUser,
  makeWorld,
  mint,
  predicateXml,
  searchPredicatesXml,
  type World,
} from '../support/factories.ts';
import { rawHttp } from '../support/hostile.ts';
import {
  BILLING,
  ENTITIES,
  expectFault as expectSoapFault,
  readFault,
  SOAP11,
  XML_TYPE,
  type Answer,
  type Fault,
} from '../support/soap.ts';

const SOAP12 = 'http://www.w3.org/2003/05/soap-envelope';
const WSDL_SOAP = 'http://schemas.xmlsoap.org/wsdl/soap/';
const ENVELOPE_OPEN = `<s:Envelope xmlns:s="${SOAP11}" xmlns:b="${BILLING}" xmlns:e="${ENTITIES}">`;

const find = (el: XElement | undefined, ns: string, local: string): XElement | undefined =>
  el?.children.find((c) => c.ns === ns && c.local === local);

/** The JSON log lines that mention `id`. */
function logLinesWith(t: TestApp, id: string): Record<string, unknown>[] {
  return t.logs.filter((l) => l.includes(id)).map((l) => JSON.parse(l) as Record<string, unknown>);
}

type FaultKind = 'Client' | 'Server' | 'VersionMismatch' | 'MustUnderstand';
interface Want {
  faultcode: FaultKind;
  /** The detail element: ApiFault ({Billing}ApiFault), AdApiFaultDetail ({adapi}…), or none. */
  detail: 'ApiFault' | 'AdApiFaultDetail' | null;
  code?: number;
}

describe('hostile and broken input gets the contract’s fault, and the service keeps serving', function () {
  this.timeout(60000);
  const t = useTestApp();
  let w: World;
  let creds: Credentials;
  let codes: string[];
  /** Every secret handed to the server in this suite: none may appear in a log line. */
  const secrets: string[] = [];

  const post = (xml: string | Buffer, headers: Record<string, string> = {}) => postSoap(t.endpoint, xml, headers);
  /** The suite user's own coupons: the CustomerId predicate that SearchCoupons requires, and nothing else. */
  const mine = (): string => searchPredicatesXml(w.customerId);
  /** A SearchCoupons request; without `inner`, a valid search of the suite user's coupons. */
  const search = (inner = mine(), extraHeaders = '', c: Credentials | null = creds): string =>
    soapRequest('SearchCoupons', inner, c, extraHeaders);

  /** The suite user's credentials as a SOAP Header (a body problem is only looked for once they pass). */
  const credentialHeader = (): string =>
    `<s:Header><b:AuthenticationToken>${creds.authenticationToken}</b:AuthenticationToken>` +
    `<b:DeveloperToken>${creds.developerToken}</b:DeveloperToken></s:Header>`;

  /**
   * Asserts a SOAP 1.1 fault as the contract shapes it (test/support/soap.ts), with one TrackingId everywhere, every
   * error of the detail of `want.code`, and one log line for the request; returns it read.
   */
  function expectFault(res: Answer, want: Want): Fault {
    const f = expectSoapFault(res, { faultcode: want.faultcode, detail: want.detail });
    if (want.detail !== null) {
      expect(f.codes).to.have.length.greaterThan(0);
      if (want.code !== undefined) for (const c of f.codes) expect(c, res.body).to.equal(want.code);
    }
    const lines = logLinesWith(t, f.headerTrackingId);
    expect(lines, 'one log line for the request, with its TrackingId').to.have.length(1);
    expect(lines[0]).to.include({ msg: 'request', status: 500 });
    if (want.code !== undefined) expect(lines[0]!.code).to.equal(want.code);
    return f;
  }

  /** A plain 4xx (non-SOAP traffic): status, text body, and no SOAP document. */
  function expectHttp(res: { status: number; body: string }, status: number): void {
    expect(res.status, res.body).to.equal(status);
    expect(res.body).to.not.include('Envelope');
  }

  async function stillServes(): Promise<void> {
    const res = await post(search(`${mine()}<b:PageInfo><e:Index>0</e:Index><e:Size>10</e:Size></b:PageInfo>`), {
      SOAPAction: '"SearchCoupons"',
    });
    expect(res.status, res.body).to.equal(200);
    const env = readXml(res.body);
    const list = find(find(find(env, SOAP11, 'Body'), BILLING, 'SearchCouponsResponse'), BILLING, 'Coupons');
    const found = (list?.children ?? []).map((c) => find(c, ENTITIES, 'CouponCode')?.text);
    expect(found).to.deep.equal(codes);
  }

  before(async () => {
    w = await makeWorld(t);
    creds = w.user;
    secrets.push(w.user.authenticationToken, w.user.developerToken);
    await makeCouponClass(t, w.customerId, { name: 'Spring' });
    codes = await mint(t, w.customerId, 'Spring', 2);
  });

  describe('documents that are not well-formed XML', () => {
    it('malformed XML is an s:Client ApiFault with code 100', async () => {
      expectFault(
        await post(`${ENVELOPE_OPEN}${credentialHeader()}<s:Body><b:SearchCouponsRequest></s:Body></s:Envelope>`),
        {
          faultcode: 'Client',
          detail: 'ApiFault',
          code: 100,
        },
      );
      await stillServes();
    });

    it('a malformed body without credentials is code 105, and the body is never read', async () => {
      // The Header comes before the Body: credentials are checked first, so an anonymous sender cannot make the
      // service parse a body. The log line says how much of the document was read: not the 900 KB of junk.
      const junk = `<b:x xmlns:j="urn:j" j:a="1">${'<y a="1" a="2"><![CDATA[&'.repeat(37_000)}`;
      const xml = `${ENVELOPE_OPEN}<s:Header/><s:Body><b:SearchCouponsRequest>${junk}</s:Body></s:Envelope>`;
      expect(xml.length).to.be.greaterThan(900 * 1024);
      const f = expectFault(await post(xml), { faultcode: 'Server', detail: 'AdApiFaultDetail', code: 105 });
      const [line] = logLinesWith(t, f.headerTrackingId);
      expect(line!.parsedChars)
        .to.be.a('number')
        .and.to.be.lessThan(ENVELOPE_OPEN.length + 100);
      await stillServes();
    });

    it('truncated XML is an s:Client ApiFault with code 100', async () => {
      const full = search();
      expectFault(await post(full.slice(0, full.length - 20)), { faultcode: 'Client', detail: 'ApiFault', code: 100 });
      await stillServes();
    });

    it('invalid UTF-8 bytes are an s:Client ApiFault with code 100, not replacement characters', async () => {
      const [head, tail] = search(
        '<b:Predicates><e:Predicate><e:Field>ClassName</e:Field><e:Operator>Equals</e:Operator><e:Value>@@</e:Value></e:Predicate></b:Predicates>',
      ).split('@@');
      const body = Buffer.concat([Buffer.from(head!), Buffer.from([0xc3, 0x28, 0xff, 0xfe]), Buffer.from(tail!)]);
      expectFault(await post(body), { faultcode: 'Client', detail: 'ApiFault', code: 100 });
      await stillServes();
    });

    it('a literal NUL or control character is an s:Client ApiFault with code 100, not an internal error', async () => {
      for (const c of ['\u0000', '\u0007']) {
        const value = `<b:Predicates><e:Predicate><e:Field>ClassName</e:Field><e:Operator>Equals</e:Operator><e:Value>a${c}b</e:Value></e:Predicate></b:Predicates>`;
        expectFault(await post(search(value)), { faultcode: 'Client', detail: 'ApiFault', code: 100 });
      }
      await stillServes();
    });

    it('an empty body is an s:Client ApiFault with code 100', async () => {
      expectFault(await post(''), { faultcode: 'Client', detail: 'ApiFault', code: 100 });
      await stillServes();
    });
  });

  describe('XML attacks', () => {
    it('a DOCTYPE with an external entity (XXE) is refused and /etc/passwd never leaks', async () => {
      const xxe =
        `<?xml version="1.0"?><!DOCTYPE s:Envelope [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>` +
        search(
          `<b:Predicates><e:Predicate><e:Field>ClassName</e:Field><e:Operator>Equals</e:Operator><e:Value>&xxe;</e:Value></e:Predicate></b:Predicates>`,
        ).replace(/^<\?xml[^>]*\?>/, '');
      const res = await post(xxe);
      expectFault(res, { faultcode: 'Client', detail: 'ApiFault', code: 100 });
      expect(res.body).to.not.match(/root:|nologin|\/bin\/(ba)?sh/);
      expect(t.logs.join('')).to.not.match(/root:x?:?0|nologin/);
      await stillServes();
    });

    it('an entity-expansion bomb is refused at once', async () => {
      let dtd = '<!ENTITY lol0 "lol">';
      for (let i = 1; i < 10; i++) dtd += `<!ENTITY lol${i} "${`&lol${i - 1};`.repeat(10)}">`;
      const bomb =
        `<?xml version="1.0"?><!DOCTYPE lolz [${dtd}]>` +
        search(
          `<b:Predicates><e:Predicate><e:Field>ClassName</e:Field><e:Operator>Equals</e:Operator><e:Value>&lol9;</e:Value></e:Predicate></b:Predicates>`,
        ).replace(/^<\?xml[^>]*\?>/, '');
      const started = Date.now();
      const res = await post(bomb);
      expect(Date.now() - started).to.be.lessThan(5000);
      expectFault(res, { faultcode: 'Client', detail: 'ApiFault', code: 100 });
      expect(res.body).to.not.include('lollollol');
      await stillServes();
    });

    it('10,000 levels of nesting are an s:Client ApiFault with code 100', async () => {
      const deep = `${ENVELOPE_OPEN}<s:Body>${'<b:x>'.repeat(10_000)}${'</b:x>'.repeat(10_000)}</s:Body></s:Envelope>`;
      expectFault(await post(deep), { faultcode: 'Client', detail: 'ApiFault', code: 100 });
      await stillServes();
    });

    it('a body over 1 MiB is refused with 413 before it is parsed, with or without a Content-Length', async () => {
      // A DOCTYPE up front: had the body been parsed, the answer would be a code 100 fault, not 413.
      const huge = `<!DOCTYPE x>${search(`<b:Predicates><e:Predicate><e:Value>${'A'.repeat(1024 * 1024)}</e:Value></e:Predicate></b:Predicates>`)}`;
      const declared = await rawHttp(t.endpoint, {
        method: 'POST',
        headers: { 'Content-Type': XML_TYPE, 'Content-Length': String(Buffer.byteLength(huge)) },
        body: huge,
      });
      expectHttp(declared, 413);
      const chunked = await rawHttp(t.endpoint, {
        method: 'POST',
        headers: { 'Content-Type': XML_TYPE, 'Transfer-Encoding': 'chunked' },
        body: huge,
        chunked: true,
      });
      expectHttp(chunked, 413);
      await stillServes();
    });

    it('an element named __proto__ is refused without crashing, and nothing is polluted', async () => {
      // Unprefixed, the parser itself refuses the name (100); prefixed, it is an element the schema lacks (201).
      expectFault(await post(search(`<__proto__ xmlns="${BILLING}"><polluted>1</polluted></__proto__>`)), {
        faultcode: 'Client',
        detail: 'ApiFault',
        code: 100,
      });
      expectFault(await post(search('<b:__proto__><e:polluted>1</e:polluted></b:__proto__>')), {
        faultcode: 'Client',
        detail: 'ApiFault',
        code: 201,
      });
      expectFault(await post(search('<b:PageInfo><e:constructor>1</e:constructor></b:PageInfo>')), {
        faultcode: 'Client',
        detail: 'ApiFault',
        code: 201,
      });
      expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
      await stillServes();
    });
  });

  describe('SOAP version, HTTP method and content type', () => {
    it('a SOAP 1.2 envelope gets an s:VersionMismatch fault in a SOAP 1.1 envelope', async () => {
      const v12 = `<env:Envelope xmlns:env="${SOAP12}"><env:Body><b:SearchCouponsRequest xmlns:b="${BILLING}"/></env:Body></env:Envelope>`;
      expectFault(await post(v12), { faultcode: 'VersionMismatch', detail: null });
      await stillServes();
    });

    it('the SOAP 1.2 content type application/soap+xml is 415', async () => {
      expectHttp(await post(search(), { 'Content-Type': 'application/soap+xml; charset=utf-8' }), 415);
      await stillServes();
    });

    it('a content type that is not text/xml is 415', async () => {
      expectHttp(await post(search(), { 'Content-Type': 'application/json' }), 415);
      expectHttp(await rawHttp(t.endpoint, { method: 'POST', body: search() }), 415);
      await stillServes();
    });

    it('GET without ?wsdl is a 200 help page pointing at the WSDL', async () => {
      const res = await fetch(t.endpoint);
      expect(res.status).to.equal(200);
      expect(res.headers.get('content-type')).to.match(/^text\/html/);
      expect(await res.text()).to.include('?wsdl');
      await stillServes();
    });

    it('PUT is 405 and names the allowed methods', async () => {
      const res = await rawHttp(t.endpoint, { method: 'PUT', headers: { 'Content-Type': XML_TYPE }, body: search() });
      expectHttp(res, 405);
      expect(res.headers.allow).to.equal('GET, POST');
      await stillServes();
    });
  });

  describe('the body element', () => {
    it('a request element in the wrong namespace is an s:Client ApiFault with code 100', async () => {
      const xml = `${ENVELOPE_OPEN}<s:Body><e:SearchCouponsRequest/></s:Body></s:Envelope>`;
      expectFault(await post(xml), { faultcode: 'Client', detail: 'ApiFault', code: 100 });
      await stillServes();
    });

    it('an operation the contract does not declare is an s:Client ApiFault with code 100', async () => {
      expectFault(await post(soapRequest('Frobnicate', '', creds)), {
        faultcode: 'Client',
        detail: 'ApiFault',
        code: 100,
      });
      await stillServes();
    });

    it('a Body with two elements, or none, is an s:Client ApiFault with code 100', async () => {
      const two = `${ENVELOPE_OPEN}${credentialHeader()}<s:Body><b:SearchCouponsRequest/><b:SearchCouponsRequest/></s:Body></s:Envelope>`;
      expectFault(await post(two), { faultcode: 'Client', detail: 'ApiFault', code: 100 });
      const none = `${ENVELOPE_OPEN}<s:Header/></s:Envelope>`;
      expectFault(await post(none), { faultcode: 'Client', detail: 'ApiFault', code: 100 });
      await stillServes();
    });

    it('every operation the WSDL declares is built: an empty request to each gets its own answer, never 204', async () => {
      for (const { name } of operations) {
        const res = await post(soapRequest(name, '', creds), { SOAPAction: name });
        const codes = res.status === 200 ? [] : readFault(res.body).codes;
        expect(codes, `${name}: ${res.body}`).to.not.include(204);
      }
      await stillServes();
    });
  });

  describe('authentication headers', () => {
    it('a missing AuthenticationToken is AdApiFaultDetail code 105', async () => {
      const xml = search(mine(), `<b:DeveloperToken>${creds.developerToken}</b:DeveloperToken>`, null);
      const f = expectFault(await post(xml), { faultcode: 'Server', detail: 'AdApiFaultDetail', code: 105 });
      expect(f.errorCodes).to.deep.equal(['InvalidCredentials']);
      await stillServes();
    });

    it('a missing DeveloperToken is AdApiFaultDetail code 105', async () => {
      const xml = search(mine(), `<b:AuthenticationToken>${creds.authenticationToken}</b:AuthenticationToken>`, null);
      expectFault(await post(xml), { faultcode: 'Server', detail: 'AdApiFaultDetail', code: 105 });
      await stillServes();
    });

    it('a wrong DeveloperToken beside a valid AuthenticationToken is code 105, and the fault does not echo either', async () => {
      const xml = search(
        mine(),
        `<b:AuthenticationToken>${creds.authenticationToken}</b:AuthenticationToken><b:DeveloperToken>wrong-developer-token</b:DeveloperToken>`,
        null,
      );
      const res = await post(xml);
      expectFault(res, { faultcode: 'Server', detail: 'AdApiFaultDetail', code: 105 });
      expect(res.body).to.not.include(creds.authenticationToken);
      expect(res.body).to.not.include('wrong-developer-token');
      await stillServes();
    });

    it('empty and nil UserName/Password beside a valid token are not an error (the PHP SDK sends them)', async () => {
      for (const extra of [
        '<b:UserName></b:UserName><b:Password></b:Password>',
        '<b:UserName/><b:Password/>',
        `<b:UserName xmlns:i="http://www.w3.org/2001/XMLSchema-instance" i:nil="true"/><b:Password xmlns:i="http://www.w3.org/2001/XMLSchema-instance" i:nil="true"/>`,
      ]) {
        const res = await post(search(mine(), extra));
        expect(res.status, `${extra}\n${res.body}`).to.equal(200);
      }
      await stillServes();
    });

    it('UserName + Password log in a user created with --username/--password; a wrong password is 105', async () => {
      const password = 'correct horse battery staple';
      const u = await makeUser(t, w.customerId, { username: 'alice@contoso.test', password });
      secrets.push(password, u.authenticationToken, u.developerToken);
      const login = (pw: string): string =>
        search(
          mine(),
          `<b:DeveloperToken>${u.developerToken}</b:DeveloperToken><b:UserName>alice@contoso.test</b:UserName><b:Password>${pw}</b:Password>`,
          null,
        );
      const ok = await post(login(password));
      expect(ok.status, ok.body).to.equal(200);
      expect(readXml(ok.body).local).to.equal('Envelope');
      const wrong = await post(login('not the password'));
      expectFault(wrong, { faultcode: 'Server', detail: 'AdApiFaultDetail', code: 105 });
      expect(wrong.body).to.not.include(password);
      await stillServes();
    });

    it('an expired AuthenticationToken is AdApiFaultDetail code 109 (the Python SDK refreshes on it)', async () => {
      const u = await makeUser(t, w.customerId, { expires: '2000-01-01T00:00:00Z' });
      secrets.push(u.authenticationToken, u.developerToken);
      const f = expectFault(await post(search(mine(), '', u)), {
        faultcode: 'Server',
        detail: 'AdApiFaultDetail',
        code: 109,
      });
      expect(f.errorCodes).to.deep.equal(['AuthenticationTokenExpired']);
      await stillServes();
    });
  });

  describe('invalid values in SearchCoupons', () => {
    const client201 = async (inner: string, naming: string): Promise<void> => {
      const f = expectFault(await post(search(inner)), { faultcode: 'Client', detail: 'ApiFault', code: 201 });
      expect(f.details.join(' ')).to.include(naming);
    };

    it('a non-numeric PageInfo.Index is code 201 naming the element', async () => {
      await client201('<b:PageInfo><e:Index>first</e:Index><e:Size>10</e:Size></b:PageInfo>', 'PageInfo.Index');
      await stillServes();
    });

    it('an overflowing PageInfo.Size (beyond xs:int) is code 201, not a wrapped or rounded number', async () => {
      await client201(
        '<b:PageInfo><e:Index>0</e:Index><e:Size>9223372036854775808</e:Size></b:PageInfo>',
        'PageInfo.Size',
      );
      await client201('<b:PageInfo><e:Index>0</e:Index><e:Size>4294967306</e:Size></b:PageInfo>', 'PageInfo.Size');
      await stillServes();
    });

    it('a bad PredicateOperator, OrderByField, SortOrder or additional field is code 201', async () => {
      await client201(
        '<b:Predicates><e:Predicate><e:Field>ClassName</e:Field><e:Operator>Like</e:Operator><e:Value>x</e:Value></e:Predicate></b:Predicates>',
        'Predicate.Operator',
      );
      await client201(
        '<b:Ordering><e:OrderBy><e:Field>Colour</e:Field><e:Order>Ascending</e:Order></e:OrderBy></b:Ordering>',
        'OrderBy.Field',
      );
      await client201(
        '<b:Ordering><e:OrderBy><e:Field>Id</e:Field><e:Order>Sideways</e:Order></e:OrderBy></b:Ordering>',
        'OrderBy.Order',
      );
      await client201('<b:ReturnAdditionalFields>Everything</b:ReturnAdditionalFields>', 'ReturnAdditionalFields');
      await stillServes();
    });

    it('a SearchCoupons element nil where the schema forbids it, or repeated, is code 201', async () => {
      await client201(
        '<b:PageInfo><e:Index xmlns:i="http://www.w3.org/2001/XMLSchema-instance" i:nil="true"/><e:Size>10</e:Size></b:PageInfo>',
        'PageInfo.Index',
      );
      await client201(
        '<b:PageInfo><e:Size>10</e:Size></b:PageInfo><b:PageInfo><e:Size>10</e:Size></b:PageInfo>',
        'PageInfo',
      );
      await stillServes();
    });

    // Predicate.Value is an xs:string, so ids and dates inside predicates are checked by the service: SPEC §4
    // makes a bad predicate value an invalid predicate, 3030 — still never NaN or Invalid Date downstream.
    it('non-numeric and overflowing id predicates and malformed date predicates are code 3030', async () => {
      // The malformed CustomerId stands in for the required one; every other bad predicate comes beside it.
      const contoso = `<b:Predicates>${predicateXml('CustomerId', 'Equals', 'Contoso')}</b:Predicates>`;
      for (const inner of [
        contoso,
        ...[
          ['AccountId', 'Equals', '9223372036854775808'],
          ['AccountId', 'In', '1,2,x'],
          ['StartDate', 'GreaterThanEquals', '2024-02-30T00:00:00Z'],
          ['RedemptionDate', 'LessThanEquals', 'yesterday'],
          ['IsRedeemed', 'Equals', 'maybe'],
        ].map(([field, op, value]) => searchPredicatesXml(w.customerId, predicateXml(field!, op!, value!))),
      ]) {
        expectFault(await post(search(inner)), { faultcode: 'Server', detail: 'ApiFault', code: 3030 });
      }
      await stillServes();
    });

    it('SQL metacharacters in a predicate value are data', async () => {
      const inner = searchPredicatesXml(w.customerId, predicateXml('ClassName', 'Equals', `'; DROP TABLE coupons; --`));
      const res = await post(search(inner));
      expect(res.status, res.body).to.equal(200);
      await stillServes();
    });
  });

  describe('SOAP headers', () => {
    it('an unknown header marked mustUnderstand="1" gets an s:MustUnderstand fault', async () => {
      const extra = `<x:Session xmlns:x="urn:example:session" s:mustUnderstand="1">abc</x:Session>`;
      expectFault(await post(search(mine(), extra)), { faultcode: 'MustUnderstand', detail: null });
      await stillServes();
    });

    it('an unknown header without mustUnderstand (or with mustUnderstand="0") is ignored', async () => {
      for (const extra of [
        `<x:Session xmlns:x="urn:example:session">abc</x:Session>`,
        `<x:Session xmlns:x="urn:example:session" s:mustUnderstand="0">abc</x:Session>`,
        `<b:TrackingId>client-side-value</b:TrackingId>`,
      ]) {
        const res = await post(search(mine(), extra));
        expect(res.status, `${extra}\n${res.body}`).to.equal(200);
      }
      await stillServes();
    });

    it('a known header marked mustUnderstand="1" is understood', async () => {
      const xml = search(
        mine(),
        `<b:AuthenticationToken s:mustUnderstand="1">${creds.authenticationToken}</b:AuthenticationToken><b:DeveloperToken s:mustUnderstand="1">${creds.developerToken}</b:DeveloperToken>`,
        null,
      );
      const res = await post(xml);
      expect(res.status, res.body).to.equal(200);
    });

    it('CustomerId and CustomerAccountId headers sent by the SDKs are accepted and ignored', async () => {
      for (const extra of [
        `<b:CustomerId>${w.customerId}</b:CustomerId><b:CustomerAccountId>${w.accountId}</b:CustomerAccountId>`,
        '<b:CustomerId>999999999</b:CustomerId><b:CustomerAccountId>not-a-number</b:CustomerAccountId>',
      ]) {
        const res = await post(search(mine(), extra));
        expect(res.status, `${extra}\n${res.body}`).to.equal(200);
      }
      await stillServes();
    });
  });

  describe('SOAPAction', () => {
    it('a SOAPAction naming another operation than the body is an s:Client ApiFault with code 100', async () => {
      expectFault(await post(search(), { SOAPAction: '"RedeemCoupon"' }), {
        faultcode: 'Client',
        detail: 'ApiFault',
        code: 100,
      });
      await stillServes();
    });

    it('quoted, unquoted, full-URI and empty SOAPAction forms naming the operation are accepted', async () => {
      for (const action of [
        '"SearchCoupons"',
        'SearchCoupons',
        '"https://bingads.microsoft.com/Billing/v13/ICustomerBillingService/SearchCoupons"',
        'https://bingads.microsoft.com/Billing/v13/ICustomerBillingService/SearchCoupons',
        '""',
      ]) {
        const res = await post(search(), { SOAPAction: action });
        expect(res.status, `${action}\n${res.body}`).to.equal(200);
      }
      await stillServes();
    });
  });

  describe('WSDL', () => {
    const address = (wsdl: string): string | undefined => {
      const doc = readXml(wsdl);
      for (const service of doc.children.filter((c) => c.local === 'service'))
        for (const port of service.children)
          for (const a of port.children)
            if (a.ns === WSDL_SOAP && a.local === 'address') return a.attrs.get('location');
      return undefined;
    };

    for (const query of ['?wsdl', '?singleWsdl', '?WSDL']) {
      it(`${query} returns the WSDL whose soap:address is the URL the client used`, async () => {
        const res = await fetch(`${t.endpoint}${query}`);
        expect(res.status).to.equal(200);
        expect(res.headers.get('content-type')).to.equal(XML_TYPE);
        expect(address(await res.text())).to.equal(t.endpoint);
      });
    }

    it('with PUBLIC_URL set, soap:address is the public URL whatever the Host header says', async () => {
      // Same database, so no second migration run; close() leaves it to this suite.
      const shared = { db: t.db, url: t.databaseUrl, drop: async () => {} };
      const pub = await startTestApp({ publicUrl: 'https://billing.example.com' }, shared);
      try {
        const res = await rawHttp(`${pub.endpoint}?wsdl`, { headers: { Host: 'internal.example:1234' } });
        expect(res.status).to.equal(200);
        expect(address(res.body)).to.equal(`https://billing.example.com${SERVICE_PATH}`);
        expect(res.body).to.not.include('internal.example');
      } finally {
        await pub.close();
      }
    });

    it('a Host header carrying markup is never echoed raw into the WSDL or the help page', async () => {
      const host = 'evil.example"><script>alert(1)</script><x a="';
      const wsdl = await rawHttp(`${t.endpoint}?wsdl`, { headers: { Host: host } });
      expect(wsdl.status).to.equal(200);
      expect(wsdl.body).to.not.include('<script>');
      expect(() => readXml(wsdl.body)).to.not.throw();
      expect(address(wsdl.body)).to.not.include('evil.example');
      const page = await rawHttp(t.endpoint, { headers: { Host: host } });
      expect(page.body).to.not.include('<script>');
      await stillServes();
    });
  });

  // Last, after every request of the suite has been logged (nested describes run after the outer its).
  describe('afterwards', () => {
    it('no log line of this suite carries a token or a password', () => {
      expect(secrets.length).to.be.greaterThan(4);
      for (const line of t.logs) for (const s of secrets) expect(line, 'a secret in a log line').to.not.include(s);
    });
  });
});
