// AddInsertionOrder, UpdateInsertionOrder and SearchInsertionOrders (SPEC §4a), and the operator's `billing io
// create`. The rules decide (src/rules/insertion-orders.ts); this file reads, locks and records.
import type { Knex } from 'knex';
import { parseDateTime, parseStrictDateTime } from '../datetime.ts';
import { AdApiError, ApiError, InputError, NotFoundError, problem, type OperationProblem } from '../errors.ts';
import { MoneyError, parseAmount, toMinor } from '../money.ts';
import { accountIdsOfCustomer } from '../repositories/coupon-search.ts';
import {
  insertOrder,
  ioAccount,
  ioAccountsOfCustomer,
  lockIoAccount,
  lockOrderOfAccounts,
  orderDatesOfAccount,
  ordersOfAccounts,
  recordEvent,
  searchOrdersOfAccount,
  spendInWindows,
  updateOrder,
  type InsertionOrder,
  type IoAccount,
  type IoFilter,
  type OrderPatch,
} from '../repositories/insertion-orders.ts';
import { inTransaction } from '../repositories/transaction.ts';
import {
  approvedStatus,
  budgetFigures,
  checkEdits,
  checkNewDates,
  currentStatus,
  datesOverlap,
  decideUpdate,
  HOLDS_DATES,
  IO_EDIT_FIELDS,
  IO_CODES,
  MAX_NAME,
  MAX_PURCHASE_ORDER,
  plainDecimal,
  spendWindow,
  statusOnAdd,
  utcDay,
  type BudgetFigures,
  type IoEdits,
  type IoProblem,
  type IoStatus,
} from '../rules/insertion-orders.ts';
import type { Principal } from './auth.ts';
import { requireId } from './operator.ts';
import { MAX_PREDICATE_VALUES, paging, parseIds, type OrderByInput, type PredicateInput } from './search-coupons.ts';

export type { InsertionOrder } from '../repositories/insertion-orders.ts';

/** The editable elements of an InsertionOrder (or its PendingChanges) as the request carries them. */
export interface IoFieldsInput {
  readonly name?: string | null;
  readonly comment?: string | null;
  readonly purchaseOrder?: string | null;
  readonly referenceId?: string | null;
  readonly startDate?: Date | null;
  readonly endDate?: Date | null;
  /** xs:double text. */
  readonly spendCapAmount?: string | null;
  readonly notificationThreshold?: string | null;
}
export interface InsertionOrderInput extends IoFieldsInput {
  readonly id?: string | null;
  readonly accountId?: string | null;
  readonly bookingCountryCode?: string | null;
  readonly isUnlimited?: boolean | null;
  readonly isEndless?: boolean | null;
  readonly status?: string | null;
  readonly pendingChanges?: (IoFieldsInput & { readonly changeStatus?: string | null }) | null;
}

const toProblem = (p: IoProblem): OperationProblem => problem(p.code, p.details);
const refuse = (code: number, details: string): ApiError => new ApiError(problem(code, details));

function mayChange(p: Principal): void {
  if (p.role !== 'SuperAdmin' && p.role !== 'Standard') throw ApiError.of(1001);
}

/** The account named by the request, if the user may access it (106 otherwise, whether it exists or not). */
async function accessibleAccount(db: Knex | Knex.Transaction, p: Principal, accountId: string | null | undefined) {
  if (!accountId) throw new AdApiError(106);
  const account = await ioAccount(db, accountId);
  if (!account || account.customerId !== p.customerId) throw new AdApiError(106);
  return account;
}

/** A text element: "" or only spaces clears it (null); nil or absent: not given. */
const text = (v: string | null | undefined): string | null | undefined =>
  v === undefined || v === null ? undefined : v.trim() === '' ? null : v.trim();

