/**
 * A namespace-aware structural model of a WSDL 1.1 document, and a comparer.
 *
 * Every element name and every QName-valued attribute (type, base, element, message, binding, …) is resolved
 * through the xmlns declarations in scope, so prefixes, whitespace, attribute order and where namespaces are
 * declared never matter. QNames are written in Clark notation: `{namespace}local`.
 *
 * Not modelled (deliberately): `soap:address/@location` (ours is the URL the client used), WS-Policy, documentation,
 * the order of top-level schema components, messages and operations (order matters only inside a content model,
 * a message's parts, an enumeration and a binding operation's header list).
 */
import { readFileSync } from 'node:fs';
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export const NS = {
  wsdl: 'http://schemas.xmlsoap.org/wsdl/',
  soap: 'http://schemas.xmlsoap.org/wsdl/soap/',
  soap12: 'http://schemas.xmlsoap.org/wsdl/soap12/',
  xs: 'http://www.w3.org/2001/XMLSchema',
  wsaw: 'http://www.w3.org/2006/05/addressing/wsdl',
  wsam: 'http://www.w3.org/2007/05/addressing/metadata',
  ser: 'http://schemas.microsoft.com/2003/10/Serialization/',
  xml: 'http://www.w3.org/XML/1998/namespace',
} as const;

// ---------------------------------------------------------------------------------------------------------------
// Namespace-aware DOM on top of fast-xml-parser (preserveOrder keeps document order and the xmlns attributes).

export interface XmlNode {
  ns: string;
  local: string;
  /** Attributes other than xmlns declarations, keyed by `local` (no namespace) or `{ns}local`. */
  attrs: Map<string, string>;
  children: XmlNode[];
  text: string;
  /** In-scope prefix → namespace URI ('' is the default namespace). */
  scope: Map<string, string>;
}

type OrderedNode = Record<string, unknown>;

const ATTR_PREFIX = '@_';

function splitQName(raw: string): [string, string] {
  const i = raw.indexOf(':');
  return i < 0 ? ['', raw] : [raw.slice(0, i), raw.slice(i + 1)];
}

function undeclared(prefix: string): string {
  return `urn:undeclared-prefix:${prefix}`;
}

function buildNode(
  tag: string,
  body: unknown,
  attrs: Record<string, string>,
  parentScope: Map<string, string>,
): XmlNode {
  const scope = new Map(parentScope);
  const plain: [string, string][] = [];
  for (const [key, value] of Object.entries(attrs)) {
    const name = key.startsWith(ATTR_PREFIX) ? key.slice(ATTR_PREFIX.length) : key;
    if (name === 'xmlns') scope.set('', value);
    else if (name.startsWith('xmlns:')) scope.set(name.slice(6), value);
    else plain.push([name, value]);
  }
  const resolvedAttrs = new Map<string, string>();
  for (const [name, value] of plain) {
    const [prefix, local] = splitQName(name);
    if (!prefix) resolvedAttrs.set(local, value);
    else {
      const ns = prefix === 'xml' ? NS.xml : (scope.get(prefix) ?? undeclared(prefix));
      resolvedAttrs.set(`{${ns}}${local}`, value);
    }
  }
  const [prefix, local] = splitQName(tag);
  const ns = scope.get(prefix) ?? (prefix ? undeclared(prefix) : '');
  const node: XmlNode = { ns, local, attrs: resolvedAttrs, children: [], text: '', scope };
  const texts: string[] = [];
  for (const child of Array.isArray(body) ? (body as OrderedNode[]) : []) {
    const converted = convert(child, scope);
    if (typeof converted === 'string') texts.push(converted);
    else if (converted) node.children.push(converted);
  }
  node.text = texts.join('');
  return node;
}

function convert(item: OrderedNode, scope: Map<string, string>): XmlNode | string | undefined {
  const attrs = (item[':@'] ?? {}) as Record<string, string>;
  for (const key of Object.keys(item)) {
    if (key === ':@') continue;
    if (key === '#text') return String(item[key]);
    if (key.startsWith('?') || key.startsWith('!')) return undefined;
    return buildNode(key, item[key], attrs, scope);
  }
  return undefined;
}

/** Parses XML text into a namespace-aware tree and returns its document element. */
export function parseXml(text: string): XmlNode {
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    throw new Error(`Not well-formed XML: ${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col})`);
  }
  const parser = new XMLParser({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: ATTR_PREFIX,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    ignoreDeclaration: true,
    ignorePiTags: true,
  });
  const items = parser.parse(text) as OrderedNode[];
  const root = items.map((item) => convert(item, new Map([['xml', NS.xml]]))).find((n) => typeof n === 'object');
  if (!root) throw new Error('The document has no root element');
  return root;
}

