// AddInsertionOrder, UpdateInsertionOrder, SearchInsertionOrders: request → service → response values.
import { fromMinor } from '../../money.ts';
import {
  addInsertionOrder,
  searchInsertionOrders,
  updateInsertionOrder,
  type InsertionOrderInput,
  type InsertionOrderView,
  type IoFieldsInput,
} from '../../services/insertion-orders.ts';
import { str, type OperationHandler } from '../context.ts';
import { searchInputOf } from './search-input.ts';
import type { DObject } from '../xml-decode.ts';
import type { XObject } from '../xml-writer.ts';

const date = (v: unknown): Date | null => (v instanceof Date ? v : null);
const bool = (v: unknown): boolean | null => (typeof v === 'boolean' ? v : null);

function fieldsOf(o: DObject): IoFieldsInput {
  return {
    name: str(o.Name),
    comment: str(o.Comment),
    purchaseOrder: str(o.PurchaseOrder),
    referenceId: str(o.ReferenceId),
    startDate: date(o.StartDate),
    endDate: date(o.EndDate),
    spendCapAmount: str(o.SpendCapAmount),
    notificationThreshold: str(o.NotificationThreshold),
  };
}

function orderInput(v: unknown): InsertionOrderInput {
  const o = (v ?? {}) as DObject;
  const pending = o.PendingChanges as DObject | null | undefined;
  return {
    ...fieldsOf(o),
    id: str(o.Id),
    accountId: str(o.AccountId),
    bookingCountryCode: str(o.BookingCountryCode),
    isUnlimited: bool(o.IsUnlimited),
    isEndless: bool(o.IsEndless),
    status: str(o.Status),
    pendingChanges: pending ? { ...fieldsOf(pending), changeStatus: str(pending.ChangeStatus) } : null,
  };
}

const dayTime = (day: string | null): Date | null => (day === null ? null : new Date(`${day}T00:00:00Z`));

function orderValue(v: InsertionOrderView, flags: boolean): XObject {
  const o = v.order;
  const money = (minor: string | null): string | null => (minor === null ? null : fromMinor(minor, v.currency));
  const c = o.pending;
  return {
    AccountId: o.accountId,
    BookingCountryCode: o.bookingCountryCode,
    Comment: o.comment,
    EndDate: dayTime(o.endDate),
    Id: o.id,
    LastModifiedByUserId: o.lastModifiedByUserId,
    LastModifiedTime: o.lastModifiedAt,
    NotificationThreshold: o.notificationThreshold,
    ReferenceId: o.referenceId,
    SpendCapAmount: o.isUnlimited ? null : money(o.spendCapMinor),
    StartDate: dayTime(o.startDate),
    Name: o.name,
    Status: v.status,
    PurchaseOrder: o.purchaseOrder,
    PendingChanges: c
      ? {
          Comment: c.comment,
          EndDate: dayTime(c.endDate),
          RequestedByUserId: c.requestedByUserId,
          ModifiedDateTime: c.modifiedAt,
          NotificationThreshold: c.notificationThreshold,
          ReferenceId: c.referenceId,
          SpendCapAmount: money(c.spendCapMinor),
          StartDate: dayTime(c.startDate),
          Name: c.name,
          PurchaseOrder: c.purchaseOrder,
          ChangeStatus: c.changeStatus,
        }
      : null,
    AccountNumber: v.accountNumber,
    BudgetRemaining: v.budget ? money(v.budget.remainingMinor) : null,
    BudgetSpent: v.budget ? money(v.budget.spentMinor) : null,
    BudgetRemainingPercent: v.budget?.remainingPercent ?? null,
    BudgetSpentPercent: v.budget?.spentPercent ?? null,
    SeriesName: null,
    IsInSeries: false,
    SeriesFrequencyType: null,
    IsUnlimited: flags ? o.isUnlimited : undefined,
    IsEndless: flags ? o.isEndless : undefined,
  };
}

export const addInsertionOrderHandler: OperationHandler = async (ctx, req) => {
  const r = await addInsertionOrder(ctx.knex, ctx.principal, orderInput(req.InsertionOrder), ctx.now);
  return { InsertionOrderId: r.id, CreateTime: r.createTime };
};

export const updateInsertionOrderHandler: OperationHandler = async (ctx, req) => {
  const r = await updateInsertionOrder(ctx.knex, ctx.principal, orderInput(req.InsertionOrder), ctx.now);
  return { LastModifiedTime: r.lastModifiedTime };
};

export const searchInsertionOrdersHandler: OperationHandler = async (ctx, req) => {
  const fields = req.ReturnAdditionalFields;
  const views = await searchInsertionOrders(ctx.knex, ctx.principal, searchInputOf(req), ctx.now);
  const flags = Array.isArray(fields) && fields.includes('UnlimitedAndEndlessFlags');
  return { InsertionOrders: { InsertionOrder: views.map((v) => orderValue(v, flags)) } };
};
