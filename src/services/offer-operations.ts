// Operator events on offers (SPEC §6): recording spend, adding a payment method, revoking a coupon, and
// listing an account's offers as of now.
import type { Knex } from 'knex';
import { InputError, NotFoundError } from '../errors.ts';
import { fromMinor } from '../money.ts';
import { setPaymentMethodAdded } from '../repositories/accounts.ts';
import { lockCouponRow, markRevoked } from '../repositories/coupons.ts';
import { shareLockCustomersOfAccounts } from '../repositories/customers.ts';
import { findTransactions } from '../repositories/offers.ts';
import type { Account } from '../repositories/accounts.ts';
import { decideSpends } from '../rules/spend-dedup.ts';
import { inTransaction } from '../repositories/transaction.ts';
import { lockAccount, offersAsOf, recordAccountEvent, recordAccountEvents } from './account-events.ts';
import { notGrantedFor } from '../repositories/auto-grants.ts';
import { normalizeCode } from './coupon-codes.ts';
import { findAccount, requireAmount, requireDate, requireId } from './operator.ts';

const accountId = (v: unknown): string => requireId(v, 'account');

async function lockExisting(tx: Knex.Transaction, id: string): Promise<Account> {
  const account = await lockAccount(tx, id);
  if (!account) throw new NotFoundError(`account ${id} not found`);
  return account;
}

export interface SpendInput {
  account?: unknown;
  amount?: unknown;
  at?: unknown;
  /** The partner's idempotency key, unique per account: a repeat is accepted, ignored and reported. */
  transactionId?: unknown;
}

/** What happened to one spend: the event that records it, and whether it repeated a transaction id. */
export interface SpendOutcome {
  id: string;
  duplicate: boolean;
}

function spendTime(v: unknown, now: Date, what: string): Date {
  if (v === undefined || v === null || v === '') return now;
  const d = requireDate(v, what);
  if (d.getTime() > now.getTime()) throw new InputError(`${what} must not be in the future`);
  return d;
}

export const MAX_TRANSACTION_ID = 255;
function transactionId(v: unknown, what: string): string | null {
  if (v === undefined || v === null) return null;
  // eslint-disable-next-line no-control-regex
  if (typeof v !== 'string' || v.length === 0 || v.length > MAX_TRANSACTION_ID || /[\u0000-\u001f\u007f]/.test(v))
    throw new InputError(`${what} must be text of 1 to ${MAX_TRANSACTION_ID} characters without control characters`);
  return v;
}

interface SpendItem {
  readonly index: number;
  readonly account: string;
  readonly amount: unknown;
  readonly at: Date;
  readonly transactionId: string | null;
  /** Field name prefix in error messages: '' for a single spend, 'events[3].' in a batch. */
  readonly field: string;
}

function spendItem(e: SpendInput, index: number, field: string, now: Date): SpendItem {
  return {
    index,
    field,
    account: requireId(e.account, `${field}account`),
    amount: e.amount,
    at: spendTime(e.at, now, `${field}at`),
    transactionId: transactionId(e.transactionId, `${field}transactionId`),
  };
}

const byId = (a: string, b: string): number => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0);

/**
 * Records the items in one transaction; returns one outcome per item index. Accounts are locked in id order so
 * concurrent calls cannot deadlock, and the account lock also orders concurrent repeats of one transaction id (on
 * any instance), so exactly one of them records it. Any invalid item refuses the whole call: nothing is
 * half-recorded. Duplicates add no event, no ledger entry and no replay.
 */
async function recordSpends(knex: Knex, items: readonly SpendItem[]): Promise<SpendOutcome[]> {
  const byAccount = new Map<string, SpendItem[]>();
  // Appended in place: copying the account's list for every item made a 10,000-item batch quadratic.
  for (const it of items) {
    const list = byAccount.get(it.account);
    if (list) list.push(it);
    else byAccount.set(it.account, [it]);
  }
  const ids = [...byAccount.keys()].sort(byId);
  return inTransaction(knex, async (tx) => {
    // Spend makes the customer no longer new (Acquisition, 4506): share-lock the customers so a redemption that is
    // checking that right now (it holds the customer row for update) is ordered before or after this spend.
    await shareLockCustomersOfAccounts(tx, ids);
    const outcomes: SpendOutcome[] = new Array<SpendOutcome>(items.length);
    for (const id of ids) {
      const account = await lockExisting(tx, id);
      const mine = byAccount.get(id)!;
      const amounts = mine.map((it) => requireAmount(it.amount, account.currency.trim(), `${it.field}amount`));
      const given = mine.flatMap((it) => (it.transactionId === null ? [] : [it.transactionId]));
      const known = given.length === 0 ? new Map<string, string>() : await findTransactions(tx, id, given);
      const decisions = decideSpends(
        mine.map((it) => it.transactionId),
        known,
      );
      // Stored in time order (a stable sort, as recordAccountEvents does), so rows[k] is fresh[k]'s event.
      const fresh = mine
        .map((it, k) => ({ it, amountMinor: amounts[k]!, decision: decisions[k]! }))
        .filter((x) => x.decision.kind === 'record')
        .sort((a, b) => a.it.at.getTime() - b.it.at.getTime());
      if (fresh.length > 0) {
        const rows = await recordAccountEvents(
          tx,
          id,
          fresh.map(({ it, amountMinor }) => ({
            kind: 'spend',
            at: it.at,
            amountMinor,
            transactionId: it.transactionId,
          })),
        );
        fresh.forEach(({ it }, k) => (outcomes[it.index] = { id: rows[k]!.id, duplicate: false }));
      }
      mine.forEach((it, k) => {
        const d = decisions[k]!;
        if (d.kind === 'duplicateOfEvent') outcomes[it.index] = { id: d.eventId, duplicate: true };
        if (d.kind === 'duplicateOfItem')
          outcomes[it.index] = { id: outcomes[mine[d.index]!.index]!.id, duplicate: true };
      });
    }
    return outcomes;
  });
}

