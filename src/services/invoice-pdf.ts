// The PDF invoice (GetBillingDocuments Type=Pdf), made with pdfkit from the stored document content: the same
// figures as the XML. Rendering is deterministic (CreationDate and the file ID come from the document date, the
// standard Helvetica font is not embedded), and the service also stores the first rendering, so a repeat is
// byte-identical.
import PDFDocument from 'pdfkit';
import { fromMinor } from '../money.ts';
import type { DocumentContent, DocumentLine } from '../rules/billing-documents.ts';

function describe(l: DocumentLine): string {
  const what =
    l.kind === 'spend'
      ? `Gross spend, account ${l.accountNumber}`
      : l.kind === 'credit'
        ? `Promotional credit, coupon ending ${l.couponCodeTail ?? '????'} (${l.className ?? 'offer'})`
        : `Cash charged, account ${l.accountNumber}`;
  return l.adjustment ? `Adjustment for ${l.period}: ${what}` : what;
}

/** Credits are printed as deductions. */
const signed = (l: DocumentLine): string => (l.kind === 'credit' ? (-BigInt(l.amountMinor)).toString() : l.amountMinor);

export function renderInvoicePdf(doc: DocumentContent): Promise<Buffer> {
  const issued = new Date(doc.documentDate);
  const pdf = new PDFDocument({
    size: 'A4',
    margin: 50,
    info: {
      Title: `Invoice ${doc.number}`,
      Author: 'Customer Billing v13',
      Producer: 'Customer Billing v13 (pdfkit)',
      Creator: 'Customer Billing v13',
      CreationDate: issued,
      ModDate: issued,
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('data', (c: Buffer) => chunks.push(c));
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
  const money = (minor: string): string => `${fromMinor(minor, doc.currency)} ${doc.currency}`;
  const row = (label: string, amount: string, bold = false): void => {
    const y = pdf.y;
    pdf.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(10);
    pdf.text(label, 50, y, { width: 370 });
    const after = pdf.y;
    pdf.text(amount, 420, y, { width: 125, align: 'right' });
    pdf.y = Math.max(after, pdf.y) + 2;
  };

  pdf.font('Helvetica-Bold').fontSize(18).text(`Invoice ${doc.number}`, 50, 50);
  pdf.moveDown(0.5).font('Helvetica').fontSize(10);
  pdf.text(`Document id: ${doc.documentId}`);
  pdf.text(`Document date: ${doc.documentDate.slice(0, 10)}`);
  pdf.text(`Billing period: ${doc.period}`);
  pdf.text(`Customer: ${doc.customer.name} (id ${doc.customer.id})`);
  if (doc.group) pdf.text(`Billing group: ${doc.group.name} (id ${doc.group.id})`);
  pdf.text(`Currency: ${doc.currency}`);
  for (const a of doc.accounts)
    pdf.text(
      `Account: ${a.number} (id ${a.id})${a.purchaseOrder !== null ? `, purchase order ${a.purchaseOrder}` : ''}`,
    );

  pdf.moveDown();
  pdf.font('Helvetica-Bold').fontSize(12).text('Lines', 50);
  pdf.moveDown(0.3);
  for (const l of doc.lines) row(describe(l), money(signed(l)));

  pdf.moveDown();
  pdf.font('Helvetica-Bold').fontSize(12).text('Totals', 50);
  pdf.moveDown(0.3);
  const t = doc.totals;
  row('Gross spend', money(t.grossSpendMinor));
  row('Promotional credit', money((-BigInt(t.promotionalCreditMinor)).toString()));
  row('Cash charged', money(t.cashChargedMinor));
  row('Adjustments for earlier months', money(t.adjustmentsMinor));
  row('Amount due', money(t.amountMinor), true);
  pdf.end();
  return done;
}
