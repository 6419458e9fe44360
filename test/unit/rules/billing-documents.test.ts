// Billing documents (SPEC §4a) as pure rules: months to close, a month's figures from ledger sums, adjustments for
// late spend, document lines and totals, the listing range. No database, fixed time.
import { expect } from 'chai';
import fc from 'fast-check';
import {
  buildDocument,
  decideDocumentRange,
  figuresFromLedger,
  monthLines,
  monthsToClose,
  type Figure,
  type LedgerSum,
} from '../../../src/rules/billing-documents.ts';
import { decideGroupAdd, potentialGroups } from '../../../src/rules/billing-groups.ts';

const sum = (
  accountId: string,
  period: string,
  kind: 'covered' | 'charge',
  couponId: string | null,
  amount: number,
): LedgerSum => ({
  accountId,
  period,
  kind,
  couponId,
  amountMinor: BigInt(amount),
});
const show = (figures: readonly (Figure & { adjustment?: boolean })[]): string[] =>
  figures
    .map(
      (f) =>
        `${f.accountId} ${f.period} ${f.kind}${f.couponId ? `:${f.couponId}` : ''} ${f.amountMinor}${f.adjustment ? ' adj' : ''}`,
    )
    .sort();

describe('billing documents: which months close', () => {
  it('closes every ended month after the last closed one, oldest first, and not the current month', () => {
    expect(monthsToClose('2026-01-01', null, new Date('2026-04-15T00:00:00Z'))).to.deep.equal([
      '2026-02-01',
      '2026-03-01',
    ]);
    expect(monthsToClose('2026-03-01', null, new Date('2026-04-30T23:59:59Z'))).to.deep.equal([]);
  });

  it('before the first close, starts at the month of the first ledger activity; with none, closes nothing', () => {
    expect(monthsToClose(null, new Date('2025-11-20T00:00:00Z'), new Date('2026-01-01T00:00:00Z'))).to.deep.equal([
      '2025-11-01',
      '2025-12-01',
    ]);
    expect(monthsToClose(null, null, new Date('2026-01-01T00:00:00Z'))).to.deep.equal([]);
  });
});

describe('billing documents: figures and adjustments', () => {
  it('gross spend is credit plus cash; credit is per offer', () => {
    const figures = figuresFromLedger([
      sum('1', '2026-03-01', 'covered', '10', 3000),
      sum('1', '2026-03-01', 'charge', '10', 1500),
      sum('1', '2026-03-01', 'charge', null, 200),
    ]);
    expect(show(figures)).to.deep.equal([
      '1 2026-03-01 cash 1700',
      '1 2026-03-01 credit:10 3000',
      '1 2026-03-01 spend 4700',
    ]);
  });

  it('late spend into a closed month is an adjustment of that month; what was billed is not billed again', () => {
    const known = figuresFromLedger([
      sum('1', '2026-03-01', 'covered', '10', 3000),
      sum('1', '2026-03-01', 'charge', null, 1500 + 725), // 7.25 reported late into March
      sum('1', '2026-04-01', 'charge', null, 500),
    ]);
    const billed = figuresFromLedger([
      sum('1', '2026-03-01', 'covered', '10', 3000),
      sum('1', '2026-03-01', 'charge', null, 1500),
    ]);
    expect(show(monthLines('2026-04-01', known, billed))).to.deep.equal([
      '1 2026-03-01 cash 725 adj',
      '1 2026-03-01 spend 725 adj',
      '1 2026-04-01 cash 500',
      '1 2026-04-01 spend 500',
    ]);
  });

  it('a late spend that moves coverage gives a negative credit and a positive cash adjustment; nothing once all is billed', () => {
    // Billed: 10.00 covered. A spend reported late, before it, used 3.00 of the offer: the later 3.00 became cash.
    const billed = figuresFromLedger([sum('1', '2026-03-01', 'covered', '10', 1000)]);
    const known = figuresFromLedger([
      sum('1', '2026-03-01', 'covered', '10', 1000),
      sum('1', '2026-03-01', 'charge', null, 300),
    ]);
    expect(show(monthLines('2026-04-01', known, billed))).to.deep.equal([
      '1 2026-03-01 cash 300 adj',
      '1 2026-03-01 spend 300 adj',
    ]);
    const moved = figuresFromLedger([
      sum('1', '2026-03-01', 'covered', '10', 700),
      sum('1', '2026-03-01', 'charge', null, 300),
    ]);
    expect(show(monthLines('2026-04-01', moved, billed))).to.deep.equal([
      '1 2026-03-01 cash 300 adj',
      '1 2026-03-01 credit:10 -300 adj',
    ]);
    expect(monthLines('2026-04-01', known, known)).to.deep.equal([]);
  });

  it('property: after any sequence of closes, billed lines add up exactly to what the ledger says, per month and kind', () => {
    const arb = fc.array(
      fc.record({
        period: fc.integer({ min: 0, max: 5 }),
        close: fc.integer({ min: 0, max: 5 }),
        covered: fc.boolean(),
        amount: fc.integer({ min: 1, max: 100000 }),
      }),
      { maxLength: 30 },
    );
    fc.assert(
      fc.property(arb, (spends) => {
        // Spend `s` is known from month `max(period, close)` on; months 0..6 close in order.
        const month = (i: number): string => `2026-0${i + 1}-01`;
        const billed: Figure[] = [];
        for (let m = 0; m <= 6; m++) {
          const ledger = spends
            .filter((s) => Math.max(s.period, s.close) <= m)
            .map((s) => sum('1', month(s.period), s.covered ? 'covered' : 'charge', s.covered ? '9' : null, s.amount));
          billed.push(...monthLines(month(m), figuresFromLedger(ledger), billed));
        }
        const all = figuresFromLedger(
          spends.map((s) =>
            sum('1', month(s.period), s.covered ? 'covered' : 'charge', s.covered ? '9' : null, s.amount),
          ),
        );
        const total = (list: readonly Figure[]): Map<string, bigint> => {
          const out = new Map<string, bigint>();
          for (const f of list)
            out.set(`${f.period} ${f.kind}`, (out.get(`${f.period} ${f.kind}`) ?? 0n) + f.amountMinor);
          for (const [k, v] of out) if (v === 0n) out.delete(k);
          return out;
        };
        expect(total(billed)).to.deep.equal(total(all));
      }),
    );
  });
});

