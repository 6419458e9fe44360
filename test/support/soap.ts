// What a test needs around a SOAP client call (test/support/clients.ts): the auth headers of a user, the result
// of a call that must succeed, and the fault of one that must fail, read the same way whichever client made it.
import { expect } from 'chai';
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
