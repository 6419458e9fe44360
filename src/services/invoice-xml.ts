// The XML invoice (GetBillingDocuments Type=Xml): a schema of ours, docs/billing-document.xsd, described in the
// README. Built from the stored document content only, so the same document always gives the same bytes.
import { fromMinor } from '../money.ts';
import type { DocumentContent, DocumentLine } from '../rules/billing-documents.ts';

export const INVOICE_NS = 'urn:customer-billing-v13-twin:invoice:1';

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function line(l: DocumentLine, currency: string): string {
  const attrs = [
    `kind="${l.kind}"`,
    `accountId="${esc(l.accountId)}"`,
    `accountNumber="${esc(l.accountNumber)}"`,
    `period="${l.period}"`,
    `adjustment="${String(l.adjustment)}"`,
    ...(l.couponCodeTail !== null ? [`couponCodeTail="${esc(l.couponCodeTail)}"`] : []),
    ...(l.className !== null ? [`className="${esc(l.className)}"`] : []),
  ];
  return `    <Line ${attrs.join(' ')}>${fromMinor(l.amountMinor, currency)}</Line>\n`;
}

export function renderInvoiceXml(doc: DocumentContent): Buffer {
  const money = (minor: string): string => fromMinor(minor, doc.currency);
  const t = doc.totals;
  const xml =
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<Invoice xmlns="${INVOICE_NS}">\n` +
    `  <DocumentId>${doc.documentId}</DocumentId>\n` +
    `  <Number>${esc(doc.number)}</Number>\n` +
    `  <DocumentDate>${doc.documentDate.replace('.000Z', 'Z')}</DocumentDate>\n` +
    `  <Period>${doc.period}</Period>\n` +
    `  <Customer id="${doc.customer.id}">${esc(doc.customer.name)}</Customer>\n` +
    (doc.group ? `  <BillingGroup id="${doc.group.id}">${esc(doc.group.name)}</BillingGroup>\n` : '') +
    `  <CurrencyCode>${doc.currency}</CurrencyCode>\n` +
    `  <Accounts>\n` +
    doc.accounts
      .map(
        (a) =>
          `    <Account id="${a.id}" number="${esc(a.number)}"` +
          (a.purchaseOrder !== null ? ` purchaseOrder="${esc(a.purchaseOrder)}"` : '') +
          `/>\n`,
      )
      .join('') +
    `  </Accounts>\n` +
    `  <Lines>\n` +
    doc.lines.map((l) => line(l, doc.currency)).join('') +
    `  </Lines>\n` +
    `  <Totals>\n` +
    `    <GrossSpend>${money(t.grossSpendMinor)}</GrossSpend>\n` +
    `    <PromotionalCredit>${money(t.promotionalCreditMinor)}</PromotionalCredit>\n` +
    `    <CashCharged>${money(t.cashChargedMinor)}</CashCharged>\n` +
    `    <Adjustments>${money(t.adjustmentsMinor)}</Adjustments>\n` +
    `    <Amount>${money(t.amountMinor)}</Amount>\n` +
    `  </Totals>\n` +
    `</Invoice>\n`;
  return Buffer.from(xml, 'utf8');
}