describe('billing documents: the document', () => {
  it('lines in a fixed order, the coupon shown by its code’s last four characters, Amount = cash + cash adjustments', () => {
    const lines = monthLines(
      '2026-04-01',
      figuresFromLedger([sum('1', '2026-04-01', 'covered', '22', 500), sum('1', '2026-03-01', 'charge', null, 725)]),
      [],
    );
    const doc = buildDocument(
      {
        documentId: '7',
        number: 12n,
        month: '2026-04-01',
        party: {
          customer: { id: '3', name: 'Contoso' },
          group: null,
          currency: 'USD',
          accounts: [{ id: '1', number: 'F1000001', purchaseOrder: 'PO-1' }],
        },
      },
      lines,
      new Map([['22', { couponCode: 'ABCDEFGH2K9Q', className: 'Spring' }]]),
    );
    expect(doc.number).to.equal('INV-00000012');
    expect(doc.documentDate).to.equal('2026-05-01T00:00:00.000Z');
    expect(doc.period).to.equal('2026-04');
    expect(
      doc.lines.map((l) => [l.period, l.adjustment, l.kind, l.couponCodeTail, l.className, l.amountMinor]),
    ).to.deep.equal([
      ['2026-04', false, 'spend', null, null, '500'],
      ['2026-04', false, 'credit', '2K9Q', 'Spring', '500'],
      ['2026-03', true, 'spend', null, null, '725'],
      ['2026-03', true, 'cash', null, null, '725'],
    ]);
    expect(doc.totals).to.deep.equal({
      grossSpendMinor: '500',
      promotionalCreditMinor: '500',
      cashChargedMinor: '0',
      adjustmentsMinor: '725',
      amountMinor: '725',
    });
  });

  it('lists documents dated from StartDate to EndDate by UTC date, both included; EndDate nil is today; a later StartDate is refused', () => {
    const now = new Date('2026-05-20T12:00:00Z');
    expect(decideDocumentRange(new Date('2026-04-01T18:00:00Z'), new Date('2026-04-30T01:00:00Z'), now)).to.deep.equal({
      kind: 'range',
      from: new Date('2026-04-01T00:00:00Z'),
      to: new Date('2026-05-01T00:00:00Z'),
    });
    expect(decideDocumentRange(new Date('2026-05-01T00:00:00Z'), null, now)).to.deep.equal({
      kind: 'range',
      from: new Date('2026-05-01T00:00:00Z'),
      to: new Date('2026-05-21T00:00:00Z'),
    });
    expect(decideDocumentRange(new Date('2026-05-02T00:00:00Z'), new Date('2026-05-01T23:59:59Z'), now)).to.deep.equal({
      kind: 'refuse',
    });
    expect(decideDocumentRange(new Date('2026-05-01T20:00:00Z'), new Date('2026-05-01T08:00:00Z'), now).kind).to.equal(
      'range',
    );
  });
});

describe('billing groups: who may join', () => {
  const group = { id: '5', customerId: '3', currency: 'USD' };
  const account = { customerId: '3', currency: 'USD', groupId: null };

  it('checks existence (2108), customer (106), another group (4604), then currency (4603); already in the group is a success', () => {
    expect(decideGroupAdd(group, undefined)).to.deep.equal({ kind: 'refuse', code: 2108 });
    expect(decideGroupAdd(group, { ...account, customerId: '4', groupId: '9', currency: 'EUR' })).to.deep.equal({
      kind: 'refuse',
      code: 106,
    });
    expect(decideGroupAdd(group, { ...account, groupId: '9', currency: 'EUR' })).to.deep.equal({
      kind: 'refuse',
      code: 4604,
    });
    expect(decideGroupAdd(group, { ...account, currency: 'EUR' })).to.deep.equal({ kind: 'refuse', code: 4603 });
    expect(decideGroupAdd(group, { ...account, groupId: '5' })).to.deep.equal({ kind: 'alreadyMember' });
    expect(decideGroupAdd(group, account)).to.deep.equal({ kind: 'add' });
    expect(decideGroupAdd({ ...group, currency: null }, { ...account, currency: 'EUR' })).to.deep.equal({
      kind: 'add',
    });
  });

  it('an ungrouped account could join the groups of its currency and the empty ones', () => {
    const groups = [
      { id: '1', currency: 'USD' },
      { id: '2', currency: null },
      { id: '3', currency: 'EUR' },
    ];
    expect(potentialGroups(groups, 'EUR').map((g) => g.id)).to.deep.equal(['2', '3']);
  });
});
