// Operator events on offers (SPEC §6): recording spend, adding a payment method, revoking a coupon, and
// listing an account's offers as of now.
import type { Knex } from 'knex';
import { InputError, NotFoundError } from '../errors.ts';
import { fromMinor, MoneyError, toMinor } from '../money.ts';
import { T, type DbAccountRow, type DbCouponRow } from '../repositories/tables.ts';
import { inTransaction } from '../repositories/transaction.ts';
import { lockAccount, offersAsOf, recordAccountEvent, recordAccountEvents } from './account-events.ts';
import { notGrantedFor } from '../repositories/auto-grants.ts';
import { normalizeCode } from './coupon-codes.ts';
import { findAccount, requireId } from './operator.ts';

const accountId = (v: unknown): string => requireId(v, 'account');

async function lockExisting(tx: Knex.Transaction, id: string): Promise<DbAccountRow> {
  const account = await lockAccount(tx, id);
  if (!account) throw new NotFoundError(`account ${id} not found`);
  return account;
}

export interface SpendInput {
  account?: unknown;
  amount?: unknown;
  at?: unknown;
}

function spendTime(v: unknown, now: Date): Date {
  if (v === undefined || v === null || v === '') return now;
  const d = typeof v === 'string' ? new Date(v) : null;
  if (!d || Number.isNaN(d.getTime())) throw new InputError('at must be an ISO 8601 date-time');
  if (d.getTime() > now.getTime()) throw new InputError('at must not be in the future');
  return d;
}

/** Records spend of an account at a time (default now): an amount in the account currency. */
export async function recordSpend(knex: Knex, input: SpendInput, now: Date): Promise<{ id: string }> {
  const id = accountId(input.account);
  const at = spendTime(input.at, now);
  return inTransaction(knex, async (tx) => {
    // Spend makes the customer no longer new (Acquisition, 4506): share-lock the customer so a redemption that is
    // checking that right now (it holds the customer row for update) is ordered before or after this spend.
    await tx.raw(
      `SELECT 1 FROM ${T.customers} WHERE id = (SELECT customer_id FROM ${T.accounts} WHERE id = ?) FOR SHARE`,
      [id],
    );
    const account = await lockExisting(tx, id);
    let minor: number;
    try {
      minor = toMinor(String(input.amount ?? ''), account.currency.trim());
    } catch (e) {
      throw new InputError(`amount: ${(e as MoneyError).message}`);
    }
    const row = await recordAccountEvent(tx, id, { kind: 'spend', at, amountMinor: minor });
    return { id: row.id };
  });
}

export const MAX_SPEND_BATCH = 10_000;

/**
 * Records many spends in one transaction (the ingestion path for partners reporting spend in bulk): each account's
 * spends are applied with one state read and write. Accounts are locked in id order so concurrent batches cannot
 * deadlock; any invalid item refuses the whole batch, so nothing is half-recorded.
 */
export async function recordSpendBatch(knex: Knex, input: { events?: unknown }, now: Date): Promise<{ count: number }> {
  if (!Array.isArray(input.events) || input.events.length === 0)
    throw new InputError('events must be a non-empty list');
  if (input.events.length > MAX_SPEND_BATCH) throw new InputError(`at most ${MAX_SPEND_BATCH} events per batch`);
  const items = (input.events as SpendInput[]).map((e, i) => {
    if (typeof e !== 'object' || e === null) throw new InputError(`events[${i}] must be an object`);
    return { account: accountId(e.account), amount: e.amount, at: spendTime(e.at, now), index: i };
  });
  const byAccount = new Map<string, typeof items>();
  for (const it of items) byAccount.set(it.account, [...(byAccount.get(it.account) ?? []), it]);
  const ids = [...byAccount.keys()].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0));
  return inTransaction(knex, async (tx) => {
    await tx.raw(
      `SELECT 1 FROM ${T.customers} WHERE id IN (SELECT customer_id FROM ${T.accounts} WHERE id IN (${ids.map(() => '?').join(',')})) ORDER BY id FOR SHARE`,
      ids,
    );
    for (const id of ids) {
      const account = await lockExisting(tx, id);
      const events = byAccount.get(id)!.map((it) => {
        try {
          return {
            kind: 'spend' as const,
            at: it.at,
            amountMinor: toMinor(String(it.amount ?? ''), account.currency.trim()),
          };
        } catch (e) {
          throw new InputError(`events[${it.index}].amount: ${(e as MoneyError).message}`);
        }
      });
      await recordAccountEvents(tx, id, events);
    }
    return { count: items.length };
  });
}

/** Adds the account's primary payment method; offers waiting for one become Active/Pending (rule 3). */
export async function addPaymentMethod(knex: Knex, rawId: unknown, now: Date): Promise<{ id: string }> {
  const id = accountId(rawId);
  return inTransaction(knex, async (tx) => {
    const account = await lockExisting(tx, id);
    if (account.payment_method_added_at === null) {
      await tx(T.accounts).where({ id }).update({ payment_method_added_at: now });
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
    const coupon = (await tx(T.coupons).where({ code }).forUpdate().first()) as DbCouponRow | undefined;
    if (!coupon) throw new NotFoundError(`coupon ${code} not found`);
    if (!coupon.revoked_at) {
      await tx(T.coupons).where({ id: coupon.id }).update({ revoked_at: now, revoke_reason: reason });
      const holder = coupon.redeemed_account_id ?? coupon.claimed_account_id;
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
