// `billing clock set ISO | advance P1D | reset [ISO] | show`: only with BILLING_TEST_CLOCK=1, like a payments test
// clock — it only moves forward, and months and years are calendar ones.
import { ClockMovesBackError, TestClock, type Clock } from '../clock.ts';
import { isZeroDuration, parseIsoDuration } from '../datetime.ts';
import { InputError } from '../errors.ts';
import { requireDate } from '../services/operator.ts';

export class ClockNotAdjustableError extends Error {}

function testClock(clock: Clock): TestClock {
  if (!(clock instanceof TestClock))
    throw new ClockNotAdjustableError('the clock is the system clock; start the server with BILLING_TEST_CLOCK=1');
  return clock;
}

export async function setClock(clock: Clock, body: Record<string, unknown>): Promise<{ now: string }> {
  const test = testClock(clock);
  const given = ['set', 'advance'].filter((k) => body[k] !== undefined);
  if (given.length !== 1) throw new InputError('give either set (ISO date-time) or advance (ISO duration)');
  try {
    if (given[0] === 'set') return { now: (await test.set(requireDate(body.set, 'set'))).toISOString() };
    const duration = parseIsoDuration(body.advance);
    if (!duration || isZeroDuration(duration))
      throw new InputError('advance must be a positive ISO 8601 duration such as P1D, PT2H or P1M');
    return { now: (await test.advance(duration)).toISOString() };
  } catch (e) {
    if (e instanceof ClockMovesBackError) throw new InputError(e.message);
    throw e;
  }
}

/** Discards the simulated time (the only way back): the system clock again, or a new one starting at `at`. */
export async function resetClock(clock: Clock, body: Record<string, unknown>): Promise<{ now: string }> {
  const test = testClock(clock);
  const at = body.at === undefined || body.at === null ? null : requireDate(body.at, 'at');
  return { now: (await test.reset(at)).toISOString() };
}

/** The service's now, test clock or not. */
export async function showClock(clock: Clock): Promise<{ now: string; simulated: boolean }> {
  return { now: (await clock.now()).toISOString(), simulated: clock instanceof TestClock };
}
