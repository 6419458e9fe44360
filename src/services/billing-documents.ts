// GetBillingDocumentsInfo, GetBillingDocuments and `billing documents` (SPEC §4a): issued documents listed by
// account and date, and returned as PDF or XML. The first rendering of each document and type is stored, so a
// repeat returns the same bytes, whatever changes in the renderer later.
import type { Knex } from 'knex';
import { AdApiError, ApiError, problem } from '../errors.ts';
import { fromMinor } from '../money.ts';
import { decideDocumentRange, documentNumber } from '../rules/billing-documents.ts';
import {
  accountOwners,
  documentsOfAccounts,
  documentsOfCustomer,
  storedFile,
  storeFile,
  type FileType,
} from '../repositories/billing-documents.ts';
import type { Principal } from './auth.ts';
import { renderInvoicePdf } from './invoice-pdf.ts';
import { renderInvoiceXml } from './invoice-xml.ts';
import { findAccount } from './operator.ts';

/** At most this many documents per GetBillingDocuments (getbillingdocuments.md). */
export const MAX_DOCUMENTS = 25;
/** At most this many AccountIds per GetBillingDocumentsInfo (our limit; the page names none). */
export const MAX_INFO_ACCOUNTS = 1000;

export interface BillingDocumentInfoView {
  readonly accountId: string;
  readonly accountNumber: string;
  /** Decimal text of the amount (cash charged, adjustments included). */
  readonly amount: string;
  readonly currency: string;
  readonly documentDate: Date;
  readonly documentId: string;
  readonly customerId: string;
  /** Null unless asked for (ReturnInvoiceNumber). */
  readonly documentNumber: string | null;
}

/**
 * The documents of the listed accounts dated from StartDate to EndDate (UTC dates, both included; EndDate nil:
 * today). Each account must exist (2108) and be the caller's (106). A group document is listed once, under the
 * first listed account it bills.
 */
export async function getBillingDocumentsInfo(
  knex: Knex,
  p: Principal,
  input: {
    accountIds: readonly string[] | null;
    startDate: Date | null;
    endDate: Date | null;
    returnInvoiceNumber: boolean;
  },
  now: Date,
): Promise<BillingDocumentInfoView[]> {
  const n = input.accountIds?.length ?? 0;
  if (n === 0) throw ApiError.of(3087, 'AccountIds is null or empty.');
  if (n > MAX_INFO_ACCOUNTS)
    throw ApiError.of(3024, `AccountIds has ${n} items; at most ${MAX_INFO_ACCOUNTS} are allowed.`);
  if (!input.startDate) throw ApiError.of(201, 'StartDate is required.');
  const range = decideDocumentRange(input.startDate, input.endDate, now);
  if (range.kind === 'refuse') throw ApiError.of(4600, 'StartDate is later than EndDate.');
  const ids = [...new Set(input.accountIds!.map((id) => BigInt(id).toString()))];
  const accounts = await accountOwners(knex, ids);
  for (const id of ids) {
    const a = accounts.get(id);
    if (!a) throw ApiError.of(2108, `Account ${id} does not exist.`);
    if (a.customerId !== p.customerId) throw new AdApiError(106);
  }
  const docs = await documentsOfAccounts(knex, ids, range.from, range.to);
  return docs.map((d) => {
    const accountId = ids.find((id) => d.accountIds.includes(id))!;
    return {
      accountId,
      accountNumber: accounts.get(accountId)!.number,
      amount: fromMinor(d.amountMinor, d.currency),
      currency: d.currency,
      documentDate: d.documentDate,
      documentId: d.id,
      customerId: d.customerId,
      documentNumber: input.returnInvoiceNumber ? documentNumber(d.number) : null,
    };
  });
}

export interface BillingDocumentFile {
  readonly id: string;
  readonly number: string;
  readonly type: FileType;
  readonly data: Buffer;
}

/**
 * The documents named by DocumentId (and CustomerId, which must be the caller's: 106), in request order, as PDF or
 * XML. Every id must be one of the customer's documents (4601, naming it); at most 25 (3024).
 */
export async function getBillingDocuments(
  knex: Knex,
  p: Principal,
  input: { infos: readonly { customerId: string | null; documentId: string | null }[] | null; type: FileType | null },
): Promise<BillingDocumentFile[]> {
  const n = input.infos?.length ?? 0;
  if (n === 0) throw ApiError.of(3087, 'BillingDocumentsInfo is null or empty.');
  if (n > MAX_DOCUMENTS)
    throw ApiError.of(3024, `BillingDocumentsInfo has ${n} items; at most ${MAX_DOCUMENTS} are allowed.`);
  if (!input.type) throw ApiError.of(201, 'Type is required.');
  const ids: string[] = [];
  for (const [i, info] of input.infos!.entries()) {
    if (info.customerId !== null && BigInt(info.customerId).toString() !== p.customerId) throw new AdApiError(106);
    if (info.documentId === null) throw ApiError.of(201, `BillingDocumentsInfo[${i}]: DocumentId is required.`);
    ids.push(BigInt(info.documentId).toString());
  }
  const docs = await documentsOfCustomer(knex, p.customerId, [...new Set(ids)]);
  const missing = ids.filter((id) => !docs.has(id));
  if (missing.length > 0) throw new ApiError([...new Set(missing)].map((id) => problem(4601, `DocumentId ${id}.`)));
  const out: BillingDocumentFile[] = [];
  for (const id of ids) {
    const { summary, content } = docs.get(id)!;
    let data = await storedFile(knex, id, input.type);
    if (!data) {
      const rendered = input.type === 'Pdf' ? await renderInvoicePdf(content) : renderInvoiceXml(content);
      data = await storeFile(knex, id, input.type, rendered);
    }
    out.push({ id, number: documentNumber(summary.number), type: input.type, data });
  }
  return out;
}

/** `billing documents --account ID` → [{"id","number","date","amount"}], oldest first. */
export async function listAccountDocuments(
  knex: Knex,
  accountId: unknown,
): Promise<{ id: string; number: string; date: string; amount: string }[]> {
  const account = await findAccount(knex, accountId);
  const docs = await documentsOfAccounts(knex, [String(account.id)], null, null);
  return docs.map((d) => ({
    id: d.id,
    number: documentNumber(d.number),
    date: d.documentDate.toISOString(),
    amount: fromMinor(d.amountMinor, d.currency),
  }));
}
