// The advertiser web page under /offers: sign in, see every offer of every account the user may access, redeem a
// code, sign out. Server-rendered, no JavaScript; every POST carries the session's CSRF token and answers with a
// redirect (post/redirect/get). Offers are read through the GetCouponInfo service and codes redeemed through the
// RedeemCoupon service, as of the service clock (the test clock included).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Knex } from 'knex';
import type { Clock } from '../clock.ts';
import { AdApiError } from '../errors.ts';
import { BodyTooLargeError, decodeUtf8, readBody } from '../request-body.ts';
import type { Logger } from '../log.ts';
import type { Principal } from '../services/auth.ts';
import { offersOverview } from '../services/offers-page.ts';
import { billingOfAccounts, documentPdf } from '../services/billing-page.ts';
import { billingView, type BillingView } from './billing-view.ts';
import type { SafeHtml } from './html.ts';
import { accountViews } from './offer-view.ts';
import { CSS_PATH, messagePage, offersPage, signInPage } from './pages.ts';
import { DEFAULT_SIGN_IN_LIMIT } from '../config.ts';
import {
  clearUsernameFailures,
  recordSignInFailure,
  signInWait,
  waitSeconds,
  type SignInLimit,
} from '../services/sign-in-limit.ts';
import { redeemFromPage } from './redeem.ts';
import {
  createSession,
  csrfToken,
  deleteSession,
  loadSession,
  sessionCookie,
  setFlash,
  validCsrf,
  type Flash,
  type Session,
  type SessionUser,
} from './sessions.ts';
import { signInFailureText, signInWithPassword, signInWithToken } from './sign-in.ts';
import { APP_CSS } from './styles.ts';

export interface WebDeps {
  readonly knex: Knex;
  readonly clock: Clock;
  readonly log: Logger;
  /** An https PUBLIC_URL marks the session cookie Secure and turns on HSTS. */
  readonly publicUrl: string | null;
  /** The shared failed-sign-in limit (default 10 per 15 min per address and per user name). */
  readonly signInLimit?: SignInLimit;
}

export const OFFERS_PATH = '/offers';
const FORM_LIMIT = 16 * 1024;

// No script may run at all; styles only from our own stylesheet; forms only to ourselves; never framed.
const CSP =
  "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const isSecure = (deps: WebDeps): boolean => deps.publicUrl?.startsWith('https://') ?? false;

function headers(deps: WebDeps): Record<string, string> {
  return {
    'Content-Security-Policy': CSP,
    'X-Frame-Options': 'DENY',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    ...(isSecure(deps) ? { 'Strict-Transport-Security': 'max-age=31536000' } : {}),
  };
}

function sendHtml(
  deps: WebDeps,
  res: ServerResponse,
  status: number,
  page: SafeHtml,
  extra: Record<string, string | string[]> = {},
): void {
  const body = page.value;
  res.writeHead(status, {
    ...headers(deps),
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    // Pages show account data: never cached, not even in the back/forward history of a shared computer.
    'Cache-Control': 'no-store',
    ...extra,
  });
  res.end(body);
}

function redirect(deps: WebDeps, res: ServerResponse, location: string, cookies: string[] = []): void {
  res.writeHead(303, {
    ...headers(deps),
    Location: location,
    'Cache-Control': 'no-store',
    'Content-Length': 0,
    ...(cookies.length ? { 'Set-Cookie': cookies } : {}),
  });
  res.end();
}

function forbidden(deps: WebDeps, res: ServerResponse): void {
  sendHtml(
    deps,
    res,
    403,
    messagePage(
      'This form has expired',
      'The form was not sent from your current session, so nothing was done. Open your offers again and retry.',
    ),
  );
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const raw = await readBody(req, FORM_LIMIT);
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  // Anything but a form body is read as an empty form, which then fails the CSRF check.
  if (type !== 'application/x-www-form-urlencoded') return new URLSearchParams();
  return new URLSearchParams(decodeUtf8(raw));
}

function principalOf(u: SessionUser): Principal {
  return { userId: u.userId, customerId: u.customerId, role: u.role };
}

const tokenExpired = (u: SessionUser, now: Date): boolean =>
  u.authMethod === 'token' && u.tokenExpiresAt !== null && u.tokenExpiresAt.getTime() <= now.getTime();

const EXPIRED_TOKEN: Flash = {
  kind: 'error',
  text: 'Your authentication token has expired, so you were signed out. Sign in again.',
};

/** Starts a fresh anonymous session (with a message) and shows the sign-in form. */
async function showSignIn(deps: WebDeps, res: ServerResponse, wallNow: Date, flash: Flash | null): Promise<void> {
  const id = await createSession(deps.knex, null, wallNow);
  sendHtml(deps, res, 200, signInPage({ csrf: csrfToken(id), flash }), {
    'Set-Cookie': sessionCookie(id, isSecure(deps)),
  });
}

