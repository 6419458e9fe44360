// One account's month on a fresh database, end to end, and the text of its PDF invoice:
//   DATABASE_URL=… npm run sample-invoice      (a fresh database on that server, dropped after; none: PGlite)
// March 2026 for an invoice account of Contoso Coffee: an Active "Spend 100, get 50" offer whose threshold is
// crossed in March (its credit covers part of the spend), an insertion order with PurchaseOrder PO-2026-031 whose
// 50 % NotificationThreshold is crossed in March (the email is queued), and spend reported in March for February,
// a month already closed (an adjustment line). The months close on the test clock, as the periodic sweep would
// close them; the script prints the queued email's subject and the pdftotext text of March's invoice.
import { pathToFileURL } from 'node:url';
import { closeBillingMonths } from '../src/services/billing-close.ts';
import { IO_THRESHOLD_EMAIL, sweepInsertionOrders } from '../src/services/insertion-order-sweep.ts';
import { T } from '../src/repositories/tables.ts';
import { startTestApp, type TestApp } from '../test/support/app.ts';
import { documentsOf, pdfText } from '../test/support/billing-documents.ts';
import { callNodeSoap } from '../test/support/clients.ts';
import { resetClock, setClock } from '../test/support/clock.ts';
import { makeAccount, makeCouponClass, makeCustomer, makeUser, mint } from '../test/support/factories.ts';
import { redeemRaw } from '../test/support/instances.ts';
import { headersOf, list, resultOf, type Rec } from '../test/support/soap.ts';

export interface SampleInvoice {
  /** The pdftotext (-layout) text of March 2026's invoice. */
  readonly text: string;
  readonly documentNumber: string;
  /** The insertion-order threshold emails queued, as "to: subject". */
  readonly emails: readonly string[];
}

async function spend(t: TestApp, account: string, amount: string, at: string): Promise<void> {
  await setClock(t, at);
  await t.admin('/admin/spend', { account, amount, at });
}

export async function buildSampleInvoice(): Promise<SampleInvoice> {
  // The sweep would close months on its own; the script closes them itself, so the run is the same every time.
  const t = await startTestApp({ testClock: true, expirySweepMs: 3_600_000 });
  try {
    const knex = t.db.knex;
    await resetClock(t, '2026-02-10T09:00:00Z');
    const customer = await makeCustomer(t, 'Contoso Coffee');
    const account = await makeAccount(t, customer, { invoice: true, email: 'ap@contoso.example' });
    const user = await makeUser(t, customer);

    // February: spend, then the close issues February's invoice.
    await spend(t, account.id, '80', '2026-02-12T10:00:00Z');
    resultOf(
      await callNodeSoap(t.endpoint, 'AddInsertionOrder', headersOf(user), {
        InsertionOrder: {
          AccountId: account.id,
          EndDate: '2026-03-31T00:00:00Z',
          NotificationThreshold: '50',
          SpendCapAmount: '1000',
          StartDate: '2026-03-01T00:00:00Z',
          Name: 'Spring menu launch',
          PurchaseOrder: 'PO-2026-031',
        },
      }),
    );
    await closeBillingMonths(knex, await setClock(t, '2026-03-01T08:00:00Z'));

    // March: the order starts; an offer is redeemed and earns its credit once 100 of spend is reached.
    await sweepInsertionOrders(knex, await setClock(t, '2026-03-01T09:00:00Z'));
    await makeCouponClass(t, customer, { name: 'Spend 100, get 50', amount: '50', threshold: '100', activeDays: 60 });
    const [code] = await mint(t, customer, 'Spend 100, get 50');
    const redeemed = await redeemRaw(t.endpoint, user, account.id, code!);
    if (!redeemed.ok) throw new Error(`RedeemCoupon failed: ${JSON.stringify(redeemed)}`);
    await spend(t, account.id, '60', '2026-03-05T10:00:00Z');
    await spend(t, account.id, '70', '2026-03-12T10:00:00Z'); // 130 since activation: the threshold is crossed
    await spend(t, account.id, '400.25', '2026-03-20T10:00:00Z'); // 530.25 of the order's 1000: past 50 %
    await sweepInsertionOrders(knex, await setClock(t, '2026-03-20T11:00:00Z'));
    // Reported late: spend of 15.5 on 20 February, a month whose invoice is already issued.
    await setClock(t, '2026-03-25T10:00:00Z');
    await t.admin('/admin/spend', { account: account.id, amount: '15.5', at: '2026-02-20T10:00:00Z' });

    await closeBillingMonths(knex, await setClock(t, '2026-04-01T08:00:00Z'));
    const docs = await documentsOf(t, account.id, 2, 0);
    const march = docs.find((d) => d.date === '2026-04-01T00:00:00.000Z');
    if (!march) throw new Error(`no March invoice among ${JSON.stringify(docs)}`);
    const out = await callNodeSoap(t.endpoint, 'GetBillingDocuments', headersOf(user), {
      BillingDocumentsInfo: { BillingDocumentInfo: [{ CustomerId: customer, DocumentId: march.id }] },
      Type: 'Pdf',
    });
    const [doc] = list((resultOf(out).BillingDocuments as Rec).BillingDocument);
    const emails = (await knex(T.outbox)
      .where({ kind: IO_THRESHOLD_EMAIL })
      .orderBy('id')
      .select('to_email', 'subject')) as { to_email: string; subject: string }[];
    return {
      text: pdfText(Buffer.from(String(doc!.Data), 'base64')),
      documentNumber: march.number,
      emails: emails.map((e) => `${e.to_email}: ${e.subject}`),
    };
  } finally {
    await t.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const started = performance.now();
  const sample = await buildSampleInvoice();
  for (const e of sample.emails) console.log(`Queued email to ${e}`);
  console.log(`--- ${sample.documentNumber} (pdftotext -layout) ---`);
  console.log(sample.text.trimEnd());
  console.log(`--- built in ${((performance.now() - started) / 1000).toFixed(1)} s ---`);
}