/** Request fields → edits in the account's currency; amounts that are not exact minor units are problems. */
function editsOf(f: IoFieldsInput, currency: string, problems: IoProblem[], where: string): IoEdits {
  const e: { -readonly [K in keyof IoEdits]: IoEdits[K] } = {};
  const name = text(f.name);
  if (name !== undefined) e.name = name;
  const comment = text(f.comment);
  if (comment !== undefined) e.comment = comment;
  const po = text(f.purchaseOrder);
  if (po !== undefined) e.purchaseOrder = po;
  if (f.referenceId != null) e.referenceId = f.referenceId;
  if (f.startDate) e.startDate = utcDay(f.startDate);
  if (f.endDate) e.endDate = utcDay(f.endDate);
  if (f.notificationThreshold != null) e.notificationThreshold = plainDecimal(f.notificationThreshold);
  if (f.spendCapAmount != null) {
    try {
      e.spendCapMinor = String(toMinor(plainDecimal(f.spendCapAmount), currency));
    } catch (err) {
      if (!(err instanceof MoneyError)) throw err;
      problems.push({
        code: IO_CODES.invalidSpendCap,
        details: `${where}SpendCapAmount: ${err.message} (a positive amount in ${currency}).`,
      });
    }
  }
  return e;
}

/** The order's spend inside its dates as of now, and its status and budget figures as of now. */
export interface InsertionOrderView {
  readonly order: InsertionOrder;
  readonly accountNumber: string;
  readonly currency: string;
  readonly status: IoStatus;
  readonly budget: BudgetFigures | null;
}

async function spentOf(db: Knex | Knex.Transaction, orders: readonly InsertionOrder[], now: Date) {
  return spendInWindows(
    db,
    orders.map((o) => ({ orderId: o.id, accountId: o.accountId, ...spendWindow(o, now) })),
  );
}

function viewOf(o: InsertionOrder, account: IoAccount, spent: string, today: string): InsertionOrderView {
  return {
    order: o,
    accountNumber: account.number,
    currency: account.currency,
    status: currentStatus(o.status, o, spent, today),
    budget: o.isUnlimited ? null : budgetFigures(o.spendCapMinor, spent),
  };
}

async function overlapsHeld(
  tx: Knex.Transaction,
  accountId: string,
  terms: { startDate: string; endDate: string | null },
  exceptId: string | null,
): Promise<boolean> {
  const held = await orderDatesOfAccount(tx, accountId, HOLDS_DATES, exceptId);
  return held.some((h) => datesOverlap(h, terms));
}

/**
 * AddInsertionOrder: an advertiser's order on one of its invoice accounts, approved at once (Active, or NotStarted
 * before its StartDate) or Declined when its dates overlap an approved order of the account. Read-only elements are
 * ignored; Status is refused (477).
 */
export async function addInsertionOrder(
  knex: Knex,
  p: Principal,
  input: InsertionOrderInput,
  now: Date,
): Promise<{ id: string; createTime: Date }> {
  mayChange(p);
  const account = await accessibleAccount(knex, p, input.accountId);
  const problems: IoProblem[] = [];
  if (input.status != null)
    problems.push({ code: IO_CODES.statusOnAdd, details: 'Status is set by the service and cannot be given on add.' });
  if (!account.invoiceBilled)
    problems.push({
      code: IO_CODES.notInvoiceAccount,
      details: `Account ${account.id} is not invoice-billed; insertion orders exist only for invoice accounts.`,
    });
  if (input.isUnlimited === true || input.isEndless === true)
    problems.push({
      code: IO_CODES.unlimitedOrEndless,
      details: 'Adding unlimited (IsUnlimited) or endless (IsEndless) insertion orders is not supported.',
    });
  const today = utcDay(now);
  const edits = editsOf(input, account.currency, problems, '');
  if (input.spendCapAmount == null)
    problems.push({ code: IO_CODES.invalidSpendCap, details: 'SpendCapAmount is required.' });
  problems.push(...checkNewDates(edits.startDate, edits.endDate, today), ...checkEdits(edits));
  if (problems.length > 0) throw new ApiError(problems.map(toProblem));
  const terms = { startDate: edits.startDate!, endDate: edits.endDate!, spendCapMinor: edits.spendCapMinor! };
  return inTransaction(knex, async (tx) => {
    await lockIoAccount(tx, account.id);
    const status = statusOnAdd(terms, today, await overlapsHeld(tx, account.id, terms, null));
    const order = await insertOrder(tx, {
      accountId: account.id,
      name: edits.name ?? null,
      comment: edits.comment ?? null,
      purchaseOrder: edits.purchaseOrder ?? null,
      bookingCountryCode: text(input.bookingCountryCode) ?? null,
      referenceId: edits.referenceId ?? null,
      ...terms,
      isEndless: false,
      isUnlimited: false,
      notificationThreshold: edits.notificationThreshold ?? null,
      status,
      createdBy: 'advertiser',
      userId: p.userId,
      at: now,
    });
    return { id: order.id, createTime: order.createdAt };
  });
}

