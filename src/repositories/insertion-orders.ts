// Insertion-order queries (STYLE 15, 16): rows of insertion_orders become InsertionOrder values here; every
// statement binds its values (arrays as one parameter) and reads through the (account_id, id) or (status, id) index.
import type { Knex } from 'knex';
import type { IoChangeStatus, IoStatus } from '../rules/insertion-orders.ts';
import { T, type DbInsertionOrderRow } from './tables.ts';

/** Pending changes of an approved order; a null field is unchanged. */
export interface IoPendingChanges {
  readonly changeStatus: IoChangeStatus;
  readonly name: string | null;
  readonly comment: string | null;
  readonly purchaseOrder: string | null;
  readonly startDate: string | null;
  readonly endDate: string | null;
  readonly spendCapMinor: string | null;
  readonly notificationThreshold: string | null;
  readonly referenceId: string | null;
  readonly requestedByUserId: string | null;
  readonly modifiedAt: Date | null;
}

export interface InsertionOrder {
  readonly id: string;
  readonly accountId: string;
  readonly name: string | null;
  readonly comment: string | null;
  readonly purchaseOrder: string | null;
  readonly bookingCountryCode: string | null;
  readonly referenceId: string | null;
  readonly startDate: string;
  readonly endDate: string | null;
  readonly isEndless: boolean;
  readonly isUnlimited: boolean;
  readonly spendCapMinor: string | null;
  readonly notificationThreshold: string | null;
  readonly status: IoStatus;
  readonly createdBy: 'advertiser' | 'operator';
  readonly lastModifiedByUserId: string | null;
  readonly lastModifiedAt: Date;
  readonly thresholdNotifiedAt: Date | null;
  readonly pending: IoPendingChanges | null;
  readonly createdAt: Date;
}

/** The account facts insertion orders depend on. */
export interface IoAccount {
  readonly id: string;
  readonly customerId: string;
  readonly number: string;
  readonly currency: string;
  readonly email: string | null;
  readonly invoiceBilled: boolean;
}

const trimNum = (v: string | null): string | null => {
  if (v === null) return null;
  const [w = '0', f = ''] = v.split('.');
  const frac = f.replace(/0+$/, '');
  return frac ? `${w}.${frac}` : w;
};

function toOrder(r: DbInsertionOrderRow): InsertionOrder {
  return {
    id: r.id,
    accountId: r.account_id,
    name: r.name,
    comment: r.comment,
    purchaseOrder: r.purchase_order,
    bookingCountryCode: r.booking_country_code,
    referenceId: r.reference_id,
    startDate: r.start_date,
    endDate: r.end_date,
    isEndless: r.is_endless,
    isUnlimited: r.is_unlimited,
    spendCapMinor: r.spend_cap_minor,
    notificationThreshold: trimNum(r.notification_threshold),
    status: r.status,
    createdBy: r.created_by,
    lastModifiedByUserId: r.last_modified_by_user_id,
    lastModifiedAt: r.last_modified_at,
    thresholdNotifiedAt: r.threshold_notified_at,
    pending:
      r.pending_change_status === null
        ? null
        : {
            changeStatus: r.pending_change_status,
            name: r.pending_name,
            comment: r.pending_comment,
            purchaseOrder: r.pending_purchase_order,
            startDate: r.pending_start_date,
            endDate: r.pending_end_date,
            spendCapMinor: r.pending_spend_cap_minor,
            notificationThreshold: trimNum(r.pending_notification_threshold),
            referenceId: r.pending_reference_id,
            requestedByUserId: r.pending_requested_by_user_id,
            modifiedAt: r.pending_modified_at,
          },
    createdAt: r.created_at,
  };
}

interface IoAccountRow {
  id: string;
  customer_id: string;
  number: string;
  currency: string;
  email: string | null;
  invoice_billed: boolean;
}
const IO_ACCOUNT_COLUMNS = ['id', 'customer_id', 'number', 'currency', 'email', 'invoice_billed'] as const;

const toIoAccount = (r: IoAccountRow): IoAccount => ({
  id: r.id,
  customerId: r.customer_id,
  number: r.number,
  currency: r.currency.trim(),
  email: r.email,
  invoiceBilled: r.invoice_billed,
});

