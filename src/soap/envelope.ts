// SOAP 1.1 envelopes: reading the request's headers and body element, writing responses and faults.
import { AD_API_CODES, type AdApiCode, type OperationProblem } from '../errors.ts';
import { NS } from '../schema/index.ts';
import { escapeText, namespaceDeclarations, writeFields, type XObject } from './xml-writer.ts';
import { wrapperFields } from '../schema/index.ts';
import { XmlReadError, XmlReader, type XElement, type XStart } from './xml-reader.ts';

export const SOAP11 = 'http://schemas.xmlsoap.org/soap/envelope/';
export const SOAP12 = 'http://www.w3.org/2003/05/soap-envelope';

/** Header names of the Billing namespace that the service reads (SPEC §2). */
const UNDERSTOOD = new Set([
  'AuthenticationToken',
  'DeveloperToken',
  'UserName',
  'Password',
  'ApplicationToken',
  'CustomerId',
  'CustomerAccountId',
]);

export type EnvelopeProblem =
  { kind: 'malformed'; message: string } | { kind: 'versionMismatch' } | { kind: 'mustUnderstand'; header: string };

export class EnvelopeError extends Error {
  constructor(readonly problem: EnvelopeProblem) {
    super(problem.kind === 'malformed' ? problem.message : problem.kind);
  }
}

export interface RequestEnvelope {
  /** Billing-namespace header values by local name (nil or empty → null). */
  readonly headers: ReadonlyMap<string, string | null>;
  /** The single element inside Body. */
  readonly body: XElement;
}

const XSI_NIL = '{http://www.w3.org/2001/XMLSchema-instance}nil';

/**
 * A request envelope read up to its body element's start tag: the Header whole (SOAP 1.1 puts it before the
 * Body), and the name of the Body's element, so the caller can authenticate and dispatch before paying for the
 * Body's content, which readBody() then reads.
 */
export interface OpenedEnvelope {
  /** Billing-namespace header values by local name (nil or empty → null). */
  readonly headers: ReadonlyMap<string, string | null>;
  /** The namespace and local name of the single element inside Body, from its start tag. */
  readonly bodyName: { readonly ns: string; readonly local: string };
  /** Characters of the document read so far. */
  readonly consumed: number;
  /** Reads the body element's content and the rest of the document; throws EnvelopeError when malformed. */
  readBody(): XElement;
}

const malformed = (message: string): EnvelopeError => new EnvelopeError({ kind: 'malformed', message });

function readerStep<T>(step: () => T): T {
  try {
    return step();
  } catch (e) {
    if (e instanceof XmlReadError) throw malformed(e.message);
    throw e;
  }
}

function readHeaders(header: XElement): Map<string, string | null> {
  const headers = new Map<string, string | null>();
  for (const h of header.children) {
    const known = h.ns === NS.tns && UNDERSTOOD.has(h.local);
    const mu = h.attrs.get(`{${SOAP11}}mustUnderstand`);
    if (!known && (mu === '1' || mu === 'true'))
      throw new EnvelopeError({ kind: 'mustUnderstand', header: `{${h.ns}}${h.local}` });
    if (!known) continue;
    // Two values for one credential: whichever a proxy checked, the service might use the other.
    if (headers.has(h.local)) throw malformed(`The ${h.local} header appears more than once.`);
    const nil = h.attrs.get(XSI_NIL) === 'true';
    headers.set(h.local, nil || h.text.trim() === '' ? null : h.text);
  }
  return headers;
}

const unexpected = (part: XStart): EnvelopeError =>
  malformed(
    part.ns !== SOAP11
      ? `Unexpected element {${part.ns}}${part.local} in Envelope.`
      : `Unexpected ${part.local} in Envelope.`,
  );

/** Reads the Envelope's start, its Header and the Body's start, and stops at the body element's start tag. */
export function openEnvelope(xml: string): OpenedEnvelope {
  const reader = new XmlReader(xml);
  const root = readerStep(() => reader.readRoot());
  if (root.local === 'Envelope' && root.ns === SOAP12) throw new EnvelopeError({ kind: 'versionMismatch' });
  if (root.local !== 'Envelope' || root.ns !== SOAP11) throw malformed('The document is not a SOAP 1.1 Envelope.');
  let headers = new Map<string, string | null>();
  let part = readerStep(() => (root.empty ? null : reader.nextChild()));
  if (part && part.ns === SOAP11 && part.local === 'Header') {
    const header = part;
    headers = readHeaders(readerStep(() => reader.readElement(header)));
    part = readerStep(() => reader.nextChild());
  }
  if (!part) throw malformed('The SOAP Body is missing.');
  if (part.ns !== SOAP11 || part.local !== 'Body') throw unexpected(part);
  const onlyOne = 'The SOAP Body must hold exactly one element.';
  const before: string[] = [];
  const start = readerStep(() => (part.empty ? null : reader.nextChild(before)));
  if (!start || before.join('').trim() !== '') throw malformed(onlyOne);
  return {
    headers,
    bodyName: { ns: start.ns, local: start.local },
    get consumed() {
      return reader.consumed;
    },
    readBody(): XElement {
      return readerStep(() => {
        const body = reader.readElement(start);
        const after: string[] = [];
        if (reader.nextChild(after) || after.join('').trim() !== '') throw malformed(onlyOne);
        const extra = reader.nextChild();
        if (extra) throw unexpected(extra);
        reader.end();
        return body;
      });
    },
  };
}