async function showPage(deps: WebDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { knex } = deps;
  const wallNow = new Date();
  const session = await loadSession(knex, req, wallNow);
  const now = await deps.clock.now();
  if (!session) return showSignIn(deps, res, wallNow, null);
  if (session.flash) await setFlash(knex, session.id, null);
  if (session.user && tokenExpired(session.user, now)) {
    await deleteSession(knex, session.id);
    return showSignIn(deps, res, wallNow, EXPIRED_TOKEN);
  }
  if (!session.user) return sendHtml(deps, res, 200, signInPage({ csrf: csrfToken(session.id), flash: session.flash }));
  const p = principalOf(session.user);
  const { who, customerName, accounts, coupons, classNames } = await offersOverview(knex, p, now);
  const billing = await billingOfAccounts(
    knex,
    p,
    accounts.map((a) => a.id),
    now,
  );
  const billingViews = new Map<string, BillingView>();
  for (const a of accounts) {
    const b = billing.get(a.id);
    if (b) billingViews.set(a.id, billingView(b, a.currency));
  }
  sendHtml(
    deps,
    res,
    200,
    offersPage({
      csrf: csrfToken(session.id),
      who,
      customerName,
      now: now.getTime(),
      testClock: deps.clock.adjustable,
      accounts: accountViews(accounts, coupons, classNames, p.role, now.getTime()),
      billing: billingViews,
      flash: session.flash,
    }),
  );
}

const DOCUMENT_PDF = /^\/offers\/documents\/([^/]{1,40})\/pdf$/;

function notFound(deps: WebDeps, res: ServerResponse): void {
  sendHtml(deps, res, 404, messagePage('Page not found', 'There is nothing at this address.'));
}

/**
 * A billing document's PDF, the same bytes GetBillingDocuments returns, for a signed-in user whose customer the
 * document bills (GetBillingDocuments' visibility); any other id is a plain 404, so ids of other customers'
 * documents cannot be told from ids that do not exist. Signed out: back to the sign-in form.
 */
async function downloadPdf(deps: WebDeps, req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
  const { knex } = deps;
  const session = await loadSession(knex, req, new Date());
  if (!session?.user) return redirect(deps, res, OFFERS_PATH);
  const now = await deps.clock.now();
  if (tokenExpired(session.user, now)) return redirect(deps, res, OFFERS_PATH); // the page signs it out
  const file = await documentPdf(knex, principalOf(session.user), id);
  if (!file) return notFound(deps, res);
  deps.log.info('offers document download', { userId: session.user.userId, documentId: id });
  res.writeHead(200, {
    ...headers(deps),
    'Content-Type': 'application/pdf',
    'Content-Disposition': `attachment; filename="${file.number}.pdf"`,
    'Content-Length': file.data.length,
    'Cache-Control': 'no-store',
  });
  res.end(req.method === 'HEAD' ? undefined : file.data);
}

function clientAddress(req: IncomingMessage): string {
  // The socket's address: X-Forwarded-For is not trusted, as no proxy is configured in front of the service.
  return req.socket.remoteAddress ?? 'unknown';
}

async function signIn(
  deps: WebDeps,
  req: IncomingMessage,
  res: ServerResponse,
  form: URLSearchParams,
  s: Session,
): Promise<void> {
  const { knex, log } = deps;
  if (s.user) return redirect(deps, res, OFFERS_PATH);
  const wallNow = new Date();
  const method = form.get('method') === 'token' ? 'token' : 'password';
  const username = method === 'password' ? (form.get('username') ?? '').trim() : '';
  const keys = { ip: clientAddress(req), username: username || null };
  const again = (status: number, text: string, extra: Record<string, string> = {}): void =>
    sendHtml(deps, res, status, signInPage({ csrf: csrfToken(s.id), flash: { kind: 'error', text }, username }), extra);
  const limit = deps.signInLimit ?? DEFAULT_SIGN_IN_LIMIT;
  const wait = await signInWait(knex, keys, limit, wallNow);
  if (wait > 0) {
    log.warn('offers sign-in refused: too many failures', { method });
    const minutes = Math.ceil(wait / 60_000);
    return again(
      429,
      `Too many failed sign-in attempts. For your security, sign-in is paused: wait ${minutes} minute${minutes === 1 ? '' : 's'}, then try again.`,
      { 'Retry-After': String(waitSeconds(wait)) },
    );
  }
  let p: Principal;
  try {
    p =
      method === 'password'
        ? await signInWithPassword(knex, username, form.get('password') ?? '')
        : await signInWithToken(
            knex,
            form.get('authenticationToken') ?? '',
            form.get('developerToken') ?? '',
            await deps.clock.now(),
          );
  } catch (e) {
    if (!(e instanceof AdApiError)) throw e;
    if (e.code === 117) {
      // Password hashing is at capacity (not a failed guess): ask for a retry, count nothing.
      log.warn('offers sign-in refused: hashing at capacity', { method });
      return again(429, 'Sign-in is busy right now. Wait a few seconds, then try again.', { 'Retry-After': '1' });
    }
    await recordSignInFailure(knex, keys, limit, wallNow);
    log.info('offers sign-in failed', { method, code: e.code });
    return again(401, signInFailureText(e, method));
  }
  if (username) await clearUsernameFailures(knex, username);
  // A new session id on sign-in, so an id planted before it is worth nothing after it.
  await deleteSession(knex, s.id);
  const id = await createSession(knex, { userId: p.userId, authMethod: method }, wallNow);
  log.info('offers sign-in', { userId: p.userId, method });
  redirect(deps, res, OFFERS_PATH, [sessionCookie(id, isSecure(deps))]);
}

