// What the offers page's Billing section writes for an account's orders and documents (src/web/billing-view.ts):
// exact amounts in the account's currency, dates as UTC days, no bar for an order without a spend cap.
import { expect } from 'chai';
import type { PageInsertionOrder } from '../../src/services/billing-page.ts';
import { billingView } from '../../src/web/billing-view.ts';

const ORDER: PageInsertionOrder = {
  id: '7',
  name: 'Spring',
  status: 'Active',
  startDate: '2026-03-01',
  endDate: '2026-03-31',
  purchaseOrder: 'PO-1',
  spentMinor: '25055',
  capMinor: '100000',
  remainingMinor: '74945',
};

describe('Billing section view', () => {
  it('writes an order’s budget bar from exact minor units: decimal value and max, money text with both figures', () => {
    const [o] = billingView({ invoiceBilled: true, orders: [ORDER], documents: [] }, 'USD').orders;
    expect(o!.budget).to.deep.equal({
      label: 'Budget spent',
      value: '250.55',
      max: '1000',
      text: 'USD 250.55 of USD 1,000.00 spent, USD 749.45 remaining',
    });
    expect([o!.startText, o!.endText, o!.statusLabel]).to.deep.equal(['1 Mar 2026', '31 Mar 2026', 'Active']);
  });

  it('a zero-decimal currency keeps whole units, and an exhausted order shows nothing remaining', () => {
    const [o] = billingView(
      {
        invoiceBilled: true,
        orders: [{ ...ORDER, status: 'Exhausted', spentMinor: '120000', capMinor: '100000', remainingMinor: '0' }],
        documents: [],
      },
      'JPY',
    ).orders;
    expect(o!.budget?.text).to.equal('JPY 120,000 of JPY 100,000 spent, JPY 0 remaining');
    expect(o!.statusLabel).to.equal('Budget used up');
  });

  it('an unlimited, endless order without a name shows no bar, "no end date" and a name from its id', () => {
    const [o] = billingView(
      {
        invoiceBilled: true,
        orders: [{ ...ORDER, name: null, endDate: null, capMinor: null, remainingMinor: null }],
        documents: [],
      },
      'USD',
    ).orders;
    expect([o!.budget, o!.endText, o!.name]).to.deep.equal([null, 'no end date', 'Insertion order 7']);
  });

  it('a document row has its number, UTC date, amount (negative too) and the download address', () => {
    const { documents } = billingView(
      {
        invoiceBilled: true,
        orders: [],
        documents: [
          {
            id: '42',
            number: 'INV-00000042',
            documentDate: new Date('2026-04-01T00:00:00Z'),
            amount: '-7.25',
            amountMinor: -725,
            currency: 'EUR',
          },
        ],
      },
      'EUR',
    );
    expect(documents).to.deep.equal([
      {
        id: '42',
        number: 'INV-00000042',
        date: '1 Apr 2026',
        dateIso: '2026-04-01T00:00:00.000Z',
        amount: '-EUR 7.25',
        href: '/offers/documents/42/pdf',
      },
    ]);
  });
});
