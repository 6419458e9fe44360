// Types of the contract description in contract.ts, and the small constructors it is written with.

/** Namespace keys used throughout the contract. */
export const NS = {
  tns: 'https://bingads.microsoft.com/Billing/v13',
  ent: 'https://bingads.microsoft.com/Customer/v13/Entities',
  exc: 'https://bingads.microsoft.com/Customer/v13/Exception',
  adapi: 'https://adapi.microsoft.com',
  arr: 'http://schemas.microsoft.com/2003/10/Serialization/Arrays',
  ser: 'http://schemas.microsoft.com/2003/10/Serialization/',
  xs: 'http://www.w3.org/2001/XMLSchema',
} as const;
export type NsKey = keyof typeof NS;
/** A qualified name written as `<namespace key>:<local name>`, e.g. `ent:Coupon` or `xs:long`. */
export type QName = `${NsKey}:${string}`;

export interface FieldDef {
  readonly name: string;
  readonly type: QName;
  /** maxOccurs="unbounded" (an array item). Every field of this contract has minOccurs="0". */
  readonly many: boolean;
  readonly nillable: boolean;
  /** WCF's EmitDefaultValue=false: the element is omitted, not written as nil, when it has no value. */
  readonly emitDefault: boolean;
  /**
   * Input only, never in the WSDL: an xs:dateTime request field that also takes a year and month alone (`2020-05`),
   * where the official page says so (GetAccountMonthlySpend's MonthYear).
   */
  readonly acceptsYearMonth?: true;
}
export interface ElementDef {
  readonly kind: 'element';
  readonly name: string;
  readonly type?: QName;
  readonly nillable?: boolean;
  /** An anonymous complex type's sequence (the operation wrappers). */
  readonly fields?: readonly FieldDef[];
}
export interface GenericTypeDef {
  readonly name: string;
  readonly ns: NsKey;
  readonly params: readonly { readonly name: string; readonly ns: NsKey }[];
}
export interface ComplexTypeDef {
  readonly kind: 'complexType';
  readonly name: string;
  readonly base?: QName;
  readonly generic?: GenericTypeDef;
  readonly fields: readonly FieldDef[];
}
export interface SimpleTypeDef {
  readonly kind: 'simpleType';
  readonly name: string;
  readonly base: QName;
  /** xs:list of the enumeration (flags such as AccountAdditionalField). */
  readonly list?: boolean;
  /** Enumeration values, with WCF's EnumerationValue number where the contract gives one. */
  readonly enums?: readonly (string | readonly [string, number])[];
  readonly pattern?: string;
  readonly minInclusive?: string;
  readonly maxInclusive?: string;
}
export interface AttributeDef {
  readonly kind: 'attribute';
  readonly name: string;
  readonly type: QName;
}
export type SchemaItem = ElementDef | ComplexTypeDef | SimpleTypeDef | AttributeDef;
export interface SchemaDef {
  readonly ns: NsKey;
  readonly attributeFormQualified?: boolean;
  readonly imports: readonly NsKey[];
  readonly items: readonly SchemaItem[];
}
export type FaultName = 'AdApiFaultDetailFault' | 'ApiBatchFault' | 'ApiFault';
export interface OperationDef {
  readonly name: string;
  readonly faults: readonly FaultName[];
}

type FieldFlag = 'many' | 'nillable' | 'noEmitDefault' | 'acceptsYearMonth';
export function field(name: string, type: QName, ...flags: FieldFlag[]): FieldDef {
  return {
    name,
    type,
    many: flags.includes('many'),
    nillable: flags.includes('nillable'),
    emitDefault: !flags.includes('noEmitDefault'),
    ...(flags.includes('acceptsYearMonth') ? { acceptsYearMonth: true as const } : {}),
  };
}
export function element(name: string, opts: Omit<ElementDef, 'kind' | 'name'>): ElementDef {
  return { kind: 'element', name, ...opts };
}
export function complexType(name: string, opts: Omit<ComplexTypeDef, 'kind' | 'name'>): ComplexTypeDef {
  return { kind: 'complexType', name, ...opts };
}
export function simpleType(name: string, opts: Omit<SimpleTypeDef, 'kind' | 'name'>): SimpleTypeDef {
  return { kind: 'simpleType', name, ...opts };
}
export function attribute(name: string, type: QName): AttributeDef {
  return { kind: 'attribute', name, type };
}

export function splitQName(q: QName): { ns: NsKey; local: string } {
  const i = q.indexOf(':');
  return { ns: q.slice(0, i) as NsKey, local: q.slice(i + 1) };
}
