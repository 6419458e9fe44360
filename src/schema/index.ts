// Lookups over the contract description, built once at start.
import { operations, schemas } from './contract.ts';
import {
  splitQName,
  type ComplexTypeDef,
  type ElementDef,
  type FieldDef,
  type NsKey,
  type OperationDef,
  type QName,
  type SimpleTypeDef,
} from './model.ts';

export * from './model.ts';
export { operations, schemas };

const elements = new Map<string, ElementDef>();
const complexTypes = new Map<string, ComplexTypeDef>();
const simpleTypes = new Map<string, SimpleTypeDef>();
for (const s of schemas) {
  for (const it of s.items) {
    const key = `${s.ns}:${it.name}`;
    if (it.kind === 'element') elements.set(key, it);
    else if (it.kind === 'complexType') complexTypes.set(key, it);
    else if (it.kind === 'simpleType') simpleTypes.set(key, it);
  }
}

export function elementDef(q: QName): ElementDef {
  const e = elements.get(q);
  if (!e) throw new Error(`No element ${q} in the contract`);
  return e;
}
export function complexTypeDef(q: QName): ComplexTypeDef | undefined {
  return complexTypes.get(q);
}
export function simpleTypeDef(q: QName): SimpleTypeDef | undefined {
  return simpleTypes.get(q);
}

/** A field with the namespace its element is qualified with (the schema declaring the type that holds it). */
export interface QualifiedField extends FieldDef {
  readonly ns: NsKey;
}

const fieldCache = new Map<string, readonly QualifiedField[]>();
/** All fields of a complex type in document order, inherited ones first (xs:extension). */
export function fieldsOf(q: QName): readonly QualifiedField[] {
  const cached = fieldCache.get(q);
  if (cached) return cached;
  const t = complexTypes.get(q);
  if (!t) throw new Error(`No complex type ${q} in the contract`);
  const own = splitQName(q).ns;
  const result = [...(t.base ? fieldsOf(t.base) : []), ...t.fields.map((f) => ({ ...f, ns: own }))];
  fieldCache.set(q, result);
  return result;
}

/** Fields of an operation wrapper element (Billing namespace, anonymous type). */
export function wrapperFields(elementName: string): readonly QualifiedField[] {
  const q: QName = `tns:${elementName}`;
  const cached = fieldCache.get(q);
  if (cached) return cached;
  const e = elementDef(q);
  const result = (e.fields ?? []).map((f) => ({ ...f, ns: 'tns' as const }));
  fieldCache.set(q, result);
  return result;
}

const byName = new Map(operations.map((o) => [o.name, o]));
export function operationDef(name: string): OperationDef | undefined {
  return byName.get(name);
}