/** The set values of the order's stored PendingChanges, as edits. */
function storedPendingEdits(o: InsertionOrder): IoEdits {
  const c = o.pending;
  if (!c) return {};
  const e: Record<string, string> = {};
  const put = (k: keyof IoEdits, v: string | null): void => void (v !== null && (e[k] = v));
  for (const k of IO_EDIT_FIELDS) put(k, c[k]);
  return e as IoEdits;
}

/** Applies approved pending changes to the order's terms. */
function applyPending(o: InsertionOrder): OrderPatch {
  const c = o.pending!;
  const patch: Record<string, unknown> = {};
  if (c.name !== null) patch.name = c.name;
  if (c.comment !== null) patch.comment = c.comment;
  if (c.purchaseOrder !== null) patch.purchaseOrder = c.purchaseOrder;
  if (c.referenceId !== null) patch.referenceId = c.referenceId;
  if (c.startDate !== null) patch.startDate = c.startDate;
  if (c.endDate !== null) patch.endDate = c.endDate;
  if (c.spendCapMinor !== null) patch.spendCapMinor = c.spendCapMinor;
  if (c.notificationThreshold !== null) {
    patch.notificationThreshold = c.notificationThreshold;
    patch.thresholdNotifiedAt = null; // a new threshold is notified anew
  }
  return patch as OrderPatch;
}

/**
 * UpdateInsertionOrder: approve, decline or edit an order under review; cancel an approved order; request, approve
 * or decline changes of an approved one (rules: decideUpdate). Returns the order's LastModifiedTime.
 */
