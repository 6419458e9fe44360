// Billing groups and their accounts (SPEC §4a). Rows become domain values here.
import type { Knex } from 'knex';
import { T } from './tables.ts';

export const GT = { groups: 'billing_groups', members: 'billing_group_accounts' } as const;

export interface BillingGroup {
  readonly id: string;
  readonly customerId: string;
  readonly name: string;
  readonly description: string | null;
  /** The currency of its accounts; null while it has none. */
  readonly currency: string | null;
}

interface GroupRow {
  id: string;
  customer_id: string;
  name: string;
  description: string | null;
  currency: string | null;
}

const toGroup = (r: GroupRow): BillingGroup => ({
  id: String(r.id),
  customerId: String(r.customer_id),
  name: r.name,
  description: r.description,
  currency: r.currency === null ? null : r.currency.trim(),
});

export async function customerExists(knex: Knex, customerId: string): Promise<boolean> {
  return (await knex(T.customers).where({ id: customerId }).first('id')) !== undefined;
}

export async function insertGroup(
  knex: Knex,
  g: { customerId: string; name: string; description: string | null },
): Promise<string> {
  const [row] = (await knex(GT.groups).insert({ customer_id: g.customerId, name: g.name, description: g.description }, [
    'id',
  ])) as { id: string }[];
  return String(row!.id);
}

export async function groupsOfCustomer(knex: Knex, customerId: string): Promise<BillingGroup[]> {
  return ((await knex(GT.groups).where({ customer_id: customerId }).orderBy('id')) as GroupRow[]).map(toGroup);
}

/** The customer's group, locked for the rest of the transaction (its currency is decided under the lock). */
export async function lockGroup(
  tx: Knex.Transaction,
  customerId: string,
  groupId: string,
): Promise<BillingGroup | null> {
  const row = (await tx(GT.groups).where({ id: groupId, customer_id: customerId }).forUpdate().first()) as
    GroupRow | undefined;
  return row ? toGroup(row) : null;
}

export async function setGroupCurrency(tx: Knex.Transaction, groupId: string, currency: string): Promise<void> {
  await tx(GT.groups).where({ id: groupId }).whereNull('currency').update({ currency });
}

/** An account as grouping sees it. */
export interface GroupableAccount {
  readonly id: string;
  readonly number: string;
  readonly customerId: string;
  readonly currency: string;
  readonly groupId: string | null;
}

/** The accounts among `ids` (locked: a concurrent add of the same account waits), with their group if any. */
export async function lockAccountsForGrouping(
  tx: Knex.Transaction,
  ids: readonly string[],
): Promise<Map<string, GroupableAccount>> {
  const out = new Map<string, GroupableAccount>();
  if (ids.length === 0) return out;
  const rows = (await tx(`${T.accounts} as a`)
    .leftJoin(`${GT.members} as m`, 'm.account_id', 'a.id')
    .whereIn('a.id', [...ids].sort())
    .orderBy('a.id')
    .forUpdate('a')
    .select('a.id', 'a.number', 'a.customer_id', 'a.currency', 'm.group_id')) as {
    id: string;
    number: string;
    customer_id: string;
    currency: string;
    group_id: string | null;
  }[];
  for (const r of rows)
    out.set(String(r.id), {
      id: String(r.id),
      number: r.number,
      customerId: String(r.customer_id),
      currency: r.currency.trim(),
      groupId: r.group_id === null ? null : String(r.group_id),
    });
  return out;
}

export async function addMember(tx: Knex.Transaction, groupId: string, accountId: string, now: Date): Promise<void> {
  await tx(GT.members).insert({ group_id: groupId, account_id: accountId, added_at: now });
}

/** The customer's accounts in no billing group, lowest id first. */
export async function ungroupedAccounts(
  knex: Knex,
  customerId: string,
): Promise<{ id: string; number: string; currency: string }[]> {
  const rows = (await knex(`${T.accounts} as a`)
    .where('a.customer_id', customerId)
    .whereNotExists(knex(`${GT.members} as m`).whereRaw('m.account_id = a.id').select(knex.raw('1')))
    .orderBy('a.id')
    .select('a.id', 'a.number', 'a.currency')) as { id: string; number: string; currency: string }[];
  return rows.map((r) => ({ id: String(r.id), number: r.number, currency: r.currency.trim() }));
}
