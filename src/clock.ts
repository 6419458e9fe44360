// One clock for the whole service (STYLE 2). Services read `now` once per request and pass it down.
import type { Knex } from 'knex';

export interface Clock {
  now(): Promise<Date>;
  /** True when the clock can be set (BILLING_TEST_CLOCK=1). */
  readonly adjustable: boolean;
}

export const systemClock: Clock = { now: async () => new Date(), adjustable: false };

/**
 * A simulated clock like a payments test clock: system time plus an offset kept in the database, so every
 * instance and every rule sees the same simulated now.
 */
export class TestClock implements Clock {
  readonly adjustable = true;
  constructor(private readonly knex: Knex) {}

  async offsetMs(): Promise<number> {
    const row = (await this.knex('test_clock').where({ id: 1 }).first('offset_ms')) as
      { offset_ms: string } | undefined;
    return row ? Number(row.offset_ms) : 0;
  }
  async now(): Promise<Date> {
    return new Date(Date.now() + (await this.offsetMs()));
  }
  async set(target: Date): Promise<Date> {
    const offset = target.getTime() - Date.now();
    await this.knex('test_clock').insert({ id: 1, offset_ms: offset }).onConflict('id').merge();
    return target;
  }
  async advance(ms: number): Promise<Date> {
    await this.knex('test_clock').insert({ id: 1, offset_ms: 0 }).onConflict('id').ignore();
    await this.knex('test_clock').where({ id: 1 }).increment('offset_ms', ms);
    return this.now();
  }
}
