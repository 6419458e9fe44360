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

export type XValue =
  string | number | boolean | bigint | Date | RawXml | null | undefined | XObject | readonly XValue[];
export interface XObject {
  readonly [field: string]: XValue;
}

/**
 * A field's element already written (its start tag, content and end tag), e.g. from a cache of encoded fragments:
 * the writer copies its parts as they are. Whoever makes one writes it with writeFields() and qualified(), so it
 * has the same namespaces and order as a written value.
 */
export class RawXml {
  constructor(readonly parts: readonly string[]) {}
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
  const t = d.getTime();
  const cached = dateCache.get(t);
  if (cached !== undefined) return cached;
  const iso = d.toISOString();
  const text = iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
  // A page of coupons repeats the same few class dates; remembering recent ones saves most conversions.
  if (dateCache.size >= 4096) dateCache.clear();
  dateCache.set(t, text);
  return text;
}
const dateCache = new Map<number, string>();

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

/** Everything about writing one field that does not depend on the value, worked out once per field. */
interface FieldPlan {
  readonly field: QualifiedField;
  readonly open: string;
  readonly close: string;
  /** What a null value writes: xsi:nil for nillable fields (unless EmitDefaultValue=false), else nothing. */
  readonly nil: string;
  /** The fields of a complex type, or null for a simple one. */
  readonly children: readonly QualifiedField[] | null;
}
const plans = new WeakMap<readonly QualifiedField[], readonly FieldPlan[]>();
function planOf(fields: readonly QualifiedField[]): readonly FieldPlan[] {
  let plan = plans.get(fields);
  if (!plan) {
    plan = fields.map((f) => {
      const name = qualified(f.ns, f.name);
      return {
        field: f,
        open: `<${name}>`,
        close: `</${name}>`,
        nil: f.nillable && f.emitDefault ? `<${name} i:nil="true"/>` : '',
        children: complexTypeDef(f.type) ? fieldsOf(f.type) : null,
      };
    });
    plans.set(fields, plan);
  }
  return plan;
}

// Paths name the element in error messages; they are built as cheap concatenations and only read on error.
function writeField(out: string[], p: FieldPlan, value: XValue, path: string): void {
  if (value === null || value === undefined) {
    if (p.nil) out.push(p.nil);
    return;
  }
  if (value instanceof RawXml) {
    for (const part of value.parts) out.push(part);
    return;
  }
  if (!p.children) {
    out.push(p.open + scalarText(p.field.type, value, path) + p.close);
    return;
  }
  if (typeof value !== 'object' || value instanceof Date || Array.isArray(value) || typeof value === 'bigint')
    throw new TypeError(`${path}: expected an object for ${p.field.type}`);
  out.push(p.open);
  writePlanned(out, planOf(p.children), value as XObject, path);
  out.push(p.close);
}

function writePlanned(out: string[], plan: readonly FieldPlan[], obj: XObject, path: string): void {
  for (const p of plan) {
    const v = obj[p.field.name];
    const here = path + '.' + p.field.name;
    if (!p.field.many) {
      writeField(out, p, v, here);
      continue;
    }
    if (v === null || v === undefined) continue;
    if (!Array.isArray(v)) throw new TypeError(`${here}: expected a list`);
    const items = v as readonly XValue[];
    for (let i = 0; i < items.length; i++) writeField(out, p, items[i], here);
  }
}

export function writeFields(out: string[], fields: readonly QualifiedField[], obj: XObject, path: string): void {
  writePlanned(out, planOf(fields), obj, path);
}

/**
 * Writes whole elements of one complex type whose fields are all simple and single, from their values in schema
 * order (the type's fieldsOf order): for long lists, such as GetCouponInfo's 1,000 items, one string per item
 * with no object per item, no walk by field name and no part per field. Writes exactly what writeFields writes
 * for the same values under the same field (xml-writer unit test).
 */
export function recordWriter(item: QualifiedField, path: string): (values: readonly XValue[]) => string {
  const [itemPlan] = planOf([item]);
  const plan = planOf(itemPlan!.children ?? []);
  if (!itemPlan!.children || plan.some((p) => p.children !== null || p.field.many))
    throw new Error(`${path}: recordWriter needs a list of a complex type of simple fields`);
  const { open, close } = itemPlan!;
  const at = plan.map((p) => `${path}.${p.field.name}`);
  return (values) => {
    if (values.length !== plan.length) throw new TypeError(`${path}: expected ${plan.length} values`);
    // One join makes a flat string; `+=` would leave a tree of ~60 pieces per item for the document's join to walk.
    const out: string[] = [open];
    for (let i = 0; i < plan.length; i++) {
      const p = plan[i]!;
      const v = values[i];
      if (v === null || v === undefined) out.push(p.nil);
      else out.push(p.open, scalarText(p.field.type, v, at[i]!), p.close);
    }
    out.push(close);
    return out.join('');
  };
}