export async function ioAccount(db: Knex | Knex.Transaction, accountId: string): Promise<IoAccount | null> {
  const r = (await db(T.accounts)
    .where({ id: accountId })
    .first(...IO_ACCOUNT_COLUMNS)) as IoAccountRow | undefined;
  return r ? toIoAccount(r) : null;
}

/** The listed accounts that belong to the customer, by id (one query for a whole page of accounts). */
export async function ioAccountsOfCustomer(
  db: Knex,
  customerId: string,
  accountIds: readonly string[],
): Promise<Map<string, IoAccount>> {
  const rows = (await db(T.accounts)
    .where({ customer_id: customerId })
    .whereIn('id', [...accountIds])
    .select(...IO_ACCOUNT_COLUMNS)) as IoAccountRow[];
  return new Map(rows.map((r) => [r.id, toIoAccount(r)]));
}

/** Every order of the listed accounts, by account and then id. */
export async function ordersOfAccounts(db: Knex, accountIds: readonly string[]): Promise<InsertionOrder[]> {
  if (accountIds.length === 0) return [];
  const rows = (await db(T.insertionOrders)
    .whereIn('account_id', [...accountIds])
    .orderBy([{ column: 'account_id' }, { column: 'id' }])) as DbInsertionOrderRow[];
  return rows.map(toOrder);
}

/** Locks the account row, so that orders of one account are added and approved one at a time. */
export async function lockIoAccount(tx: Knex.Transaction, accountId: string): Promise<void> {
  await tx(T.accounts).where({ id: accountId }).forUpdate().first('id');
}

/** An order to insert: its terms and status as decided, by whom and when (the rest is set by the insert). */
export type NewInsertionOrder = Omit<
  InsertionOrder,
  'id' | 'lastModifiedByUserId' | 'lastModifiedAt' | 'thresholdNotifiedAt' | 'pending' | 'createdAt'
> & {
  readonly userId: string | null;
  readonly at: Date;
};

export async function insertOrder(tx: Knex.Transaction, o: NewInsertionOrder): Promise<InsertionOrder> {
  const [row] = (await tx(T.insertionOrders).insert(
    {
      account_id: o.accountId,
      name: o.name,
      comment: o.comment,
      purchase_order: o.purchaseOrder,
      booking_country_code: o.bookingCountryCode,
      reference_id: o.referenceId,
      start_date: o.startDate,
      end_date: o.endDate,
      is_endless: o.isEndless,
      is_unlimited: o.isUnlimited,
      spend_cap_minor: o.spendCapMinor,
      notification_threshold: o.notificationThreshold,
      status: o.status,
      created_by: o.createdBy,
      last_modified_by_user_id: o.userId,
      last_modified_at: o.at,
      created_at: o.at,
    },
    '*',
  )) as DbInsertionOrderRow[];
  const order = toOrder(row!);
  await recordEvent(tx, order.id, 'status', null, order.status, o.userId, o.at);
  return order;
}

/** The order if it belongs to one of `accountIds`, locked for update; null otherwise. */
export async function lockOrderOfAccounts(
  tx: Knex.Transaction,
  id: string,
  accountIds: readonly string[],
): Promise<InsertionOrder | null> {
  const row = (await tx(T.insertionOrders)
    .where({ id })
    .andWhereRaw('account_id = ANY(?::bigint[])', [[...accountIds]] as Knex.RawBinding[])
    .forUpdate()
    .first()) as DbInsertionOrderRow | undefined;
  return row ? toOrder(row) : null;
}

/** Date ranges of the account's orders in `statuses`, other than `exceptId`. */
export async function orderDatesOfAccount(
  tx: Knex.Transaction,
  accountId: string,
  statuses: readonly IoStatus[],
  exceptId: string | null,
): Promise<{ startDate: string; endDate: string | null }[]> {
  const rows = (await tx(T.insertionOrders)
    .where({ account_id: accountId })
    .andWhereRaw('status = ANY(?::text[])', [[...statuses]] as Knex.RawBinding[])
    .andWhereRaw('id <> ?', [exceptId ?? '0'])
    .select('start_date', 'end_date')) as { start_date: string; end_date: string | null }[];
  return rows.map((r) => ({ startDate: r.start_date, endDate: r.end_date }));
}

