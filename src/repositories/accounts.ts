// Account rows: reads by id and customer, the row lock that orders every event of an account, creation, and the
// payment-method flag.
import type { Knex } from 'knex';
import { T, type DbAccountRow } from './tables.ts';

/** An account as services see it. */
export interface Account {
  readonly id: string;
  readonly customerId: string;
  readonly number: string;
  readonly currency: string;
  readonly billToCustomerId: string;
  readonly paymentMethodAddedAt: Date | null;
  /** Notification address; null: no coupon emails. */
  readonly email: string | null;
  /** Billed by invoice (insertion orders apply) rather than charged to a payment method. */
  readonly invoiceBilled: boolean;
  readonly createdAt: Date;
}

export function toAccount(r: DbAccountRow): Account {
  return {
    id: r.id,
    customerId: r.customer_id,
    number: r.number,
    currency: r.currency,
    billToCustomerId: r.bill_to_customer_id,
    paymentMethodAddedAt: r.payment_method_added_at,
    email: r.email,
    invoiceBilled: r.invoice_billed,
    createdAt: r.created_at,
  };
}

const toAccountIfAny = (r: DbAccountRow | undefined): Account | undefined =>
  r === undefined ? undefined : toAccount(r);

/** Every account of the customer, in id order. */
export async function accountsOfCustomer(knex: Knex, customerId: string): Promise<Account[]> {
  return ((await knex(T.accounts).where({ customer_id: customerId }).orderBy('id')) as DbAccountRow[]).map(toAccount);
}

export async function accountNumberAndCurrency(
  knex: Knex,
  accountId: string,
): Promise<{ number: string; currency: string } | undefined> {
  return (await knex(T.accounts).where({ id: accountId }).first('number', 'currency')) as
    { number: string; currency: string } | undefined;
}

export async function accountById(db: Knex, accountId: string): Promise<Account | undefined> {
  return toAccountIfAny((await db(T.accounts).where({ id: accountId }).first()) as DbAccountRow | undefined);
}

/** The account row, locked FOR UPDATE for the rest of the transaction (the lock every account event takes). */
export async function lockAccountRow(tx: Knex.Transaction, accountId: string): Promise<Account | undefined> {
  return toAccountIfAny(
    (await tx(T.accounts).where({ id: accountId }).forUpdate().first()) as DbAccountRow | undefined,
  );
}

/** Locks the account row unless another transaction holds it (SKIP LOCKED); false when it was held or is gone. */
export async function lockAccountIfFree(tx: Knex.Transaction, accountId: string): Promise<boolean> {
  return (await tx(T.accounts).where({ id: accountId }).forUpdate().skipLocked().first('id')) !== undefined;
}

/** The next account id, drawn before the insert so a default account number can be derived from it. */
export async function nextAccountId(tx: Knex.Transaction): Promise<string> {
  const { rows } = (await tx.raw("SELECT nextval(pg_get_serial_sequence('accounts', 'id')) AS id")) as {
    rows: { id: string }[];
  };
  return rows[0]!.id;
}

/** An account to insert: every field but its creation time, which the database sets. */
export type NewAccount = Omit<Account, 'createdAt'>;

export async function insertAccount(tx: Knex.Transaction, a: NewAccount): Promise<void> {
  await tx(T.accounts).insert({
    id: a.id,
    customer_id: a.customerId,
    number: a.number,
    currency: a.currency,
    bill_to_customer_id: a.billToCustomerId,
    payment_method_added_at: a.paymentMethodAddedAt,
    email: a.email,
    invoice_billed: a.invoiceBilled,
  });
}

export async function setPaymentMethodAdded(tx: Knex.Transaction, accountId: string, at: Date): Promise<void> {
  await tx(T.accounts).where({ id: accountId }).update({ payment_method_added_at: at });
}
