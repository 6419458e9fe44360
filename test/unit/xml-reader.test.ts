// The namespace-aware request reader (src/soap/xml-reader.ts): what a client's document turns into, and what it
// refuses. No database, no server.
import { expect } from 'chai';
import { decodeEntities, LIMITS, MAX_DEPTH, readXml, XmlReadError, type XElement } from '../../src/soap/xml-reader.ts';
import { parseEnvelope, SOAP11 } from '../../src/soap/envelope.ts';

const BILLING = 'https://bingads.microsoft.com/Billing/v13';
const ENTITIES = 'https://bingads.microsoft.com/Customer/v13/Entities';
const XSI = 'http://www.w3.org/2001/XMLSchema-instance';

const only = (el: XElement | undefined): XElement => {
  expect(el, 'element').to.not.equal(undefined);
  return el!;
};
const refused = (xml: string, pattern?: RegExp): XmlReadError => {
  let error: unknown;
  try {
    readXml(xml);
  } catch (e) {
    error = e;
  }
  expect(error, 'readXml should refuse the document').to.be.instanceOf(XmlReadError);
  if (pattern) expect((error as Error).message).to.match(pattern);
  return error as XmlReadError;
};
const nested = (depth: number): string => '<a>'.repeat(depth) + '</a>'.repeat(depth);

