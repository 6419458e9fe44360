/**
 * Real SOAP client stacks built from the official WSDL, for interop tests: zeep (Python), PHP SoapClient and
 * node-soap. Each call returns the same discriminated union, so one test can run against all three.
 *
 * The zeep and PHP drivers live in test/interop/ and print one JSON document; see their headers for how each
 * client shapes results (PHP: a one-item list is an object, not an array; zeep: a nil complex element is an object
 * whose fields are all null; both: integers beyond ±(2^53 − 1) arrive as decimal strings).
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import * as soap from 'soap';
import { officialWsdlPath, repoRoot } from './official-wsdl.ts';

const execFileAsync = promisify(execFile);

export const BILLING_NS = 'https://bingads.microsoft.com/Billing/v13';
export const ADAPI_NS = 'https://adapi.microsoft.com';
export const EXCEPTION_NS = 'https://bingads.microsoft.com/Customer/v13/Exception';

/** Python with zeep (the Debian interpreter, not a pyenv one) and the PHP CLI with the soap extension. */
export const PYTHON = process.env.ZEEP_PYTHON ?? '/usr/bin/python3';
export const PHP = process.env.PHP_BIN ?? 'php';
const ZEEP_DRIVER = path.join(repoRoot, 'test', 'interop', 'zeep_client.py');
const PHP_DRIVER = path.join(repoRoot, 'test', 'interop', 'php_client.php');

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** SOAP headers in the Billing namespace; null is sent as xsi:nil (zeep, node-soap) or as an empty element (PHP). */
export type SoapHeaders = Record<string, string | null>;

export interface ClientResult<R = unknown> {
  kind: 'result';
  /**
   * The response element's content as the client library returned it: JSON from the zeep/PHP drivers; for
   * node-soap the library's own object (xs:dateTime as Date, xs:long as a JS number, nil elements left out).
   * Tests name the shape they expect with the type parameter.
   */
  result: R;
  /** The TrackingId SOAP response header, as the client exposed it (null when it did not). */
  trackingId: string | null;
}

export interface ClientFault {
  kind: 'fault';
  faultcode: string | null;
  faultstring: string | null;
  /** Every AdApiError/OperationError/BatchError Code in the detail. */
  codes: number[];
  /** `{ns}local` of the detail's single child element (node-soap: local name only); null unless exactly one. */
  detailRoot: string | null;
  detailChildren: string[];
  /** The TrackingId child of the detail element. */
  trackingId: string | null;
  /** The TrackingId SOAP header of the fault response. */
  headerTrackingId: string | null;
}

/** The client library failed in another way: schema violation, transport error, unparsable response… */
export interface ClientError {
  kind: 'error';
  error: string;
}

export type ClientOutcome<R = unknown> = ClientResult<R> | ClientFault | ClientError;

interface DriverJson {
  ok: boolean;
  result?: JsonValue;
  trackingId?: string | null;
  faultcode?: string | null;
  faultstring?: string | null;
  codes?: number[];
  detailRoot?: string | null;
  detailChildren?: string[];
  headerTrackingId?: string | null;
  error?: string;
}

function toOutcome<R>(json: DriverJson): ClientOutcome<R> {
  if (json.ok) return { kind: 'result', result: (json.result ?? null) as R, trackingId: json.trackingId ?? null };
  if (json.error !== undefined) return { kind: 'error', error: json.error };
  return {
    kind: 'fault',
    faultcode: json.faultcode ?? null,
    faultstring: json.faultstring ?? null,
    codes: json.codes ?? [],
    detailRoot: json.detailRoot ?? null,
    detailChildren: json.detailChildren ?? [],
    trackingId: json.trackingId ?? null,
    headerTrackingId: json.headerTrackingId ?? null,
  };
}

async function runDriver<R>(
  command: string,
  script: string,
  endpoint: string,
  operation: string,
  headers: SoapHeaders,
  body: unknown,
): Promise<ClientOutcome<R>> {
  const payload = JSON.stringify({ headers, body });
  let stdout: string;
  let stderr: string;
  try {
    ({ stdout, stderr } = await execFileAsync(command, [script, officialWsdlPath(), endpoint, operation, payload], {
      maxBuffer: 256 * 1024 * 1024,
      timeout: 120_000,
    }));
  } catch (error) {
    const e = error as { message?: string; stderr?: string };
    throw new Error(`${path.basename(script)} failed to run: ${e.message ?? String(error)}\n${e.stderr ?? ''}`, {
      cause: error,
    });
  }
  const line = stdout.trim().split('\n').pop() ?? '';
  try {
    return toOutcome<R>(JSON.parse(line) as DriverJson);
  } catch (error) {
    throw new Error(`${path.basename(script)} printed no JSON document:\n${stdout}\n${stderr}`, { cause: error });
  }
}

