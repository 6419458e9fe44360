// Server-side sessions of the /offers page and their CSRF tokens. The browser holds a random 256-bit session id in
// an HttpOnly, SameSite=Strict cookie; the database holds only its SHA-256. The CSRF token of a session is an HMAC
// of its id, so it needs no storage, differs per session, and cannot be derived from the database. The rows are
// kept by services/web-sessions.ts.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Knex } from 'knex';
import { tokenHash } from '../secrets.ts';
import { sessionById, type Session } from '../services/web-sessions.ts';

export {
  createSession,
  deleteSession,
  setFlash,
  type AuthMethod,
  type Flash,
  type Session,
  type SessionUser,
} from '../services/web-sessions.ts';

export const COOKIE_NAME = 'offers_session';
/** The cookie is sent only to the page's own paths. */
export const COOKIE_PATH = '/offers';

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

/** The live session named by the request's cookie, with its user, or null. */
export async function loadSession(knex: Knex, req: IncomingMessage, wallNow: Date): Promise<Session | null> {
  const id = readCookie(req, COOKIE_NAME);
  if (!id || !SESSION_ID.test(id)) return null;
  return sessionById(knex, id, wallNow);
}