export async function updateInsertionOrder(
  knex: Knex,
  p: Principal,
  input: InsertionOrderInput,
  now: Date,
): Promise<{ lastModifiedTime: Date }> {
  mayChange(p);
  if (!input.id) throw refuse(IO_CODES.notFound, 'InsertionOrder.Id is required.');
  const own = await accountIdsOfCustomer(knex, p.customerId);
  const today = utcDay(now);
  return inTransaction(knex, async (tx) => {
    let order = await lockOrderOfAccounts(tx, input.id!, own);
    if (!order) throw refuse(IO_CODES.notFound, `Insertion order ${input.id!} was not found among your accounts.`);
    const account = (await ioAccount(tx, order.accountId))!;
    // The sweep may not have recorded what the clock or the spend already decided: record it first.
    const spent = (await spentOf(tx, [order], now)).get(order.id) ?? '0';
    const nowStatus = currentStatus(order.status, order, spent, today);
    if (nowStatus !== order.status) {
      await recordEvent(tx, order.id, 'status', order.status, nowStatus, null, now);
      order = await updateOrder(
        tx,
        order.id,
        { status: nowStatus },
        { userId: order.lastModifiedByUserId, at: order.lastModifiedAt },
      );
    }
    const problems: IoProblem[] = [];
    const edits = editsOf(input, account.currency, problems, '');
    const pendingIn = input.pendingChanges ?? undefined;
    const pendingEdits = pendingIn ? editsOf(pendingIn, account.currency, problems, 'PendingChanges.') : {};
    if (
      (input.isUnlimited != null && input.isUnlimited !== order.isUnlimited) ||
      (input.isEndless != null && input.isEndless !== order.isEndless)
    )
      problems.push({
        code: IO_CODES.unlimitedOrEndless,
        details: 'Updating IsUnlimited or IsEndless of an insertion order is not supported.',
      });
    problems.push(...checkEdits(edits), ...checkEdits(pendingEdits));
    if (problems.length > 0) throw new ApiError(problems.map(toProblem));
    const decision = decideUpdate(
      { ...order, pendingChangeStatus: order.pending?.changeStatus ?? null, pendingEdits: storedPendingEdits(order) },
      {
        status: input.status ?? null,
        edits,
        pending: pendingIn ? { changeStatus: pendingIn.changeStatus ?? null, edits: pendingEdits } : undefined,
      },
      today,
    );
    const by = { userId: p.userId, at: now };
    const setStatus = async (to: IoStatus, patch: OrderPatch = {}): Promise<InsertionOrder> => {
      await recordEvent(tx, order!.id, 'status', order!.status, to, p.userId, now);
      return updateOrder(tx, order!.id, { ...patch, status: to }, by);
    };
    switch (decision.kind) {
      case 'refuse':
        throw new ApiError(toProblem(decision.problem));
      case 'none':
        return { lastModifiedTime: order.lastModifiedAt };
      case 'edit': {
        const updated = await updateOrder(tx, order.id, decision.edits as OrderPatch, by);
        return { lastModifiedTime: updated.lastModifiedAt };
      }
      case 'approve': {
        await lockIoAccount(tx, order.accountId); // approvals and adds of one account, one at a time
        if (await overlapsHeld(tx, order.accountId, order, order.id))
          throw refuse(IO_CODES.overlaps, 'Its dates overlap another approved insertion order of the account.');
        const updated = await setStatus(approvedStatus(order, spent, today));
        return { lastModifiedTime: updated.lastModifiedAt };
      }
      case 'decline':
        return { lastModifiedTime: (await setStatus('Declined')).lastModifiedAt };
      case 'cancel': {
        const pending = order.pending;
        if (pending?.changeStatus === 'PendingUserReview') {
          // The system cancels changes that can no longer be applied.
          await recordEvent(tx, order.id, 'changes', 'PendingUserReview', 'CancelChanges', null, now);
          await updateOrder(
            tx,
            order.id,
            { pending: { ...pending, changeStatus: 'CancelChanges', modifiedAt: now } },
            by,
          );
        }
        return { lastModifiedTime: (await setStatus('Canceled')).lastModifiedAt };
      }
      case 'requestChanges': {
        const e = decision.edits;
        await recordEvent(
          tx,
          order.id,
          'changes',
          order.pending?.changeStatus ?? null,
          'PendingUserReview',
          p.userId,
          now,
        );
        const updated = await updateOrder(
          tx,
          order.id,
          {
            pending: {
              changeStatus: 'PendingUserReview',
              name: e.name ?? null,
              comment: e.comment ?? null,
              purchaseOrder: e.purchaseOrder ?? null,
              startDate: e.startDate ?? null,
              endDate: e.endDate ?? null,
              spendCapMinor: e.spendCapMinor ?? null,
              notificationThreshold: e.notificationThreshold ?? null,
              referenceId: e.referenceId ?? null,
              requestedByUserId: p.userId,
              modifiedAt: now,
            },
          },
          by,
        );
        return { lastModifiedTime: updated.lastModifiedAt };
      }
      case 'approveChanges': {
        const patch = applyPending(order);
        const terms = {
          startDate: patch.startDate ?? order.startDate,
          endDate: patch.endDate !== undefined ? patch.endDate : order.endDate,
          spendCapMinor: patch.spendCapMinor !== undefined ? patch.spendCapMinor : order.spendCapMinor,
        };
        if (patch.startDate !== undefined || patch.endDate !== undefined) await lockIoAccount(tx, order.accountId);
        if (
          (patch.startDate !== undefined || patch.endDate !== undefined) &&
          (await overlapsHeld(tx, order.accountId, terms, order.id))
        )
          throw refuse(IO_CODES.overlaps, 'The changed dates overlap another approved insertion order of the account.');
        const newSpent = (await spentOf(tx, [{ ...order, ...terms }], now)).get(order.id) ?? '0';
        const status = approvedStatus(terms, newSpent, today);
        await recordEvent(tx, order.id, 'changes', 'PendingUserReview', 'ApproveChanges', p.userId, now);
        const pending = { ...order.pending!, changeStatus: 'ApproveChanges' as const, modifiedAt: now };
        if (status !== order.status) await recordEvent(tx, order.id, 'status', order.status, status, p.userId, now);
        const updated = await updateOrder(tx, order.id, { ...patch, status, pending }, by);
        return { lastModifiedTime: updated.lastModifiedAt };
      }
      case 'declineChanges': {
        await recordEvent(tx, order.id, 'changes', 'PendingUserReview', 'DeclineChanges', p.userId, now);
        const pending = { ...order.pending!, changeStatus: 'DeclineChanges' as const, modifiedAt: now };
        return { lastModifiedTime: (await updateOrder(tx, order.id, { pending }, by)).lastModifiedAt };
      }
    }
  });
}

export interface SearchInsertionOrdersInput {
  readonly predicates: readonly PredicateInput[];
  readonly ordering: readonly OrderByInput[];
  readonly page: { readonly index: number | null; readonly size: number | null } | null;
}

