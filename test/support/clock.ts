// The test clock of SPEC §6 through the operator API (the service must run with `testClock: true`). The clock only
// moves forward, so a suite that shares one service starts each test on a new clock (startEachTestAt).
import type { TestApp } from './app.ts';

type ClockAnswer = { now: string };

/** Starts a new test clock at `at`. */
export async function resetClock(t: TestApp, at: string): Promise<Date> {
  return new Date((await t.admin<ClockAnswer>('/admin/clock/reset', { at })).now);
}

/** Moves the test clock forward to `at`. */
export async function setClock(t: TestApp, at: string): Promise<Date> {
  return new Date((await t.admin<ClockAnswer>('/admin/clock', { set: at })).now);
}

/** Moves the test clock forward by an ISO 8601 duration (P1D, PT1S, …). */
export async function advanceClock(t: TestApp, duration: string): Promise<Date> {
  return new Date((await t.admin<ClockAnswer>('/admin/clock', { advance: duration })).now);
}

/** The service's "now". */
export async function clockNow(t: TestApp): Promise<Date> {
  return new Date((await t.admin<ClockAnswer>('/admin/clock', undefined, 'GET')).now);
}

/** A mocha hook: every test of the enclosing suite starts on a new test clock at `at` (`app` is read then). */
export function startEachTestAt(app: () => TestApp, at: string): void {
  beforeEach(async () => {
    await resetClock(app(), at);
  });
}
