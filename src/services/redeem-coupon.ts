// RedeemCoupon (SPEC §4): every check in the specified order, then the redemption as one account event.
// Exactly one redemption per code: the coupon row is locked for the decision, and a unique index on redeem
// events stands behind the lock.
import type { Knex } from 'knex';
import { AdApiError, ApiError } from '../errors.ts';
import { decideRedemption, needsCustomerHistory, type CustomerIsNew } from '../rules/redemption.ts';
import { lockCustomerIsNew, toAccountFacts, toClassFacts, toCouponFacts } from '../repositories/coupons.ts';
import { T, type DbAccountRow, type DbClassRow, type DbCouponRow } from '../repositories/tables.ts';
import { ConflictError, inTransaction } from '../repositories/transaction.ts';
import type { Principal } from './auth.ts';
import { offerTerms, recordRedemption } from './account-events.ts';
import { normalizeCode } from './coupon-codes.ts';

/** Account exists (2108) and the user may access it (106). */
export async function accountForRead(knex: Knex, p: Principal, accountId: string): Promise<DbAccountRow> {
  const account = (await knex(T.accounts).where({ id: accountId }).first()) as DbAccountRow | undefined;
  if (!account) throw ApiError.of(2108, `Account ${accountId} does not exist.`);
  if (account.customer_id !== p.customerId) throw new AdApiError(106);
  return account;
}

/** Account exists (2108), the user may access it (106) and may change it (1001). */
export async function accountForWrite(knex: Knex, p: Principal, accountId: string): Promise<DbAccountRow> {
  const account = await accountForRead(knex, p, accountId);
  if (p.role !== 'SuperAdmin' && p.role !== 'Standard') throw ApiError.of(1001);
  return account;
}

export interface CouponWithClass {
  coupon: DbCouponRow;
  cls: DbClassRow;
}

const CLASS_COLUMNS = [
  'id',
  'customer_id',
  'name',
  'coupon_type',
  'amount_minor',
  'spend_threshold_minor',
  'currency',
  'percent_off',
  'active_days',
  'start_date',
  'end_date',
  'expiration_date',
  'redeem_within_days',
  'feature_id',
  'created_at',
] as const;

/** The coupon (locked for the rest of the transaction) and its class, in one round trip. */
export async function lockCouponByCode(tx: Knex.Transaction, code: string): Promise<CouponWithClass | undefined> {
  const { rows } = (await tx.raw(
    `SELECT c.*, ${CLASS_COLUMNS.map((col) => `k.${col} AS k_${col}`).join(', ')}
       FROM ${T.coupons} c JOIN ${T.classes} k ON k.id = c.class_id
      WHERE c.code = ? FOR UPDATE OF c`,
    [normalizeCode(code)],
  )) as { rows: Record<string, unknown>[] };
  const row = rows[0];
  if (!row) return undefined;
  const coupon: Record<string, unknown> = {};
  const cls: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    if (key.startsWith('k_')) cls[key.slice(2)] = value;
    else coupon[key] = value;
  }
  return { coupon: coupon as unknown as DbCouponRow, cls: cls as unknown as DbClassRow };
}

/** The customer's history, looked up (under the customer lock) only when the decision needs it. */
export async function customerIsNewIfNeeded(
  tx: Knex.Transaction,
  { coupon, cls }: CouponWithClass,
  account: DbAccountRow,
): Promise<CustomerIsNew> {
  if (!needsCustomerHistory(toCouponFacts(coupon), toClassFacts(cls))) return null;
  return lockCustomerIsNew(tx, account.customer_id, coupon.id);
}

function refusal(code: number, detail?: string): ApiError {
  return detail === undefined ? ApiError.of(code) : ApiError.of(code, detail);
}

/**
 * Redeems a coupon whose row the caller holds FOR UPDATE (in `tx`) to `account`, if decideRedemption allows it;
 * throws the refusal's ApiError otherwise. A retry by the same account gets the original RedemptionDate back.
 */
export async function redeemFound(
  tx: Knex.Transaction,
  found: CouponWithClass,
  account: DbAccountRow,
  now: Date,
): Promise<Date> {
  const { coupon, cls } = found;
  const customerIsNew = await customerIsNewIfNeeded(tx, found, account);
  const decision = decideRedemption(
    toCouponFacts(coupon),
    toClassFacts(cls),
    toAccountFacts(account),
    customerIsNew,
    now.getTime(),
  );
  if (decision.kind === 'alreadyRedeemed') return new Date(decision.redemptionDate);
  if (decision.kind === 'reject') throw refusal(decision.code, decision.detail);
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

function redeemLocked(knex: Knex, account: DbAccountRow, code: string, now: Date): Promise<{ redemptionDate: Date }> {
  return inTransaction(knex, async (tx) => {
    const found = await lockCouponByCode(tx, code);
    if (!found) throw ApiError.of(4500);
    return { redemptionDate: await redeemFound(tx, found, account, now) };
  });
}