function is(node: XmlNode, ns: string, local: string): boolean {
  return node.ns === ns && node.local === local;
}

function kids(node: XmlNode, ns: string, local?: string): XmlNode[] {
  return node.children.filter((c) => c.ns === ns && (local === undefined || c.local === local));
}

function kid(node: XmlNode, ns: string, local: string): XmlNode | undefined {
  return node.children.find((c) => c.ns === ns && c.local === local);
}

/** Resolves a QName-valued attribute through the node's in-scope namespaces (unprefixed → default namespace). */
export function resolveQName(node: XmlNode, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const [prefix, local] = splitQName(value.trim());
  const ns = node.scope.get(prefix) ?? (prefix ? undeclared(prefix) : '');
  return `{${ns}}${local}`;
}

function attr(node: XmlNode, name: string): string | undefined {
  return node.attrs.get(name);
}

function qattr(node: XmlNode, name: string): string | undefined {
  return resolveQName(node, node.attrs.get(name));
}

function bool(value: string | undefined): boolean {
  return value !== undefined && (value.trim() === 'true' || value.trim() === '1');
}

// ---------------------------------------------------------------------------------------------------------------
// Model

export interface ElementModel {
  /** Local name, or '' for `ref` particles. */
  name: string;
  ref?: string;
  type?: string;
  inlineComplexType?: ComplexTypeModel;
  inlineSimpleType?: SimpleTypeModel;
  nillable: boolean;
  minOccurs: string;
  maxOccurs: string;
  default?: string;
  fixed?: string;
  /** DataContract `<ser:DefaultValue EmitDefaultValue="…"/>` annotation value, when present. */
  emitDefaultValue?: string;
}

export interface AttributeModel {
  name: string;
  ref?: string;
  type?: string;
  use: string;
}

export interface ComplexTypeModel {
  /** `sequence`, `all`, `choice`, `simpleContent` or `empty`. */
  content: string;
  derivation?: 'extension' | 'restriction';
  base?: string;
  mixed: boolean;
  abstract: boolean;
  elements: ElementModel[];
  attributes: AttributeModel[];
  hasAny: boolean;
  /** DataContract `GenericType` annotation, flattened. */
  genericType?: string;
}

export interface EnumerationModel {
  value: string;
  /** DataContract `<ser:EnumerationValue>` annotation text, when present. */
  enumerationValue?: string;
}

export interface SimpleTypeModel {
  variety: 'restriction' | 'list' | 'union';
  base?: string;
  itemType?: string;
  item?: SimpleTypeModel;
  memberTypes?: string[];
  enumerations: EnumerationModel[];
  /** Other facets as `facet=value`, in document order. */
  facets: string[];
}

export interface SchemaModel {
  targetNamespace: string;
  elementFormDefault: string;
  attributeFormDefault: string;
  imports: string[];
  elements: Map<string, ElementModel>;
  complexTypes: Map<string, ComplexTypeModel>;
  simpleTypes: Map<string, SimpleTypeModel>;
  attributes: Map<string, AttributeModel>;
}

export interface MessagePartModel {
  name: string;
  element?: string;
  type?: string;
}

export interface MessageModel {
  name: string;
  parts: MessagePartModel[];
}

export interface OperationMessageRef {
  name?: string;
  message?: string;
  /** `wsaw:Action` (or `wsam:Action`, noted as such) when present. */
  action?: string;
}

export interface PortTypeOperationModel {
  name: string;
  input?: OperationMessageRef;
  output?: OperationMessageRef;
  faults: OperationMessageRef[];
}

export interface PortTypeModel {
  name: string;
  operations: Map<string, PortTypeOperationModel>;
}

export interface SoapHeaderModel {
  message?: string;
  part?: string;
  use?: string;
}

export interface BindingMessageModel {
  name?: string;
  headers: SoapHeaderModel[];
  bodyUse?: string;
  bodyParts?: string;
  bodyNamespace?: string;
}

export interface BindingFaultModel {
  name?: string;
  soapFaultName?: string;
  use?: string;
}

export interface BindingOperationModel {
  name: string;
  soapAction?: string;
  style: string;
  input?: BindingMessageModel;
  output?: BindingMessageModel;
  faults: BindingFaultModel[];
}

export interface BindingModel {
  name: string;
  type?: string;
  /** 'soap11', 'soap12' or 'none'. */
  soapVersion: string;
  transport?: string;
  operations: Map<string, BindingOperationModel>;
}

export interface PortModel {
  name: string;
  binding?: string;
  /** Kind of address element ('soap11', 'soap12', 'other', 'none'); the location itself is not modelled. */
  address: string;
}

export interface ServiceModel {
  name: string;
  ports: Map<string, PortModel>;
}

