// Worst-case request shapes for the XML reader's cost: each a SOAP 1.1 envelope of about `bytes` characters
// whose body is filled with one pattern that an attacker can repeat (namespace declarations, attributes,
// elements, references, nesting, long text …), each kept within the reader's caps so that it is read whole.
// Used by the growth test (test/hostile/parse-cost.test.ts) and `npm run bench -- --only parse`.
const SOAP11 = 'http://schemas.xmlsoap.org/soap/envelope/';
const BILLING = 'https://bingads.microsoft.com/Billing/v13';

export interface ParseShape {
  readonly name: string;
  readonly xml: string;
}

const open = `<s:Envelope xmlns:s="${SOAP11}"><s:Header/><s:Body><b:SearchCouponsRequest xmlns:b="${BILLING}">`;
const close = `</b:SearchCouponsRequest></s:Body></s:Envelope>`;

/** `unit` repeated until the envelope is about `bytes` long. */
function filled(bytes: number, unit: string, before = '', after = ''): string {
  const room = Math.max(0, bytes - open.length - close.length - before.length - after.length);
  return open + before + unit.repeat(Math.max(1, Math.floor(room / unit.length))) + after + close;
}

const declarations = (count: number, prefix: string): string =>
  Array.from({ length: count }, (_, i) => ` xmlns:${prefix}${i}="urn:${prefix}${i}"`).join('');

/**
 * Namespace scope that grows with the input (nested elements each declaring 64 prefixes, one level per 16 KiB),
 * then many elements that each declare one more: a reader that copies the scope per declaring element pays
 * scope size × elements, which grows with the square of the input.
 */
function scopeShape(bytes: number): string {
  const levels = Math.min(56, Math.max(1, Math.round(bytes / 16384)));
  const before = Array.from({ length: levels }, (_, l) => `<n${declarations(64, `l${l}p`)}>`).join('');
  const after = '</n>'.repeat(levels);
  return filled(bytes, '<q:x xmlns:q="urn:one-more-namespace"/>', before, after);
}

export function parseShapes(bytes: number): ParseShape[] {
  const attrs = Array.from({ length: 120 }, (_, i) => ` a${i}="v"`).join('');
  return [
    { name: 'namespace declarations (growing scope)', xml: scopeShape(bytes) },
    { name: 'namespace declarations (64 per element)', xml: filled(bytes, `<x${declarations(64, 'p')}/>`) },
    { name: 'attributes (120 per element)', xml: filled(bytes, `<x${attrs}/>`) },
    { name: 'elements (empty siblings)', xml: filled(bytes, '<xyzw/>') },
    { name: 'entity and character references', xml: filled(bytes, `<v>${'&#x41;&amp;&#233;&lt;'.repeat(200)}</v>`) },
    { name: 'nesting (60 levels, repeated)', xml: filled(bytes, `${'<n>'.repeat(60)}${'</n>'.repeat(60)}`) },
    { name: 'one long text', xml: filled(bytes, 'A', '<v>', '</v>') },
    { name: 'one long attribute value', xml: filled(bytes, 'A', '<v a="', '"/>') },
    { name: 'CDATA sections', xml: filled(bytes, '<![CDATA[a<b]]>', '<v>', '</v>') },
    { name: 'comments', xml: filled(bytes, '<!-- c -->') },
  ];
}
