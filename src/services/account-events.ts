// Applying an account event: append it, run the rules engine, store the new state and the ledger entries.
// Callers hold the account row lock (lockAccount), so events of one account are applied one at a time.
import type { Knex } from 'knex';
import {
  advance,
  applyEvent,
  emptyAccountState,
  EventOutOfOrderError,
  nextDueTransition,
  replay,
  type AccountState,
  type LedgerEntry,
  type Offer,
  type OfferTerms,
} from '../rules/index.ts';
import {
  appendEntries,
  insertEvents,
  loadEvents,
  loadStates,
  lockAccountWithState,
  reconcileLedger,
  redeemWithEvent,
  saveState,
  saveStateWithEntries,
  toEngineEvent,
  type StoredEvent,
  type NewEvent,
} from '../repositories/offers.ts';
import { lockAccountRow } from '../repositories/accounts.ts';
import type { Account } from '../repositories/accounts.ts';
import type { CouponClass } from '../repositories/classes.ts';

/** Takes the account row lock that orders every event of the account; undefined when there is no such account. */
export async function lockAccount(tx: Knex.Transaction, accountId: string): Promise<Account | undefined> {
  return lockAccountRow(tx, accountId);
}

/** Percent text with at most two decimals ("12.5") → hundredths of a percent (1250), exactly. */
export function percentToBp(percent: string | null): number | null {
  if (percent === null) return null;
  const [whole, frac = ''] = percent.split('.');
  const f = frac.replace(/0+$/, '');
  if (f.length > 2) throw new Error(`percent ${percent} has more than two decimals`);
  return Number(whole) * 100 + Number(f.padEnd(2, '0'));
}

export function offerTerms(couponId: string, code: string, cls: CouponClass): OfferTerms {
  return {
    couponId,
    couponCode: code,
    amount: Number(cls.amountMinor),
    spendThreshold: Number(cls.spendThresholdMinor),
    percentOffBp: percentToBp(cls.percentOff),
    activeDays: cls.activeDays,
    couponExpiresAt: cls.expirationDate ? cls.expirationDate.getTime() : null,
  };
}

/**
 * Appends the events and brings the account's state and ledger up to date. Events in order are applied
 * incrementally; one that arrives late (spend reported for an earlier time) replays the whole account, and the
 * ledger is reconciled by appending reversals and new entries, so the offers always equal a replay of the events
 * in time order. Within one call the events are stored in time order, so a batch costs one state read and write.
 */
export async function recordAccountEvents(
  tx: Knex.Transaction,
  accountId: string,
  inputs: readonly NewEvent[],
): Promise<StoredEvent[]> {
  const sorted = [...inputs].sort((a, b) => a.at.getTime() - b.at.getTime());
  const rows = await insertEvents(tx, accountId, sorted);
  const stored = (await loadStates(tx, [accountId])).get(accountId);
  let state = stored ?? emptyAccountState(false);
  const entries: LedgerEntry[] = [];
  try {
    for (const row of rows) {
      const step = applyEvent(state, toEngineEvent(row));
      state = step.state;
      entries.push(...step.entries);
    }
    await appendEntries(tx, accountId, entries);
  } catch (e) {
    if (!(e instanceof EventOutOfOrderError)) throw e;
    state = await replayAccount(tx, accountId, stored ?? null);
  }
  await saveState(tx, accountId, state, nextDueTransition(state));
  return rows;
}

/**
 * An event arrived before the state's time: the whole account is replayed from its events and the ledger
 * reconciled by appending reversals and new entries; returns the replayed state (the caller saves it).
 */
async function replayAccount(
  tx: Knex.Transaction,
  accountId: string,
  stored: AccountState | null,
): Promise<AccountState> {
  const events = (await loadEvents(tx, accountId)).map(toEngineEvent);
  const last = events.reduce((m, ev) => Math.max(m, ev.at), 0);
  const step = replay(emptyAccountState(false), events, Math.max(last, stored?.asOf ?? 0));
  await reconcileLedger(tx, accountId, step.entries);
  return step.state;
}

/**
 * RedeemCoupon's account event in three round trips where lockAccount + recordAccountEvent take six: the account
 * lock and its stored state in one statement, the coupon's redemption and its event in one, the ledger entries
 * and the new state in one. The same engine step (applyEvent, or a replay when the event is out of order) decides
 * what is written. The caller holds the coupon's row lock.
 */
export async function recordRedemption(
  tx: Knex.Transaction,
  accountId: string,
  couponId: string,
  at: Date,
  terms: OfferTerms,
): Promise<void> {
  const locked = await lockAccountWithState(tx, accountId);
  if (!locked) throw new Error(`account ${accountId} vanished while redeeming`);
  const row = await redeemWithEvent(tx, accountId, couponId, at, terms);
  try {
    const step = applyEvent(locked.state ?? emptyAccountState(false), toEngineEvent(row));
    await saveStateWithEntries(tx, accountId, step.state, nextDueTransition(step.state), step.entries);
  } catch (e) {
    if (!(e instanceof EventOutOfOrderError)) throw e;
    const replayed = await replayAccount(tx, accountId, locked.state);
    await saveState(tx, accountId, replayed, nextDueTransition(replayed));
  }
}

export async function recordAccountEvent(
  tx: Knex.Transaction,
  accountId: string,
  input: NewEvent,
): Promise<StoredEvent> {
  const [row] = await recordAccountEvents(tx, accountId, [input]);
  return row!;
}

/** The offers of the given accounts as of `now` (expiries and activations up to now applied in memory). */
export async function offersAsOf(knex: Knex, accountIds: readonly string[], now: Date): Promise<Map<string, Offer>> {
  const states = await loadStates(knex, accountIds);
  const byCoupon = new Map<string, Offer>();
  for (const state of states.values()) {
    const current: AccountState = now.getTime() > state.asOf ? advance(state, now.getTime()).state : state;
    for (const o of current.offers) byCoupon.set(o.couponId, o);
  }
  return byCoupon;
}