export interface WsdlModel {
  name?: string;
  targetNamespace: string;
  schemas: Map<string, SchemaModel>;
  /** wsdl:import, and xs:import / xs:include / xs:redefine with a schemaLocation: the document is not standalone. */
  externalReferences: string[];
  messages: Map<string, MessageModel>;
  portTypes: Map<string, PortTypeModel>;
  bindings: Map<string, BindingModel>;
  services: Map<string, ServiceModel>;
}

function appinfoChildren(node: XmlNode): XmlNode[] {
  return kids(node, NS.xs, 'annotation').flatMap((a) => kids(a, NS.xs, 'appinfo').flatMap((ai) => ai.children));
}

function parseElement(node: XmlNode): ElementModel {
  const model: ElementModel = {
    name: attr(node, 'name') ?? '',
    nillable: bool(attr(node, 'nillable')),
    minOccurs: (attr(node, 'minOccurs') ?? '1').trim(),
    maxOccurs: (attr(node, 'maxOccurs') ?? '1').trim(),
  };
  const ref = qattr(node, 'ref');
  if (ref) model.ref = ref;
  const type = qattr(node, 'type');
  if (type) model.type = type;
  const ct = kid(node, NS.xs, 'complexType');
  if (ct) model.inlineComplexType = parseComplexType(ct);
  const st = kid(node, NS.xs, 'simpleType');
  if (st) model.inlineSimpleType = parseSimpleType(st);
  const dflt = attr(node, 'default');
  if (dflt !== undefined) model.default = dflt;
  const fixed = attr(node, 'fixed');
  if (fixed !== undefined) model.fixed = fixed;
  const dv = appinfoChildren(node).find((c) => is(c, NS.ser, 'DefaultValue'));
  if (dv) model.emitDefaultValue = attr(dv, 'EmitDefaultValue') ?? '(absent)';
  return model;
}

function parseAttribute(node: XmlNode): AttributeModel {
  const model: AttributeModel = { name: attr(node, 'name') ?? '', use: attr(node, 'use') ?? 'optional' };
  const ref = qattr(node, 'ref');
  if (ref) model.ref = ref;
  const type = qattr(node, 'type');
  if (type) model.type = type;
  return model;
}

function readParticles(group: XmlNode, into: ComplexTypeModel): void {
  for (const child of group.children) {
    if (child.ns !== NS.xs) continue;
    if (child.local === 'element') into.elements.push(parseElement(child));
    else if (child.local === 'any') into.hasAny = true;
    else if (child.local === 'sequence' || child.local === 'choice' || child.local === 'all') {
      // Nested groups are rare in DataContract schemas; flatten, marking the nesting in the content kind.
      into.content = `${into.content}+${child.local}`;
      readParticles(child, into);
    }
  }
}

function readContent(holder: XmlNode, into: ComplexTypeModel): void {
  for (const child of holder.children) {
    if (child.ns !== NS.xs) continue;
    if (child.local === 'sequence' || child.local === 'all' || child.local === 'choice') {
      into.content = child.local;
      readParticles(child, into);
    } else if (child.local === 'attribute') into.attributes.push(parseAttribute(child));
    else if (child.local === 'anyAttribute') into.hasAny = true;
  }
}

function parseComplexType(node: XmlNode): ComplexTypeModel {
  const model: ComplexTypeModel = {
    content: 'empty',
    mixed: bool(attr(node, 'mixed')),
    abstract: bool(attr(node, 'abstract')),
    elements: [],
    attributes: [],
    hasAny: false,
  };
  const generic = appinfoChildren(node).find((c) => is(c, NS.ser, 'GenericType'));
  if (generic) {
    const params = kids(generic, NS.ser, 'GenericParameter').map(
      (p) => `{${attr(p, 'Namespace') ?? ''}}${attr(p, 'Name') ?? ''}`,
    );
    model.genericType = `{${attr(generic, 'Namespace') ?? ''}}${attr(generic, 'Name') ?? ''}<${params.join(', ')}>`;
  }
  const complexContent = kid(node, NS.xs, 'complexContent');
  const simpleContent = kid(node, NS.xs, 'simpleContent');
  const derived = complexContent ?? simpleContent;
  if (derived) {
    if (complexContent && bool(attr(complexContent, 'mixed'))) model.mixed = true;
    const ext = kid(derived, NS.xs, 'extension') ?? kid(derived, NS.xs, 'restriction');
    if (ext) {
      model.derivation = ext.local as 'extension' | 'restriction';
      const base = qattr(ext, 'base');
      if (base) model.base = base;
      readContent(ext, model);
    }
    if (simpleContent) model.content = 'simpleContent';
  } else {
    readContent(node, model);
  }
  return model;
}