/** A change to stored columns; keys are the InsertionOrder's (camelCase) names. */
export interface OrderPatch {
  readonly name?: string | null;
  readonly comment?: string | null;
  readonly purchaseOrder?: string | null;
  readonly referenceId?: string | null;
  readonly startDate?: string;
  readonly endDate?: string | null;
  readonly spendCapMinor?: string | null;
  readonly notificationThreshold?: string | null;
  readonly status?: IoStatus;
  readonly thresholdNotifiedAt?: Date | null;
  /** Replaces every pending_* column; null clears nothing but the ChangeStatus stays as given. */
  readonly pending?: Omit<IoPendingChanges, 'modifiedAt'> & { modifiedAt: Date };
}

const COLUMNS: Record<string, string> = {
  name: 'name',
  comment: 'comment',
  purchaseOrder: 'purchase_order',
  referenceId: 'reference_id',
  startDate: 'start_date',
  endDate: 'end_date',
  spendCapMinor: 'spend_cap_minor',
  notificationThreshold: 'notification_threshold',
  status: 'status',
  thresholdNotifiedAt: 'threshold_notified_at',
};

export async function updateOrder(
  tx: Knex.Transaction,
  id: string,
  patch: OrderPatch,
  by: { userId: string | null; at: Date },
): Promise<InsertionOrder> {
  const set: Record<string, unknown> = { last_modified_by_user_id: by.userId, last_modified_at: by.at };
  for (const [k, v] of Object.entries(patch)) if (k !== 'pending' && v !== undefined) set[COLUMNS[k]!] = v;
  const p = patch.pending;
  if (p) {
    Object.assign(set, {
      pending_change_status: p.changeStatus,
      pending_name: p.name,
      pending_comment: p.comment,
      pending_purchase_order: p.purchaseOrder,
      pending_start_date: p.startDate,
      pending_end_date: p.endDate,
      pending_spend_cap_minor: p.spendCapMinor,
      pending_notification_threshold: p.notificationThreshold,
      pending_reference_id: p.referenceId,
      pending_requested_by_user_id: p.requestedByUserId,
      pending_modified_at: p.modifiedAt,
    });
  }
  const [row] = (await tx(T.insertionOrders).where({ id }).update(set, '*')) as DbInsertionOrderRow[];
  return toOrder(row!);
}

export async function recordEvent(
  tx: Knex.Transaction,
  orderId: string,
  kind: 'status' | 'changes' | 'threshold',
  from: string | null,
  to: string | null,
  userId: string | null,
  at: Date,
): Promise<void> {
  await tx(T.insertionOrderEvents).insert({
    insertion_order_id: orderId,
    kind,
    from_status: from,
    to_status: to,
    by_user_id: userId,
    at,
  });
}

/**
 * Orders the sweep may still move or notify: SWEPT statuses (Active, NotStarted), and APPROVED ones whose threshold
 * is not reached yet (src/rules/insertion-orders.ts). The text is the predicate of the partial index
 * insertion_orders_sweep_idx (migration 20261201000100), so that a tick reads only these rows.
 */
const SWEEP_CONDITION = `(status IN ('Active', 'NotStarted')
   OR (status IN ('Active', 'Exhausted', 'Expired', 'NotStarted')
       AND notification_threshold IS NOT NULL AND threshold_notified_at IS NULL))`;

/**
 * The sweep's next batch: orders it may still move or notify with id above `afterId`, locked; rows another instance
 * holds are skipped (it is working on them).
 */
export async function lockSweepBatch(tx: Knex.Transaction, afterId: string, limit: number): Promise<InsertionOrder[]> {
  const { rows } = (await tx.raw(
    `SELECT * FROM ${T.insertionOrders}
      WHERE id > ?::bigint AND ${SWEEP_CONDITION}
      ORDER BY id LIMIT ?::bigint
      FOR UPDATE SKIP LOCKED`,
    [afterId, String(limit)],
  )) as { rows: DbInsertionOrderRow[] };
  return rows.map(toOrder);
}

