// `billing clock set ISO | advance P1D`: only with BILLING_TEST_CLOCK=1, like a payments test clock.
import { Duration } from 'luxon';
import { TestClock, type Clock } from '../clock.ts';
import { InputError } from '../errors.ts';

export class ClockNotAdjustableError extends Error {}

export async function setClock(clock: Clock, body: Record<string, unknown>): Promise<{ now: string }> {
  if (!(clock instanceof TestClock))
    throw new ClockNotAdjustableError('the clock is the system clock; start the server with BILLING_TEST_CLOCK=1');
  if (typeof body.set === 'string') {
    const d = new Date(body.set);
    if (Number.isNaN(d.getTime())) throw new InputError('set must be an ISO 8601 date-time');
    return { now: (await clock.set(d)).toISOString() };
  }
  if (typeof body.advance === 'string') {
    const dur = Duration.fromISO(body.advance);
    if (!dur.isValid || dur.toMillis() < 0)
      throw new InputError('advance must be a positive ISO 8601 duration such as P1D');
    return { now: (await clock.advance(dur.toMillis())).toISOString() };
  }
  throw new InputError('give set (ISO date-time) or advance (ISO duration)');
}
