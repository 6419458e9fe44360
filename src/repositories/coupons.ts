// Coupon reads behind the redemption decision: rows mapped to the facts src/rules/redemption.ts decides on, the
// customer's history for Acquisition coupons, and an account's coupons of one feature.
import type { Knex } from 'knex';
import type { AccountFacts, ClassFacts, CouponFacts } from '../rules/redemption.ts';
import { customerHasHistorySql } from './customer-history.ts';
import { T, type DbAccountRow, type DbClassRow, type DbCouponRow } from './tables.ts';

const time = (d: Date | null): number | null => (d === null ? null : d.getTime());

export function toCouponFacts(c: DbCouponRow): CouponFacts {
  return {
    revoked: c.revoked_at !== null,
    redeemedAccountId: c.redeemed_account_id,
    redemptionDate: time(c.redemption_date),
    claimedAccountId: c.claimed_account_id,
    claimDate: time(c.claim_date),
    sendToDate: time(c.send_to_date),
  };
}

export function toClassFacts(k: DbClassRow): ClassFacts {
  return {
    couponType: k.coupon_type,
    currency: k.currency,
    startDate: time(k.start_date),
    endDate: time(k.end_date),
    expirationDate: time(k.expiration_date),
    redeemWithinDays: k.redeem_within_days,
  };
}

export function toAccountFacts(a: Pick<DbAccountRow, 'id' | 'currency'>): AccountFacts {
  return { id: a.id, currency: a.currency };
}

/**
 * Whether the customer is new for an Acquisition coupon: no account of it has recorded spend or redeemed another
 * Acquisition coupon. Takes the customer row lock first, so two accounts of one customer cannot both pass as new.
 */
export async function lockCustomerIsNew(tx: Knex.Transaction, customerId: string, couponId: string): Promise<boolean> {
  await tx(T.customers).where({ id: customerId }).forUpdate().first('id');
  const { rows } = (await tx.raw(`SELECT ${customerHasHistorySql('?', '?')} AS used`, [customerId, couponId])) as {
    rows: { used: boolean }[];
  };
  return !rows[0]!.used;
}

/** A coupon c's class as k, read by primary key (OFFSET 0 keeps the planner from turning it into a join). */
const CLASS_BY_KEY = `CROSS JOIN LATERAL (SELECT k.feature_id, k.expiration_date FROM ${T.classes} k WHERE k.id = c.class_id OFFSET 0) k`;

/** The coupons of a feature that the account claimed or redeemed, with their class's ExpirationDate. */
export async function featureCouponsOf(
  db: Knex,
  accountId: string,
  featureId: number,
): Promise<{ coupon: CouponFacts; cls: Pick<ClassFacts, 'expirationDate'> }[]> {
  // One branch per index from the account (claimed, redeemed): an OR would let the planner start from the
  // feature's classes and walk every coupon of them, whoever holds them. Each coupon's class is looked up by its
  // key (a plain join may hash every tenant's classes).
  const { rows } = (await db.raw(
    `SELECT c.*, k.expiration_date AS k_expiration_date
       FROM ${T.coupons} c ${CLASS_BY_KEY}
      WHERE c.claimed_account_id = ? AND k.feature_id = ?
     UNION ALL
     SELECT c.*, k.expiration_date AS k_expiration_date
       FROM ${T.coupons} c ${CLASS_BY_KEY}
      WHERE c.redeemed_account_id = ? AND k.feature_id = ? AND c.claimed_account_id IS DISTINCT FROM ?`,
    [accountId, featureId, accountId, featureId, accountId],
  )) as { rows: (DbCouponRow & { k_expiration_date: Date | null })[] };
  return rows.map((r) => ({ coupon: toCouponFacts(r), cls: { expirationDate: time(r.k_expiration_date) } }));
}

/** The class name of each coupon (for the offer cards of the page). */
export async function classNamesOf(knex: Knex, couponIds: readonly string[]): Promise<Map<string, string>> {
  if (couponIds.length === 0) return new Map();
  const rows = (await knex(T.coupons)
    .whereIn('id', [...couponIds])
    .select('id', 'class_name')) as { id: string; class_name: string }[];
  return new Map(rows.map((r) => [r.id, r.class_name]));
}

/** The code of a coupon claimed, not yet redeemed, by the account, when the account is the customer's; else null. */
export async function claimedCouponCode(
  knex: Knex,
  couponId: string,
  accountId: string,
  customerId: string,
): Promise<string | null> {
  const row = (await knex(`${T.coupons} as c`)
    .join(`${T.accounts} as a`, 'a.id', 'c.claimed_account_id')
    .where({ 'c.id': couponId, 'c.claimed_account_id': accountId, 'a.customer_id': customerId })
    .whereNull('c.redeemed_account_id')
    .first('c.code')) as { code: string } | undefined;
  return row?.code ?? null;
}
