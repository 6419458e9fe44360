// Billing documents (SPEC §4a): month closes, the ledger sums and billed lines a close compares, issued documents,
// and their rendered files. Rows become domain values here; no snake_case leaves this module.
import type { Knex } from 'knex';
import type {
  DocumentContent,
  Figure,
  LedgerSum,
  LineKind,
  MonthLine,
  OfferFacts,
} from '../rules/billing-documents.ts';
import { OT } from './offers.ts';
import { T } from './tables.ts';

export const BT = {
  closes: 'billing_month_closes',
  counter: 'billing_document_counter',
  documents: 'billing_documents',
  documentAccounts: 'billing_document_accounts',
  lines: 'billing_document_lines',
  files: 'billing_document_files',
} as const;

/** The last month closed (YYYY-MM-01), or null before the first close. */
export async function lastClosedMonth(knex: Knex): Promise<string | null> {
  const { rows } = (await knex.raw(`SELECT max(month)::text AS month FROM ${BT.closes}`)) as {
    rows: { month: string | null }[];
  };
  return rows[0]?.month ?? null;
}

/** The instant of the first money entry (covered or charge) of the ledger, or null when there is none. */
export async function firstLedgerActivity(knex: Knex): Promise<Date | null> {
  const { rows } = (await knex.raw(
    `SELECT at FROM ${OT.ledger} WHERE kind IN ('covered', 'charge') ORDER BY at LIMIT 1`,
  )) as { rows: { at: Date }[] };
  return rows[0]?.at ?? null;
}

/**
 * Claims the close of `month` for this transaction: true when the row was inserted here. A concurrent close of the
 * same month waits on the uncommitted row, then finds it and gets false (exactly once across instances).
 */
export async function claimMonthClose(tx: Knex.Transaction, month: string, now: Date): Promise<boolean> {
  const { rows } = (await tx.raw(
    `INSERT INTO ${BT.closes} (month, documents, closed_at) VALUES (?::date, 0, ?)
     ON CONFLICT (month) DO NOTHING RETURNING month`,
    [month, now],
  )) as { rows: unknown[] };
  return rows.length === 1;
}

export async function recordMonthDocuments(tx: Knex.Transaction, month: string, count: number): Promise<void> {
  await tx(BT.closes).where({ month }).update({ documents: count });
}

/** Sums of the effective ledger (reversals included, negative) per account, UTC month, kind and offer, before `end`. */
export async function ledgerSumsBefore(tx: Knex.Transaction, end: Date): Promise<LedgerSum[]> {
  const { rows } = (await tx.raw(
    `SELECT account_id, to_char(date_trunc('month', at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS period, kind, coupon_id,
            sum(amount_minor)::text AS amount
       FROM ${OT.ledger}
      WHERE kind IN ('covered', 'charge') AND at < ?
      GROUP BY 1, 2, 3, 4`,
    [end],
  )) as {
    rows: {
      account_id: string;
      period: string;
      kind: 'covered' | 'charge';
      coupon_id: string | null;
      amount: string;
    }[];
  };
  return rows.map((r) => ({
    accountId: String(r.account_id),
    period: r.period,
    kind: r.kind,
    couponId: r.coupon_id === null ? null : String(r.coupon_id),
    amountMinor: BigInt(r.amount),
  }));
}

/** What issued documents billed, per account, month, kind and offer, for months before `month`. */
export async function billedBefore(tx: Knex.Transaction, month: string): Promise<Figure[]> {
  const { rows } = (await tx.raw(
    `SELECT account_id, period::text AS period, kind, coupon_id, sum(amount_minor)::text AS amount
       FROM ${BT.lines} WHERE period < ?::date GROUP BY 1, 2, 3, 4`,
    [month],
  )) as { rows: { account_id: string; period: string; kind: LineKind; coupon_id: string | null; amount: string }[] };
  return rows.map((r) => ({
    accountId: String(r.account_id),
    period: r.period,
    kind: r.kind,
    couponId: r.coupon_id === null ? null : String(r.coupon_id),
    amountMinor: BigInt(r.amount),
  }));
}

/** An account as a document shows it, with its customer and its billing group, if any. */
export interface BillableAccount {
  readonly id: string;
  readonly number: string;
  readonly currency: string;
  readonly customerId: string;
  readonly customerName: string;
  readonly group: { readonly id: string; readonly name: string } | null;
}

