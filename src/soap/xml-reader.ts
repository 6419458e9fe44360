// Namespace-aware reading of a request document into a small element tree, by a tokenizer of our own whose cost
// is linear in the input for every shape: each character is looked at a bounded number of times, the namespace
// scope is one map with an undo log (a declaration costs O(1) to make and to undo; no scope is ever copied), and
// every count an attacker could inflate is capped (LIMITS). It reads the XML that SOAP needs — elements,
// attributes, text, CDATA, comments, processing instructions and the XML declaration — and refuses DOCTYPE,
// whose entities are the XXE and expansion-bomb vectors. Prefixes are resolved through the in-scope xmlns
// declarations (clients use different prefixes: the Python SDK sends `SOAP-ENV:Envelope` with `ns0:Body`);
// only the five XML entities and numeric character references are decoded.
//
// The reader is incremental (XmlReader), so the envelope can read the SOAP Header, authenticate, and only then
// read the Body (src/soap/envelope.ts); readXml reads a whole document at once.

export interface XElement {
  readonly ns: string;
  readonly local: string;
  /** Attributes keyed `{namespace}local` (or plain `local` when unqualified). */
  readonly attrs: ReadonlyMap<string, string>;
  readonly children: readonly XElement[];
  /** Concatenated, decoded character data directly inside this element. */
  readonly text: string;
}

/** An element's start tag, read; its content is not. */
export interface XStart {
  readonly ns: string;
  readonly local: string;
  readonly attrs: ReadonlyMap<string, string>;
  readonly empty: boolean;
}

export class XmlReadError extends Error {}

/** What the reader allocates per element: its start tag, completed into the element by readElement. */
interface Node {
  readonly ns: string;
  readonly local: string;
  readonly attrs: ReadonlyMap<string, string>;
  readonly empty: boolean;
  children: readonly XElement[];
  text: string;
}

/**
 * Caps on what one document may hold. The largest legitimate request (a DispatchCoupons of 1,000 emails, or 100
 * claim pairs) has about 1,100 elements, a dozen declarations and values of a few hundred characters. The
 * element cap keeps the worst 1 MiB shape (elements nested and closed over and over) under 100 ms of CPU, and
 * still lets a batch a few times over its limit reach its own fault (3024, 3030, 201) rather than this one.
 */
export const LIMITS = {
  /** Elements nested inside each other, the root being level 1. */
  depth: 64,
  /** Elements in the whole document. */
  elements: 80_000,
  /** Attributes on one element, namespace declarations included. */
  attributesPerElement: 128,
  /** xmlns declarations on one element. */
  declarationsPerElement: 64,
  /** xmlns declarations in the whole document. */
  declarations: 50_000,
  /** Characters of one attribute value, or of the text directly inside one element, once decoded. */
  valueChars: 1024 * 1024,
} as const;

export const MAX_DEPTH = LIMITS.depth;

const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

const NOT_XML_CHAR =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

// XML 1.0 Name, with the colon handled separately (a QName is NCName or NCName:NCName).
const NAME_START =
  'A-Z_a-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C\\u200D\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD\\uD800-\\uDBFF\\uDC00-\\uDFFF';
const NAME_CHAR = `${NAME_START}\\-.0-9\\u00B7\\u0300-\\u036F\\u203F-\\u2040`;
// Astral name characters are matched as their surrogate code units (no 'u' flag: it would slow every name).
// eslint-disable-next-line no-misleading-character-class
const QNAME = new RegExp(`[${NAME_START}][${NAME_CHAR}]*(?::[${NAME_START}][${NAME_CHAR}]*)?`, 'y');
const SPACE = /[ \t\r\n]*/y;
/** Names that plain-object code would treat as special; refused as unprefixed names, as the earlier reader did. */
const FORBIDDEN_NAMES = new Set(['__proto__', 'constructor', 'prototype']);

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
/** `&#x10FFFF;` is the longest reference XML can mean: a `;` further away is no reference. */
const MAX_REFERENCE = 10;

