// Writes the service's WSDL 1.1 document from the contract description. The output is committed as
// wsdl/CustomerBillingService.wsdl (`npm run wsdl`); a test fails if the file and this generator disagree.
import { operations, schemas } from './contract.ts';
import { NS, type FieldDef, type NsKey, type QName, type SchemaItem, type SimpleTypeDef } from './model.ts';

/** Placeholder replaced by the URL the client used when the document is served. */
export const ADDRESS_PLACEHOLDER = 'http://localhost:8080/Api/Billing/v13/CustomerBillingService.svc';
const SERVICE = 'ICustomerBillingService';
const BINDING = 'BasicHttpBinding_ICustomerBillingService';
const HEADER_PARTS = ['ApplicationToken', 'AuthenticationToken', 'DeveloperToken', 'Password', 'UserName'] as const;
const FAULT_ELEMENT: Record<string, QName> = {
  AdApiFaultDetailFault: 'adapi:AdApiFaultDetail',
  ApiBatchFault: 'tns:ApiBatchFault',
  ApiFault: 'tns:ApiFault',
};

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
const attr = (name: string, value: string): string => ` ${name}="${esc(value)}"`;

function fieldXml(f: FieldDef, pad: string): string {
  let a = attr('minOccurs', '0');
  if (f.many) a += attr('maxOccurs', 'unbounded');
  a += attr('name', f.name);
  if (f.nillable) a += attr('nillable', 'true');
  a += attr('type', f.type);
  if (f.emitDefault) return `${pad}<xs:element${a} />\n`;
  return (
    `${pad}<xs:element${a}>\n${pad}  <xs:annotation>\n${pad}    <xs:appinfo>\n` +
    `${pad}      <DefaultValue EmitDefaultValue="false" xmlns="${NS.ser}" />\n` +
    `${pad}    </xs:appinfo>\n${pad}  </xs:annotation>\n${pad}</xs:element>\n`
  );
}

function sequenceXml(fields: readonly FieldDef[], pad: string): string {
  if (fields.length === 0) return `${pad}<xs:sequence />\n`;
  return `${pad}<xs:sequence>\n${fields.map((f) => fieldXml(f, pad + '  ')).join('')}${pad}</xs:sequence>\n`;
}

function restrictionXml(t: SimpleTypeDef, pad: string): string {
  let body = '';
  for (const e of t.enums ?? []) {
    if (typeof e === 'string') body += `${pad}  <xs:enumeration${attr('value', e)} />\n`;
    else
      body +=
        `${pad}  <xs:enumeration${attr('value', e[0])}>\n${pad}    <xs:annotation>\n${pad}      <xs:appinfo>\n` +
        `${pad}        <EnumerationValue xmlns="${NS.ser}">${e[1]}</EnumerationValue>\n` +
        `${pad}      </xs:appinfo>\n${pad}    </xs:annotation>\n${pad}  </xs:enumeration>\n`;
  }
  if (t.pattern) body += `${pad}  <xs:pattern${attr('value', t.pattern)} />\n`;
  if (t.minInclusive) body += `${pad}  <xs:minInclusive${attr('value', t.minInclusive)} />\n`;
  if (t.maxInclusive) body += `${pad}  <xs:maxInclusive${attr('value', t.maxInclusive)} />\n`;
  if (!body) return `${pad}<xs:restriction${attr('base', t.base)} />\n`;
  return `${pad}<xs:restriction${attr('base', t.base)}>\n${body}${pad}</xs:restriction>\n`;
}

function itemXml(it: SchemaItem, pad: string): string {
  const p2 = pad + '  ';
  switch (it.kind) {
    case 'element': {
      let a = attr('name', it.name);
      if (it.nillable) a += attr('nillable', 'true');
      if (it.type) a += attr('type', it.type);
      if (!it.fields) return `${pad}<xs:element${a} />\n`;
      return `${pad}<xs:element${a}>\n${p2}<xs:complexType>\n${sequenceXml(it.fields, p2 + '  ')}${p2}</xs:complexType>\n${pad}</xs:element>\n`;
    }
    case 'complexType': {
      let body = '';
      if (it.generic) {
        const params = it.generic.params
          .map((g) => `${p2}      <GenericParameter${attr('Name', g.name)}${attr('Namespace', NS[g.ns])} />\n`)
          .join('');
        body +=
          `${p2}<xs:annotation>\n${p2}  <xs:appinfo>\n` +
          `${p2}    <GenericType${attr('Name', it.generic.name)}${attr('Namespace', NS[it.generic.ns])} xmlns="${NS.ser}">\n` +
          `${params}${p2}    </GenericType>\n${p2}  </xs:appinfo>\n${p2}</xs:annotation>\n`;
      }
      if (it.base) {
        body +=
          `${p2}<xs:complexContent mixed="false">\n${p2}  <xs:extension${attr('base', it.base)}>\n` +
          `${sequenceXml(it.fields, p2 + '    ')}${p2}  </xs:extension>\n${p2}</xs:complexContent>\n`;
      } else body += sequenceXml(it.fields, p2);
      return `${pad}<xs:complexType${attr('name', it.name)}>\n${body}${pad}</xs:complexType>\n`;
    }
    case 'simpleType': {
      if (!it.list)
        return `${pad}<xs:simpleType${attr('name', it.name)}>\n${restrictionXml(it, p2)}${pad}</xs:simpleType>\n`;
      return (
        `${pad}<xs:simpleType${attr('name', it.name)}>\n${p2}<xs:list>\n${p2}  <xs:simpleType>\n` +
        `${restrictionXml(it, p2 + '    ')}${p2}  </xs:simpleType>\n${p2}</xs:list>\n${pad}</xs:simpleType>\n`
      );
    }
    case 'attribute':
      return `${pad}<xs:attribute${attr('name', it.name)}${attr('type', it.type)} />\n`;
  }
}

