// The hostile input corpus (SPEC §8) beyond test/integration/bad-input.test.ts: a 50 MB body, duplicated elements
// and headers, huge arrays, SQL metacharacters and NUL references, 900 KB strings and unknown headers. Each case
// asserts the exact fault or HTTP status, and that the service answers a normal request right after.
import { request as httpRequest } from 'node:http';
import { expect } from 'chai';
import { complexTypeDef, fieldsOf, NS, wrapperFields, type QualifiedField } from '../../src/schema/index.ts';
import { HANDLERS } from '../../src/soap/operations.ts';
import { LIMITS } from '../../src/soap/xml-reader.ts';
import { postSoap, soapRequest, startTestApp, useTestApp } from '../support/app.ts';
import {
  makeCouponClass,
  makeUser,
  makeWorldWithCoupons,
  mint,
  predicateXml,
  searchPredicatesXml,
  type World,
} from '../support/factories.ts';
import { esc, rawHttp } from '../support/hostile.ts';
import { ARRAYS, expectFault, SOAP11, XML_TYPE, XSI, type Answer } from '../support/soap.ts';

const MiB = 1024 * 1024;
const ENVELOPE_OPEN = `<s:Envelope xmlns:s="${SOAP11}" xmlns:b="${NS.tns}" xmlns:e="${NS.ent}" xmlns:a="${ARRAYS}" xmlns:i="${XSI}">`;

/**
 * Streams up to `total` bytes of a SOAP-looking body in 64 KiB chunks (one buffer, reused, with backpressure) and
 * samples this process's RSS meanwhile. Stops sending when the server answers or closes.
 */
function stream50(
  url: string,
  total: number,
  declareLength: boolean,
): Promise<{ status: number; body: string; sent: number; rssGrowth: number }> {
  const chunk = Buffer.alloc(64 * 1024, 'A');
  const head = Buffer.from(`${ENVELOPE_OPEN}<s:Body><b:RedeemCouponRequest><b:CouponCode>`);
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const headers: Record<string, string> = { 'Content-Type': XML_TYPE };
    if (declareLength) headers['Content-Length'] = String(total);
    else headers['Transfer-Encoding'] = 'chunked';
    const req = httpRequest(url, { method: 'POST', headers }, (res) => {
      answered = true;
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => {
        clearInterval(sampler);
        peak = Math.max(peak, process.memoryUsage().rss);
        resolve({
          status: res.statusCode ?? 0,
          body: Buffer.concat(parts).toString(),
          sent,
          rssGrowth: peak - baseline,
        });
      });
    });
    req.on('error', (e: NodeJS.ErrnoException) => {
      if (answered || e.code === 'EPIPE' || e.code === 'ECONNRESET') return;
      clearInterval(sampler);
      reject(e);
    });
    const pump = (): void => {
      if (sent === 0) {
        req.write(head);
        sent += head.length;
      }
      while (!answered && !req.destroyed && sent < total) {
        const piece = chunk.subarray(0, Math.min(chunk.length, total - sent));
        sent += piece.length;
        if (!req.write(piece)) return void req.once('drain', pump);
      }
      if (sent >= total) req.end();
    };
    pump();
  });
}

/** A valid value for a field's type (duplicates must fail for being duplicates, not for their values). */
function validValue(f: QualifiedField): string {
  if (complexTypeDef(f.type)) return '';
  const values: Record<string, string> = {
    'xs:long': '1',
    'xs:int': '1',
    'xs:double': '1.5',
    'xs:boolean': 'true',
    'xs:dateTime': '2024-01-01T00:00:00Z',
    'ent:PredicateOperator': 'Equals',
    'ent:OrderByField': 'Id',
    'ent:SortOrder': 'Ascending',
    'ent:AccountAdditionalField': 'CouponClaimInfo',
    'ent:DataType': 'Pdf',
    'ent:InsertionOrderStatus': 'Active',
    'ent:InsertionOrderPendingChangesStatus': 'ApproveChanges',
    'ent:InsertionOrderAdditionalField': 'UnlimitedAndEndlessFlags',
  };
  return values[f.type] ?? 'x';
}

