// Times one month close (N accounts, K ledger money entries each, all in January 2026) and a PDF rendering:
// DATABASE_URL=… TZ=UTC node --import tsx scripts/bench-billing-close.ts [N=2000] [K=20]
import { migrationSource } from '../src/repositories/migrations.ts';
import { freshDatabase } from '../test/support/app.ts';
import { closeBillingMonths } from '../src/services/billing-close.ts';
import { renderInvoicePdf } from '../src/services/invoice-pdf.ts';
import type { DocumentContent } from '../src/rules/billing-documents.ts';

const N = Number(process.argv[2] ?? 2000);
const PER = Number(process.argv[3] ?? 20);
const tdb = await freshDatabase();
const k = tdb.db.knex;
await k.migrate.latest({ migrationSource });
const [c] = await k('customers').insert({ name: 'Bench' }, ['id']);
const accounts = await k('accounts').insert(
  Array.from({ length: N }, (_, i) => ({
    customer_id: c.id,
    number: `B${i}`,
    currency: 'USD',
    bill_to_customer_id: c.id,
  })),
  ['id'],
);
const rows = accounts.flatMap((a: { id: string }, i: number) =>
  Array.from({ length: PER }, (_, j) => ({
    account_id: a.id,
    entry_key: `spend:${i}-${j}:charge:none`,
    kind: 'charge',
    at: new Date(Date.UTC(2026, 0, 1 + (j % 28))),
    amount_minor: 100 + j,
  })),
);
for (let i = 0; i < rows.length; i += 5000) await k('ledger_entries').insert(rows.slice(i, i + 5000));
let t0 = performance.now();
const issued = await closeBillingMonths(k, new Date('2026-02-01T00:00:01Z'));
const closeMs = performance.now() - t0;
const doc = (await k('billing_documents').first('content')) as { content: DocumentContent };
t0 = performance.now();
for (let i = 0; i < 20; i++) await renderInvoicePdf(doc.content);
console.log(
  JSON.stringify({
    accounts: N,
    ledgerEntries: rows.length,
    documents: issued,
    closeMs: Math.round(closeMs),
    pdfRenderMs: +((performance.now() - t0) / 20).toFixed(1),
  }),
);
await tdb.drop();