/**
 * Marks the threshold notified, only if it was not: true when this call did (so exactly one email is queued).
 */
export async function markThresholdNotified(tx: Knex.Transaction, id: string, at: Date): Promise<boolean> {
  const n = await tx(T.insertionOrders)
    .where({ id })
    .whereNull('threshold_notified_at')
    .update({ threshold_notified_at: at });
  return n === 1;
}

/** Moves the order from `from` to `to` only if it is still `from`: true when this call did. */
export async function moveStatus(
  tx: Knex.Transaction,
  id: string,
  from: IoStatus,
  to: IoStatus,
  at: Date,
): Promise<boolean> {
  const n = await tx(T.insertionOrders).where({ id, status: from }).update({ status: to });
  if (n !== 1) return false;
  await recordEvent(tx, id, 'status', from, to, null, at);
  return true;
}

/** One condition of a search; its text holds no value. */
export interface IoFilter {
  readonly sql: string;
  readonly bindings: readonly unknown[];
}

/**
 * One page of an account's orders. The statement text depends only on the filters' shapes and the ordering; every
 * value is a parameter. The (account_id, id) index bounds what is read to the account's orders.
 */
export async function searchOrdersOfAccount(
  knex: Knex,
  accountId: string,
  filters: readonly IoFilter[],
  orderBy: { column: 'id' | 'name'; descending: boolean },
  page: { offset: number; size: number },
): Promise<InsertionOrder[]> {
  const where = filters.map((f) => ` AND ${f.sql}`).join('');
  const dir = orderBy.descending ? 'DESC' : 'ASC';
  const order = orderBy.column === 'id' ? `id ${dir}` : `name ${dir} NULLS FIRST, id ${dir}`;
  const { rows } = (await knex.raw(
    `SELECT * FROM ${T.insertionOrders} WHERE account_id = ?::bigint${where} ORDER BY ${order} LIMIT ?::bigint OFFSET ?::bigint`,
    [accountId, ...filters.flatMap((f) => f.bindings), String(page.size), String(page.offset)] as Knex.RawBinding[],
  )) as { rows: DbInsertionOrderRow[] };
  return rows.map(toOrder);
}

/** Status events of an order, oldest first (for the operator and the tests). */
export async function eventsOfOrder(
  knex: Knex,
  id: string,
): Promise<{ kind: string; from: string | null; to: string | null; byUserId: string | null; at: Date }[]> {
  const rows = (await knex(T.insertionOrderEvents).where({ insertion_order_id: id }).orderBy('id')) as {
    kind: string;
    from_status: string | null;
    to_status: string | null;
    by_user_id: string | null;
    at: Date;
  }[];
  return rows.map((r) => ({ kind: r.kind, from: r.from_status, to: r.to_status, byUserId: r.by_user_id, at: r.at }));
}

/** Where spend counts for one order: its account and the instants [from, to). */
export interface SpendWindow {
  readonly orderId: string;
  readonly accountId: string;
  readonly from: Date;
  readonly to: Date;
}

/**
 * The spend recorded on each window's account inside the window (account_events of kind 'spend'), in minor units,
 * by order id: one statement for a whole page, each sum an index range scan of account_events_spend_month.
 */
export async function spendInWindows(
  db: Knex | Knex.Transaction,
  windows: readonly SpendWindow[],
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (windows.length === 0) return out;
  const { rows } = (await db.raw(
    `SELECT w.id::text AS id,
            COALESCE((SELECT sum(e.amount_minor) FROM account_events e
                       WHERE e.account_id = w.account_id AND e.kind = 'spend' AND e.at >= w.f AND e.at < w.t), 0)::text
              AS spent
       FROM unnest(?::bigint[], ?::bigint[], ?::timestamptz[], ?::timestamptz[]) AS w(id, account_id, f, t)`,
    [
      windows.map((w) => w.orderId),
      windows.map((w) => w.accountId),
      windows.map((w) => w.from.toISOString()),
      windows.map((w) => w.to.toISOString()),
    ],
  )) as { rows: { id: string; spent: string }[] };
  for (const r of rows) out.set(r.id, r.spent);
  return out;
}