function parseRestriction(restriction: XmlNode, model: SimpleTypeModel): void {
  const base = qattr(restriction, 'base');
  if (base) model.base = base;
  for (const facet of restriction.children) {
    if (facet.ns !== NS.xs || facet.local === 'annotation') continue;
    if (facet.local === 'simpleType') {
      model.item = parseSimpleType(facet);
      continue;
    }
    const value = attr(facet, 'value') ?? '';
    if (facet.local === 'enumeration') {
      const enumeration: EnumerationModel = { value };
      const ev = appinfoChildren(facet).find((c) => is(c, NS.ser, 'EnumerationValue'));
      if (ev) enumeration.enumerationValue = ev.text.trim();
      model.enumerations.push(enumeration);
    } else model.facets.push(`${facet.local}=${value}`);
  }
}

function parseSimpleType(node: XmlNode): SimpleTypeModel {
  const model: SimpleTypeModel = { variety: 'restriction', enumerations: [], facets: [] };
  const restriction = kid(node, NS.xs, 'restriction');
  const list = kid(node, NS.xs, 'list');
  const union = kid(node, NS.xs, 'union');
  if (restriction) parseRestriction(restriction, model);
  else if (list) {
    model.variety = 'list';
    const itemType = qattr(list, 'itemType');
    if (itemType) model.itemType = itemType;
    const inner = kid(list, NS.xs, 'simpleType');
    if (inner) model.item = parseSimpleType(inner);
  } else if (union) {
    model.variety = 'union';
    model.memberTypes = (attr(union, 'memberTypes') ?? '')
      .split(/\s+/)
      .filter(Boolean)
      .map((m) => resolveQName(union, m) ?? m);
  }
  return model;
}

function schemaFor(model: WsdlModel, node: XmlNode): SchemaModel {
  const tns = attr(node, 'targetNamespace') ?? '';
  let schema = model.schemas.get(tns);
  const efd = attr(node, 'elementFormDefault') ?? 'unqualified';
  const afd = attr(node, 'attributeFormDefault') ?? 'unqualified';
  if (!schema) {
    schema = {
      targetNamespace: tns,
      elementFormDefault: efd,
      attributeFormDefault: afd,
      imports: [],
      elements: new Map(),
      complexTypes: new Map(),
      simpleTypes: new Map(),
      attributes: new Map(),
    };
    model.schemas.set(tns, schema);
  } else {
    // Several xs:schema blocks for one namespace: record disagreement rather than hide it.
    if (schema.elementFormDefault !== efd) schema.elementFormDefault = `${schema.elementFormDefault}|${efd}`;
    if (schema.attributeFormDefault !== afd) schema.attributeFormDefault = `${schema.attributeFormDefault}|${afd}`;
  }
  return schema;
}

function parseSchema(model: WsdlModel, node: XmlNode): void {
  const schema = schemaFor(model, node);
  for (const child of node.children) {
    if (child.ns !== NS.xs) continue;
    const name = attr(child, 'name') ?? '';
    switch (child.local) {
      case 'import': {
        const ns = attr(child, 'namespace') ?? '';
        if (!schema.imports.includes(ns)) schema.imports.push(ns);
        const location = attr(child, 'schemaLocation');
        if (location !== undefined) model.externalReferences.push(`xs:import ${ns} from ${location}`);
        break;
      }
      case 'include':
      case 'redefine':
        model.externalReferences.push(`xs:${child.local} ${attr(child, 'schemaLocation') ?? ''}`);
        break;
      case 'element':
        schema.elements.set(name, parseElement(child));
        break;
      case 'complexType':
        schema.complexTypes.set(name, parseComplexType(child));
        break;
      case 'simpleType':
        schema.simpleTypes.set(name, parseSimpleType(child));
        break;
      case 'attribute':
        schema.attributes.set(name, parseAttribute(child));
        break;
      default:
        break;
    }
  }
}

function action(node: XmlNode): string | undefined {
  const wsaw = node.attrs.get(`{${NS.wsaw}}Action`);
  if (wsaw !== undefined) return wsaw;
  const wsam = node.attrs.get(`{${NS.wsam}}Action`);
  return wsam === undefined ? undefined : `(wsam) ${wsam}`;
}

function messageRef(node: XmlNode): OperationMessageRef {
  const ref: OperationMessageRef = {};
  const name = attr(node, 'name');
  if (name !== undefined) ref.name = name;
  const message = qattr(node, 'message');
  if (message) ref.message = message;
  const act = action(node);
  if (act !== undefined) ref.action = act;
  return ref;
}

