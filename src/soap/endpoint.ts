// The SOAP endpoint: HTTP in, one SOAP 1.1 response or fault out, with a TrackingId on every answer and one
// log line per request. No library error path can reach the client: every failure is mapped here.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Knex } from 'knex';
import type { Clock } from '../clock.ts';
import { AdApiError, ApiError, ClientMessageError, problem } from '../errors.ts';
import { BodyTooLargeError, ClientAbortedError, decodeUtf8, readBody } from '../request-body.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import { NS, operationDef, wrapperFields } from '../schema/index.ts';
import { ADDRESS_PLACEHOLDER } from '../schema/wsdl.ts';
import { DEFAULT_AUTH_CACHE_ENTRIES, DEFAULT_COUPON_XML_CACHE, DEFAULT_SIGN_IN_LIMIT } from '../config.ts';
import { authenticateLimited, type Principal } from '../services/auth.ts';
import { databaseTimeout } from '../services/database.ts';
import { createSignInLimiter, waitSeconds, type SignInLimit } from '../services/sign-in-limit.ts';
import {
  adApiFault,
  apiFault,
  envelopeFault,
  EnvelopeError,
  openEnvelope,
  responseEnvelope,
  type OpenedEnvelope,
} from './envelope.ts';
import { HANDLERS, notSupported } from './operations.ts';
import { redact } from './redact.ts';
import { createCustomerGate } from './customer-gate.ts';
import { CouponXmlCache } from './coupon-xml-cache.ts';
import { createThrottle } from './throttle.ts';
import { decodeRequest } from './xml-decode.ts';
import { escapeText } from './xml-writer.ts';

export const SERVICE_PATH = '/Api/Billing/v13/CustomerBillingService.svc';
const WSDL_FILE = new URL('../../wsdl/CustomerBillingService.wsdl', import.meta.url);

export interface SoapDeps {
  readonly knex: Knex;
  readonly clock: Clock;
  readonly log: Logger;
  readonly metrics: Metrics;
  readonly publicUrl: string | null;
  readonly maxBodyBytes: number;
  /** SOAP calls per user and minute before code 117; 0 or absent: no limit. */
  readonly rateLimitPerMinute?: number;
  /** Concurrent SOAP requests per customer on this instance (0 or absent: no cap), and how long excess ones wait. */
  readonly maxConcurrentPerCustomer?: number;
  readonly customerWaitMs?: number;
  /** Failed authentications per address and per user name before code 117 (default 10 per 15 min). */
  readonly signInLimit?: SignInLimit;
  /** Encoded coupon fragments kept for SearchCoupons (COUPON_XML_CACHE entries; 0 = none; absent: the default). */
  readonly couponXmlCacheEntries?: number;
  /** Keys whose failed sign-in count the limiter keeps (AUTH_CACHE_ENTRIES; absent: the default). */
  readonly authCacheEntries?: number;
}

interface Outcome {
  status: number;
  body: string;
  operation: string;
  code: number | null;
  userId?: string;
  /** The request body was not read: it is discarded as it arrives.  */
  unread?: boolean;
}

const XML_TYPE = 'text/xml; charset=utf-8';
/** The client's address, as the failed-sign-in limiter counts it (X-Forwarded-For is never trusted). */
const sourceAddress = (req: IncomingMessage): string => req.socket.remoteAddress ?? 'unknown';

/** A SOAP 1.1 envelope-level fault (VersionMismatch, MustUnderstand), answered as it is. */
class EnvelopeFaultReply extends Error {
  constructor(readonly body: string) {
    super('envelope fault');
  }
}

/** Runs one step of reading the envelope; a malformed envelope is code 100, the SOAP 1.1 ones their own fault. */
function envelopeStep<T>(trackingId: string, step: () => T): T {
  try {
    return step();
  } catch (e) {
    if (!(e instanceof EnvelopeError)) throw e;
    const special = envelopeFault(trackingId, e.problem);
    if (special) throw new EnvelopeFaultReply(special);
    throw new ClientMessageError(problem(100, e.message));
  }
}
/** A 1 MiB request can hold 60,000 bad values: a fault lists the first ones, so it cannot answer 10 MB. */
const MAX_FAULT_ERRORS = 100;
const MAX_DETAIL_CHARS = 500;

