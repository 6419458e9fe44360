// RedeemCoupon (SPEC §4): every check in the specified order, then the redemption as one account event.
// Exactly one redemption per code: the coupon row is locked for the decision, and a unique index on redeem
// events stands behind the lock.
import type { Knex } from 'knex';
import { AdApiError, ApiError } from '../errors.ts';
import { DAY_MS } from '../rules/index.ts';
import { T, type DbAccountRow, type DbClassRow, type DbCouponRow } from '../repositories/tables.ts';
import { ConflictError, inTransaction } from '../repositories/transaction.ts';
import { customerHasHistorySql } from '../repositories/customer-history.ts';
import type { Principal } from './auth.ts';
import { lockAccount, offerTerms, recordAccountEvent } from './account-events.ts';
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

/**
 * The checks a coupon must pass to be redeemed (or claimed) by `account` at `now`, after revocation and
 * ownership: window (4502, 4503), expiry (4504), currency (4505), acquisition (4506).
 */
export async function checkRedeemable(
  tx: Knex.Transaction,
  { coupon, cls }: CouponWithClass,
  account: DbAccountRow,
  now: Date,
): Promise<void> {
  const t = now.getTime();
  if (cls.start_date && t < cls.start_date.getTime()) throw ApiError.of(4502);
  if (cls.end_date && t > cls.end_date.getTime()) throw ApiError.of(4503);
  if (
    cls.redeem_within_days !== null &&
    coupon.send_to_date &&
    t > coupon.send_to_date.getTime() + cls.redeem_within_days * DAY_MS
  )
    throw ApiError.of(4503, `The coupon had to be redeemed within ${cls.redeem_within_days} days of being sent.`);
  if (cls.expiration_date && t >= cls.expiration_date.getTime()) throw ApiError.of(4504);
  if (cls.currency.trim() !== account.currency.trim()) throw ApiError.of(4505);
  if (cls.coupon_type === 'Acquisition') {
    // Only a new customer: no account of the redeeming customer has spend or an earlier Acquisition redemption.
    // The customer row lock serialises these decisions, so two accounts of one customer cannot both pass as new.
    await tx(T.customers).where({ id: account.customer_id }).forUpdate().first('id');
    const { rows } = (await tx.raw(`SELECT ${customerHasHistorySql('?', '?')} AS used`, [
      account.customer_id,
      coupon.id,
    ])) as { rows: { used: boolean }[] };
    if (rows[0]!.used) throw ApiError.of(4506);
  }
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
    const { coupon, cls } = found;
    if (coupon.revoked_at) throw ApiError.of(4512);
    if (coupon.redeemed_account_id !== null) {
      // A retry by the same account is safe: it gets the original RedemptionDate back.
      if (coupon.redeemed_account_id === account.id) return { redemptionDate: coupon.redemption_date! };
      throw ApiError.of(4501);
    }
    if (coupon.claimed_account_id !== null && coupon.claimed_account_id !== account.id) throw ApiError.of(4513);
    await checkRedeemable(tx, found, account, now);
    await lockAccount(tx, account.id);
    await tx(T.coupons).where({ id: coupon.id }).update({ redeemed_account_id: account.id, redemption_date: now });
    await recordAccountEvent(tx, account.id, {
      kind: 'redeem',
      at: now,
      couponId: coupon.id,
      terms: offerTerms(coupon.id, coupon.code, cls),
    });
    return { redemptionDate: now };
  });
}
