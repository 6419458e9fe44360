// Namespace-aware reading of a request document into a small element tree. fast-xml-parser does the
// tokenising; this module adds what SOAP needs and the parser leaves out: a well-formedness check, prefix
// resolution through in-scope xmlns declarations (clients use different prefixes: the Python SDK sends
// `SOAP-ENV:Envelope` with `ns0:Body`), strict XML entity decoding (numeric references included; anything
// else is an error), and refusal of DOCTYPE, whose entities are the XXE and expansion-bomb vectors.
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export interface XElement {
  readonly ns: string;
  readonly local: string;
  /** Attributes keyed `{namespace}local` (or plain `local` when unqualified). */
  readonly attrs: ReadonlyMap<string, string>;
  readonly children: readonly XElement[];
  /** Concatenated, decoded character data directly inside this element. */
  readonly text: string;
}

export class XmlReadError extends Error {}

export const MAX_DEPTH = 64;
const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const TEXT = '#text';
const CDATA = '#cdata';
const ATTRS = ':@';

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: false,
  cdataPropName: CDATA,
  commentPropName: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  maxNestedTags: MAX_DEPTH,
});

const NOT_XML_CHAR =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Decodes the five XML entities and numeric character references; any other reference is an error. */
export function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&([^;&\s]*);?/g, (whole, name: string) => {
    if (!whole.endsWith(';')) throw new XmlReadError('Malformed entity reference.');
    const named = NAMED[name];
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
    if (!allowed) throw new XmlReadError(`Undefined or invalid character reference '&${name};'.`);
    return String.fromCodePoint(code);
  });
}

type RawNode = Record<string, unknown>;

function tagOf(node: RawNode): string | undefined {
  for (const k of Object.keys(node)) if (k !== ATTRS) return k;
  return undefined;
}

function resolve(qname: string, scope: ReadonlyMap<string, string>, isAttr: boolean): { ns: string; local: string } {
  const i = qname.indexOf(':');
  if (i < 0) return { ns: isAttr ? '' : (scope.get('') ?? ''), local: qname };
  const prefix = qname.slice(0, i);
  const ns = prefix === 'xml' ? XML_NS : scope.get(prefix);
  if (ns === undefined) throw new XmlReadError(`Undeclared namespace prefix '${prefix}'.`);
  return { ns, local: qname.slice(i + 1) };
}

function build(node: RawNode, parentScope: ReadonlyMap<string, string>, depth: number): XElement {
  // The parser's own limit lets one level more through (it counts open ancestors, not the element itself).
  if (depth > MAX_DEPTH) throw new XmlReadError(`Elements are nested deeper than ${MAX_DEPTH} levels.`);
  const tag = tagOf(node);
  if (tag === undefined) throw new XmlReadError('Empty element.');
  const rawAttrs = (node[ATTRS] ?? {}) as Record<string, string>;
  let scope = parentScope;
  for (const [name, value] of Object.entries(rawAttrs)) {
    if (name === 'xmlns' || name.startsWith('xmlns:')) {
      if (scope === parentScope) scope = new Map(parentScope);
      (scope as Map<string, string>).set(name === 'xmlns' ? '' : name.slice(6), decodeEntities(value));
    }
  }
  const attrs = new Map<string, string>();
  for (const [name, value] of Object.entries(rawAttrs)) {
    if (name === 'xmlns' || name.startsWith('xmlns:')) continue;
    const q = resolve(name, scope, true);
    attrs.set(q.ns ? `{${q.ns}}${q.local}` : q.local, decodeEntities(value));
  }
  const { ns, local } = resolve(tag, scope, false);
  const children: XElement[] = [];
  let text = '';
  for (const child of (node[tag] ?? []) as RawNode[]) {
    const ctag = tagOf(child);
    if (ctag === TEXT) text += decodeEntities(String(child[TEXT]));
    else if (ctag === CDATA) {
      for (const part of child[CDATA] as RawNode[]) text += String(part[TEXT] ?? '');
    } else children.push(build(child, scope, depth + 1));
  }
  return { ns, local, attrs, children, text };
}

/** Parses a whole document and returns its root element. Throws XmlReadError on anything malformed. */
export function readXml(xml: string): XElement {
  if (/<!DOCTYPE/i.test(xml) || /<!ENTITY/i.test(xml)) throw new XmlReadError('DTDs are not allowed.');
  // XML 1.0 §2.2: these characters make a document not well-formed; the parser lets them through (a NUL would
  // then reach PostgreSQL, which refuses it in text, and turn a malformed request into an internal error).
  if (NOT_XML_CHAR.test(xml)) throw new XmlReadError('The document contains a character XML does not allow.');
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new XmlReadError(`Malformed XML: ${valid.err.msg}`);
  let nodes: RawNode[];
  try {
    nodes = parser.parse(xml) as RawNode[];
  } catch (e) {
    throw new XmlReadError(`Malformed XML: ${(e as Error).message}`);
  }
  const roots = nodes.filter((n) => {
    const t = tagOf(n);
    if (t === TEXT) {
      if (String(n[TEXT]).trim() !== '') throw new XmlReadError('Text outside the document element.');
      return false;
    }
    return t !== undefined && t !== CDATA;
  });
  if (roots.length !== 1 || !roots[0]) throw new XmlReadError('A document must have exactly one root element.');
  return build(roots[0], new Map(), 1);
}