/** Reads a whole request envelope: headers, then body. */
export function parseEnvelope(xml: string): RequestEnvelope {
  const opened = openEnvelope(xml);
  return { headers: opened.headers, body: opened.readBody() };
}

const envelopeStart = (trackingId: string): string =>
  `<s:Envelope xmlns:s="${SOAP11}"><s:Header><h:TrackingId xmlns:h="${NS.tns}">${escapeText(trackingId)}</h:TrackingId>` +
  `</s:Header><s:Body>`;
const ENVELOPE_END = '</s:Body></s:Envelope>';

function envelope(trackingId: string, body: string): string {
  return envelopeStart(trackingId) + body + ENVELOPE_END;
}

/** `<OpResponse>` with its fields written in schema order and namespaces. */
export function responseEnvelope(operation: string, trackingId: string, value: XObject): string {
  const name = `${operation}Response`;
  // One join for the whole document (no second copy of a 90 KB body into the envelope).
  const out: string[] = [envelopeStart(trackingId), `<${name}${namespaceDeclarations('tns')}>`];
  writeFields(out, wrapperFields(name), value, name);
  out.push(`</${name}>`, ENVELOPE_END);
  return out.join('');
}

function fault(trackingId: string, faultcode: string, faultstring: string, detail: string | null): string {
  return envelope(
    trackingId,
    `<s:Fault><faultcode>${faultcode}</faultcode><faultstring xml:lang="en-US">${escapeText(faultstring)}</faultstring>` +
      `${detail === null ? '' : `<detail>${detail}</detail>`}</s:Fault>`,
  );
}

const text = (tag: string, v: string | null): string =>
  v === null ? `<${tag} i:nil="true"/>` : `<${tag}>${escapeText(v)}</${tag}>`;

/** AdApiFaultDetail in the adapi namespace (authentication, authorization, throttling, internal errors). */
export function adApiFault(trackingId: string, code: AdApiCode, detail: string | null): string {
  const [errorCode, message] = AD_API_CODES[code];
  const d =
    `<AdApiFaultDetail xmlns="${NS.adapi}" xmlns:i="http://www.w3.org/2001/XMLSchema-instance">` +
    `<TrackingId>${escapeText(trackingId)}</TrackingId><Errors><AdApiError><Code>${code}</Code>${text('Detail', detail)}` +
    `<ErrorCode>${errorCode}</ErrorCode><Message>${escapeText(message)}</Message></AdApiError></Errors></AdApiFaultDetail>`;
  return fault(trackingId, 's:Server', message, d);
}

/**
 * ApiFault as the WSDL's fault part declares it: the element {Billing}ApiFault, whose type extends adapi's
 * ApplicationFault, so TrackingId is in the adapi namespace and OperationErrors in the Exception namespace.
 */
export function apiFault(trackingId: string, problems: readonly OperationProblem[], client: boolean): string {
  const errors = problems
    .map(
      (p) =>
        `<OperationError><Code>${p.code}</Code>${text('Details', p.details)}<Message>${escapeText(p.message)}</Message></OperationError>`,
    )
    .join('');
  const d =
    `<ApiFault xmlns="${NS.tns}" xmlns:i="http://www.w3.org/2001/XMLSchema-instance">` +
    `<TrackingId xmlns="${NS.adapi}">${escapeText(trackingId)}</TrackingId>` +
    `<OperationErrors xmlns="${NS.exc}">${errors}</OperationErrors></ApiFault>`;
  return fault(trackingId, client ? 's:Client' : 's:Server', problems[0]?.message ?? 'The request failed.', d);
}

/** SOAP 1.1 faults about the envelope itself carry no detail (SOAP 1.1 §4.4). */
export function envelopeFault(trackingId: string, p: EnvelopeProblem): string | null {
  if (p.kind === 'versionMismatch')
    return fault(trackingId, 's:VersionMismatch', 'The envelope is not in the SOAP 1.1 namespace.', null);
  if (p.kind === 'mustUnderstand')
    return fault(
      trackingId,
      's:MustUnderstand',
      `The header ${p.header.length > 200 ? `${p.header.slice(0, 200)}…` : p.header} is marked mustUnderstand and is not understood.`,
      null,
    );
  return null;
}