async function redeem(deps: WebDeps, res: ServerResponse, form: URLSearchParams, s: Session): Promise<void> {
  if (!s.user) return redirect(deps, res, OFFERS_PATH);
  const now = await deps.clock.now();
  if (tokenExpired(s.user, now)) return redirect(deps, res, OFFERS_PATH); // the page signs it out
  const flash = await redeemFromPage(
    deps.knex,
    principalOf(s.user),
    { accountId: form.get('accountId') ?? '', code: form.get('code'), couponId: form.get('couponId') },
    now,
  );
  await setFlash(deps.knex, s.id, flash);
  deps.log.info('offers redeem', {
    userId: s.user.userId,
    accountId: flash.accountId ?? null,
    ok: flash.kind === 'ok',
  });
  redirect(deps, res, flash.accountId ? `${OFFERS_PATH}#account-${flash.accountId}` : OFFERS_PATH);
}

async function signOut(deps: WebDeps, res: ServerResponse, s: Session): Promise<void> {
  const wallNow = new Date();
  await deleteSession(deps.knex, s.id);
  const id = await createSession(deps.knex, null, wallNow, { kind: 'ok', text: 'You have signed out.' });
  redirect(deps, res, OFFERS_PATH, [sessionCookie(id, isSecure(deps))]);
}

type PostAction = (
  deps: WebDeps,
  req: IncomingMessage,
  res: ServerResponse,
  form: URLSearchParams,
  s: Session,
) => Promise<void>;

const POSTS: Readonly<Record<string, PostAction>> = {
  '/offers/sign-in': signIn,
  '/offers/redeem': (deps, _req, res, form, s) => redeem(deps, res, form, s),
  '/offers/sign-out': (deps, _req, res, _form, s) => signOut(deps, res, s),
};

async function route(deps: WebDeps, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const method = req.method ?? 'GET';
  const read = method === 'GET' || method === 'HEAD';
  if (path === OFFERS_PATH || path === `${OFFERS_PATH}/`) {
    if (read) return showPage(deps, req, res);
    req.resume();
    return sendHtml(deps, res, 405, messagePage('Not allowed', 'This page can only be viewed.'), {
      Allow: 'GET, HEAD',
    });
  }
  if (path === CSS_PATH && read) {
    res.writeHead(200, {
      ...headers(deps),
      'Content-Type': 'text/css; charset=utf-8',
      'Content-Length': Buffer.byteLength(APP_CSS),
      'Cache-Control': 'public, max-age=3600',
    });
    return void res.end(APP_CSS);
  }
  const pdf = DOCUMENT_PDF.exec(path);
  if (pdf) {
    if (read) return downloadPdf(deps, req, res, pdf[1]!);
    req.resume();
    return sendHtml(deps, res, 405, messagePage('Not allowed', 'This file can only be downloaded.'), {
      Allow: 'GET, HEAD',
    });
  }
  const action = POSTS[path];
  if (action) {
    if (read) return redirect(deps, res, OFFERS_PATH);
    if (method !== 'POST') {
      req.resume();
      return sendHtml(deps, res, 405, messagePage('Not allowed', 'Use the forms on the page.'), { Allow: 'POST' });
    }
    const form = await readForm(req);
    const session = await loadSession(deps.knex, req, new Date());
    if (!session || !validCsrf(session.id, form.get('csrf'))) {
      deps.log.warn('offers form refused: missing or wrong CSRF token', { path });
      return forbidden(deps, res);
    }
    return action(deps, req, res, form, session);
  }
  req.resume();
  notFound(deps, res);
}

/** Serves every path under /offers; the HTTP server routes them here. */
export async function handleOffers(
  deps: WebDeps,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<void> {
  try {
    await route(deps, req, res, path);
  } catch (e) {
    if (res.headersSent) throw e;
    if (e instanceof BodyTooLargeError)
      return sendHtml(deps, res, 413, messagePage('Too much data', 'The form sent more data than it can.'));
    if (e instanceof TypeError && /encoded data was not valid/i.test(e.message))
      return sendHtml(deps, res, 400, messagePage('Unreadable form', 'The form data was not valid UTF-8.'));
    deps.log.error('offers page error', { path, error: e instanceof Error ? e.message : String(e) });
    sendHtml(deps, res, 500, messagePage('Something went wrong', 'Nothing was changed. Please try again in a moment.'));
  }
}