describe('xml-reader: reading a request document', () => {
  describe('namespaces', () => {
    it('resolves the Python SDK envelope, whose Body uses another prefix than its Envelope', () => {
      // suds writes SOAP-ENV:Envelope and declares the same SOAP namespace again as ns1 for the Body.
      const xml =
        `<?xml version="1.0" encoding="UTF-8"?>` +
        `<SOAP-ENV:Envelope xmlns:SOAP-ENV="${SOAP11}" xmlns:ns0="${BILLING}" xmlns:ns1="${SOAP11}">` +
        `<SOAP-ENV:Header><ns0:AuthenticationToken>tok</ns0:AuthenticationToken></SOAP-ENV:Header>` +
        `<ns1:Body><ns0:SearchCouponsRequest/></ns1:Body></SOAP-ENV:Envelope>`;
      const root = readXml(xml);
      expect([root.ns, root.local]).to.deep.equal([SOAP11, 'Envelope']);
      const [header, body] = root.children;
      expect([only(header).ns, only(header).local]).to.deep.equal([SOAP11, 'Header']);
      expect([only(body).ns, only(body).local]).to.deep.equal([SOAP11, 'Body']);
      const request = only(only(body).children[0]);
      expect([request.ns, request.local]).to.deep.equal([BILLING, 'SearchCouponsRequest']);

      const env = parseEnvelope(xml);
      expect(env.body.local).to.equal('SearchCouponsRequest');
      expect(env.headers.get('AuthenticationToken')).to.equal('tok');
    });

    it('lets a nested element redeclare a prefix for itself and its descendants only', () => {
      const root = readXml(`<p:a xmlns:p="urn:one"><p:b xmlns:p="urn:two"><p:c/></p:b><p:d/></p:a>`);
      const [b, d] = root.children;
      expect(only(b).ns).to.equal('urn:two');
      expect(only(only(b).children[0]).ns).to.equal('urn:two');
      expect(only(d).ns).to.equal('urn:one');
    });

    it('follows default-namespace changes, including xmlns="" undeclaring it', () => {
      const root = readXml(
        `<Envelope xmlns="${SOAP11}"><Body><SearchCouponsRequest xmlns="${BILLING}">` +
          `<Predicates><Predicate xmlns="${ENTITIES}"><Field>CouponCode</Field></Predicate></Predicates>` +
          `<Bare xmlns=""/></SearchCouponsRequest></Body></Envelope>`,
      );
      const request = only(only(root.children[0]).children[0]);
      expect(request.ns).to.equal(BILLING);
      const predicates = only(request.children[0]);
      expect(predicates.ns).to.equal(BILLING);
      const predicate = only(predicates.children[0]);
      expect(predicate.ns).to.equal(ENTITIES);
      expect(only(predicate.children[0]).ns).to.equal(ENTITIES);
      expect(only(request.children[1]).ns).to.equal('');
    });

    it('puts prefixed attributes in their namespace and unprefixed ones in none, whatever the default namespace', () => {
      const root = readXml(`<a xmlns="urn:d" xmlns:i="${XSI}" i:nil="true" plain="x" xml:lang="en"/>`);
      expect(root.attrs.get(`{${XSI}}nil`)).to.equal('true');
      expect(root.attrs.get('plain')).to.equal('x');
      expect(root.attrs.get('{http://www.w3.org/XML/1998/namespace}lang')).to.equal('en');
      expect([...root.attrs.keys()]).to.not.include('xmlns');
    });

    it('refuses a prefix that was never declared', () => {
      refused(`<s:Envelope><s:Body/></s:Envelope>`, /Undeclared namespace prefix 's'/);
    });
  });

  describe('character data', () => {
    it('decodes decimal and hexadecimal character references, astral ones included', () => {
      expect(readXml(`<a>&#65;&#x42;&#x1f600;&#233;&#x9;</a>`).text).to.equal('AB😀é\t');
      // XML spells the hexadecimal form with a lower-case x only.
      refused(`<a>&#X43;</a>`);
    });

    it('decodes &amp; exactly once, so an escaped entity stays literal text', () => {
      expect(readXml(`<a>&amp;lt; &amp;amp; &lt;b&gt; &quot;&apos;</a>`).text).to.equal(`&lt; &amp; <b> "'`);
      expect(readXml(`<a v="&amp;amp;&#x26;"/>`).attrs.get('v')).to.equal('&amp;&');
    });

    it('keeps CDATA content as written, without decoding entities in it', () => {
      expect(readXml(`<a><![CDATA[&amp; <b>&#65;]]></a>`).text).to.equal('&amp; <b>&#65;');
      expect(readXml(`<a>x<![CDATA[&amp;]]>y&amp;</a>`).text).to.equal('x&amp;y&');
    });

    it('refuses entities XML does not define, such as &nbsp;', () => {
      refused(`<a>&nbsp;</a>`, /&nbsp;/);
      refused(`<a v="&copy;"/>`);
    });

    it('refuses character references to characters XML 1.0 cannot carry', () => {
      refused(`<a>&#0;</a>`);
      refused(`<a>&#x1;</a>`);
      refused(`<a>&#xFFFF;</a>`);
      refused(`<a>&#x110000;</a>`);
    });

    it('refuses characters XML 1.0 does not allow written literally, a NUL included', () => {
      for (const c of ['\u0000', '\u0001', '\u0008', '\u000b', '\u001f', '\ufffe', '\uffff', '\ud800']) {
        refused(`<a>x${c}y</a>`, /character XML does not allow/);
        refused(`<a v="x${c}y"/>`, /character XML does not allow/);
      }
      expect(readXml('<a>\t\n\r 😀 \ud7ff\ue000\ufffd</a>').text).to.equal('\t\n\n 😀 \ud7ff\ue000\ufffd');
    });

    it('refuses a bare ampersand', () => {
      refused(`<a>fish & chips</a>`);
      expect(() => decodeEntities('a &b c')).to.throw(XmlReadError);
    });
  });

  describe('hostile and broken documents', () => {
    it('refuses a DOCTYPE, with or without an internal subset', () => {
      refused(`<!DOCTYPE a><a/>`, /DTD/);
      refused(`<!doctype a [<!ENTITY x "y">]><a>&x;</a>`, /DTD/);
    });

    it('refuses an ENTITY declaration even outside a well-formed DOCTYPE', () => {
      refused(`<a><!ENTITY xxe SYSTEM "file:///etc/passwd"></a>`, /DTD/);
    });

    it('refuses an external entity (XXE) without reading the file', () => {
      const e = refused(
        `<?xml version="1.0"?><!DOCTYPE a [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><a>&xxe;</a>`,
        /DTD/,
      );
      expect(e.message).to.not.include('root:');
    });

    it('refuses truncated documents', () => {
      refused(`<a><b>`);
      refused(`<a><b></b`);
      refused(`<s:Envelope xmlns:s="${SOAP11}"><s:Body><x>text`);
      refused(`<a b="1`);
    });

    it('refuses an empty document, mismatched tags and a second root element', () => {
      refused('');
      refused('   ');
      refused(`<a></b>`);
      refused(`<a/><b/>`, /exactly one root/);
      refused(`<a></a>trailing`);
    });

    it(`accepts nesting up to MAX_DEPTH (${MAX_DEPTH}) levels and refuses one level more`, () => {
      expect(() => readXml(nested(MAX_DEPTH))).to.not.throw();
      refused(nested(MAX_DEPTH + 1));
    });

    it('refuses 10,000 levels of nesting without exhausting the stack', () => {
      refused(nested(10_000));
    });

    it('refuses an element or attribute named __proto__ (or constructor) instead of crashing', () => {
      refused(`<a><__proto__><polluted>1</polluted></__proto__></a>`);
      refused(`<__proto__/>`);
      refused(`<a><constructor/></a>`);
      refused(`<a __proto__="1"/>`);
      expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
    });
  });

  describe('caps on what one document may hold', () => {
    const decls = (n: number, p = 'p'): string =>
      Array.from({ length: n }, (_, i) => ` xmlns:${p}${i}="urn:${i}"`).join('');
    const attrs = (n: number): string => Array.from({ length: n }, (_, i) => ` a${i}="v"`).join('');

    it(`accepts ${LIMITS.declarationsPerElement} namespace declarations on one element and refuses one more`, () => {
      expect(() => readXml(`<a${decls(LIMITS.declarationsPerElement)}/>`)).to.not.throw();
      refused(`<a${decls(LIMITS.declarationsPerElement + 1)}/>`, /declares more than 64 namespaces/);
    });

    it(`refuses more than ${LIMITS.declarations} namespace declarations in one document`, () => {
      const each = `<b${decls(50)}/>`;
      const count = Math.ceil((LIMITS.declarations + 1) / 50);
      refused(`<a>${each.repeat(count)}</a>`, /declares more than 50000 namespaces/);
    });

    it(`accepts ${LIMITS.attributesPerElement} attributes on one element and refuses one more`, () => {
      expect(readXml(`<a${attrs(LIMITS.attributesPerElement)}/>`).attrs.size).to.equal(LIMITS.attributesPerElement);
      refused(`<a${attrs(LIMITS.attributesPerElement + 1)}/>`, /more than 128 attributes/);
    });

    it(`accepts ${LIMITS.elements} elements and refuses one more`, () => {
      expect(readXml(`<a>${'<b/>'.repeat(LIMITS.elements - 1)}</a>`).children).to.have.length(LIMITS.elements - 1);
      refused(`<a>${'<b/>'.repeat(LIMITS.elements)}</a>`, new RegExp(`more than ${LIMITS.elements} elements`));
    });

    it('refuses a text or attribute value longer than the value cap', () => {
      const long = 'x'.repeat(LIMITS.valueChars + 1);
      refused(`<a>${long}</a>`, /text is longer than/);
      refused(`<a>${long.slice(1)}<![CDATA[y]]></a>`, /text is longer than/);
      refused(`<a v="${long}"/>`, /attribute value is longer than/);
      expect(readXml(`<a>${long.slice(1)}</a>`).text).to.have.length(LIMITS.valueChars);
    });

    it('undoes a redeclared prefix when its element closes, however many siblings redeclare it', () => {
      const root = readXml(`<p:a xmlns:p="urn:one">${'<p:b xmlns:p="urn:two"/>'.repeat(1000)}<p:c/></p:a>`);
      expect(root.children.slice(0, 1000).every((b) => b.ns === 'urn:two')).to.equal(true);
      expect(only(root.children[1000]).ns).to.equal('urn:one');
    });
  });
});
