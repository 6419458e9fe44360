// Sessions of the /offers page: who is signed in, by which method, and the one-shot message to show next. The
// caller holds the raw session id (from its cookie); only its SHA-256 reaches the database.
import type { Knex } from 'knex';
import {
  deleteExpiredSessions,
  deleteSessionByHash,
  insertSession,
  liveSession,
  updateSessionFlash,
  type AuthMethod,
} from '../repositories/web-sessions.ts';
import type { Role } from '../repositories/tables.ts';
import { newToken, tokenHash } from '../secrets.ts';

export type { AuthMethod };

const ANONYMOUS_TTL_MS = 60 * 60_000;
const SIGNED_IN_TTL_MS = 8 * 60 * 60_000;

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

/** The live session of that id, with its user, or null. */
export async function sessionById(knex: Knex, id: string, wallNow: Date): Promise<Session | null> {
  const row = await liveSession(knex, tokenHash(id), wallNow);
  if (!row) return null;
  const user: SessionUser | null =
    row.userId && row.customerId && row.role && row.authMethod
      ? {
          userId: row.userId,
          customerId: row.customerId,
          role: row.role,
          authMethod: row.authMethod,
          tokenExpiresAt: row.tokenExpiresAt,
        }
      : null;
  return { id, user, flash: parseFlash(row.flash) };
}

/**
 * A new session (anonymous when `user` is null); returns its raw id. Expired sessions are deleted on the way, so
 * the table holds only live ones.
 */
export async function createSession(
  knex: Knex,
  user: { userId: string; authMethod: AuthMethod } | null,
  wallNow: Date,
  flash: Flash | null = null,
): Promise<string> {
  await deleteExpiredSessions(knex, wallNow);
  const id = newToken(32);
  await insertSession(knex, {
    idHash: tokenHash(id),
    userId: user?.userId ?? null,
    authMethod: user?.authMethod ?? null,
    flash: flash ? JSON.stringify(flash) : null,
    expiresAt: new Date(wallNow.getTime() + (user ? SIGNED_IN_TTL_MS : ANONYMOUS_TTL_MS)),
  });
  return id;
}

export async function deleteSession(knex: Knex, id: string): Promise<void> {
  await deleteSessionByHash(knex, tokenHash(id));
}

export async function setFlash(knex: Knex, id: string, flash: Flash | null): Promise<void> {
  await updateSessionFlash(knex, tokenHash(id), flash ? JSON.stringify(flash) : null);
}