export async function billableAccounts(tx: Knex.Transaction, ids: readonly string[]): Promise<BillableAccount[]> {
  if (ids.length === 0) return [];
  const rows = (await tx(`${T.accounts} as a`)
    .join(`${T.customers} as c`, 'c.id', 'a.customer_id')
    .leftJoin('billing_group_accounts as m', 'm.account_id', 'a.id')
    .leftJoin('billing_groups as g', 'g.id', 'm.group_id')
    .whereIn('a.id', ids)
    .orderBy('a.id')
    .select(
      'a.id',
      'a.number',
      'a.currency',
      'a.customer_id',
      'c.name as customer_name',
      'g.id as group_id',
      'g.name as group_name',
    )) as {
    id: string;
    number: string;
    currency: string;
    customer_id: string;
    customer_name: string;
    group_id: string | null;
    group_name: string | null;
  }[];
  return rows.map((r) => ({
    id: String(r.id),
    number: r.number,
    currency: r.currency.trim(),
    customerId: String(r.customer_id),
    customerName: r.customer_name,
    group: r.group_id === null ? null : { id: String(r.group_id), name: r.group_name ?? '' },
  }));
}

/** Code and class name of the offers (coupons) of credit lines. */
export async function offerFacts(tx: Knex.Transaction, couponIds: readonly string[]): Promise<Map<string, OfferFacts>> {
  const out = new Map<string, OfferFacts>();
  if (couponIds.length === 0) return out;
  const rows = (await tx(T.coupons).whereIn('id', couponIds).select('id', 'code', 'class_name')) as {
    id: string;
    code: string;
    class_name: string;
  }[];
  for (const r of rows) out.set(String(r.id), { couponCode: r.code, className: r.class_name });
  return out;
}

/**
 * The PurchaseOrder of each account's insertion order for the month: among the orders the advertiser approved
 * (not PendingUserReview, Declined or Canceled) whose dates overlap the month and that carry a PurchaseOrder, the
 * one starting last (then the newest). Accounts without one are absent.
 */
export async function purchaseOrdersOf(
  tx: Knex.Transaction,
  accountIds: readonly string[],
  from: Date,
  to: Date,
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (accountIds.length === 0) return out;
  const { rows } = (await tx.raw(
    `SELECT DISTINCT ON (account_id) account_id, purchase_order
       FROM insertion_orders
      WHERE account_id IN (${accountIds.map(() => '?').join(',')})
        AND purchase_order IS NOT NULL AND purchase_order <> ''
        AND status NOT IN ('PendingUserReview', 'Declined', 'Canceled')
        AND start_date < ?::date AND (end_date IS NULL OR end_date >= ?::date)
      ORDER BY account_id, start_date DESC, id DESC`,
    [...accountIds, to.toISOString().slice(0, 10), from.toISOString().slice(0, 10)],
  )) as { rows: { account_id: string; purchase_order: string }[] };
  for (const r of rows) out.set(String(r.account_id), r.purchase_order);
  return out;
}

/**
 * Allocates `count` consecutive document numbers in this transaction and returns the first (the counter row stays
 * locked until the transaction ends, so numbers are gap-free and never reused).
 */
export async function allocateDocumentNumbers(tx: Knex.Transaction, count: number): Promise<bigint> {
  const { rows } = (await tx.raw(
    `UPDATE ${BT.counter} SET last_number = last_number + ? WHERE id = 1 RETURNING (last_number - ? + 1)::text AS n`,
    [count, count],
  )) as { rows: { n: string }[] };
  return BigInt(rows[0]!.n);
}

/** `count` new document ids, ascending. */
export async function nextDocumentIds(tx: Knex.Transaction, count: number): Promise<string[]> {
  if (count === 0) return [];
  const { rows } = (await tx.raw(
    `SELECT nextval(pg_get_serial_sequence('${BT.documents}', 'id'))::text AS id FROM generate_series(1, ?)`,
    [count],
  )) as { rows: { id: string }[] };
  return rows.map((r) => r.id).sort((x, y) => (BigInt(x) < BigInt(y) ? -1 : 1));
}

export interface NewDocument {
  readonly id: string;
  readonly number: bigint;
  readonly customerId: string;
  readonly accountId: string | null;
  readonly groupId: string | null;
  readonly month: string;
  readonly content: DocumentContent;
  readonly lines: readonly MonthLine[];
}

async function insertChunked(
  tx: Knex.Transaction,
  table: string,
  rows: readonly Record<string, unknown>[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) await tx(table).insert(rows.slice(i, i + 500));
}

/** Stores issued documents with the accounts they bill and their money lines, a few statements for all. */
export async function insertDocuments(tx: Knex.Transaction, docs: readonly NewDocument[]): Promise<void> {
  await insertChunked(
    tx,
    BT.documents,
    docs.map((d) => ({
      id: d.id,
      number: d.number.toString(),
      customer_id: d.customerId,
      account_id: d.accountId,
      group_id: d.groupId,
      currency: d.content.currency,
      month: d.month,
      document_date: new Date(d.content.documentDate),
      amount_minor: d.content.totals.amountMinor,
      content: JSON.stringify(d.content),
    })),
  );
  await insertChunked(
    tx,
    BT.documentAccounts,
    docs.flatMap((d) => d.content.accounts.map((a) => ({ document_id: d.id, account_id: a.id }))),
  );
  await insertChunked(
    tx,
    BT.lines,
    docs.flatMap((d) =>
      d.lines.map((l) => ({
        document_id: d.id,
        account_id: l.accountId,
        period: l.period,
        kind: l.kind,
        coupon_id: l.couponId,
        amount_minor: l.amountMinor.toString(),
      })),
    ),
  );
}

