/**
 * The rules engine's entry points: pure functions of (state, event | time) → (new state, ledger entries).
 * No I/O and no clock reads: the caller passes every instant in. Inputs are never mutated.
 */
import { EventOutOfOrderError } from './errors.ts';
import { applyToWork } from './events.ts';
import { endOffer, finishWork, isExpiredAt, isFinal, promoteNext, startWork, type Work } from './lifecycle.ts';
import { assertTime, validateEvent } from './validate.ts';
import type { AccountEvent, AccountState, Offer, Step } from './types.ts';

/** A new account with no offers. `asOf` is where time starts; events before it are refused. */
export function emptyAccountState(hasPaymentMethod: boolean, asOf = 0): AccountState {
  assertTime(asOf, 'asOf');
  return { hasPaymentMethod, offers: [], asOf, lastEvent: null };
}

/** (at, seq) order: the order events are replayed in. */
export function compareEvents(a: { at: number; seq: number }, b: { at: number; seq: number }): number {
  return a.at - b.at || a.seq - b.seq;
}

/** Applies the time-driven transitions (expiries and the promotions they cause) up to and including `to`. */
export function advance(state: AccountState, to: number): Step {
  assertTime(to, 'advance time');
  const work = startWork(state);
  advanceWork(work, to);
  return finishWork(work);
}

/**
 * Advances to `event.at` (so an offer expiring exactly then is expired first, rule 9), then applies the event.
 * Throws EventOutOfOrderError when the event is not after `state.lastEvent` in (at, seq) order or is earlier than
 * `state.asOf`; the caller then replays the account from scratch.
 */
export function applyEvent(state: AccountState, event: AccountEvent): Step {
  const work = startWork(state);
  applyEventToWork(work, event);
  return finishWork(work);
}

/** Sorts the events by (at, seq), applies them in turn, then advances to `now`. Input order does not matter. */
export function replay(initial: AccountState, events: AccountEvent[], now: number): Step {
  assertTime(now, 'replay time');
  const work = startWork(initial);
  for (const event of [...events].sort(compareEvents)) applyEventToWork(work, event);
  advanceWork(work, now);
  return finishWork(work);
}

function applyEventToWork(work: Work, event: AccountEvent): void {
  validateEvent(event);
  const { lastEvent, asOf } = work.state;
  if (lastEvent !== null && compareEvents(event, lastEvent) <= 0) {
    throw new EventOutOfOrderError(
      `event (${event.at}, ${event.seq}) is not after the last applied event (${lastEvent.at}, ${lastEvent.seq})`,
    );
  }
  if (event.at < asOf) {
    throw new EventOutOfOrderError(`event at ${event.at} is before the state's asOf ${asOf}`);
  }
  advanceWork(work, event.at);
  applyToWork(work, event);
  work.state.lastEvent = { at: event.at, seq: event.seq };
}

function advanceWork(work: Work, to: number): void {
  for (let due = nextExpiry(work.state.offers, to); due !== null; due = nextExpiry(work.state.offers, to)) {
    const cause = { at: due, spendId: null };
    for (const offer of work.state.offers) {
      if (!isFinal(offer.status) && isExpiredAt(offer, due)) endOffer(work, offer, 'Expired', cause);
    }
    promoteNext(work, cause);
  }
  work.state.asOf = Math.max(work.state.asOf, to);
}

/**
 * The next due transition: the instant of the earliest expiry among offers that can still expire (and so of the
 * promotions it causes), or null when time alone will never change the state. The expiry sweep visits the account
 * then (account_states.next_due_at).
 */
export function nextDueTransition(state: AccountState): number | null {
  return nextExpiry(state.offers, Number.POSITIVE_INFINITY);
}

/** The earliest expiry at or before `to` among offers that can still expire, or null. */
function nextExpiry(offers: Offer[], to: number): number | null {
  let due: number | null = null;
  for (const offer of offers) {
    if (isFinal(offer.status) || offer.expiresAt === null || offer.expiresAt > to) continue;
    if (due === null || offer.expiresAt < due) due = offer.expiresAt;
  }
  return due;
}
