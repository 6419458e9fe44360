// The test clock's one row (SPEC §6): the offset of the simulated now from system time, shared by every instance.
import type { Knex } from 'knex';
import { T } from './tables.ts';

/** The stored offset in milliseconds; 0 when the clock was never set. */
export async function clockOffsetMs(db: Knex): Promise<number> {
  const row = (await db(T.testClock).where({ id: 1 }).first('offset_ms')) as { offset_ms: string } | undefined;
  return row ? Number(row.offset_ms) : 0;
}

/** The offset, with the clock row locked for the rest of the transaction (created at 0 when missing). */
export async function lockClockOffsetMs(tx: Knex.Transaction): Promise<number> {
  await tx(T.testClock).insert({ id: 1, offset_ms: 0 }).onConflict('id').ignore();
  const row = (await tx(T.testClock).where({ id: 1 }).forUpdate().first('offset_ms')) as { offset_ms: string };
  return Number(row.offset_ms);
}

export async function saveClockOffsetMs(db: Knex, offsetMs: number): Promise<void> {
  await db(T.testClock).insert({ id: 1, offset_ms: offsetMs }).onConflict('id').merge();
}