/** Every namespace key is declared once on the root, so every QName in the document resolves the same way. */
const rootNamespaces = (Object.keys(NS) as NsKey[]).map((k) => attr(`xmlns:${k}`, NS[k])).join('');

export function generateWsdl(): string {
  let x = '<?xml version="1.0" encoding="utf-8"?>\n';
  x +=
    `<wsdl:definitions${attr('name', 'CustomerBillingService')}${attr('targetNamespace', NS.tns)}` +
    `${attr('xmlns:wsdl', 'http://schemas.xmlsoap.org/wsdl/')}${attr('xmlns:soap', 'http://schemas.xmlsoap.org/wsdl/soap/')}` +
    `${attr('xmlns:wsaw', 'http://www.w3.org/2006/05/addressing/wsdl')}${rootNamespaces}>\n`;
  x += '  <wsdl:types>\n';
  for (const s of schemas) {
    x += `    <xs:schema${s.attributeFormQualified ? attr('attributeFormDefault', 'qualified') : ''}${attr('elementFormDefault', 'qualified')}${attr('targetNamespace', NS[s.ns])}>\n`;
    for (const imp of s.imports) x += `      <xs:import${attr('namespace', NS[imp])} />\n`;
    for (const it of s.items) x += itemXml(it, '      ');
    x += '    </xs:schema>\n';
  }
  x += '  </wsdl:types>\n';
  for (const op of operations) {
    x += `  <wsdl:message${attr('name', `${op.name}Request`)}>\n    <wsdl:part name="parameters"${attr('element', `tns:${op.name}Request`)} />\n  </wsdl:message>\n`;
    x += `  <wsdl:message${attr('name', `${op.name}Request_Headers`)}>\n`;
    for (const h of HEADER_PARTS) x += `    <wsdl:part${attr('name', h)}${attr('element', `tns:${h}`)} />\n`;
    x += '  </wsdl:message>\n';
    x += `  <wsdl:message${attr('name', `${op.name}Response`)}>\n    <wsdl:part name="parameters"${attr('element', `tns:${op.name}Response`)} />\n  </wsdl:message>\n`;
    x += `  <wsdl:message${attr('name', `${op.name}Response_Headers`)}>\n    <wsdl:part name="TrackingId" element="tns:TrackingId" />\n  </wsdl:message>\n`;
    for (const f of op.faults) {
      x += `  <wsdl:message${attr('name', `${SERVICE}_${op.name}_${f}_FaultMessage`)}>\n`;
      x += `    <wsdl:part name="detail"${attr('element', FAULT_ELEMENT[f] ?? '')} />\n  </wsdl:message>\n`;
    }
  }
  x += `  <wsdl:portType${attr('name', SERVICE)}>\n`;
  for (const op of operations) {
    const action = `${NS.tns}/${SERVICE}/${op.name}`;
    x += `    <wsdl:operation${attr('name', op.name)}>\n`;
    x += `      <wsdl:input${attr('wsaw:Action', op.name)}${attr('name', `${op.name}Request`)}${attr('message', `tns:${op.name}Request`)} />\n`;
    x += `      <wsdl:output${attr('wsaw:Action', `${action}Response`)}${attr('name', `${op.name}Response`)}${attr('message', `tns:${op.name}Response`)} />\n`;
    for (const f of op.faults)
      x += `      <wsdl:fault${attr('wsaw:Action', `${action}${f}`)}${attr('name', f)}${attr('message', `tns:${SERVICE}_${op.name}_${f}_FaultMessage`)} />\n`;
    x += '    </wsdl:operation>\n';
  }
  x += '  </wsdl:portType>\n';
  x += `  <wsdl:binding${attr('name', BINDING)}${attr('type', `tns:${SERVICE}`)}>\n`;
  x += '    <soap:binding transport="http://schemas.xmlsoap.org/soap/http" />\n';
  for (const op of operations) {
    x += `    <wsdl:operation${attr('name', op.name)}>\n      <soap:operation${attr('soapAction', op.name)} style="document" />\n`;
    x += `      <wsdl:input${attr('name', `${op.name}Request`)}>\n`;
    for (const h of HEADER_PARTS)
      x += `        <soap:header${attr('message', `tns:${op.name}Request_Headers`)}${attr('part', h)} use="literal" />\n`;
    x += '        <soap:body use="literal" />\n      </wsdl:input>\n';
    x += `      <wsdl:output${attr('name', `${op.name}Response`)}>\n`;
    x += `        <soap:header${attr('message', `tns:${op.name}Response_Headers`)} part="TrackingId" use="literal" />\n`;
    x += '        <soap:body use="literal" />\n      </wsdl:output>\n';
    for (const f of op.faults)
      x += `      <wsdl:fault${attr('name', f)}>\n        <soap:fault use="literal"${attr('name', f)} namespace="" />\n      </wsdl:fault>\n`;
    x += '    </wsdl:operation>\n';
  }
  x += '  </wsdl:binding>\n';
  x += `  <wsdl:service name="CustomerBillingService">\n    <wsdl:port${attr('name', BINDING)}${attr('binding', `tns:${BINDING}`)}>\n`;
  x += `      <soap:address${attr('location', ADDRESS_PLACEHOLDER)} />\n    </wsdl:port>\n  </wsdl:service>\n</wsdl:definitions>\n`;
  return x;
}
