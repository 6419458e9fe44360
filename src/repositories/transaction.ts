// The one transaction helper (STYLE 3): runs a unit of work in a transaction, retries serialization
// failures and deadlocks, and turns unique violations into a typed conflict.
import type { Knex } from 'knex';

export class ConflictError extends Error {
  constructor(readonly constraint: string | undefined) {
    super(`conflict on ${constraint ?? 'a unique constraint'}`);
    this.name = 'ConflictError';
  }
}

interface PgError {
  code?: string;
  constraint?: string;
}

const RETRYABLE = new Set(['40001', '40P01']);

export async function inTransaction<T>(knex: Knex, work: (tx: Knex.Transaction) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await knex.transaction(work);
    } catch (e) {
      const err = e as PgError;
      if (err.code === '23505') throw new ConflictError(err.constraint);
      if (err.code && RETRYABLE.has(err.code) && attempt < 5) continue;
      throw e;
    }
  }
}

export function isUniqueViolation(e: unknown): boolean {
  return (e as PgError | null)?.code === '23505';
}