/** "You may specify up to 6 predicates" (searchinsertionorders.md). */
export const MAX_IO_PREDICATES = 6;
type IoField = 'accountid' | 'insertionorderid' | 'startdate' | 'enddate';
const IO_FIELDS: Record<IoField, { ops: readonly string[]; times: number }> = {
  accountid: { ops: ['Equals'], times: 1 },
  insertionorderid: { ops: ['Equals', 'In'], times: 1 },
  startdate: { ops: ['GreaterThanEquals', 'LessThanEquals'], times: 2 },
  enddate: { ops: ['GreaterThanEquals', 'LessThanEquals'], times: 2 },
};

/** The predicates as SQL conditions on insertion_orders and the one AccountId; every invalid one is a 3030. */
function parseIoPredicates(predicates: readonly PredicateInput[]): { accountId: string | null; filters: IoFilter[] } {
  const problems: OperationProblem[] = [];
  const filters: IoFilter[] = [];
  let accountId: string | null = null;
  if (predicates.length > MAX_IO_PREDICATES)
    problems.push(problem(3030, `Predicates: at most ${MAX_IO_PREDICATES} predicates, got ${predicates.length}.`));
  const seen = new Map<string, number>();
  predicates.forEach((pred, i) => {
    const bad = (why: string): void => void problems.push(problem(3030, `Predicates[${i}]: ${why}`));
    const field = (pred.field ?? '').toLowerCase() as IoField;
    const spec = Object.hasOwn(IO_FIELDS, field) ? IO_FIELDS[field] : undefined;
    if (!spec) return bad(`unknown field '${(pred.field ?? '').slice(0, 64)}'.`);
    const count = (seen.get(field) ?? 0) + 1;
    seen.set(field, count);
    if (count > spec.times) return bad(`${pred.field} may be used at most ${spec.times === 1 ? 'once' : 'twice'}.`);
    const op = pred.operator;
    if (!op || !spec.ops.includes(op)) return bad(`operator '${op ?? ''}' is not allowed for ${pred.field}.`);
    if (pred.value === null) return bad('a value is required.');
    if (field === 'accountid') {
      const ids = parseIds(pred.value, false);
      if (!ids) return bad('the value is not an account id.');
      accountId = ids[0]!;
      return;
    }
    if (field === 'insertionorderid') {
      if (op === 'In' && pred.value.split(',').length > MAX_PREDICATE_VALUES)
        return bad(`In takes at most ${MAX_PREDICATE_VALUES} values.`);
      const ids = parseIds(pred.value, op === 'In');
      if (!ids) return bad('the value is not a list of insertion order ids.');
      filters.push({ sql: 'id = ANY(?::bigint[])', bindings: [ids] });
      return;
    }
    const d = parseDateTime(pred.value);
    if (!d) return bad('the value is not a dateTime.');
    // Only the UTC date counts (predicate.md); the date column is compared with a date parameter.
    const column = field === 'startdate' ? 'start_date' : 'end_date';
    filters.push({ sql: `${column} ${op === 'GreaterThanEquals' ? '>=' : '<='} ?::date`, bindings: [utcDay(d)] });
  });
  if (problems.length > 0) throw new ApiError(problems);
  filters.sort((a, b) => (a.sql < b.sql ? -1 : a.sql > b.sql ? 1 : 0));
  return { accountId, filters };
}

/** Only the first OrderBy counts (searchinsertionorders.md); Id or Name, else 3031. */
function ioOrder(ordering: readonly OrderByInput[]): { column: 'id' | 'name'; descending: boolean } {
  const first = ordering[0];
  if (!first) return { column: 'id', descending: false };
  if (first.field !== 'Id' && first.field !== 'Name')
    throw new ApiError(problem(3031, `Ordering[0]: '${first.field ?? ''}' cannot be ordered by; use Id or Name.`));
  if (first.order !== null && first.order !== 'Ascending' && first.order !== 'Descending')
    throw new ApiError(problem(3031, 'Ordering[0]: order must be Ascending or Descending.'));
  return { column: first.field === 'Id' ? 'id' : 'name', descending: first.order === 'Descending' };
}