function characterReference(name: string): string {
  const named = Object.hasOwn(NAMED, name) ? NAMED[name] : undefined;
  if (named !== undefined) return named;
  let code = NaN;
  if (/^#x[0-9a-fA-F]{1,6}$/.test(name)) code = parseInt(name.slice(2), 16);
  else if (/^#[0-9]{1,7}$/.test(name)) code = parseInt(name.slice(1), 10);
  const allowed =
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff);
  if (!allowed) throw new XmlReadError(`Undefined or invalid character reference '&${name.slice(0, 16)};'.`);
  return String.fromCodePoint(code);
}

/** Decodes the five XML entities and numeric character references; any other reference is an error. */
export function decodeEntities(s: string): string {
  let amp = s.indexOf('&');
  if (amp < 0) return s;
  const parts: string[] = [];
  let from = 0;
  while (amp >= 0) {
    const semi = s.indexOf(';', amp + 1);
    if (semi < 0 || semi - amp > MAX_REFERENCE) throw new XmlReadError('Malformed entity reference.');
    const name = s.slice(amp + 1, semi);
    if (/[&\s]/.test(name)) throw new XmlReadError('Malformed entity reference.');
    parts.push(s.slice(from, amp), characterReference(name));
    from = semi + 1;
    amp = s.indexOf('&', from);
  }
  parts.push(s.slice(from));
  return parts.join('');
}

/** Character data as XML delivers it: line ends normalised (XML 1.0 §2.11), then references decoded. */
function charData(raw: string): string {
  if (NOT_XML_CHAR.test(raw)) throw new XmlReadError('The document contains a character XML does not allow.');
  // A CR written as &#13; is data and stays; only literal line ends are normalised.
  return decodeEntities(raw.includes('\r') ? raw.replace(/\r\n?/g, '\n') : raw);
}

/** Shared by every element without attributes (read-only to callers). */
const NO_ATTRIBUTES: ReadonlyMap<string, string> = new Map();
const NO_CHILDREN: readonly XElement[] = Object.freeze([]);

function clip(s: string): string {
  return s.length > 64 ? `${s.slice(0, 64)}…` : s;
}

/**
 * A pull reader over one document. readRoot() reads the prolog and the root's start tag; nextChild() the
 * content of the innermost open element up to its next child's start tag (or its end tag); readElement() the
 * rest of an element whose start tag was read; end() what may follow the root.
 */
export class XmlReader {
  private pos = 0;
  /** In-scope namespace bindings, prefix → URI ('' is the default namespace). */
  // An undone binding is set back to undefined rather than deleted: deleting and re-adding keys churns the map.
  private readonly scope = new Map<string, string | undefined>();
  /** Bindings to restore when an element closes: [prefix, previous URI or undefined]. */
  private readonly undo: [string, string | undefined][] = [];
  /** Qualified names of the open elements, innermost last (parallel arrays: no object per element). */
  private readonly openNames: string[] = [];
  /** For each open element, the length of the undo log before its declarations. */
  private readonly openMarks: number[] = [];
  /** Per depth, the character data of the element being read there (reused: no array per element). */
  private readonly textAt: string[][] = [];
  private elements = 0;
  private declarations = 0;
  private rootClosed = false;

  constructor(private readonly xml: string) {}

  /** Characters of the document read so far. */
  get consumed(): number {
    return this.pos;
  }

  /** Reads everything before the root element and the root's start tag. */
  readRoot(): XStart {
    const xml = this.xml;
    if (xml.startsWith('<?xml') && /^<\?xml[ \t\r\n?]/.test(xml)) this.skipPi(true);
    for (;;) {
      this.skipSpace();
      if (this.pos >= xml.length) throw new XmlReadError('A document must have exactly one root element.');
      if (xml[this.pos] !== '<') throw new XmlReadError('Text outside the document element.');
      const next = xml[this.pos + 1];
      if (next === '?') this.skipPi(false);
      else if (next === '!') this.skipBang(false, []);
      else return this.startTag();
    }
  }

  /**
   * Reads the innermost open element's content up to its next child element and returns that child's start
   * tag, or null once the element's end tag has been read. Character data met on the way is appended to `text`.
   */
  nextChild(text: string[] = []): XStart | null {
    const xml = this.xml;
    for (;;) {
      const lt = xml.indexOf('<', this.pos);
      if (lt < 0) throw new XmlReadError('Malformed XML: the document ends inside an element.');
      if (lt > this.pos) {
        const raw = xml.slice(this.pos, lt);
        if (raw.includes(']]>')) throw new XmlReadError("Malformed XML: ']]>' in text.");
        text.push(charData(raw));
        this.pos = lt;
      }
      const next = xml[lt + 1];
      if (next === '/') {
        this.endTag();
        return null;
      }
      if (next === '?') this.skipPi(false);
      else if (next === '!') this.skipBang(true, text);
      else return this.startTag();
    }
  }

  /** Reads the rest of the element whose start tag `start` is, and returns it whole. */
  readElement(start: XStart): XElement {
    // A children array is allocated only for elements that have children; text is gathered in the reader's
    // array for this depth (children use deeper ones), so an element costs no array for its text.
    let children: XElement[] | undefined;
    let parts: string[] | undefined;
    if (!start.empty) {
      const depth = this.openNames.length;
      parts = this.textAt[depth] ??= [];
      parts.length = 0;
      for (let child = this.nextChild(parts); child; child = this.nextChild(parts))
        (children ??= []).push(this.readElement(child));
    }
    let text = '';
    if (parts && parts.length > 0) {
      let length = 0;
      for (const p of parts) length += p.length;
      if (length > LIMITS.valueChars)
        throw new XmlReadError(`An element's text is longer than ${LIMITS.valueChars} characters.`);
      text = parts.length === 1 ? parts[0]! : parts.join('');
    }
    const node = start as Node;
    node.children = children ?? NO_CHILDREN;
    node.text = text;
    return node;
  }

  /** After the root element has closed: only comments, processing instructions and white space may follow. */
  end(): void {
    if (!this.rootClosed) throw new XmlReadError('Malformed XML: the root element is not closed.');
    const xml = this.xml;
    for (;;) {
      this.skipSpace();
      if (this.pos >= xml.length) return;
      if (xml.startsWith('<?', this.pos)) this.skipPi(false);
      else if (xml.startsWith('<!--', this.pos)) this.skipBang(false, []);
      else if (xml[this.pos] === '<') throw new XmlReadError('A document must have exactly one root element.');
      else throw new XmlReadError('Text outside the document element.');
    }
  }

  private skipSpace(): void {
    SPACE.lastIndex = this.pos;
    SPACE.test(this.xml);
    this.pos = SPACE.lastIndex;
  }

  private name(what: string): string {
    QNAME.lastIndex = this.pos;
    const m = QNAME.exec(this.xml);
    if (!m) throw new XmlReadError(`Malformed XML: expected ${what} at character ${this.pos}.`);
    this.pos = QNAME.lastIndex;
    if (FORBIDDEN_NAMES.has(m[0])) throw new XmlReadError(`The name '${m[0]}' is not allowed.`);
    return m[0];
  }

  /** `<?target …?>`; the XML declaration only at the very start. */
  private skipPi(declaration: boolean): void {
    const close = this.xml.indexOf('?>', this.pos + 2);
    if (close < 0) throw new XmlReadError('Malformed XML: unterminated processing instruction.');
    const body = this.xml.slice(this.pos + 2, close);
    if (NOT_XML_CHAR.test(body)) throw new XmlReadError('The document contains a character XML does not allow.');
    if (!declaration && /^xml(?:[ \t\r\n]|$)/i.test(body))
      throw new XmlReadError('Malformed XML: an XML declaration is only allowed at the start.');
    this.pos = close + 2;
  }

  /** `<!--…-->`, `<![CDATA[…]]>` (inside an element only); anything else `<!` starts is a DTD, refused. */
  private skipBang(inElement: boolean, text: string[]): void {
    const xml = this.xml;
    if (xml.startsWith('<!--', this.pos)) {
      const close = xml.indexOf('-->', this.pos + 4);
      if (close < 0) throw new XmlReadError('Malformed XML: unterminated comment.');
      const body = xml.slice(this.pos + 4, close);
      if (body.includes('--') || body.endsWith('-')) throw new XmlReadError("Malformed XML: '--' in a comment.");
      if (NOT_XML_CHAR.test(body)) throw new XmlReadError('The document contains a character XML does not allow.');
      this.pos = close + 3;
      return;
    }
    if (inElement && xml.startsWith('<![CDATA[', this.pos)) {
      const close = xml.indexOf(']]>', this.pos + 9);
      if (close < 0) throw new XmlReadError('Malformed XML: unterminated CDATA section.');
      const body = xml.slice(this.pos + 9, close);
      if (NOT_XML_CHAR.test(body)) throw new XmlReadError('The document contains a character XML does not allow.');
      text.push(body.includes('\r') ? body.replace(/\r\n?/g, '\n') : body);
      this.pos = close + 3;
      return;
    }
    if (/^<!(?:DOCTYPE|ENTITY|ELEMENT|ATTLIST|NOTATION)/i.test(xml.slice(this.pos, this.pos + 10)))
      throw new XmlReadError('DTDs are not allowed.');
    throw new XmlReadError(`Malformed XML: unexpected '<!' at character ${this.pos}.`);
  }

  private startTag(): XStart {
    if (this.rootClosed) throw new XmlReadError('A document must have exactly one root element.');
    const xml = this.xml;
    this.pos += 1; // '<'
    const qname = this.name('an element name');
    if (++this.elements > LIMITS.elements)
      throw new XmlReadError(`The document has more than ${LIMITS.elements} elements.`);
    if (this.openNames.length + 1 > LIMITS.depth)
      throw new XmlReadError(`Elements are nested deeper than ${LIMITS.depth} levels.`);
    // Allocated only for elements that have attributes: most have none.
    let raw: [string, string][] | undefined;
    let seen: Set<string> | undefined;
    const mark = this.undo.length;
    let declared = 0;
    let empty = false;
    for (;;) {
      const spaceAt = this.pos;
      this.skipSpace();
      const c = xml[this.pos];
      if (c === '>') {
        this.pos += 1;
        break;
      }
      if (c === '/' && xml[this.pos + 1] === '>') {
        this.pos += 2;
        empty = true;
        break;
      }
      if (c === undefined) throw new XmlReadError('Malformed XML: the document ends inside a start tag.');
      if (this.pos === spaceAt) throw new XmlReadError(`Malformed XML: expected white space at character ${this.pos}.`);
      const name = this.name('an attribute name');
      this.skipSpace();
      if (xml[this.pos] !== '=') throw new XmlReadError(`Malformed XML: attribute '${clip(name)}' has no value.`);
      this.pos += 1;
      this.skipSpace();
      const quote = xml[this.pos];
      if (quote !== '"' && quote !== "'")
        throw new XmlReadError(`Malformed XML: attribute '${clip(name)}' is not quoted.`);
      const close = xml.indexOf(quote, this.pos + 1);
      if (close < 0) throw new XmlReadError('Malformed XML: the document ends inside an attribute value.');
      const rawValue = xml.slice(this.pos + 1, close);
      this.pos = close + 1;
      if (rawValue.includes('<')) throw new XmlReadError(`Malformed XML: '<' in the value of '${clip(name)}'.`);
      seen ??= new Set<string>();
      if (seen.has(name)) throw new XmlReadError(`Malformed XML: attribute '${clip(name)}' appears twice.`);
      seen.add(name);
      if (seen.size > LIMITS.attributesPerElement)
        throw new XmlReadError(`An element has more than ${LIMITS.attributesPerElement} attributes.`);
      const value = charData(rawValue);
      if (value.length > LIMITS.valueChars)
        throw new XmlReadError(`An attribute value is longer than ${LIMITS.valueChars} characters.`);
      if (name === 'xmlns' || name.startsWith('xmlns:')) {
        if (++declared > LIMITS.declarationsPerElement)
          throw new XmlReadError(`An element declares more than ${LIMITS.declarationsPerElement} namespaces.`);
        if (++this.declarations > LIMITS.declarations)
          throw new XmlReadError(`The document declares more than ${LIMITS.declarations} namespaces.`);
        this.declare(name === 'xmlns' ? '' : name.slice(6), value);
      } else (raw ??= []).push([name, value]);
    }
    this.openNames.push(qname);
    this.openMarks.push(mark);
    const attrs = raw ? new Map<string, string>() : NO_ATTRIBUTES;
    for (const [name, value] of raw ?? []) {
      const q = this.resolve(name, true);
      const key = q.ns ? `{${q.ns}}${q.local}` : q.local;
      if (attrs.has(key)) throw new XmlReadError(`Malformed XML: attribute '${clip(key)}' appears twice.`);
      (attrs as Map<string, string>).set(key, value);
    }
    const colon = qname.indexOf(':');
    const ns = this.namespaceOf(qname, colon, false);
    if (empty) this.close();
    // One object per element, filled in by readElement: it is both the start tag and the element read whole.
    const node: Node = {
      ns,
      local: colon < 0 ? qname : qname.slice(colon + 1),
      attrs,
      empty,
      children: NO_CHILDREN,
      text: '',
    };
    return node;
  }

  private endTag(): void {
    this.pos += 2; // '</'
    const qname = this.name('an element name');
    this.skipSpace();
    if (this.xml[this.pos] !== '>') throw new XmlReadError(`Malformed XML: end tag '${clip(qname)}' is not closed.`);
    this.pos += 1;
    if (this.openNames[this.openNames.length - 1] !== qname)
      throw new XmlReadError(`Malformed XML: end tag '${clip(qname)}' does not match its start tag.`);
    this.close();
  }

  private close(): void {
    const mark = this.openMarks.pop();
    if (mark === undefined) return;
    this.openNames.pop();
    while (this.undo.length > mark) {
      const [prefix, previous] = this.undo.pop()!;
      this.scope.set(prefix, previous);
    }
    if (this.openNames.length === 0) this.rootClosed = true;
  }

  private declare(prefix: string, uri: string): void {
    if (prefix === 'xmlns' || (prefix === 'xml') !== (uri === XML_NS) || uri === XMLNS_NS)
      throw new XmlReadError(`Malformed XML: the prefix '${clip(prefix)}' cannot be bound to '${clip(uri)}'.`);
    if (prefix !== '' && uri === '')
      throw new XmlReadError(`Malformed XML: the prefix '${clip(prefix)}' cannot be undeclared.`);
    this.undo.push([prefix, this.scope.get(prefix)]);
    this.scope.set(prefix, uri);
  }

  private resolve(qname: string, isAttr: boolean): { ns: string; local: string } {
    const i = qname.indexOf(':');
    return { ns: this.namespaceOf(qname, i, isAttr), local: i < 0 ? qname : qname.slice(i + 1) };
  }

  /** The namespace of a qualified name whose colon is at `colon` (-1 for none). */
  private namespaceOf(qname: string, colon: number, isAttr: boolean): string {
    if (colon < 0) return isAttr ? '' : (this.scope.get('') ?? '');
    const prefix = qname.slice(0, colon);
    const ns = prefix === 'xml' ? XML_NS : this.scope.get(prefix);
    if (ns === undefined) throw new XmlReadError(`Undeclared namespace prefix '${clip(prefix)}'.`);
    return ns;
  }
}

/** Parses a whole document and returns its root element. Throws XmlReadError on anything malformed. */
export function readXml(xml: string): XElement {
  const reader = new XmlReader(xml);
  const root = reader.readElement(reader.readRoot());
  reader.end();
  return root;
}
