// Server-side sessions of the /offers page and their CSRF tokens. The browser holds a random 256-bit session id in
// an HttpOnly, SameSite=Strict cookie; the database holds only its SHA-256. The CSRF token of a session is an HMAC
// of its id, so it needs no storage, differs per session, and cannot be derived from the database.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Knex } from 'knex';
import type { Role } from '../repositories/tables.ts';
import { newToken, tokenHash } from '../secrets.ts';

export const WEB_SESSIONS = 'web_sessions';
export const COOKIE_NAME = 'offers_session';
/** The cookie is sent only to the page's own paths. */
export const COOKIE_PATH = '/offers';
const ANONYMOUS_TTL_MS = 60 * 60_000;
export const SIGNED_IN_TTL_MS = 8 * 60 * 60_000;

export type AuthMethod = 'password' | 'token';

export interface Flash {
  readonly kind: 'ok' | 'error';
  readonly text: string;
  /** The account section the message belongs to, if any. */
  readonly accountId?: string;
}

export interface SessionUser {
  readonly userId: string;
  readonly customerId: string;
  readonly role: Role;
  readonly authMethod: AuthMethod;
  readonly tokenExpiresAt: Date | null;
}

export interface Session {
  /** The raw id from the cookie (never stored). */
  readonly id: string;
  readonly user: SessionUser | null;
  readonly flash: Flash | null;
}

interface SessionRow {
  user_id: string | null;
  auth_method: AuthMethod | null;
  flash: string | null;
  customer_id: string | null;
  role: Role | null;
  token_expires_at: Date | null;
}

const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

/** The value of one cookie from the Cookie header (the first one of that name). */
export function readCookie(req: IncomingMessage, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

export function sessionCookie(id: string, secure: boolean): string {
  return `${COOKIE_NAME}=${id}; Path=${COOKIE_PATH}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

export function csrfToken(sessionId: string): string {
  return createHmac('sha256', sessionId).update('offers-csrf-v1').digest('base64url');
}

/** Constant-time comparison of a submitted token with the session's (both hashed first, so lengths match). */
export function validCsrf(sessionId: string, submitted: string | null): boolean {
  if (!submitted) return false;
  return timingSafeEqual(tokenHash(submitted), tokenHash(csrfToken(sessionId)));
}

function parseFlash(text: string | null): Flash | null {
  if (!text) return null;
  try {
    const v = JSON.parse(text) as Partial<Flash>;
    if ((v.kind === 'ok' || v.kind === 'error') && typeof v.text === 'string')
      return { kind: v.kind, text: v.text, ...(typeof v.accountId === 'string' ? { accountId: v.accountId } : {}) };
  } catch {
    // An unreadable flash is dropped.
  }
  return null;
}

/** The live session named by the request's cookie, with its user, or null. */
export async function loadSession(knex: Knex, req: IncomingMessage, wallNow: Date): Promise<Session | null> {
  const id = readCookie(req, COOKIE_NAME);
  if (!id || !SESSION_ID.test(id)) return null;
  const row = (await knex(`${WEB_SESSIONS} as s`)
    .leftJoin('users as u', 'u.id', 's.user_id')
    .where('s.id_hash', tokenHash(id))
    .andWhere('s.expires_at', '>', wallNow)
    .first('s.user_id', 's.auth_method', 's.flash', 'u.customer_id', 'u.role', 'u.token_expires_at')) as
    SessionRow | undefined;
  if (!row) return null;
  const user: SessionUser | null =
    row.user_id && row.customer_id && row.role && row.auth_method
      ? {
          userId: row.user_id,
          customerId: row.customer_id,
          role: row.role,
          authMethod: row.auth_method,
          tokenExpiresAt: row.token_expires_at,
        }
      : null;
  return { id, user, flash: parseFlash(row.flash) };
}

/**
 * A new session (anonymous when `user` is null). Expired sessions are deleted on the way, so the table holds
 * only live ones.
 */
export async function createSession(
  knex: Knex,
  user: { userId: string; authMethod: AuthMethod } | null,
  wallNow: Date,
  flash: Flash | null = null,
): Promise<string> {
  await knex(WEB_SESSIONS).where('expires_at', '<=', wallNow).delete();
  const id = newToken(32);
  await knex(WEB_SESSIONS).insert({
    id_hash: tokenHash(id),
    user_id: user?.userId ?? null,
    auth_method: user?.authMethod ?? null,
    flash: flash ? JSON.stringify(flash) : null,
    expires_at: new Date(wallNow.getTime() + (user ? SIGNED_IN_TTL_MS : ANONYMOUS_TTL_MS)),
  });
  return id;
}

export async function deleteSession(knex: Knex, id: string): Promise<void> {
  await knex(WEB_SESSIONS)
    .where({ id_hash: tokenHash(id) })
    .delete();
}

export async function setFlash(knex: Knex, id: string, flash: Flash | null): Promise<void> {
  await knex(WEB_SESSIONS)
    .where({ id_hash: tokenHash(id) })
    .update({ flash: flash ? JSON.stringify(flash) : null });
}