/** Number and customer of each of the accounts that exist. */
export async function accountOwners(
  knex: Knex,
  ids: readonly string[],
): Promise<Map<string, { number: string; customerId: string }>> {
  const rows = (await knex(T.accounts).whereIn('id', ids).select('id', 'number', 'customer_id')) as {
    id: string;
    number: string;
    customer_id: string;
  }[];
  return new Map(rows.map((r) => [String(r.id), { number: r.number, customerId: String(r.customer_id) }]));
}

/** A document as listed (GetBillingDocumentsInfo, billing documents). */
export interface DocumentSummary {
  readonly id: string;
  readonly number: string;
  readonly customerId: string;
  readonly currency: string;
  readonly documentDate: Date;
  readonly amountMinor: string;
  /** The accounts it bills, lowest id first. */
  readonly accountIds: readonly string[];
}

interface DocumentRow {
  id: string;
  number: string;
  customer_id: string;
  currency: string;
  document_date: Date;
  amount_minor: string;
  account_ids: string[];
}

const summary = (r: DocumentRow): DocumentSummary => ({
  id: String(r.id),
  number: String(r.number),
  customerId: String(r.customer_id),
  currency: r.currency.trim(),
  documentDate: r.document_date,
  amountMinor: String(r.amount_minor),
  accountIds: r.account_ids.map(String),
});

const SUMMARY_SQL = `SELECT d.id, d.number, d.customer_id, d.currency, d.document_date, d.amount_minor,
    (SELECT array_agg(x.account_id::text ORDER BY x.account_id) FROM ${BT.documentAccounts} x WHERE x.document_id = d.id)
      AS account_ids
  FROM ${BT.documents} d`;

/** Documents billing any of the accounts, dated in [from, to), oldest first. */
export async function documentsOfAccounts(
  knex: Knex,
  accountIds: readonly string[],
  from: Date | null,
  to: Date | null,
): Promise<DocumentSummary[]> {
  if (accountIds.length === 0) return [];
  const { rows } = (await knex.raw(
    `${SUMMARY_SQL}
      WHERE d.id IN (SELECT document_id FROM ${BT.documentAccounts} WHERE account_id IN (${accountIds.map(() => '?').join(',')}))
        AND (?::timestamptz IS NULL OR d.document_date >= ?) AND (?::timestamptz IS NULL OR d.document_date < ?)
      ORDER BY d.document_date, d.number`,
    [...accountIds, from, from, to, to],
  )) as { rows: DocumentRow[] };
  return rows.map(summary);
}

/** The customer's documents among `ids`, with their content. */
export async function documentsOfCustomer(
  knex: Knex,
  customerId: string,
  ids: readonly string[],
): Promise<Map<string, { summary: DocumentSummary; content: DocumentContent }>> {
  const out = new Map<string, { summary: DocumentSummary; content: DocumentContent }>();
  if (ids.length === 0) return out;
  const { rows } = (await knex.raw(
    `SELECT s.*, d2.content FROM (${SUMMARY_SQL} WHERE d.customer_id = ? AND d.id IN (${ids.map(() => '?').join(',')})) s
       JOIN ${BT.documents} d2 ON d2.id = s.id`,
    [customerId, ...ids],
  )) as { rows: (DocumentRow & { content: DocumentContent })[] };
  for (const r of rows) out.set(String(r.id), { summary: summary(r), content: r.content });
  return out;
}

export type FileType = 'Pdf' | 'Xml';

export async function storedFile(knex: Knex, documentId: string, type: FileType): Promise<Buffer | null> {
  const row = (await knex(BT.files).where({ document_id: documentId, type }).first('data')) as
    { data: Uint8Array } | undefined;
  // node-postgres gives a Buffer, PGlite a plain Uint8Array.
  return row ? Buffer.from(row.data) : null;
}

/** Stores a rendering unless one is already there; returns the stored bytes (the first rendering wins). */
export async function storeFile(knex: Knex, documentId: string, type: FileType, data: Buffer): Promise<Buffer> {
  await knex.raw(`INSERT INTO ${BT.files} (document_id, type, data) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`, [
    documentId,
    type,
    data,
  ]);
  return (await storedFile(knex, documentId, type)) ?? data;
}
