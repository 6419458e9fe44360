// Schema-driven reading of a request element into plain typed values. Every problem found is collected and
// reported at once as code 201, naming the element; nothing malformed reaches a service (no NaN, no
// Invalid Date, no long squeezed through a JS number).
import { ApiError, problem, type OperationProblem } from '../errors.ts';
import { complexTypeDef, fieldsOf, NS, simpleTypeDef, type QName, type QualifiedField } from '../schema/index.ts';
import { parseDateTime, parseYearMonth } from '../datetime.ts';
import type { XElement } from './xml-reader.ts';
import { XSI } from './xml-writer.ts';

/** A decoded value: scalars as string (xs:long, decimals, strings, enums), number (xs:int), boolean, Date. */
export type DValue = string | number | boolean | Date | null | readonly string[] | DObject | readonly DValue[];
export interface DObject {
  readonly [field: string]: DValue | undefined;
}

const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;
const INT_RANGE: Record<string, readonly [number, number]> = {
  'xs:int': [-2147483648, 2147483647],
  'xs:short': [-32768, 32767],
  'xs:unsignedByte': [0, 255],
};
const clip = (s: string): string => (s.length > 64 ? `${s.slice(0, 64)}…` : s);

function scalar(type: QName, raw: string, path: string, problems: OperationProblem[]): DValue {
  const bad = (what: string): null => {
    problems.push(problem(201, `${path}: '${raw.slice(0, 64)}' is not ${what}.`));
    return null;
  };
  const text = raw.trim();
  switch (type) {
    case 'xs:string':
      return raw;
    case 'xs:long': {
      if (!/^[+-]?\d{1,20}$/.test(text)) return bad('a valid long');
      const v = BigInt(text);
      if (v < LONG_MIN || v > LONG_MAX) return bad('a valid long');
      return v.toString();
    }
    case 'xs:int':
    case 'xs:short':
    case 'xs:unsignedByte': {
      const [min, max] = INT_RANGE[type] ?? [0, 0];
      if (!/^[+-]?\d{1,11}$/.test(text)) return bad(`a valid ${type.slice(3)}`);
      const v = Number(text);
      if (v < min || v > max) return bad(`a valid ${type.slice(3)}`);
      return v;
    }
    case 'xs:boolean':
      if (text === 'true' || text === '1') return true;
      if (text === 'false' || text === '0') return false;
      return bad('a valid boolean');
    case 'xs:double':
    case 'xs:decimal':
      if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(text)) return bad('a valid number');
      return text;
    case 'xs:dateTime':
      return parseDateTime(text) ?? bad('a valid dateTime');
    default: {
      const st = simpleTypeDef(type);
      if (!st) return raw;
      const allowed = (st.enums ?? []).map((e) => (typeof e === 'string' ? e : e[0]));
      if (st.list) {
        const parts = text.split(/\s+/).filter((p) => p !== '');
        for (const p of parts) if (!allowed.includes(p)) return bad(`a valid ${type.slice(type.indexOf(':') + 1)}`);
        return parts;
      }
      if (allowed.length > 0 && !allowed.includes(text)) return bad(`a valid ${type.slice(type.indexOf(':') + 1)}`);
      return text;
    }
  }
}

function decodeValue(f: QualifiedField, el: XElement, path: string, problems: OperationProblem[]): DValue {
  const nil = el.attrs.get(`{${XSI}}nil`);
  if (nil === 'true' || nil === '1') {
    if (!f.nillable) problems.push(problem(201, `${path} cannot be nil.`));
    return null;
  }
  if (!complexTypeDef(f.type)) {
    if (el.children.length > 0) {
      problems.push(problem(201, `${path} must not contain elements.`));
      return null;
    }
    if (f.acceptsYearMonth && f.type === 'xs:dateTime') {
      const month = parseYearMonth(el.text);
      if (month) return month;
    }
    return scalar(f.type, el.text, path, problems);
  }
  if (el.text.trim() !== '') problems.push(problem(201, `${path} must not contain text.`));
  return decodeFields(fieldsOf(f.type), el.children, path, problems);
}

/** Decodes the children of an element against an ordered field list. Order is not enforced on input. */
export function decodeFields(
  fields: readonly QualifiedField[],
  children: readonly XElement[],
  path: string,
  problems: OperationProblem[],
): DObject {
  const out: Record<string, DValue> = {};
  for (const child of children) {
    const f = fields.find((x) => x.name === child.local && NS[x.ns] === child.ns);
    const childPath = `${path}.${child.local}`;
    if (!f) {
      // The names are the client's and may be of any length: they are quoted clipped, so the fault stays small.
      const name = `{${clip(child.ns)}}${clip(child.local)}`;
      problems.push(problem(201, `${path}.${clip(child.local)}: unexpected element ${name}.`));
      continue;
    }
    const v = decodeValue(f, child, childPath, problems);
    if (f.many) {
      const list = (out[f.name] as DValue[] | undefined) ?? [];
      list.push(v);
      out[f.name] = list;
    } else if (Object.hasOwn(out, f.name)) {
      problems.push(problem(201, `${childPath} appears more than once.`));
    } else out[f.name] = v;
  }
  return out;
}

/** Decodes an operation's request element; throws ApiError(201) listing every invalid value. */
export function decodeRequest(fields: readonly QualifiedField[], el: XElement): DObject {
  const problems: OperationProblem[] = [];
  const value = decodeFields(fields, el.children, el.local, problems);
  if (problems.length > 0) throw new ApiError(problems);
  return value;
}