const el = (f: QualifiedField, inner: string): string => `<${f.name} xmlns="${NS[f.ns]}">${inner}</${f.name}>`;

/** Every single-valued field of a request, reached through its complex types, as a trail of fields. */
function singleFields(fields: readonly QualifiedField[], trail: readonly QualifiedField[] = []): QualifiedField[][] {
  const out: QualifiedField[][] = [];
  for (const f of fields) {
    if (!f.many) out.push([...trail, f]);
    if (complexTypeDef(f.type) && !trail.some((t) => t.type === f.type))
      out.push(...singleFields(fieldsOf(f.type), [...trail, f]));
  }
  return out;
}

describe('hostile input: size, duplicates, arrays, metacharacters, long strings and headers', function () {
  this.timeout(120000);
  const t = useTestApp();
  let w: World;
  let codes: string[];

  const post = (xml: string | Buffer, headers: Record<string, string> = {}): Promise<Answer> =>
    postSoap(t.endpoint, xml, headers);
  const call = (op: string, inner: string, extraHeaders = ''): Promise<Answer> =>
    post(soapRequest(op, inner, w.user, extraHeaders));
  /** The user's own coupons: the CustomerId predicate that SearchCoupons requires, and nothing else. */
  const mine = (): string => searchPredicatesXml(w.customerId);
  /** One predicate beside the required CustomerId one. */
  const predicate = (field: string, op: string, value: string): string =>
    searchPredicatesXml(w.customerId, predicateXml(field, op, value));
  const dispatchBody = (items: string, className = 'Spring'): string =>
    `<b:SendToEmails xmlns:a="${ARRAYS}">${items}</b:SendToEmails><b:CustomerId>${w.customerId}</b:CustomerId>` +
    `<b:CouponClassName>${className}</b:CouponClassName>`;

  async function stillServes(): Promise<void> {
    const res = await call('SearchCoupons', predicate('ClassName', 'Equals', 'Spring'));
    expect(res.status, res.body).to.equal(200);
    for (const c of codes) expect(res.body).to.include(c);
  }

  before(async () => {
    ({ w, codes } = await makeWorldWithCoupons(t, 2));
  });

  describe('a 50 MB body', () => {
    for (const declared of [false, true]) {
      it(`is refused with 413 before parsing, in bounded memory (${declared ? 'Content-Length: 50 MB' : 'chunked, no length'})`, async () => {
        const r = await stream50(t.endpoint, 50 * 1000 * 1000, declared);

        expect(r.status, r.body).to.equal(413);
        expect(r.body).to.include('exceeds');
        expect(r.rssGrowth, `RSS grew ${(r.rssGrowth / MiB).toFixed(1)} MiB`).to.be.lessThan(30 * MiB);
        // The server stops reading and closes: the client never gets to push the whole 50 MB.
        expect(r.sent).to.be.lessThan(50 * 1000 * 1000);
        console.log(
          `      sent ${(r.sent / MiB).toFixed(1)} MiB before the 413; RSS grew ${(r.rssGrowth / MiB).toFixed(1)} MiB`,
        );
        await stillServes();
      });
    }
  });

  describe('duplicated elements', () => {
    for (const op of HANDLERS.keys()) {
      for (const trail of singleFields(wrapperFields(`${op}Request`))) {
        const path = [`${op}Request`, ...trail.map((f) => f.name)].join('.');
        it(`${path} twice is 201 "appears more than once"`, async () => {
          const last = trail[trail.length - 1]!;
          const twice = el(last, validValue(last)).repeat(2);
          const inner = trail.slice(0, -1).reduceRight((acc, f) => el(f, acc), twice);
          const f = expectFault(await call(op, inner), { faultcode: 'Client', detail: 'ApiFault', codes: [201] });
          expect(f.details[0]).to.equal(`${path} appears more than once.`);
          await stillServes();
        });
      }
    }

    it('two AuthenticationToken headers (even equal ones) are code 100: the credential is ambiguous', async () => {
      const token = `<b:AuthenticationToken>${w.user.authenticationToken}</b:AuthenticationToken>`;
      expectFault(await call('SearchCoupons', mine(), token), {
        faultcode: 'Client',
        detail: 'ApiFault',
        codes: [100],
      });
      const other = await makeUser(t, w.customerId);
      const swap = `<b:AuthenticationToken>${other.authenticationToken}</b:AuthenticationToken>`;
      const res = await post(
        `${ENVELOPE_OPEN}<s:Header>${swap}<b:DeveloperToken>${w.user.developerToken}</b:DeveloperToken>${token}` +
          `</s:Header><s:Body><b:SearchCouponsRequest>${mine()}</b:SearchCouponsRequest></s:Body></s:Envelope>`,
      );
      const f = expectFault(res, { faultcode: 'Client', detail: 'ApiFault', codes: [100] });
      expect(f.details[0]).to.include('AuthenticationToken header appears more than once');
      await stillServes();
    });

    it('two DeveloperToken, UserName or Password headers are code 100', async () => {
      for (const h of ['DeveloperToken', 'UserName', 'Password']) {
        const extra = `<b:${h}>one</b:${h}><b:${h}>two</b:${h}>`;
        expectFault(await call('SearchCoupons', mine(), extra), {
          faultcode: 'Client',
          detail: 'ApiFault',
          codes: [100],
        });
      }
      await stillServes();
    });

    it('two SOAP Header elements, or two Bodies, are code 100', async () => {
      const creds = `<b:AuthenticationToken>${w.user.authenticationToken}</b:AuthenticationToken><b:DeveloperToken>${w.user.developerToken}</b:DeveloperToken>`;
      for (const xml of [
        `${ENVELOPE_OPEN}<s:Header>${creds}</s:Header><s:Header/><s:Body><b:SearchCouponsRequest>${mine()}</b:SearchCouponsRequest></s:Body></s:Envelope>`,
        `${ENVELOPE_OPEN}<s:Header>${creds}</s:Header><s:Body><b:SearchCouponsRequest>${mine()}</b:SearchCouponsRequest></s:Body><s:Body><b:SearchCouponsRequest>${mine()}</b:SearchCouponsRequest></s:Body></s:Envelope>`,
      ])
        expectFault(await post(xml), { faultcode: 'Client', detail: 'ApiFault', codes: [100] });
      await stillServes();
    });

    it('a duplicated attribute or namespace declaration is malformed XML, code 100', async () => {
      expectFault(await call('SearchCoupons', `${mine()}<b:PageInfo a="1" a="2"/>`), {
        faultcode: 'Client',
        detail: 'ApiFault',
        codes: [100],
      });
      expectFault(await call('SearchCoupons', `${mine()}<b:PageInfo xmlns:q="urn:1" xmlns:q="urn:2"/>`), {
        faultcode: 'Client',
        detail: 'ApiFault',
        codes: [100],
      });
      await stillServes();
    });

    it('two SOAPAction HTTP headers naming different operations are code 100', async () => {
      const res = await new Promise<Answer>((resolve, reject) => {
        const body = soapRequest('SearchCoupons', mine(), w.user);
        // Node's client joins repeated headers given as an array into separate header lines.
        const req = httpRequest(
          t.endpoint,
          { method: 'POST', headers: { 'Content-Type': XML_TYPE, SOAPAction: ['SearchCoupons', 'RedeemCoupon'] } },
          (r) => {
            let text = '';
            r.setEncoding('utf8').on('data', (d: string) => (text += d));
            r.on('end', () =>
              resolve({ status: r.statusCode ?? 0, contentType: r.headers['content-type'] ?? '', body: text }),
            );
          },
        );
        req.on('error', reject);
        req.end(body);
      });
      expectFault(res, { faultcode: 'Client', detail: 'ApiFault', codes: [100] });
      await stillServes();
    });
  });

  describe('huge arrays', () => {
    // The smallest possible item, `<a:string/>`, is 11 bytes: 100,000 of them are 1.1 MB, over the 1 MiB limit, so
    // the size limit answers before DispatchCoupons could count them (3024 needs 1,001 to ~95,000 items).
    it('100,000 SendToEmails are refused with 413 by the 1 MiB body limit', async () => {
      const items = Array.from({ length: 100_000 }, (_, i) => `<a:string>u${i}@x.io</a:string>`).join('');
      const xml = soapRequest('DispatchCoupons', dispatchBody(items), w.user);
      expect(Buffer.byteLength(xml)).to.be.greaterThan(MiB);
      const res = await rawHttp(t.endpoint, { method: 'POST', headers: { 'Content-Type': XML_TYPE }, body: xml });
      expect(res.status, res.body).to.equal(413);
      await stillServes();
    });

    it('with MAX_BODY_BYTES raised to 8 MiB, 100,000 SendToEmails are refused by the element cap (code 100) within seconds', async () => {
      const big = await startTestApp({ maxBodyBytes: 8 * MiB }, { db: t.db, url: t.databaseUrl, drop: async () => {} });
      try {
        const items = Array.from({ length: 100_000 }, (_, i) => `<a:string>u${i}@x.io</a:string>`).join('');
        const started = Date.now();
        const res = await postSoap(big.endpoint, soapRequest('DispatchCoupons', dispatchBody(items), w.user));
        const ms = Date.now() - started;
        expectFault(res, { faultcode: 'Client', detail: 'ApiFault', codes: [100] });
        expect(res.body).to.include(`more than ${LIMITS.elements} elements`);
        expect(ms).to.be.lessThan(15000);
        console.log(`      answered in ${ms} ms`);
        const n = await t.db.knex('coupons').whereNotNull('send_to_email').count<{ count: string }[]>('* as count');
        expect(Number(n[0]!.count)).to.equal(0);
      } finally {
        await big.close();
      }
      await stillServes();
    });

    it('55,000 malformed longs in one request are code 201, and the fault lists only the first 100', async () => {
      const items = '<a:long>x</a:long>'.repeat(55_000);
      const res = await call(
        'CheckFeatureAdoptionCouponEligibility',
        `<b:FeatureId>1</b:FeatureId><b:AccountIds xmlns:a="${ARRAYS}">${items}</b:AccountIds>`,
      );
      const f = expectFault(res, { faultcode: 'Client', detail: 'ApiFault' });
      expect(f.codes).to.deep.equal(Array.from({ length: 100 }, () => 201));
      expect(res.body.length).to.be.lessThan(64 * 1024);
      await stillServes();
    });

    it('60,000 empty predicates are code 3030 in a fault of at most 100 errors', async () => {
      const res = await call('SearchCoupons', `<b:Predicates>${'<e:Predicate/>'.repeat(60_000)}</b:Predicates>`);
      const f = expectFault(res, { faultcode: 'Server', detail: 'ApiFault' });
      expect(f.codes).to.deep.equal(Array.from({ length: 100 }, () => 3030));
      expect(res.body.length).to.be.lessThan(64 * 1024);
      await stillServes();
    });
  });

  describe('SQL metacharacters and NUL bytes', () => {
    const hostileNames = [
      `O'Brien'; DROP TABLE coupons; --`,
      `100%_off\\`,
      `$$ SELECT pg_sleep(10) $$`,
      `"quoted" \\' OR '1'='1`,
      `Robert'); DELETE FROM users; --`,
      `a%b`,
      `a_b`,
    ];
    const classCodes = new Map<string, string>();

    before(async () => {
      for (const name of hostileNames) {
        await makeCouponClass(t, w.customerId, { name });
        classCodes.set(name, (await mint(t, w.customerId, name, 1))[0]!);
      }
    });

    const found = (body: string): string[] =>
      [...body.matchAll(/<e:CouponCode>([^<]+)<\/e:CouponCode>/g)].map((m) => m[1]!).sort();
    const codesOf = (...names: string[]): string[] => names.map((n) => classCodes.get(n)!).sort();

    it('a class name full of SQL is matched exactly by Equals, as data', async () => {
      for (const name of hostileNames) {
        const res = await call('SearchCoupons', predicate('ClassName', 'Equals', esc(name)));
        expect(res.status, res.body).to.equal(200);
        expect(found(res.body), name).to.deep.equal(codesOf(name));
      }
      await stillServes();
    });

    it('LIKE wildcards % and _ in Contains and StartsWith match only themselves', async () => {
      const cases: [string, string, string[]][] = [
        ['Contains', '%', [`100%_off\\`, 'a%b']],
        ['Contains', '_', [`100%_off\\`, 'a_b', `$$ SELECT pg_sleep(10) $$`]],
        ['StartsWith', '100%_', [`100%_off\\`]],
        ['Contains', '\\', [`100%_off\\`, `"quoted" \\' OR '1'='1`]],
        ['StartsWith', 'a%', ['a%b']],
      ];
      for (const [op, value, names] of cases) {
        const res = await call('SearchCoupons', predicate('ClassName', op, esc(value)));
        expect(res.status, res.body).to.equal(200);
        expect(found(res.body), `${op} ${value}`).to.deep.equal(codesOf(...names));
      }
      await stillServes();
    });

    it('quotes, comments and statement separators in every text predicate are data, not SQL', async () => {
      const values = [`' OR '1'='1`, `'; DROP TABLE users; --`, `") OR 1=1 --`, `\\'; SELECT 1; --`, `%' OR 'x'='x`];
      const classes = new Map<string, string[]>([
        ['Spring', codes],
        ...[...classCodes].map(([n, c]) => [n, [c]] as [string, string[]]),
      ]);
      /** What a class-name predicate must find, by the rules of SearchCoupons (exact Equals/In, case-less LIKE). */
      const byName = (op: string, v: string): string[] => {
        const l = v.toLowerCase();
        const keep: Record<string, (n: string) => boolean> = {
          Equals: (n) => n === v,
          NotEquals: (n) => n !== v,
          In: (n) =>
            v
              .split(',')
              .map((x) => x.trim())
              .includes(n),
          Contains: (n) => n.toLowerCase().includes(l),
          NotContains: (n) => !n.toLowerCase().includes(l),
          StartsWith: (n) => n.toLowerCase().startsWith(l),
        };
        return [...classes].flatMap(([n, c]) => (keep[op]!(n) ? c : [])).sort();
      };
      let checked = 0;
      for (const field of ['ClassName', 'CouponCode', 'SendToEmail'])
        for (const op of ['Equals', 'NotEquals', 'Contains', 'StartsWith', 'In', 'NotContains'])
          for (const v of values) {
            const res = await call(
              'SearchCoupons',
              predicate(field, op, esc(v)) + '<b:PageInfo><e:Index>0</e:Index><e:Size>100</e:Size></b:PageInfo>',
            );
            // An operator a field does not take is 3030; no combination may be an internal error.
            if (res.status !== 200) {
              expectFault(res, { faultcode: 'Server', detail: 'ApiFault', codes: [3030] });
              continue;
            }
            checked++;
            // No code or email holds a quote, so only class names can match.
            const want = field === 'ClassName' ? byName(op, v) : [];
            expect(found(res.body), `${field} ${op} ${v}`).to.deep.equal(want);
          }
      expect(checked).to.be.greaterThan(40);
      const users = await t.db.knex('users').count<{ count: string }[]>('* as count');
      expect(Number(users[0]!.count)).to.be.greaterThan(0);
      await stillServes();
    });

    it('SQL metacharacters in a CouponCode or CouponClassName are data: 4500 and 4507', async () => {
      expectFault(
        await call('RedeemCoupon', `<b:AccountId>${w.accountId}</b:AccountId><b:CouponCode>' OR '1'='1</b:CouponCode>`),
        {
          faultcode: 'Server',
          detail: 'ApiFault',
          codes: [4500],
        },
      );
      expectFault(
        await call('DispatchCoupons', dispatchBody('<a:string>x@example.com</a:string>', `Spring' OR '1'='1`)),
        { faultcode: 'Server', detail: 'ApiFault', codes: [4507] },
      );
      await stillServes();
    });

    for (const ref of ['&#0;', '&#x0;', '&#x00000;'])
      it(`a NUL written as the character reference ${ref} is not XML: code 100 wherever it is`, async () => {
        expectFault(await call('SearchCoupons', predicate('ClassName', 'Equals', `Spring${ref}`)), {
          faultcode: 'Client',
          detail: 'ApiFault',
          codes: [100],
        });
        expectFault(
          await call(
            'RedeemCoupon',
            `<b:AccountId>${w.accountId}</b:AccountId><b:CouponCode>${codes[0]}${ref}</b:CouponCode>`,
          ),
          {
            faultcode: 'Client',
            detail: 'ApiFault',
            codes: [100],
          },
        );
        expectFault(await call('SearchCoupons', mine(), `<b:UserName>a${ref}</b:UserName>`), {
          faultcode: 'Client',
          detail: 'ApiFault',
          codes: [100],
        });
        expectFault(await call('SearchCoupons', `${mine()}<b:PageInfo x="${ref}"/>`), {
          faultcode: 'Client',
          detail: 'ApiFault',
          codes: [100],
        });
        await stillServes();
      });

    it('the text "\\0" and "%00" are ordinary characters', async () => {
      for (const v of ['\\0', '%00', '\\x00'])
        expect((await call('SearchCoupons', predicate('ClassName', 'Equals', v))).status).to.equal(200);
      await stillServes();
    });
  });

  describe('overlong strings (900 KB)', () => {
    const long = 'A'.repeat(900 * 1024);
    const small = (res: Answer): void =>
      void expect(res.body.length, 'the answer does not echo 900 KB').to.be.lessThan(4096);

    it('a 900 KB CouponCode is 4500, not a crash', async () => {
      const res = await call(
        'RedeemCoupon',
        `<b:AccountId>${w.accountId}</b:AccountId><b:CouponCode>${long}</b:CouponCode>`,
      );
      expectFault(res, { faultcode: 'Server', detail: 'ApiFault', codes: [4500] });
      small(res);
      await stillServes();
    });

    it('a 900 KB predicate value finds nothing', async () => {
      for (const field of ['ClassName', 'CouponCode', 'SendToEmail']) {
        const res = await call('SearchCoupons', predicate(field, 'Equals', long));
        expect(res.status, res.body.slice(0, 500)).to.equal(200);
        expect(res.body).to.include('<Coupons></Coupons>');
      }
      await stillServes();
    });

    it('a 900 KB CouponClassName is 4507 with a short detail', async () => {
      const res = await call('DispatchCoupons', dispatchBody('<a:string>x@example.com</a:string>', long));
      expectFault(res, { faultcode: 'Server', detail: 'ApiFault', codes: [4507] });
      small(res);
      await stillServes();
    });

    it('a 900 KB email address is a 4509 batch error with a short detail', async () => {
      const res = await call('DispatchCoupons', dispatchBody(`<a:string>${long}@example.com</a:string>`));
      expect(res.status, res.body.slice(0, 500)).to.equal(200);
      expect(res.body).to.match(/<x:Code>4509<\/x:Code>/);
      small(res);
      await stillServes();
    });

    it('a 900 KB AuthenticationToken, UserName or Password is 105', async () => {
      const dev = `<b:DeveloperToken>${w.user.developerToken}</b:DeveloperToken>`;
      for (const creds of [
        `<b:AuthenticationToken>${long}</b:AuthenticationToken>${dev}`,
        `<b:UserName>${long}</b:UserName><b:Password>pw</b:Password>${dev}`,
        `<b:UserName>someone</b:UserName><b:Password>${long}</b:Password>${dev}`,
      ]) {
        const res = await post(soapRequest('SearchCoupons', mine(), null, creds));
        expectFault(res, { faultcode: 'Server', detail: 'AdApiFaultDetail', codes: [105] });
        small(res);
      }
      await stillServes();
    });

    it('a 900 KB element name is 201 (or 100 as the body element) with a short detail', async () => {
      const inside = await call('SearchCoupons', `${mine()}<b:${long}/>`);
      expectFault(inside, { faultcode: 'Client', detail: 'ApiFault', codes: [201] });
      small(inside);
      const asBody = await post(`${ENVELOPE_OPEN}<s:Body><b:${long}/></s:Body></s:Envelope>`);
      expectFault(asBody, { faultcode: 'Client', detail: 'ApiFault', codes: [100] });
      small(asBody);
      const mu = await call('SearchCoupons', mine(), `<x:${long} xmlns:x="urn:x" s:mustUnderstand="1"/>`);
      expectFault(mu, { faultcode: 'MustUnderstand', detail: null });
      small(mu);
      await stillServes();
    });

    it('a 900 KB attribute value or namespace URI on an ignored element changes nothing', async () => {
      expect(
        (
          await call(
            'SearchCoupons',
            `${mine()}<b:PageInfo note="${long}"><e:Index>0</e:Index><e:Size>5</e:Size></b:PageInfo>`,
          )
        ).status,
      ).to.equal(200);
      expect((await call('SearchCoupons', mine(), `<x:Hint xmlns:x="urn:${long}">1</x:Hint>`)).status).to.equal(200);
      await stillServes();
    });

    it('a 64 KB SOAPAction HTTP header is refused by the HTTP layer with 431', async () => {
      const res = await rawHttp(t.endpoint, {
        method: 'POST',
        headers: { 'Content-Type': XML_TYPE, SOAPAction: 'S'.repeat(64 * 1024) },
        body: soapRequest('SearchCoupons', mine(), w.user),
      });
      expect(res.status).to.equal(431);
      await stillServes();
    });
  });

  describe('unknown headers', () => {
    it('10,000 unknown SOAP headers are ignored', async () => {
      const res = await call('SearchCoupons', mine(), '<x:Noise xmlns:x="urn:noise">v</x:Noise>'.repeat(10_000));
      expect(res.status, res.body.slice(0, 500)).to.equal(200);
      await stillServes();
    });

    it('an unknown header in the Billing namespace is ignored; marked mustUnderstand="true" it is a MustUnderstand fault', async () => {
      expect((await call('SearchCoupons', mine(), '<b:Frobnicate>1</b:Frobnicate>')).status).to.equal(200);
      expectFault(await call('SearchCoupons', mine(), '<b:Frobnicate s:mustUnderstand="true">1</b:Frobnicate>'), {
        faultcode: 'MustUnderstand',
        detail: null,
      });
      await stillServes();
    });

    it('a mustUnderstand attribute of another SOAP version is not SOAP 1.1’s: the header is ignored', async () => {
      const extra = `<x:Session xmlns:x="urn:x" xmlns:s12="http://www.w3.org/2003/05/soap-envelope" s12:mustUnderstand="true">1</x:Session>`;
      expect((await call('SearchCoupons', mine(), extra)).status).to.equal(200);
      await stillServes();
    });

    it('a credential header holding elements instead of text is no credential: 105', async () => {
      const xml = soapRequest(
        'SearchCoupons',
        mine(),
        null,
        `<b:AuthenticationToken><x:t xmlns:x="urn:x">${w.user.authenticationToken}</x:t></b:AuthenticationToken><b:DeveloperToken>${w.user.developerToken}</b:DeveloperToken>`,
      );
      expectFault(await post(xml), { faultcode: 'Server', detail: 'AdApiFaultDetail', codes: [105] });
      await stillServes();
    });

    it('unknown or spoofed HTTP headers change nothing', async () => {
      const res = await post(soapRequest('SearchCoupons', mine(), w.user), {
        'X-Forwarded-For': `127.0.0.1, ' OR 1=1 --`,
        'X-Forwarded-Proto': 'gopher',
        Authorization: 'Bearer not-the-admin-key',
        Cookie: `offers_session=${'x'.repeat(4000)}`,
        'X-Http-Method-Override': 'DELETE',
      });
      expect(res.status, res.body).to.equal(200);
      await stillServes();
    });
  });
});
