// `npm run sample-invoice` (scripts/sample-invoice.ts): one account's March on a fresh database, whose PDF invoice
// shows the offer's credit, the insertion order's PurchaseOrder and February's late spend as adjustments.
import { expect } from 'chai';
import { buildSampleInvoice } from '../../scripts/sample-invoice.ts';

describe('the sample invoice script', function () {
  this.timeout(120000);

  it("prints March's invoice with the credit line, the PO and the adjustment lines, and queues the threshold email", async () => {
    const { text, documentNumber, emails } = await buildSampleInvoice();
    expect(documentNumber).to.equal('INV-00000002');
    expect(emails).to.deep.equal([
      'ap@contoso.example: Insertion order "Spring menu launch" has reached 50% of its budget',
    ]);
    expect(text).to.include('Billing period: 2026-03');
    expect(text).to.match(/purchase order PO-2026-031/);
    expect(text).to.match(/Gross spend, account F\d+\s+530\.25 USD/);
    expect(text).to.match(/Promotional credit, coupon ending \w{4} \(Spend 100, get 50\)\s+-50 USD/);
    expect(text).to.match(/Cash charged, account F\d+\s+480\.25 USD/);
    expect(text).to.match(/Adjustment for 2026-02: Cash charged, account F\d+\s+15\.5 USD/);
    expect(text).to.match(/Amount due\s+495\.75 USD/);
  });
});