/** SearchInsertionOrders: one page of one of the user's accounts' orders, with status and budget as of now. */
export async function searchInsertionOrders(
  knex: Knex,
  p: Principal,
  input: SearchInsertionOrdersInput,
  now: Date,
): Promise<InsertionOrderView[]> {
  const { accountId, filters } = parseIoPredicates(input.predicates);
  if (accountId === null) throw new ApiError(problem(474, 'Predicates: an AccountId Equals predicate is required.'));
  const order = ioOrder(input.ordering);
  const page = paging(input.page);
  const account = await accessibleAccount(knex, p, accountId);
  const orders = await searchOrdersOfAccount(knex, account.id, filters, order, page);
  const spent = await spentOf(knex, orders, now);
  const today = utcDay(now);
  return orders.map((o) => viewOf(o, account, spent.get(o.id) ?? '0', today));
}

/**
 * Every order of the listed accounts of the user's customer (others are left out), each as SearchInsertionOrders
 * shows it (the same status and budget figures as of now), for the offers page; with whether each account is
 * invoice-billed.
 */
export async function insertionOrdersOfAccounts(
  knex: Knex,
  p: Principal,
  accountIds: readonly string[],
  now: Date,
): Promise<{ invoiceBilled: ReadonlyMap<string, boolean>; views: InsertionOrderView[] }> {
  const accounts = await ioAccountsOfCustomer(knex, p.customerId, accountIds);
  const orders = await ordersOfAccounts(knex, [...accounts.keys()]);
  const spent = await spentOf(knex, orders, now);
  const today = utcDay(now);
  return {
    invoiceBilled: new Map([...accounts.values()].map((a) => [a.id, a.invoiceBilled])),
    views: orders.map((o) => viewOf(o, accounts.get(o.accountId)!, spent.get(o.id) ?? '0', today)),
  };
}

export interface CreateOrderInput {
  account?: unknown;
  name?: unknown;
  amount?: unknown;
  start?: unknown;
  end?: unknown;
  po?: unknown;
}

/** A date of operator input: 'YYYY-MM-DD', or a strict ISO date-time whose UTC day counts. */
function operatorDay(v: unknown, what: string): string {
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) {
    const d = parseStrictDateTime(`${v}T00:00:00Z`);
    if (d) return utcDay(d);
  }
  const d = parseStrictDateTime(v);
  if (!d) throw new InputError(`${what} must be a date (2026-01-31) or an ISO 8601 date-time with a zone`);
  return utcDay(d);
}

function operatorText(v: unknown, what: string, max: number, required: boolean): string | null {
  if (v === undefined || v === null || (!required && v === '')) {
    if (required) throw new InputError(`${what} is required`);
    return null;
  }
  if (typeof v !== 'string' || v.trim() === '') throw new InputError(`${what} is required`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(v)) throw new InputError(`${what} must not contain control characters`);
  if (v.trim().length > max) throw new InputError(`${what} is longer than ${max} characters`);
  return v.trim();
}

/** `billing io create`: an order the advertiser must approve or decline (PendingUserReview). */
export async function createOperatorOrder(
  knex: Knex,
  input: CreateOrderInput,
  now: Date,
): Promise<{ id: string; status: IoStatus }> {
  const accountId = requireId(input.account, 'account');
  const name = operatorText(input.name, 'name', MAX_NAME, true);
  const po = operatorText(input.po, 'po', MAX_PURCHASE_ORDER, false);
  const startDate = operatorDay(input.start, 'start');
  const endDate = operatorDay(input.end, 'end');
  if (endDate <= startDate) throw new InputError('end must be later than start');
  return inTransaction(knex, async (tx) => {
    const account = await ioAccount(tx, accountId);
    if (!account) throw new NotFoundError(`account ${accountId} not found`);
    if (!account.invoiceBilled)
      throw new InputError(`account ${accountId} is not invoice-billed (billing account create … --invoice)`);
    let cap: number;
    try {
      cap = parseAmount(input.amount, account.currency);
    } catch (e) {
      if (!(e instanceof MoneyError)) throw e;
      throw new InputError(`amount: ${e.message}`);
    }
    await lockIoAccount(tx, account.id);
    const order = await insertOrder(tx, {
      accountId: account.id,
      name,
      comment: null,
      purchaseOrder: po,
      bookingCountryCode: null,
      referenceId: null,
      startDate,
      endDate,
      isEndless: false,
      isUnlimited: false,
      spendCapMinor: String(cap),
      notificationThreshold: null,
      status: 'PendingUserReview',
      createdBy: 'operator',
      userId: null,
      at: now,
    });
    return { id: order.id, status: order.status };
  });
}
