// Coupon class rows: creation and lookup by the customer's class name.
import type { Knex } from 'knex';
import { T, type CouponType, type DbClassRow } from './tables.ts';

/** A coupon class as services see it. Amounts in minor units as decimal text (int8). */
export interface CouponClass {
  readonly id: string;
  readonly customerId: string;
  readonly name: string;
  readonly couponType: CouponType;
  readonly amountMinor: string;
  readonly spendThresholdMinor: string;
  readonly currency: string;
  readonly percentOff: string | null;
  readonly activeDays: number | null;
  readonly startDate: Date | null;
  readonly endDate: Date | null;
  readonly expirationDate: Date | null;
  readonly redeemWithinDays: number | null;
  readonly featureId: number | null;
  /** 'new-accounts': one coupon is granted to each account created afterwards under the customer. */
  readonly autoGrant: 'new-accounts' | null;
  readonly createdAt: Date;
}

/** A class to insert: the id and creation time are the database's; amounts as numbers of minor units. */
export interface NewClass extends Omit<
  CouponClass,
  'id' | 'createdAt' | 'amountMinor' | 'spendThresholdMinor' | 'autoGrant'
> {
  readonly amountMinor: number;
  readonly spendThresholdMinor: number;
  readonly autoGrant: string | null;
}

export function toCouponClass(r: DbClassRow): CouponClass {
  return {
    id: r.id,
    customerId: r.customer_id,
    name: r.name,
    couponType: r.coupon_type,
    amountMinor: r.amount_minor,
    spendThresholdMinor: r.spend_threshold_minor,
    currency: r.currency,
    percentOff: r.percent_off,
    activeDays: r.active_days,
    startDate: r.start_date,
    endDate: r.end_date,
    expirationDate: r.expiration_date,
    redeemWithinDays: r.redeem_within_days,
    featureId: r.feature_id,
    autoGrant: r.auto_grant ?? null,
    createdAt: r.created_at,
  };
}

/** Inserts the class and returns its id; a taken name raises the unique violation. */
export async function insertClass(db: Knex, c: NewClass): Promise<string> {
  const [row] = (await db(T.classes).insert(
    {
      customer_id: c.customerId,
      name: c.name,
      coupon_type: c.couponType,
      amount_minor: c.amountMinor,
      spend_threshold_minor: c.spendThresholdMinor,
      currency: c.currency,
      percent_off: c.percentOff,
      active_days: c.activeDays,
      start_date: c.startDate,
      end_date: c.endDate,
      expiration_date: c.expirationDate,
      redeem_within_days: c.redeemWithinDays,
      feature_id: c.featureId,
      auto_grant: c.autoGrant,
    },
    ['id'],
  )) as { id: string }[];
  return row!.id;
}

export async function classByName(db: Knex, customerId: string, name: string): Promise<CouponClass | undefined> {
  const row = (await db(T.classes).where({ customer_id: customerId, name }).first()) as DbClassRow | undefined;
  return row && toCouponClass(row);
}