/**
 * Records spend of an account at a time (default now): an amount in the account currency. With a transactionId
 * already recorded for the account, nothing is recorded and the answer is the original event with duplicate: true.
 */
export async function recordSpend(knex: Knex, input: SpendInput, now: Date): Promise<SpendOutcome> {
  const [outcome] = await recordSpends(knex, [spendItem(input, 0, '', now)]);
  return outcome!;
}

export const MAX_SPEND_BATCH = 10_000;

export interface SpendBatchOutcome {
  /** Items accepted (recorded or duplicates). */
  count: number;
  recorded: number;
  duplicates: number;
  /** One per item, in request order. */
  results: SpendOutcome[];
}

/**
 * Records many spends in one transaction (the ingestion path for partners reporting spend in bulk): each account's
 * spends are applied with one state read and write. Each item reports whether it repeated a transaction id
 * (recorded before, or earlier in the same batch); any invalid item refuses the whole batch.
 */
export async function recordSpendBatch(knex: Knex, input: { events?: unknown }, now: Date): Promise<SpendBatchOutcome> {
  if (!Array.isArray(input.events) || input.events.length === 0)
    throw new InputError('events must be a non-empty list');
  if (input.events.length > MAX_SPEND_BATCH) throw new InputError(`at most ${MAX_SPEND_BATCH} events per batch`);
  const items = (input.events as unknown[]).map((e, i) => {
    if (typeof e !== 'object' || e === null || Array.isArray(e)) throw new InputError(`events[${i}] must be an object`);
    return spendItem(e as SpendInput, i, `events[${i}].`, now);
  });
  const results = await recordSpends(knex, items);
  const duplicates = results.filter((r) => r.duplicate).length;
  return { count: results.length, recorded: results.length - duplicates, duplicates, results };
}

/** Adds the account's primary payment method; offers waiting for one become Active/Pending (rule 3). */
export async function addPaymentMethod(knex: Knex, rawId: unknown, now: Date): Promise<{ id: string }> {
  const id = accountId(rawId);
  return inTransaction(knex, async (tx) => {
    const account = await lockExisting(tx, id);
    if (account.paymentMethodAddedAt === null) {
      await setPaymentMethodAdded(tx, id, now);
      await recordAccountEvent(tx, id, { kind: 'paymentMethodAdded', at: now });
    }
    return { id };
  });
}

/** Revokes a coupon: never redeemable again; a redeemed or claimed offer is Revoked, its balance forfeited. */
export async function revokeCoupon(
  knex: Knex,
  input: { code?: unknown; reason?: unknown },
  now: Date,
): Promise<{ code: string; status: 'Revoked' }> {
  if (typeof input.code !== 'string' || input.code.trim() === '') throw new InputError('code is required');
  const reason = typeof input.reason === 'string' ? input.reason.slice(0, 500) : null;
  const code = normalizeCode(input.code);
  return inTransaction(knex, async (tx) => {
    const coupon = await lockCouponRow(tx, code);
    if (!coupon) throw new NotFoundError(`coupon ${code} not found`);
    if (!coupon.revokedAt) {
      await markRevoked(tx, coupon.id, now, reason);
      const holder = coupon.redeemedAccountId ?? coupon.claimedAccountId;
      if (holder) {
        await lockAccount(tx, holder);
        await recordAccountEvent(tx, holder, { kind: 'revoke', at: now, couponId: coupon.id });
      }
    }
    return { code, status: 'Revoked' };
  });
}

export interface OfferView {
  couponCode: string;
  status: string;
  balance: string;
  spendToThreshold: string;
  activationDate: string | null;
  expirationDate: string | null;
  forfeited: string;
}

/** An auto-grant class whose coupon could not be granted to the account when it was created, and why. */
export interface NotGrantedView {
  className: string;
  status: 'NotGranted';
  code: number;
  reason: string;
  date: string;
}

/** The account's offers as of now, in redemption order, then the auto-grants that could not be made. */
export async function listOffers(knex: Knex, rawId: unknown, now: Date): Promise<(OfferView | NotGrantedView)[]> {
  const account = await findAccount(knex, rawId);
  const id = account.id;
  const currency = account.currency.trim();
  const iso = (t: number | null): string | null => (t === null ? null : new Date(t).toISOString());
  const offers = [...(await offersAsOf(knex, [id], now)).values()].map((o): OfferView => ({
    couponCode: o.couponCode,
    status: o.status,
    balance: fromMinor(o.balance, currency),
    spendToThreshold: fromMinor(o.spendToThreshold, currency),
    activationDate: iso(o.activatedAt),
    expirationDate: iso(o.expiresAt),
    forfeited: fromMinor(o.forfeited, currency),
  }));
  const notGranted = (await notGrantedFor(knex, id)).map((g): NotGrantedView => ({
    className: g.className,
    status: 'NotGranted',
    code: g.code,
    reason: g.reason,
    date: g.at.toISOString(),
  }));
  return [...offers, ...notGranted];
}