function bindingMessage(node: XmlNode, soapNs: string): BindingMessageModel {
  const model: BindingMessageModel = { headers: [] };
  const name = attr(node, 'name');
  if (name !== undefined) model.name = name;
  for (const h of kids(node, soapNs, 'header')) {
    const header: SoapHeaderModel = {};
    const message = qattr(h, 'message');
    if (message) header.message = message;
    const part = attr(h, 'part');
    if (part !== undefined) header.part = part;
    const use = attr(h, 'use');
    if (use !== undefined) header.use = use;
    model.headers.push(header);
  }
  const body = kid(node, soapNs, 'body');
  if (body) {
    const use = attr(body, 'use');
    if (use !== undefined) model.bodyUse = use;
    const parts = attr(body, 'parts');
    if (parts !== undefined) model.bodyParts = parts;
    const ns = attr(body, 'namespace');
    if (ns) model.bodyNamespace = ns;
  }
  return model;
}

function parseBinding(tns: string, node: XmlNode): BindingModel {
  const soap11 = kid(node, NS.soap, 'binding');
  const soap12 = kid(node, NS.soap12, 'binding');
  const soapNs = soap11 ? NS.soap : soap12 ? NS.soap12 : NS.soap;
  const soapBinding = soap11 ?? soap12;
  const model: BindingModel = {
    name: `{${tns}}${attr(node, 'name') ?? ''}`,
    soapVersion: soap11 ? 'soap11' : soap12 ? 'soap12' : 'none',
    operations: new Map(),
  };
  const type = qattr(node, 'type');
  if (type) model.type = type;
  const transport = soapBinding && attr(soapBinding, 'transport');
  if (transport) model.transport = transport;
  const defaultStyle = (soapBinding && attr(soapBinding, 'style')) ?? 'document';
  for (const op of kids(node, NS.wsdl, 'operation')) {
    const name = attr(op, 'name') ?? '';
    const soapOp = kid(op, soapNs, 'operation');
    const opModel: BindingOperationModel = {
      name,
      style: (soapOp && attr(soapOp, 'style')) ?? defaultStyle,
      faults: [],
    };
    const soapAction = soapOp && attr(soapOp, 'soapAction');
    if (soapAction !== undefined) opModel.soapAction = soapAction;
    const input = kid(op, NS.wsdl, 'input');
    if (input) opModel.input = bindingMessage(input, soapNs);
    const output = kid(op, NS.wsdl, 'output');
    if (output) opModel.output = bindingMessage(output, soapNs);
    for (const f of kids(op, NS.wsdl, 'fault')) {
      const fault: BindingFaultModel = {};
      const fname = attr(f, 'name');
      if (fname !== undefined) fault.name = fname;
      const soapFault = kid(f, soapNs, 'fault');
      const sname = soapFault && attr(soapFault, 'name');
      if (sname !== undefined) fault.soapFaultName = sname;
      const use = soapFault && attr(soapFault, 'use');
      if (use !== undefined) fault.use = use;
      opModel.faults.push(fault);
    }
    model.operations.set(name, opModel);
  }
  return model;
}

/** Builds the structural model of a WSDL 1.1 document from its text. */
export function parseWsdl(text: string): WsdlModel {
  const root = parseXml(text);
  if (!is(root, NS.wsdl, 'definitions')) {
    throw new Error(`Not a WSDL 1.1 document: root element is {${root.ns}}${root.local}`);
  }
  const tns = attr(root, 'targetNamespace') ?? '';
  const model: WsdlModel = {
    targetNamespace: tns,
    schemas: new Map(),
    externalReferences: kids(root, NS.wsdl, 'import').map(
      (i) => `wsdl:import ${attr(i, 'namespace') ?? ''} from ${attr(i, 'location') ?? ''}`,
    ),
    messages: new Map(),
    portTypes: new Map(),
    bindings: new Map(),
    services: new Map(),
  };
  const name = attr(root, 'name');
  if (name !== undefined) model.name = name;

  for (const types of kids(root, NS.wsdl, 'types')) {
    for (const schema of kids(types, NS.xs, 'schema')) parseSchema(model, schema);
  }
  for (const msg of kids(root, NS.wsdl, 'message')) {
    const msgName = attr(msg, 'name') ?? '';
    const parts = kids(msg, NS.wsdl, 'part').map((p) => {
      const part: MessagePartModel = { name: attr(p, 'name') ?? '' };
      const element = qattr(p, 'element');
      if (element) part.element = element;
      const type = qattr(p, 'type');
      if (type) part.type = type;
      return part;
    });
    model.messages.set(`{${tns}}${msgName}`, { name: msgName, parts });
  }
  for (const pt of kids(root, NS.wsdl, 'portType')) {
    const ptName = `{${tns}}${attr(pt, 'name') ?? ''}`;
    const operations = new Map<string, PortTypeOperationModel>();
    for (const op of kids(pt, NS.wsdl, 'operation')) {
      const opName = attr(op, 'name') ?? '';
      const opModel: PortTypeOperationModel = { name: opName, faults: kids(op, NS.wsdl, 'fault').map(messageRef) };
      const input = kid(op, NS.wsdl, 'input');
      if (input) opModel.input = messageRef(input);
      const output = kid(op, NS.wsdl, 'output');
      if (output) opModel.output = messageRef(output);
      operations.set(opName, opModel);
    }
    model.portTypes.set(ptName, { name: ptName, operations });
  }
  for (const b of kids(root, NS.wsdl, 'binding')) {
    const binding = parseBinding(tns, b);
    model.bindings.set(binding.name, binding);
  }
  for (const s of kids(root, NS.wsdl, 'service')) {
    const sName = `{${tns}}${attr(s, 'name') ?? ''}`;
    const ports = new Map<string, PortModel>();
    for (const p of kids(s, NS.wsdl, 'port')) {
      const pName = attr(p, 'name') ?? '';
      const address = kid(p, NS.soap, 'address')
        ? 'soap11'
        : kid(p, NS.soap12, 'address')
          ? 'soap12'
          : p.children.some((c) => c.local === 'address')
            ? 'other'
            : 'none';
      const port: PortModel = { name: pName, address };
      const binding = qattr(p, 'binding');
      if (binding) port.binding = binding;
      ports.set(pName, port);
    }
    model.services.set(sName, { name: sName, ports });
  }
  return model;
}

