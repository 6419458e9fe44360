// The month close (SPEC §4a): when a UTC month has ended on the service clock, every account with activity, or
// its billing group, gets one immutable document. Run from the periodic sweep of every instance: each month is
// closed in one transaction that first claims the month's row in billing_month_closes, so exactly one instance
// issues its documents; numbers come from a counter row updated in that same transaction, so they are gap-free
// and never reused (a rolled-back close gives its numbers back with everything else).
import type { Knex } from 'knex';
import type { Logger } from '../log.ts';
import {
  accountsWithActivity,
  buildDocument,
  figuresFromLedger,
  monthLines,
  monthStart,
  monthsToClose,
  nextMonth,
  type DocumentParty,
  type MonthLine,
} from '../rules/billing-documents.ts';
import {
  allocateDocumentNumbers,
  billableAccounts,
  billedBefore,
  claimMonthClose,
  firstLedgerActivity,
  insertDocuments,
  lastClosedMonth,
  ledgerSumsBefore,
  nextDocumentIds,
  offerFacts,
  purchaseOrdersOf,
  recordMonthDocuments,
  type BillableAccount,
  type NewDocument,
} from '../repositories/billing-documents.ts';
import { inTransaction } from '../repositories/transaction.ts';

/** Closes every month that has ended by `now` and is not closed yet; returns how many documents were issued. */
export async function closeBillingMonths(knex: Knex, now: Date): Promise<number> {
  const last = await lastClosedMonth(knex);
  const months = monthsToClose(last, last === null ? await firstLedgerActivity(knex) : null, now);
  let issued = 0;
  for (const month of months) {
    try {
      issued += (await inTransaction(knex, (tx) => closeMonth(tx, month, now))) ?? 0;
    } catch (e) {
      // Another instance holds the month's row for longer than lock_timeout: it is closing the month; the next
      // tick finds it closed.
      if ((e as { code?: unknown }).code === LOCK_NOT_AVAILABLE) break;
      throw e;
    }
  }
  return issued;
}

const LOCK_NOT_AVAILABLE = '55P03';

/** The sweep's step: closes due months; a failure is logged and retried on the next tick. */
export async function closeMonthsLogged(knex: Knex, now: Date, log: Logger): Promise<void> {
  try {
    const documents = await closeBillingMonths(knex, now);
    if (documents > 0) log.info('billing month close', { documents });
  } catch (e) {
    log.warn('billing month close failed', { error: e instanceof Error ? e.message : String(e) });
  }
}

interface Party {
  readonly accounts: BillableAccount[];
  readonly group: BillableAccount['group'];
}

/** Issues the documents of `month`, or returns null when another instance closed (or is closing) it. */
async function closeMonth(tx: Knex.Transaction, month: string, now: Date): Promise<number | null> {
  if (!(await claimMonthClose(tx, month, now))) return null;
  const known = figuresFromLedger(await ledgerSumsBefore(tx, monthStart(nextMonth(month))));
  const lines = monthLines(month, known, await billedBefore(tx, month));
  const accounts = await billableAccounts(tx, accountsWithActivity(lines));
  // One document per account, or per billing group for grouped accounts (consolidated), in account id order.
  const parties = new Map<string, Party>();
  for (const a of accounts) {
    const key = a.group ? `g${a.group.id}` : `a${a.id}`;
    const party = parties.get(key) ?? { accounts: [], group: a.group };
    party.accounts.push(a);
    parties.set(key, party);
  }
  const offers = await offerFacts(tx, [...new Set(lines.flatMap((l) => (l.couponId ? [l.couponId] : [])))]);
  const purchaseOrders = await purchaseOrdersOf(
    tx,
    accounts.map((a) => a.id),
    monthStart(month),
    monthStart(nextMonth(month)),
  );
  const list = [...parties.values()];
  const ids = await nextDocumentIds(tx, list.length);
  const firstNumber = list.length > 0 ? await allocateDocumentNumbers(tx, list.length) : 0n;
  const linesOf = new Map<string, MonthLine[]>();
  for (const l of lines) linesOf.set(l.accountId, [...(linesOf.get(l.accountId) ?? []), l]);
  const docs: NewDocument[] = list.map((party, i) => {
    const own: MonthLine[] = party.accounts.flatMap((a) => linesOf.get(a.id) ?? []);
    const first = party.accounts[0]!;
    const facts: DocumentParty = {
      customer: { id: first.customerId, name: first.customerName },
      group: party.group,
      currency: first.currency,
      accounts: party.accounts.map((a) => ({
        id: a.id,
        number: a.number,
        purchaseOrder: purchaseOrders.get(a.id) ?? null,
      })),
    };
    const id = ids[i]!;
    const number = firstNumber + BigInt(i);
    return {
      id,
      number,
      customerId: first.customerId,
      accountId: party.group ? null : first.id,
      groupId: party.group?.id ?? null,
      month,
      content: buildDocument({ documentId: id, number, month, party: facts }, own, offers),
      lines: own,
    };
  });
  await insertDocuments(tx, docs);
  await recordMonthDocuments(tx, month, parties.size);
  return parties.size;
}
