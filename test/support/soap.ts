// What a test needs around a SOAP call: the auth headers of a user, the result of a client call that must succeed
// and the fault of one that must fail, read the same way whichever client made it (test/support/clients.ts), and
// the fault of a raw answer read from the document itself, as a client would (SPEC §2, §8).
import { expect } from 'chai';
import { readXml, type XElement } from '../../src/soap/xml-reader.ts';
import type { ClientOutcome, SoapHeaders } from './clients.ts';

/** `{namespace}local` of the two detail roots a Billing fault can carry (SPEC §2). */
export const API_FAULT = '{https://bingads.microsoft.com/Billing/v13}ApiFault';
export const ADAPI_FAULT = '{https://adapi.microsoft.com}AdApiFaultDetail';

export type Rec = Record<string, unknown>;

/** The AuthenticationToken and DeveloperToken headers of a user made by the factories. */
export const headersOf = (u: { authenticationToken: string; developerToken: string }): SoapHeaders => ({
  AuthenticationToken: u.authenticationToken,
  DeveloperToken: u.developerToken,
});

/** The result of a call that must succeed (an absent result reads as an empty object). */
export function resultOf<R = Rec>(out: ClientOutcome<unknown>): R {
  expect(out.kind, JSON.stringify(out)).to.equal('result');
  return ((out as { result: unknown }).result ?? {}) as R;
}

/** A call that must fail with exactly one error, of this code. */
export function expectFaultCode(out: ClientOutcome, code: number): void {
  expect(out.kind, JSON.stringify(out)).to.equal('fault');
  if (out.kind === 'fault') expect(out.codes).to.deep.equal([code]);
}

/** A call that must fail with exactly one error, of this code, in a detail of this root (default ApiFault). */
export function expectClientFault(out: ClientOutcome, code: number, root: string = API_FAULT): void {
  expect(out.kind, JSON.stringify(out)).to.equal('fault');
  if (out.kind !== 'fault') return;
  expect(out.codes).to.deep.equal([code]);
  // node-soap drops namespaces: only the local name is comparable there.
  expect(out.detailRoot).to.be.oneOf([root, root.replace(/^\{[^}]*\}/, '')]);
}

/** A list as any client shapes it: an array, one object (a single item), or nothing (nil or absent). */
export const list = (v: unknown): Rec[] =>
  Array.isArray(v) ? (v as Rec[]) : v === null || v === undefined ? [] : [v as Rec];

export const SOAP11 = 'http://schemas.xmlsoap.org/soap/envelope/';
export const BILLING = 'https://bingads.microsoft.com/Billing/v13';
export const ENTITIES = 'https://bingads.microsoft.com/Customer/v13/Entities';
export const ADAPI = 'https://adapi.microsoft.com';
export const EXCEPTION = 'https://bingads.microsoft.com/Customer/v13/Exception';
export const ARRAYS = 'http://schemas.microsoft.com/2003/10/Serialization/Arrays';
export const XSI = 'http://www.w3.org/2001/XMLSchema-instance';
export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const XML_TYPE = 'text/xml; charset=utf-8';

export interface Answer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

export interface Fault {
  /** `{namespace}local` of the faultcode QName. */
  readonly faultcode: string;
  readonly faultstring: string;
  /** `{namespace}local` of the single detail child, or null without a detail. */
  readonly detailRoot: string | null;
  readonly codes: number[];
  /** ErrorCode of each error ('' where it has none). */
  readonly errorCodes: string[];
  /** Details (ApiFault) or Detail (AdApiFaultDetail) of each error. */
  readonly details: string[];
  readonly detailTrackingId: string | null;
  readonly headerTrackingId: string;
}

const child = (el: XElement | undefined, ns: string, local: string): XElement | undefined =>
  el?.children.find((c) => c.ns === ns && c.local === local);

/** Reads a SOAP 1.1 fault document (throws when it is not one); the faultcode QName through its own prefixes. */
export function readFault(xml: string): Fault {
  const withQName = xml.replace(
    /(<faultcode>)\s*([\w.-]+:[\w.-]+)\s*(<\/faultcode>)/,
    (_m, open: string, qname: string, close: string) => `${open}<${qname}/>${close}`,
  );
  const env = readXml(withQName);
  if (env.ns !== SOAP11 || env.local !== 'Envelope') throw new Error('not a SOAP 1.1 Envelope');
  const fault = child(child(env, SOAP11, 'Body'), SOAP11, 'Fault');
  if (!fault) throw new Error('no SOAP Fault in the Body');
  const code = child(fault, '', 'faultcode')?.children[0];
  const detail = child(fault, '', 'detail');
  if (detail && detail.children.length !== 1) throw new Error('detail must hold exactly one element');
  const root = detail?.children[0];
  const errors = [
    ...(child(root, ADAPI, 'Errors')?.children ?? []),
    ...(child(root, EXCEPTION, 'OperationErrors')?.children ?? []),
  ];
  const text = (e: XElement, local: string): string | undefined => e.children.find((c) => c.local === local)?.text;
  return {
    faultcode: code ? `{${code.ns}}${code.local}` : '',
    faultstring: child(fault, '', 'faultstring')?.text ?? '',
    detailRoot: root ? `{${root.ns}}${root.local}` : null,
    codes: errors.map((e) => Number(text(e, 'Code'))),
    errorCodes: errors.map((e) => text(e, 'ErrorCode') ?? ''),
    details: errors.map((e) => text(e, 'Details') ?? text(e, 'Detail') ?? ''),
    detailTrackingId: root ? (child(root, ADAPI, 'TrackingId')?.text ?? null) : null,
    headerTrackingId: child(child(env, SOAP11, 'Header'), BILLING, 'TrackingId')?.text ?? '',
  };
}

export interface WantFault {
  readonly faultcode: 'Client' | 'Server' | 'MustUnderstand' | 'VersionMismatch';
  readonly detail: 'ApiFault' | 'AdApiFaultDetail' | null;
  /** Every error code of the detail. */
  readonly codes?: readonly number[];
}

/** Asserts an HTTP 500 SOAP 1.1 fault of the given shape, with one TrackingId in header and detail. */
export function expectFault(res: Answer, want: WantFault): Fault {
  expect(res.status, res.body.slice(0, 2000)).to.equal(500);
  expect(res.contentType).to.equal(XML_TYPE);
  const f = readFault(res.body);
  expect(f.faultcode, res.body.slice(0, 2000)).to.equal(`{${SOAP11}}${want.faultcode}`);
  expect(f.faultstring.trim()).to.not.equal('');
  expect(f.headerTrackingId).to.match(GUID);
  if (want.detail === null) expect(f.detailRoot).to.equal(null);
  else {
    expect(f.detailRoot).to.equal(want.detail === 'ApiFault' ? `{${BILLING}}ApiFault` : `{${ADAPI}}AdApiFaultDetail`);
    expect(f.detailTrackingId).to.equal(f.headerTrackingId);
  }
  if (want.codes) expect(f.codes, res.body.slice(0, 2000)).to.deep.equal(want.codes);
  return f;
}
