// One clock for the whole service (STYLE 2). Services read `now` once per request and pass it down.
import type { Knex } from 'knex';
import { addCalendarDuration, type CalendarDuration } from './datetime.ts';
import { clockOffsetMs, lockClockOffsetMs, saveClockOffsetMs } from './repositories/test-clock.ts';
import { decideClockMove } from './rules/test-clock.ts';

export interface Clock {
  now(): Promise<Date>;
  /** True when the clock can be set (BILLING_TEST_CLOCK=1). */
  readonly adjustable: boolean;
}

export const systemClock: Clock = { now: async () => new Date(), adjustable: false };

/** Setting the test clock to a time before its current time (SPEC §6: it only moves forward). */
export class ClockMovesBackError extends Error {}

/**
 * A simulated clock like a payments test clock: system time plus an offset kept in the database, so every
 * instance and every rule sees the same simulated now. It only moves forward; `reset` discards it (like deleting
 * a payments test clock and creating a new one), which is the one way back.
 */
export class TestClock implements Clock {
  readonly adjustable = true;
  constructor(private readonly knex: Knex) {}

  async offsetMs(): Promise<number> {
    return clockOffsetMs(this.knex);
  }
  async now(): Promise<Date> {
    return new Date(Date.now() + (await this.offsetMs()));
  }

  /** Moves to `target(now)` under the clock row's lock, so concurrent moves are applied one after the other. */
  private async move(target: (now: Date) => Date): Promise<Date> {
    return this.knex.transaction(async (tx) => {
      const offset = await lockClockOffsetMs(tx);
      const wall = Date.now();
      const decision = decideClockMove(new Date(wall + offset), target(new Date(wall + offset)));
      if (decision.kind === 'refuse') throw new ClockMovesBackError(decision.reason);
      await saveClockOffsetMs(tx, decision.to.getTime() - wall);
      return decision.to;
    });
  }
  /** Sets the simulated now; a time before the current simulated now is refused (ClockMovesBackError). */
  async set(target: Date): Promise<Date> {
    return this.move(() => target);
  }
  /** Advances by a duration; months and years are calendar months and years. */
  async advance(duration: CalendarDuration): Promise<Date> {
    return this.move((now) => addCalendarDuration(now, duration));
  }
  /** Discards the simulated time: back to the system clock, or a new simulated clock starting at `at`. */
  async reset(at: Date | null): Promise<Date> {
    const wall = Date.now();
    const offset = at === null ? 0 : at.getTime() - wall;
    await saveClockOffsetMs(this.knex, offset);
    return new Date(wall + offset);
  }
}
