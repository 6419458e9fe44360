// The reads behind the /offers page's Billing section: each account's insertion orders as SearchInsertionOrders
// gives them (status, dates, PurchaseOrder, BudgetSpent against SpendCapAmount as of now), its billing documents as
// GetBillingDocumentsInfo lists them, and one document's PDF as GetBillingDocuments returns it. Going through those
// services keeps the page and the API from ever disagreeing, visibility rules included.
import type { Knex } from 'knex';
import { ApiError } from '../errors.ts';
import { fromMinor, toMinor } from '../money.ts';
import type { IoStatus } from '../rules/insertion-orders.ts';
import type { Principal } from './auth.ts';
import {
  getBillingDocuments,
  getBillingDocumentsInfo,
  MAX_INFO_ACCOUNTS,
  type BillingDocumentInfoView,
} from './billing-documents.ts';
import { insertionOrdersOfAccounts, type InsertionOrderView } from './insertion-orders.ts';

export type { IoStatus } from '../rules/insertion-orders.ts';

export interface PageInsertionOrder {
  readonly id: string;
  readonly name: string | null;
  readonly status: IoStatus;
  /** UTC days, YYYY-MM-DD; endDate null for an endless order. */
  readonly startDate: string;
  readonly endDate: string | null;
  readonly purchaseOrder: string | null;
  /** BudgetSpent and SpendCapAmount in minor units of the account's currency; no cap for an unlimited order. */
  readonly spentMinor: string;
  readonly capMinor: string | null;
  readonly remainingMinor: string | null;
}

export interface PageBillingDocument {
  readonly id: string;
  readonly number: string;
  readonly documentDate: Date;
  /** Decimal text, as GetBillingDocumentsInfo's Amount. */
  readonly amount: string;
  /** The same in minor units (negative for a document that pays back). */
  readonly amountMinor: number;
  readonly currency: string;
}

export interface AccountBilling {
  /** Invoice-billed accounts hold insertion orders; prepaid ones (the default) never do. */
  readonly invoiceBilled: boolean;
  readonly orders: readonly PageInsertionOrder[];
  readonly documents: readonly PageBillingDocument[];
}

const EPOCH = new Date(0);

const signedMinor = (text: string, currency: string): number =>
  text.startsWith('-') ? -toMinor(text.slice(1), currency) : toMinor(text, currency);

function pageOrder(v: InsertionOrderView): PageInsertionOrder {
  return {
    id: v.order.id,
    name: v.order.name,
    status: v.status,
    startDate: v.order.startDate,
    endDate: v.order.endDate,
    purchaseOrder: v.order.purchaseOrder,
    spentMinor: v.budget?.spentMinor ?? '0',
    capMinor: v.budget ? v.order.spendCapMinor : null,
    remainingMinor: v.budget?.remainingMinor ?? null,
  };
}

/**
 * Orders and documents (oldest first) of each of the listed accounts, which must be the user's. A few queries for
 * the whole page, whatever the number of accounts. A billing group's document is listed once, under the first of
 * its accounts in the list, as GetBillingDocumentsInfo lists it.
 */
export async function billingOfAccounts(
  knex: Knex,
  p: Principal,
  accountIds: readonly string[],
  now: Date,
): Promise<Map<string, AccountBilling>> {
  const { invoiceBilled, views } = await insertionOrdersOfAccounts(knex, p, accountIds, now);
  const docs: BillingDocumentInfoView[] = [];
  for (let i = 0; i < accountIds.length; i += MAX_INFO_ACCOUNTS) {
    const ids = accountIds.slice(i, i + MAX_INFO_ACCOUNTS);
    const input = { accountIds: ids, startDate: EPOCH, endDate: null, returnInvoiceNumber: true };
    docs.push(...(await getBillingDocumentsInfo(knex, p, input, now)));
  }
  const out = new Map<
    string,
    { invoiceBilled: boolean; orders: PageInsertionOrder[]; documents: PageBillingDocument[] }
  >();
  for (const id of accountIds)
    out.set(id, { invoiceBilled: invoiceBilled.get(id) ?? false, orders: [], documents: [] });
  for (const v of views) out.get(v.order.accountId)?.orders.push(pageOrder(v));
  for (const d of docs)
    out.get(d.accountId)?.documents.push({
      id: d.documentId,
      number: d.documentNumber ?? '',
      documentDate: d.documentDate,
      amount: d.amount,
      amountMinor: signedMinor(d.amount, d.currency),
      currency: d.currency,
    });
  return out;
}

/** The minor units of an order figure as decimal text in the account's currency. */
export const orderAmount = (minor: string, currency: string): string => fromMinor(minor, currency);

/**
 * One document's PDF exactly as GetBillingDocuments returns it, or null when the id is not one of the user's
 * customer's documents (GetBillingDocuments' 4601) or is no document id at all.
 */
export async function documentPdf(
  knex: Knex,
  p: Principal,
  documentId: string,
): Promise<{ number: string; data: Buffer } | null> {
  if (!/^[1-9]\d{0,17}$/.test(documentId)) return null;
  try {
    const [file] = await getBillingDocuments(knex, p, {
      infos: [{ customerId: null, documentId }],
      type: 'Pdf',
    });
    return file ? { number: file.number, data: file.data } : null;
  } catch (e) {
    if (e instanceof ApiError && e.problems.every((x) => x.code === 4601)) return null;
    throw e;
  }
}