/** Reads and models a WSDL file. */
export function loadWsdl(path: string): WsdlModel {
  return parseWsdl(readFileSync(path, 'utf8'));
}

/** Names of the operations of every portType, in document order. */
export function listOperations(model: WsdlModel): string[] {
  const names: string[] = [];
  for (const pt of model.portTypes.values()) {
    for (const name of pt.operations.keys()) if (!names.includes(name)) names.push(name);
  }
  return names;
}

// ---------------------------------------------------------------------------------------------------------------
// Comparison

type Out = string[];

function show(value: unknown): string {
  return value === undefined ? '(absent)' : JSON.stringify(value);
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function diffValue(out: Out, label: string, field: string, ours: unknown, official: unknown): void {
  if (!same(ours, official)) out.push(`${label}: ${field} differs: ours ${show(ours)}, official ${show(official)}`);
}

function diffKeyed<T>(
  out: Out,
  label: string,
  what: string,
  ours: Map<string, T>,
  official: Map<string, T>,
  each: (label: string, ours: T, official: T) => void,
): void {
  const context = label ? `${label}: ` : '';
  for (const [key, value] of official) {
    const mine = ours.get(key);
    if (mine === undefined) out.push(`${context}${what} ${key} is missing in ours`);
    else each(`${label ? `${label} ` : ''}${what} ${key}`, mine, value);
  }
  for (const key of ours.keys()) {
    if (!official.has(key)) out.push(`${context}${what} ${key} is in ours but not in the official WSDL`);
  }
}

function particleKey(e: ElementModel): string {
  return e.ref ? `ref ${e.ref}` : e.name;
}

function diffNameLists(out: Out, label: string, what: string, ours: string[], official: string[]): void {
  if (same(ours, official)) return;
  const missing = official.filter((n) => !ours.includes(n));
  const extra = ours.filter((n) => !official.includes(n));
  if (missing.length) out.push(`${label}: ${what} missing in ours: ${missing.join(', ')}`);
  if (extra.length) out.push(`${label}: ${what} in ours but not in the official WSDL: ${extra.join(', ')}`);
  if (!missing.length && !extra.length) {
    out.push(`${label}: ${what} differ in order: ours [${ours.join(', ')}], official [${official.join(', ')}]`);
  }
}

function diffElement(out: Out, label: string, ours: ElementModel, official: ElementModel): void {
  diffValue(out, label, 'ref', ours.ref, official.ref);
  diffValue(out, label, 'type', ours.type, official.type);
  diffValue(out, label, 'nillable', ours.nillable, official.nillable);
  diffValue(out, label, 'minOccurs', ours.minOccurs, official.minOccurs);
  diffValue(out, label, 'maxOccurs', ours.maxOccurs, official.maxOccurs);
  diffValue(out, label, 'default', ours.default, official.default);
  diffValue(out, label, 'fixed', ours.fixed, official.fixed);
  diffValue(out, label, 'EmitDefaultValue annotation', ours.emitDefaultValue, official.emitDefaultValue);
  if (ours.inlineComplexType || official.inlineComplexType) {
    if (!ours.inlineComplexType) out.push(`${label}: inline complexType missing in ours`);
    else if (!official.inlineComplexType) out.push(`${label}: inline complexType in ours but not in the official WSDL`);
    else diffComplexType(out, `${label} (inline complexType)`, ours.inlineComplexType, official.inlineComplexType);
  }
  if (ours.inlineSimpleType || official.inlineSimpleType) {
    if (!ours.inlineSimpleType) out.push(`${label}: inline simpleType missing in ours`);
    else if (!official.inlineSimpleType) out.push(`${label}: inline simpleType in ours but not in the official WSDL`);
    else diffSimpleType(out, `${label} (inline simpleType)`, ours.inlineSimpleType, official.inlineSimpleType);
  }
}

function diffComplexType(out: Out, label: string, ours: ComplexTypeModel, official: ComplexTypeModel): void {
  diffValue(out, label, 'content model', ours.content, official.content);
  diffValue(out, label, 'derivation', ours.derivation, official.derivation);
  diffValue(out, label, 'base type', ours.base, official.base);
  diffValue(out, label, 'mixed', ours.mixed, official.mixed);
  diffValue(out, label, 'abstract', ours.abstract, official.abstract);
  diffValue(out, label, 'wildcard (xs:any)', ours.hasAny, official.hasAny);
  diffValue(out, label, 'GenericType annotation', ours.genericType, official.genericType);
  diffNameLists(out, label, 'child elements', ours.elements.map(particleKey), official.elements.map(particleKey));
  const mine = new Map(ours.elements.map((e) => [particleKey(e), e]));
  for (const e of official.elements) {
    const m = mine.get(particleKey(e));
    if (m) diffElement(out, `${label}/${particleKey(e)}`, m, e);
  }
  diffValue(out, label, 'attributes', ours.attributes, official.attributes);
}

function diffSimpleType(out: Out, label: string, ours: SimpleTypeModel, official: SimpleTypeModel): void {
  diffValue(out, label, 'variety', ours.variety, official.variety);
  diffValue(out, label, 'restriction base', ours.base, official.base);
  diffValue(out, label, 'list itemType', ours.itemType, official.itemType);
  diffValue(out, label, 'union memberTypes', ours.memberTypes, official.memberTypes);
  diffNameLists(
    out,
    label,
    'enumeration values',
    ours.enumerations.map((e) => e.value),
    official.enumerations.map((e) => e.value),
  );
  const mine = new Map(ours.enumerations.map((e) => [e.value, e]));
  for (const e of official.enumerations) {
    const m = mine.get(e.value);
    if (m)
      diffValue(
        out,
        `${label} enumeration ${e.value}`,
        'EnumerationValue annotation',
        m.enumerationValue,
        e.enumerationValue,
      );
  }
  diffValue(out, label, 'facets', ours.facets, official.facets);
  if (ours.item || official.item) {
    if (!ours.item) out.push(`${label}: inner simpleType missing in ours`);
    else if (!official.item) out.push(`${label}: inner simpleType in ours but not in the official WSDL`);
    else diffSimpleType(out, `${label} (item type)`, ours.item, official.item);
  }
}

function diffSchema(out: Out, label: string, ours: SchemaModel, official: SchemaModel): void {
  // Component keys carry the namespace, so their labels need no schema context.
  const ns = official.targetNamespace;
  diffValue(out, label, 'elementFormDefault', ours.elementFormDefault, official.elementFormDefault);
  diffValue(out, label, 'attributeFormDefault', ours.attributeFormDefault, official.attributeFormDefault);
  diffValue(out, label, 'imported namespaces', [...ours.imports].sort(), [...official.imports].sort());
  const q = (m: Map<string, unknown>): Map<string, unknown> => new Map([...m].map(([k, v]) => [`{${ns}}${k}`, v]));
  diffKeyed(out, '', 'element', q(ours.elements), q(official.elements), (l, a, b) =>
    diffElement(out, l, a as ElementModel, b as ElementModel),
  );
  diffKeyed(out, '', 'complexType', q(ours.complexTypes), q(official.complexTypes), (l, a, b) =>
    diffComplexType(out, l, a as ComplexTypeModel, b as ComplexTypeModel),
  );
  diffKeyed(out, '', 'simpleType', q(ours.simpleTypes), q(official.simpleTypes), (l, a, b) =>
    diffSimpleType(out, l, a as SimpleTypeModel, b as SimpleTypeModel),
  );
  diffKeyed(out, '', 'attribute', q(ours.attributes), q(official.attributes), (l, a, b) =>
    diffValue(out, l, 'declaration', a, b),
  );
}

function diffMessageRef(out: Out, label: string, ours?: OperationMessageRef, official?: OperationMessageRef): void {
  if (!ours && !official) return;
  if (!ours || !official) {
    out.push(`${label}: ${ours ? 'in ours but not in the official WSDL' : 'missing in ours'}`);
    return;
  }
  diffValue(out, label, 'name', ours.name, official.name);
  diffValue(out, label, 'message', ours.message, official.message);
  diffValue(out, label, 'wsaw:Action', ours.action, official.action);
}

function byName<T extends { name?: string }>(items: T[]): Map<string, T> {
  return new Map(items.map((item, i) => [item.name ?? `#${i}`, item]));
}

function diffPortTypeOperation(
  out: Out,
  label: string,
  ours: PortTypeOperationModel,
  official: PortTypeOperationModel,
): void {
  diffMessageRef(out, `${label} input`, ours.input, official.input);
  diffMessageRef(out, `${label} output`, ours.output, official.output);
  diffKeyed(out, label, 'fault', byName(ours.faults), byName(official.faults), (l, a, b) =>
    diffMessageRef(out, l, a, b),
  );
}

function diffBindingMessage(out: Out, label: string, ours?: BindingMessageModel, official?: BindingMessageModel): void {
  if (!ours && !official) return;
  if (!ours || !official) {
    out.push(`${label}: ${ours ? 'in ours but not in the official WSDL' : 'missing in ours'}`);
    return;
  }
  diffValue(out, label, 'name', ours.name, official.name);
  const headers = (m: BindingMessageModel): string[] => m.headers.map((h) => `${h.message}#${h.part} (${h.use})`);
  diffNameLists(out, label, 'soap:header list', headers(ours), headers(official));
  diffValue(out, label, 'soap:body use', ours.bodyUse, official.bodyUse);
  diffValue(out, label, 'soap:body parts', ours.bodyParts, official.bodyParts);
  diffValue(out, label, 'soap:body namespace', ours.bodyNamespace, official.bodyNamespace);
}

function diffBindingOperation(
  out: Out,
  label: string,
  ours: BindingOperationModel,
  official: BindingOperationModel,
): void {
  diffValue(out, label, 'soapAction', ours.soapAction, official.soapAction);
  diffValue(out, label, 'style', ours.style, official.style);
  diffBindingMessage(out, `${label} input`, ours.input, official.input);
  diffBindingMessage(out, `${label} output`, ours.output, official.output);
  diffKeyed(out, label, 'fault', byName(ours.faults), byName(official.faults), (l, a, b) => {
    diffValue(out, l, 'soap:fault name', a.soapFaultName, b.soapFaultName);
    diffValue(out, l, 'soap:fault use', a.use, b.use);
  });
}

/**
 * Structural differences between our WSDL and the official one, as human-readable lines naming the component
 * (namespace + name) and the property that differs. An empty array means the contracts are the same.
 */
export function compareWsdl(ours: WsdlModel, official: WsdlModel): string[] {
  const out: Out = [];
  diffValue(out, 'definitions', 'targetNamespace', ours.targetNamespace, official.targetNamespace);
  diffValue(out, 'definitions', 'name', ours.name, official.name);
  diffValue(out, 'definitions', 'external references', ours.externalReferences, official.externalReferences);
  diffKeyed(out, '', 'schema', ours.schemas, official.schemas, (l, a, b) => diffSchema(out, l, a, b));
  diffKeyed(out, '', 'message', ours.messages, official.messages, (l, a, b) => {
    diffNameLists(
      out,
      l,
      'parts',
      a.parts.map((p) => p.name),
      b.parts.map((p) => p.name),
    );
    const mine = byName(a.parts);
    for (const part of b.parts) {
      const m = mine.get(part.name);
      if (!m) continue;
      diffValue(out, `${l} part ${part.name}`, 'element', m.element, part.element);
      diffValue(out, `${l} part ${part.name}`, 'type', m.type, part.type);
    }
  });
  diffKeyed(out, '', 'portType', ours.portTypes, official.portTypes, (l, a, b) =>
    diffKeyed(out, l, 'operation', a.operations, b.operations, (ol, x, y) => diffPortTypeOperation(out, ol, x, y)),
  );
  diffKeyed(out, '', 'binding', ours.bindings, official.bindings, (l, a, b) => {
    diffValue(out, l, 'type', a.type, b.type);
    diffValue(out, l, 'SOAP version', a.soapVersion, b.soapVersion);
    diffValue(out, l, 'transport', a.transport, b.transport);
    diffKeyed(out, l, 'operation', a.operations, b.operations, (ol, x, y) => diffBindingOperation(out, ol, x, y));
  });
  diffKeyed(out, '', 'service', ours.services, official.services, (l, a, b) =>
    diffKeyed(out, l, 'port', a.ports, b.ports, (pl, x, y) => {
      diffValue(out, pl, 'binding', x.binding, y.binding);
      diffValue(out, pl, 'address kind', x.address, y.address);
    }),
  );
  return out;
}
