// Auto-grant classes (`--auto-grant new-accounts`) and the record of each grant attempt.
import type { Knex } from 'knex';
import { toCouponClass, type CouponClass } from './classes.ts';
import { T, type DbClassRow } from './tables.ts';

export const AUTO_GRANTS = 'auto_grants';
export const AUTO_GRANT_NEW_ACCOUNTS = 'new-accounts';

/** The customer's classes that grant a coupon to each new account, oldest first. */
export async function autoGrantClasses(tx: Knex.Transaction, customerId: string): Promise<CouponClass[]> {
  const rows = (await tx(T.classes)
    .where({ customer_id: customerId, auto_grant: AUTO_GRANT_NEW_ACCOUNTS })
    .orderBy('id')) as DbClassRow[];
  return rows.map(toCouponClass);
}

export type GrantOutcome =
  | { readonly granted: true; readonly couponId: string }
  | { readonly granted: false; readonly code: number; readonly reason: string };

export async function recordGrant(
  tx: Knex.Transaction,
  classId: string,
  accountId: string,
  outcome: GrantOutcome,
  at: Date,
): Promise<void> {
  await tx(AUTO_GRANTS).insert({
    class_id: classId,
    account_id: accountId,
    coupon_id: outcome.granted ? outcome.couponId : null,
    code: outcome.granted ? null : outcome.code,
    reason: outcome.granted ? null : outcome.reason,
    at,
  });
}

export interface NotGranted {
  readonly className: string;
  readonly code: number;
  readonly reason: string;
  readonly at: Date;
}

/** The auto-grants that could not be made for the account, in class order. */
export async function notGrantedFor(db: Knex, accountId: string): Promise<NotGranted[]> {
  const rows = (await db(`${AUTO_GRANTS} as g`)
    .join(`${T.classes} as k`, 'k.id', 'g.class_id')
    .where('g.account_id', accountId)
    .whereNull('g.coupon_id')
    .orderBy('g.class_id')
    .select('k.name', 'g.code', 'g.reason', 'g.at')) as { name: string; code: number; reason: string; at: Date }[];
  return rows.map((r) => ({ className: r.name, code: r.code, reason: r.reason, at: r.at }));
}
