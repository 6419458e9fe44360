// The PDF and XML invoices are functions of the stored document alone: the same document gives the same bytes, and
// both carry the same figures. No database.
import { expect } from 'chai';
import type { DocumentContent } from '../../src/rules/billing-documents.ts';
import { renderInvoicePdf } from '../../src/services/invoice-pdf.ts';
import { renderInvoiceXml } from '../../src/services/invoice-xml.ts';
import { invoiceSchemaErrors, pdfText, xmlValues } from '../support/billing-documents.ts';

const doc: DocumentContent = {
  documentId: '41',
  number: 'INV-00000041',
  documentDate: '2026-05-01T00:00:00.000Z',
  period: '2026-04',
  customer: { id: '3', name: 'Contoso & <Sons>' },
  group: { id: '8', name: 'Retail' },
  currency: 'JPY',
  accounts: [
    { id: '1', number: 'F1000001', purchaseOrder: 'PO-9' },
    { id: '2', number: 'F1000002', purchaseOrder: null },
  ],
  lines: [
    {
      accountId: '1',
      accountNumber: 'F1000001',
      period: '2026-04',
      adjustment: false,
      kind: 'spend',
      couponId: null,
      couponCodeTail: null,
      className: null,
      amountMinor: '1200',
    },
    {
      accountId: '1',
      accountNumber: 'F1000001',
      period: '2026-04',
      adjustment: false,
      kind: 'credit',
      couponId: '5',
      couponCodeTail: 'Q7ZK',
      className: 'Spring',
      amountMinor: '1000',
    },
    {
      accountId: '1',
      accountNumber: 'F1000001',
      period: '2026-04',
      adjustment: false,
      kind: 'cash',
      couponId: null,
      couponCodeTail: null,
      className: null,
      amountMinor: '200',
    },
    {
      accountId: '2',
      accountNumber: 'F1000002',
      period: '2026-03',
      adjustment: true,
      kind: 'cash',
      couponId: null,
      couponCodeTail: null,
      className: null,
      amountMinor: '-50',
    },
  ],
  totals: {
    grossSpendMinor: '1200',
    promotionalCreditMinor: '1000',
    cashChargedMinor: '200',
    adjustmentsMinor: '-50',
    amountMinor: '150',
  },
};

describe('invoice rendering', () => {
  it('renders the same PDF bytes every time, dated from the document', async () => {
    const a = await renderInvoicePdf(doc);
    const b = await renderInvoicePdf(doc);
    expect(a.equals(b)).to.equal(true);
    expect(a.subarray(0, 5).toString()).to.equal('%PDF-');
  });

  it('the PDF and the XML carry the same figures', async () => {
    const text = pdfText(await renderInvoicePdf(doc));
    const xml = renderInvoiceXml(doc);
    expect(invoiceSchemaErrors(xml)).to.deep.equal([]);
    const x = xml.toString('utf8');
    expect(xmlValues(x, 'Amount')).to.deep.equal(['150']);
    expect(text).to.match(/Amount due\s+150 JPY/);
    expect(xmlValues(x, 'Adjustments')).to.deep.equal(['-50']);
    expect(text).to.match(/Adjustment for 2026-03: Cash charged, account F1000002\s+-50 JPY/);
    expect(text).to.match(/coupon ending Q7ZK \(Spring\)\s+-1000 JPY/);
    expect(x).to.include('couponCodeTail="Q7ZK" className="Spring">1000</Line>');
    expect(text).to.include('Customer: Contoso & <Sons> (id 3)');
    expect(x).to.include('<Customer id="3">Contoso &amp; &lt;Sons&gt;</Customer>');
    expect(text).to.include('Billing group: Retail (id 8)');
    expect(text).to.include('Account: F1000001 (id 1), purchase order PO-9');
  });
});
