// The readiness probe's one statement.
import type { Knex } from 'knex';

/** Resolves when a pooled connection answers `SELECT 1`; rejects when it fails. */
export async function selectOne(knex: Knex): Promise<void> {
  await knex.raw('SELECT 1');
}
