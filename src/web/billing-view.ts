// What the Billing section says about an account: its insertion orders (status, dates, PurchaseOrder and a bar of
// BudgetSpent against SpendCapAmount) and its billing documents with their download links. A pure function of what
// the billing-page service read.
import type { AccountBilling, IoStatus } from '../services/billing-page.ts';
import { orderAmount } from '../services/billing-page.ts';
import { dayText, money } from './format.ts';
import type { Bar } from './offer-view.ts';

/** Status words after Microsoft's InsertionOrderStatus values, in plain English. */
export const IO_STATUS_LABEL: Readonly<Record<IoStatus, string>> = {
  Active: 'Active',
  Canceled: 'Canceled',
  Declined: 'Declined',
  Exhausted: 'Budget used up',
  Expired: 'Ended',
  NotStarted: 'Not started',
  PendingUserReview: 'Awaiting your review',
  Queued: 'Queued',
};

export interface OrderCard {
  readonly id: string;
  readonly name: string;
  readonly status: IoStatus;
  readonly statusLabel: string;
  readonly startText: string;
  /** "no end date" for an endless order. */
  readonly endText: string;
  readonly startIso: string;
  readonly endIso: string | null;
  readonly purchaseOrder: string | null;
  readonly budget: Bar | null;
}

export interface DocumentRow {
  readonly id: string;
  readonly number: string;
  readonly date: string;
  readonly dateIso: string;
  readonly amount: string;
  readonly href: string;
}

export interface BillingView {
  readonly invoiceBilled: boolean;
  readonly orders: readonly OrderCard[];
  readonly documents: readonly DocumentRow[];
}

export const documentHref = (id: string): string => `/offers/documents/${id}/pdf`;

export function billingView(b: AccountBilling, currency: string): BillingView {
  return {
    invoiceBilled: b.invoiceBilled,
    orders: b.orders.map((o) => {
      const spent = orderAmount(o.spentMinor, currency);
      const budget: Bar | null =
        o.capMinor === null
          ? null
          : {
              label: 'Budget spent',
              value: spent,
              max: orderAmount(o.capMinor, currency),
              text:
                `${money(Number(o.spentMinor), currency)} of ${money(Number(o.capMinor), currency)} spent, ` +
                `${money(Number(o.remainingMinor ?? '0'), currency)} remaining`,
            };
      return {
        id: o.id,
        name: o.name ?? `Insertion order ${o.id}`,
        status: o.status,
        statusLabel: IO_STATUS_LABEL[o.status],
        startText: dayText(o.startDate),
        endText: o.endDate === null ? 'no end date' : dayText(o.endDate),
        startIso: o.startDate,
        endIso: o.endDate,
        purchaseOrder: o.purchaseOrder,
        budget,
      };
    }),
    documents: b.documents.map((d) => ({
      id: d.id,
      number: d.number,
      date: dayText(d.documentDate),
      dateIso: d.documentDate.toISOString(),
      amount: money(d.amountMinor, d.currency),
      href: documentHref(d.id),
    })),
  };
}