export function createSoapEndpoint(
  deps: SoapDeps,
): (req: IncomingMessage, res: ServerResponse, query: URLSearchParams) => Promise<void> {
  const wsdl = readFileSync(WSDL_FILE, 'utf8');
  const throttle = createThrottle(deps.rateLimitPerMinute ?? 0);
  const gate = createCustomerGate(deps.maxConcurrentPerCustomer ?? 0, deps.customerWaitMs ?? 0);
  const couponXml = new CouponXmlCache(deps.couponXmlCacheEntries ?? DEFAULT_COUPON_XML_CACHE);
  const limiter = createSignInLimiter(
    deps.knex,
    deps.signInLimit ?? DEFAULT_SIGN_IN_LIMIT,
    deps.authCacheEntries ?? DEFAULT_AUTH_CACHE_ENTRIES,
  );

  function serveWsdl(req: IncomingMessage, res: ServerResponse): void {
    const host = req.headers.host ?? '';
    const proto = req.headers['x-forwarded-proto'] === 'https' ? 'https' : 'http';
    // The Host header is client input: only a plain host[:port] is echoed into the document.
    const base = deps.publicUrl ?? (/^[A-Za-z0-9.\-[\]:]{1,255}$/.test(host) ? `${proto}://${host}` : null);
    const location = base ? `${base}${SERVICE_PATH}` : ADDRESS_PLACEHOLDER;
    const body = wsdl.replace(ADDRESS_PLACEHOLDER, escapeText(location).replace(/"/g, '&quot;'));
    res.writeHead(200, { 'Content-Type': XML_TYPE, 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  }

  /** `parsed` learns how many characters of the document were read (logged: the Body of an anonymous request is not). */
  async function process(req: IncomingMessage, trackingId: string, parsed: (chars: number) => void): Promise<Outcome> {
    let operation = 'unknown';
    let userId: string | undefined;
    /** This request's credential header values: never echoed in a fault or written to the log. */
    let secrets: string[] = [];
    let env: OpenedEnvelope | undefined;
    try {
      // An address paused for failed sign-ins is answered before its body is read (the limiter's answer is cached,
      // so this costs no query per call): a flood of anonymous 1 MiB bodies costs the reading of none of them.
      const paused = await limiter.wait({ ip: sourceAddress(req), username: null }, new Date());
      if (paused > 0) {
        const body = adApiFault(trackingId, 117, `Retry in ${waitSeconds(paused)} s.`);
        return { status: 500, body, operation, code: 117, unread: true };
      }
      const raw = await readBody(req, deps.maxBodyBytes);
      let xml: string;
      try {
        xml = decodeUtf8(raw);
      } catch {
        throw new ClientMessageError(problem(100, 'The request is not valid UTF-8.'));
      }
      // Only the Header and the body element's start tag are read before authentication: a request without valid
      // credentials never costs the parsing of its Body.
      env = envelopeStep(trackingId, () => openEnvelope(xml));
      const { bodyName, headers } = env;
      secrets = ['AuthenticationToken', 'DeveloperToken', 'Password', 'ApplicationToken'].flatMap(
        (h) => headers.get(h) ?? [],
      );
      const name = bodyName.local.endsWith('Request') ? bodyName.local.slice(0, -'Request'.length) : '';
      if (bodyName.ns !== NS.tns || !operationDef(name))
        throw new ClientMessageError(
          problem(100, `{${bodyName.ns}}${bodyName.local} is not a request element of this service.`),
        );
      operation = name;
      const action = req.headers.soapaction;
      if (typeof action === 'string') {
        const a = action.trim().replace(/^"(.*)"$/, '$1');
        if (a !== '' && a !== operation && !a.endsWith(`/${operation}`))
          throw new ClientMessageError(
            problem(100, `The SOAPAction does not match the ${bodyName.local} body element.`),
          );
      }
      const now = await deps.clock.now();
      const principal: Principal = await authenticateLimited(
        deps.knex,
        {
          authenticationToken: headers.get('AuthenticationToken') ?? null,
          developerToken: headers.get('DeveloperToken') ?? null,
          userName: headers.get('UserName') ?? null,
          password: headers.get('Password') ?? null,
        },
        now,
        {
          address: sourceAddress(req),
          limiter,
          wallNow: new Date(),
        },
      );
      userId = principal.userId;
      const wait = throttle.take(principal.userId);
      if (wait > 0) throw new AdApiError(117, `Retry in ${Math.ceil(wait / 1000)} s.`);
      const handler = HANDLERS.get(operation) ?? notSupported(operation);
      const opened = env;
      const body = envelopeStep(trackingId, () => opened.readBody());
      const request = decodeRequest(wrapperFields(`${operation}Request`), body);
      const release = await gate.enter(principal.customerId);
      if (!release)
        throw new AdApiError(117, `Customer ${principal.customerId} has ${gate.limit} calls running; retry in 1 s.`);
      let value;
      try {
        value = await handler({ knex: deps.knex, principal, now, trackingId, couponXml }, request);
      } finally {
        release();
      }
      return { status: 200, body: responseEnvelope(operation, trackingId, value), operation, code: null, userId };
    } catch (e) {
      if (e instanceof BodyTooLargeError || e instanceof ClientAbortedError) throw e;
      if (e instanceof EnvelopeFaultReply) return { status: 500, body: e.body, operation, code: null };
      // Redacted first, then clipped: a detail quoting a client's 900 KB value or element name stays small.
      const clean = (text: string): string => {
        const r = redact(text, secrets);
        return r.length > MAX_DETAIL_CHARS ? `${r.slice(0, MAX_DETAIL_CHARS)}…` : r;
      };
      if (e instanceof AdApiError) {
        const detail = e.detail === null ? null : clean(e.detail);
        return { status: 500, body: adApiFault(trackingId, e.code, detail), operation, code: e.code, userId };
      }
      if (e instanceof ApiError) {
        const client = e instanceof ClientMessageError || e.code === 201;
        const problems = e.problems.slice(0, MAX_FAULT_ERRORS).map((p) => ({
          ...p,
          message: clean(p.message),
          details: p.details === null ? null : clean(p.details),
        }));
        return { status: 500, body: apiFault(trackingId, problems, client), operation, code: e.code, userId };
      }
      const timeout = databaseTimeout(e);
      if (timeout) {
        // An operational bound doing its job, not a bug: which one fired, no stack.
        deps.log.warn('database timeout', { trackingId, operation, timeout, userId });
        return { status: 500, body: adApiFault(trackingId, 0, null), operation, code: 0, userId };
      }
      deps.log.error('internal error', {
        trackingId,
        operation,
        error: redact(e instanceof Error ? `${e.name}: ${e.message}` : String(e), secrets),
        stack: e instanceof Error && e.stack ? redact(e.stack, secrets) : undefined,
      });
      return { status: 500, body: adApiFault(trackingId, 0, null), operation, code: 0, userId };
    } finally {
      if (env) parsed(env.consumed);
    }
  }

  return async (req, res, query) => {
    const started = performance.now();
    const trackingId = randomUUID();
    const method = req.method ?? 'GET';
    if (method === 'GET' || method === 'HEAD') {
      const wsdlRequested = [...query.keys()].some((k) => /^(single)?wsdl$/i.test(k));
      if (wsdlRequested) serveWsdl(req, res);
      else {
        const page = `<html><body><p>CustomerBillingService: the WSDL is at <a href="?wsdl">?wsdl</a>.</p></body></html>`;
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
        res.end(page);
      }
      deps.log.info('request', { trackingId, method, operation: wsdlRequested ? 'wsdl' : 'help', status: 200 });
      return;
    }
    if (method !== 'POST') {
      req.resume();
      res.writeHead(405, { Allow: 'GET, POST', 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Method not allowed: use POST for SOAP and GET ?wsdl for the WSDL.\n');
      deps.log.info('request', { trackingId, method, status: 405 });
      return;
    }
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'text/xml') {
      req.resume();
      res.writeHead(415, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(`Unsupported content type '${type.slice(0, 64)}': SOAP 1.1 requests are text/xml.\n`);
      deps.log.info('request', { trackingId, method, status: 415 });
      return;
    }
    let outcome: Outcome;
    let parsedChars: number | undefined;
    try {
      outcome = await process(req, trackingId, (chars) => (parsedChars = chars));
    } catch (e) {
      if (e instanceof ClientAbortedError) {
        deps.log.info('aborted', { trackingId, method, stage: 'request body' });
        return;
      }
      if (!(e instanceof BodyTooLargeError)) throw e;
      res.writeHead(413, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' });
      res.end(`The request body exceeds ${deps.maxBodyBytes} bytes.\n`);
      deps.log.info('request', { trackingId, method, status: 413 });
      return;
    }
    const seconds = (performance.now() - started) / 1000;
    if (res.destroyed || req.socket.destroyed) {
      // The client closed the connection before its answer was ready: nobody to answer, nothing went wrong here.
      deps.log.info('aborted', {
        trackingId,
        method,
        stage: 'answer',
        operation: outcome.operation,
        code: outcome.code,
        userId: outcome.userId,
      });
      return;
    }
    if (outcome.unread) req.resume(); // the body is let through unbuffered, never decoded or parsed
    // Encoded once: the length and the socket write share the bytes (a string would be encoded for each).
    const bytes = Buffer.from(outcome.body, 'utf8');
    res.writeHead(outcome.status, { 'Content-Type': XML_TYPE, 'Content-Length': bytes.length });
    res.end(bytes);
    deps.metrics.observe(outcome.operation, outcome.code === null ? 'ok' : String(outcome.code), seconds);
    deps.log.info('request', {
      trackingId,
      method,
      operation: outcome.operation,
      status: outcome.status,
      code: outcome.code,
      userId: outcome.userId,
      parsedChars,
      ms: Math.round(seconds * 1000 * 10) / 10,
    });
  };
}
