// The web_sessions table of the offers page: rows keyed by the SHA-256 of the session id (the id itself is never
// stored), joined to the signed-in user.
import type { Knex } from 'knex';
import type { Role } from './tables.ts';

export const WEB_SESSIONS = 'web_sessions';

export type AuthMethod = 'password' | 'token';

export interface SessionRecord {
  readonly userId: string | null;
  readonly authMethod: AuthMethod | null;
  /** The flash message as stored (JSON text), or null. */
  readonly flash: string | null;
  readonly customerId: string | null;
  readonly role: Role | null;
  readonly tokenExpiresAt: Date | null;
}

interface SessionRow {
  user_id: string | null;
  auth_method: AuthMethod | null;
  flash: string | null;
  customer_id: string | null;
  role: Role | null;
  token_expires_at: Date | null;
}

/** The session of that id hash if it has not expired at `wallNow`. */
export async function liveSession(knex: Knex, idHash: Buffer, wallNow: Date): Promise<SessionRecord | undefined> {
  const row = (await knex(`${WEB_SESSIONS} as s`)
    .leftJoin('users as u', 'u.id', 's.user_id')
    .where('s.id_hash', idHash)
    .andWhere('s.expires_at', '>', wallNow)
    .first('s.user_id', 's.auth_method', 's.flash', 'u.customer_id', 'u.role', 'u.token_expires_at')) as
    SessionRow | undefined;
  return (
    row && {
      userId: row.user_id,
      authMethod: row.auth_method,
      flash: row.flash,
      customerId: row.customer_id,
      role: row.role,
      tokenExpiresAt: row.token_expires_at,
    }
  );
}

export async function deleteExpiredSessions(knex: Knex, wallNow: Date): Promise<void> {
  await knex(WEB_SESSIONS).where('expires_at', '<=', wallNow).delete();
}

export async function insertSession(
  knex: Knex,
  s: { idHash: Buffer; userId: string | null; authMethod: AuthMethod | null; flash: string | null; expiresAt: Date },
): Promise<void> {
  await knex(WEB_SESSIONS).insert({
    id_hash: s.idHash,
    user_id: s.userId,
    auth_method: s.authMethod,
    flash: s.flash,
    expires_at: s.expiresAt,
  });
}

export async function deleteSessionByHash(knex: Knex, idHash: Buffer): Promise<void> {
  await knex(WEB_SESSIONS).where({ id_hash: idHash }).delete();
}

export async function updateSessionFlash(knex: Knex, idHash: Buffer, flash: string | null): Promise<void> {
  await knex(WEB_SESSIONS).where({ id_hash: idHash }).update({ flash });
}
