// The operator HTTP API (SPEC §6): JSON in and out, `Authorization: Bearer <BILLING_ADMIN_KEY>`.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Knex } from 'knex';
import type { Clock } from '../clock.ts';
import { InputError, NotFoundError } from '../errors.ts';
import { BodyTooLargeError, ClientAbortedError, decodeUtf8, readBody } from '../request-body.ts';
import type { Logger } from '../log.ts';
import * as offers from '../services/offer-operations.ts';
import { listOutbox } from '../services/outbox.ts';
import * as operator from '../services/operator.ts';
import { listAccountDocuments } from '../services/billing-documents.ts';
import { createBillingGroup } from '../services/billing-groups.ts';
import { createOperatorOrder } from '../services/insertion-orders.ts';
import { ClockNotAdjustableError, resetClock, setClock, showClock } from './clock-route.ts';

export interface AdminDeps {
  readonly knex: Knex;
  readonly clock: Clock;
  readonly log: Logger;
  readonly adminKey: string;
}

type Json = Record<string, unknown>;
type Route = (body: Json, params: string[], deps: AdminDeps) => Promise<unknown>;

const ROUTES: readonly (readonly [string, RegExp, Route])[] = [
  ['POST', /^\/admin\/customers$/, (b, _p, d) => operator.createCustomer(d.knex, b)],
  ['POST', /^\/admin\/accounts$/, async (b, _p, d) => operator.createAccount(d.knex, b, await d.clock.now())],
  ['POST', /^\/admin\/insertion-orders$/, async (b, _p, d) => createOperatorOrder(d.knex, b, await d.clock.now())],
  ['POST', /^\/admin\/users$/, (b, _p, d) => operator.createUser(d.knex, b)],
  ['POST', /^\/admin\/classes$/, (b, _p, d) => operator.createClass(d.knex, b)],
  ['POST', /^\/admin\/coupons\/mint$/, async (b, _p, d) => operator.mintCoupons(d.knex, b, await d.clock.now())],
  ['GET', /^\/admin\/outbox$/, (b, _p, d) => listOutbox(d.knex, b.status)],
  ['POST', /^\/admin\/coupons\/revoke$/, async (b, _p, d) => offers.revokeCoupon(d.knex, b, await d.clock.now())],
  [
    'POST',
    /^\/admin\/accounts\/([^/]+)\/payment-method$/,
    async (_b, p, d) => offers.addPaymentMethod(d.knex, p[0], await d.clock.now()),
  ],
  [
    'GET',
    /^\/admin\/accounts\/([^/]+)\/offers$/,
    async (_b, p, d) => offers.listOffers(d.knex, p[0], await d.clock.now()),
  ],
  ['POST', /^\/admin\/spend$/, async (b, _p, d) => offers.recordSpend(d.knex, b, await d.clock.now())],
  ['POST', /^\/admin\/spend\/batch$/, async (b, _p, d) => offers.recordSpendBatch(d.knex, b, await d.clock.now())],
  ['POST', /^\/admin\/billing-groups$/, (b, _p, d) => createBillingGroup(d.knex, b)],
  ['GET', /^\/admin\/accounts\/([^/]+)\/documents$/, (_b, p, d) => listAccountDocuments(d.knex, p[0])],
  ['POST', /^\/admin\/clock$/, (b, _p, d) => setClock(d.clock, b)],
  ['GET', /^\/admin\/clock$/, (_b, _p, d) => showClock(d.clock)],
  ['POST', /^\/admin\/clock\/reset$/, (b, _p, d) => resetClock(d.clock, b)],
];

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

function send(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}

export function createAdminApi(
  deps: AdminDeps,
): (req: IncomingMessage, res: ServerResponse, path: string) => Promise<void> {
  const key = digest(deps.adminKey);
  return async (req, res, path) => {
    const auth = req.headers.authorization ?? '';
    const given = auth.startsWith('Bearer ') ? auth.slice(7).trim() : '';
    if (!given || !timingSafeEqual(digest(given), key)) {
      req.resume();
      return send(res, 401, { error: 'missing or wrong admin key (Authorization: Bearer $BILLING_ADMIN_KEY)' });
    }
    const route = ROUTES.find(([m, re]) => re.test(path) && m === req.method);
    if (!route) {
      req.resume();
      return send(res, ROUTES.some(([, re]) => re.test(path)) ? 405 : 404, { error: `no route ${req.method} ${path}` });
    }
    try {
      let body: Json = {};
      const raw = await readBody(req, 1024 * 1024);
      if (raw.length > 0) {
        const parsed: unknown = JSON.parse(decodeUtf8(raw));
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
          throw new InputError('the body must be a JSON object');
        body = parsed as Json;
      }
      // A GET carries its parameters in the query string (`/admin/outbox?status=sent`).
      if (req.method === 'GET') body = Object.fromEntries(new URL(req.url ?? '/', 'http://localhost').searchParams);
      const params = route[1].exec(path)!.slice(1);
      send(res, 200, await route[2](body, params, deps));
    } catch (e) {
      if (e instanceof InputError || e instanceof SyntaxError) return send(res, 400, { error: e.message });
      if (e instanceof TypeError && (e as { code?: string }).code === 'ERR_ENCODING_INVALID_ENCODED_DATA')
        return send(res, 400, { error: 'the body must be UTF-8 JSON' });
      // A value the validators let through but PostgreSQL cannot store (data exception, SQLSTATE class 22).
      if (/^22/.test(String((e as { code?: unknown }).code ?? '')))
        return send(res, 400, { error: 'a value in the request cannot be stored' });
      if (e instanceof NotFoundError) return send(res, 404, { error: e.message });
      if (e instanceof ClockNotAdjustableError) return send(res, 409, { error: e.message });
      if (e instanceof BodyTooLargeError) return send(res, 413, { error: 'body too large' });
      if (e instanceof ClientAbortedError) return deps.log.info('aborted', { path, stage: 'request body' });
      deps.log.error('admin error', { path, error: e instanceof Error ? e.message : String(e) });
      send(res, 500, { error: 'internal error' });
    }
  };
}
