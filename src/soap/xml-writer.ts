// Schema-driven XML writing: a value is written by walking the contract's type for it, so every element
// lands in its schema's namespace, in schema order, with xsi:nil where the schema allows nil and omitted
// where it does not (or where EmitDefaultValue=false). All prefixes are declared on the element that opens
// the written fragment.
import {
  complexTypeDef,
  fieldsOf,
  NS,
  simpleTypeDef,
  type NsKey,
  type QName,
  type QualifiedField,
} from '../schema/index.ts';

export type XValue = string | number | boolean | bigint | Date | null | undefined | XObject | readonly XValue[];
export interface XObject {
  readonly [field: string]: XValue;
}

export const XSI = 'http://www.w3.org/2001/XMLSchema-instance';
/** Prefix used for each contract namespace in written documents; the Billing namespace is the default one. */
const PREFIX: Record<NsKey, string> = { tns: '', ent: 'e', exc: 'x', adapi: 'a', arr: 'r', ser: 'z', xs: 'xs' };
/** Declarations for a fragment root whose own element is in `rootNs`. */
export function namespaceDeclarations(rootNs: NsKey): string {
  let d = rootNs === 'tns' ? ` xmlns="${NS.tns}"` : ` xmlns:${PREFIX[rootNs]}="${NS[rootNs]}"`;
  for (const k of ['ent', 'exc', 'adapi', 'arr'] as const) if (k !== rootNs) d += ` xmlns:${PREFIX[k]}="${NS[k]}"`;
  return d + ` xmlns:i="${XSI}"`;
}

export function qualified(ns: NsKey, local: string): string {
  const p = PREFIX[ns];
  return p ? `${p}:${local}` : local;
}

// XML 1.0 cannot carry most control characters at all, even escaped; replace them rather than emit a
// document no client can parse.
const INVALID_XML_CHARS =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
export function escapeText(s: string): string {
  let r = s;
  if (/[&<>\r]/.test(r))
    r = r.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#xD;');
  // replace() with a global pattern is stateless (test() on a /g pattern would carry lastIndex between calls).
  return r.replace(INVALID_XML_CHARS, '\ufffd');
}

/** xs:dateTime in UTC with `Z`; fractional seconds only when non-zero. */
export function formatDateTime(d: Date): string {
  const iso = d.toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}

function scalarText(type: QName, value: XValue, path: string): string {
  if (value instanceof Date) {
    if (type !== 'xs:dateTime' || Number.isNaN(value.getTime())) throw new TypeError(`${path}: bad date value`);
    return formatDateTime(value);
  }
  switch (type) {
    case 'xs:boolean':
      if (typeof value !== 'boolean') throw new TypeError(`${path}: expected boolean`);
      return value ? 'true' : 'false';
    case 'xs:long':
    case 'xs:int':
    case 'xs:short':
    case 'xs:unsignedByte':
      if (typeof value === 'bigint') return value.toString();
      if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
      if (typeof value === 'string' && /^-?\d+$/.test(value)) return value;
      throw new TypeError(`${path}: expected an integer`);
    case 'xs:double':
    case 'xs:decimal':
      // Money arrives as exact decimal text; numbers are only used for values that are not money.
      if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)) return value;
      if (typeof value === 'number' && Number.isFinite(value)) return String(value);
      throw new TypeError(`${path}: expected a decimal`);
    default: {
      if (typeof value === 'string') return escapeText(value);
      if (Array.isArray(value) && simpleTypeDef(type)?.list) return value.map((v) => escapeText(String(v))).join(' ');
      throw new TypeError(`${path}: expected text for ${type}`);
    }
  }
}

function writeField(out: string[], f: QualifiedField, value: XValue, path: string): void {
  const name = qualified(f.ns, f.name);
  if (value === null || value === undefined) {
    if (f.nillable && f.emitDefault) out.push(`<${name} i:nil="true"/>`);
    return;
  }
  const type = complexTypeDef(f.type);
  if (!type) {
    out.push(`<${name}>${scalarText(f.type, value, path)}</${name}>`);
    return;
  }
  if (typeof value !== 'object' || value instanceof Date || Array.isArray(value) || typeof value === 'bigint')
    throw new TypeError(`${path}: expected an object for ${f.type}`);
  out.push(`<${name}>`);
  writeFields(out, fieldsOf(f.type), value as XObject, path);
  out.push(`</${name}>`);
}

export function writeFields(out: string[], fields: readonly QualifiedField[], obj: XObject, path: string): void {
  for (const f of fields) {
    const v = obj[f.name];
    if (!f.many) {
      writeField(out, f, v, `${path}.${f.name}`);
      continue;
    }
    if (v === null || v === undefined) continue;
    if (!Array.isArray(v)) throw new TypeError(`${path}.${f.name}: expected a list`);
    const items = v as readonly XValue[];
    for (let i = 0; i < items.length; i++) writeField(out, f, items[i], `${path}.${f.name}[${i}]`);
  }
}
