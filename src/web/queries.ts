// The few reads the page needs beyond the services: who is signed in, the accounts they may access (a user may
// access its customer's accounts, SPEC §3), class names for the offer cards, and the code of a claimed coupon.
import type { Knex } from 'knex';
import { T, type DbAccountRow } from '../repositories/tables.ts';

export async function whoIs(knex: Knex, userId: string): Promise<{ who: string; customerName: string }> {
  const row = (await knex(`${T.users} as u`)
    .join(`${T.customers} as c`, 'c.id', 'u.customer_id')
    .where('u.id', userId)
    .first('u.username', 'c.name')) as { username: string | null; name: string } | undefined;
  return { who: row?.username ?? `user ${userId}`, customerName: row?.name ?? '' };
}

export async function accountsOf(knex: Knex, customerId: string): Promise<DbAccountRow[]> {
  return (await knex(T.accounts).where({ customer_id: customerId }).orderBy('id')) as DbAccountRow[];
}

export async function classNames(knex: Knex, couponIds: readonly string[]): Promise<Map<string, string>> {
  if (couponIds.length === 0) return new Map();
  const rows = (await knex(T.coupons)
    .whereIn('id', [...couponIds])
    .select('id', 'class_name')) as {
    id: string;
    class_name: string;
  }[];
  return new Map(rows.map((r) => [r.id, r.class_name]));
}

/** The code of a coupon claimed by an account of the customer (for "Redeem now"), so it never sits in the page. */
export async function claimedCode(
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