/** Calls `operation` with zeep (strict mode) built from the official WSDL, pointed at `endpoint`. */
export function callZeep<R = JsonValue>(
  endpoint: string,
  operation: string,
  headers: SoapHeaders,
  body: unknown = {},
): Promise<ClientOutcome<R>> {
  return runDriver<R>(PYTHON, ZEEP_DRIVER, endpoint, operation, headers, body);
}

/** Calls `operation` with PHP's SoapClient built from the official WSDL, pointed at `endpoint`. */
export function callPhp<R = JsonValue>(
  endpoint: string,
  operation: string,
  headers: SoapHeaders,
  body: unknown = {},
): Promise<ClientOutcome<R>> {
  return runDriver<R>(PHP, PHP_DRIVER, endpoint, operation, headers, body);
}

// ---------------------------------------------------------------------------------------------------------------
// node-soap

/** A node-soap client built from the official WSDL, sending to `endpoint`. */
export function makeNodeSoapClient(endpoint: string): Promise<soap.Client> {
  return soap.createClientAsync(officialWsdlPath(), { endpoint });
}

/**
 * Adds each header with `client.addSoapHeader(object, name, prefix, namespace)` as an element in the Billing
 * namespace: `<h:Name xmlns:h="…/Billing/v13" xmlns="…/Billing/v13">value</h:Name>`. node-soap escapes the value;
 * null becomes `xsi:nil="true"` (xsi is declared on node-soap's Envelope). node-soap appends headers: call
 * `client.clearSoapHeaders()` to start over.
 */
export function addBillingHeaders(client: soap.Client, headers: SoapHeaders): void {
  for (const [name, value] of Object.entries(headers)) {
    client.addSoapHeader({ [name]: value }, '', 'h', BILLING_NS);
  }
}

type Loose = Record<string, unknown>;

function asRecord(value: unknown): Loose | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Loose) : undefined;
}

function textOf(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  const rec = asRecord(value);
  if (rec && '$value' in rec) return textOf(rec.$value);
  return null;
}

function listOf(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * node-soap's reading of a fault detail. Its parser drops namespaces (elements are keyed by local name), so
 * detailRoot here is only the local name, e.g. `AdApiFaultDetail` — use zeep for namespace checks.
 */
function nodeSoapFault(root: unknown): ClientFault | undefined {
  const envelope = asRecord(asRecord(root)?.Envelope);
  const fault = asRecord(asRecord(envelope?.Body)?.Fault);
  if (!fault) return undefined;
  const detail = asRecord(fault.detail) ?? {};
  const children = Object.keys(detail).filter((k) => !k.startsWith('$') && k !== 'attributes');
  const codes: number[] = [];
  const first = asRecord(children.length === 1 ? detail[children[0] ?? ''] : undefined);
  const errorLists = [
    asRecord(first?.Errors)?.AdApiError,
    asRecord(first?.OperationErrors)?.OperationError,
    asRecord(first?.BatchErrors)?.BatchError,
  ];
  for (const list of errorLists) {
    for (const item of listOf(list)) {
      const code = Number(textOf(asRecord(item)?.Code));
      if (Number.isInteger(code)) codes.push(code);
    }
  }
  return {
    kind: 'fault',
    faultcode: textOf(fault.faultcode),
    faultstring: textOf(fault.faultstring),
    codes,
    detailRoot: children.length === 1 ? (children[0] ?? null) : null,
    detailChildren: children,
    trackingId: textOf(first?.TrackingId),
    headerTrackingId: textOf(asRecord(envelope?.Header)?.TrackingId),
  };
}

/**
 * Calls `operation` with node-soap built from the official WSDL (or with `client`, whose SOAP headers are replaced
 * by `headers`). Result: `[result, rawResponse, soapHeader]` of
 * `client[operation + 'Async']`; the TrackingId comes from the parsed response header object. A SOAP fault comes
 * back as an Error whose `root` is the parsed envelope.
 */
export async function callNodeSoap<R = unknown>(
  endpoint: string,
  operation: string,
  headers: SoapHeaders,
  body: unknown = {},
  client?: soap.Client,
): Promise<ClientOutcome<R>> {
  const c = client ?? (await makeNodeSoapClient(endpoint));
  c.clearSoapHeaders();
  addBillingHeaders(c, headers);
  const method = c[`${operation}Async`] as ((args: unknown) => Promise<unknown[]>) | undefined;
  if (typeof method !== 'function') return { kind: 'error', error: `node-soap has no operation ${operation}` };
  try {
    const [result, , soapHeader] = await method.call(c, body);
    return {
      kind: 'result',
      result: (result ?? null) as R,
      trackingId: textOf(asRecord(soapHeader)?.TrackingId),
    };
  } catch (error) {
    const fault = nodeSoapFault((error as { root?: unknown }).root);
    if (fault) return fault;
    const e = error as Error;
    return { kind: 'error', error: `${e.name}: ${e.message}` };
  }
}
