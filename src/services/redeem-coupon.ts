// RedeemCoupon (SPEC §4): every check in the specified order, then the redemption as one account event.
// Exactly one redemption per code. The usual case takes two statements: one snapshot read (the account, the coupon
// with its class, the account's state), the decision and the engine step in memory, and redeem_commit, which writes
// only if the coupon and the state are still as read (else the decision is taken again on a new snapshot). What
// needs more than a snapshot (an Acquisition coupon's customer history, an event older than the state) takes the
// locked path: the coupon row locked for the decision. A unique index on redeem events stands behind both.
import type { Knex } from 'knex';
import { ApiError } from '../errors.ts';
import { applyEvent, emptyAccountState, EventOutOfOrderError, nextDueTransition } from '../rules/index.ts';
import { decideRedemption, needsCustomerHistory } from '../rules/redemption.ts';
import type { Account } from '../repositories/accounts.ts';
import { toAccountFacts, toClassFacts, toCouponFacts } from '../repositories/coupons.ts';
import { toEngineEvent } from '../repositories/offers.ts';
import { commitRedemption, redemptionSnapshot } from '../repositories/redemption.ts';
import { ConflictError, inTransaction, isUniqueViolation } from '../repositories/transaction.ts';
import type { Principal } from './auth.ts';
import { offerTerms, recordRedemption } from './account-events.ts';
import { normalizeCode } from './coupon-codes.ts';
import {
  accountForWrite,
  decideOnLocked,
  lockCouponByCode,
  refusal,
  writable,
  type CouponWithClass,
} from './coupon-access.ts';

/** Snapshots decided on before the locked path takes over (each lost only to a write on the same coupon or account). */
const SNAPSHOT_ATTEMPTS = 3;

/**
 * Redeems a coupon whose row the caller holds FOR UPDATE (in `tx`) to `account`, if decideRedemption allows it;
 * throws the refusal's ApiError otherwise. A retry by the same account gets the original RedemptionDate back.
 */
export async function redeemFound(
  tx: Knex.Transaction,
  found: CouponWithClass,
  account: Account,
  now: Date,
): Promise<Date> {
  const { coupon, cls } = found;
  const decision = await decideOnLocked(tx, found, account, now, decideRedemption);
  if (decision.kind === 'alreadyRedeemed') return new Date(decision.redemptionDate);
  if (decision.kind === 'reject') throw refusal(decision);
  // The account lock, the coupon's redemption, its event, the ledger and the state: three statements.
  await recordRedemption(tx, account.id, coupon.id, now, offerTerms(coupon.id, coupon.code, cls));
  return now;
}

export async function redeemCoupon(
  knex: Knex,
  p: Principal,
  input: { accountId: string; couponCode: string | null },
  now: Date,
): Promise<{ redemptionDate: Date }> {
  if (input.couponCode !== null && input.couponCode.trim() !== '') {
    const done = await redeemOnSnapshot(knex, p, input.accountId, input.couponCode, now);
    if (done) return done;
  }
  const account = await accountForWrite(knex, p, input.accountId);
  if (input.couponCode === null || input.couponCode.trim() === '') throw ApiError.of(4500);
  try {
    return await redeemLocked(knex, account, input.couponCode, now);
  } catch (e) {
    // Behind the row lock, the unique index on redeem events: whoever loses a race sees a redeemed coupon.
    if (e instanceof ConflictError && e.constraint === 'account_events_one_redemption') throw ApiError.of(4501);
    throw e;
  }
}

function redeemLocked(knex: Knex, account: Account, code: string, now: Date): Promise<{ redemptionDate: Date }> {
  return inTransaction(knex, async (tx) => {
    const found = await lockCouponByCode(tx, code);
    if (!found) throw ApiError.of(4500);
    return { redemptionDate: await redeemFound(tx, found, account, now) };
  });
}

/**
 * The two-statement redemption: undefined when the locked path must decide (the customer's history is needed, the
 * event would be older than the account's state, or every snapshot went stale before its commit).
 */
async function redeemOnSnapshot(
  knex: Knex,
  p: Principal,
  accountId: string,
  code: string,
  now: Date,
): Promise<{ redemptionDate: Date } | undefined> {
  for (let attempt = 0; attempt < SNAPSHOT_ATTEMPTS; attempt++) {
    const snap = await redemptionSnapshot(knex, accountId, normalizeCode(code));
    const account = writable(p, accountId, snap?.account);
    if (!snap?.found) throw ApiError.of(4500);
    const { coupon, cls } = snap.found;
    const couponFacts = toCouponFacts(coupon);
    const classFacts = toClassFacts(cls);
    if (needsCustomerHistory(couponFacts, classFacts)) return undefined;
    const decision = decideRedemption(couponFacts, classFacts, toAccountFacts(account), null, now.getTime());
    if (decision.kind === 'alreadyRedeemed') return { redemptionDate: new Date(decision.redemptionDate) };
    if (decision.kind === 'reject') throw refusal(decision);
    const terms = offerTerms(coupon.id, coupon.code, cls);
    const event = toEngineEvent({
      id: snap.eventId,
      accountId: account.id,
      kind: 'redeem',
      at: now,
      couponId: coupon.id,
      amountMinor: null,
      terms,
      transactionId: null,
      recordedAt: now,
    });
    let step;
    try {
      step = applyEvent(snap.state ?? emptyAccountState(false), event);
    } catch (e) {
      if (e instanceof EventOutOfOrderError) return undefined;
      throw e;
    }
    try {
      const written = await commitRedemption(knex, {
        accountId: account.id,
        couponId: coupon.id,
        couponVersion: snap.couponVersion,
        stateVersion: snap.stateVersion,
        eventId: snap.eventId,
        at: now,
        terms,
        state: step.state,
        due: nextDueTransition(step.state),
        entries: step.entries,
      });
      if (written) return { redemptionDate: now };
    } catch (e) {
      // The index behind the version check: someone else's redemption of the coupon committed first.
      if (isUniqueViolation(e)) continue;
      throw e;
    }
  }
  return undefined;
}
