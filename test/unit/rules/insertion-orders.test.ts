import { expect } from 'chai';
import {
  approvedStatus,
  budgetFigures,
  checkEdits,
  checkNewDates,
  currentStatus,
  datesOverlap,
  decideUpdate,
  plainDecimal,
  spendWindow,
  statusOnAdd,
  thresholdReached,
  utcDay,
  type StoredOrder,
} from '../../../src/rules/insertion-orders.ts';

const TERMS = { startDate: '2026-03-10', endDate: '2026-03-31', spendCapMinor: '100000' };
const STORED: StoredOrder = {
  status: 'Active',
  name: 'March',
  comment: null,
  purchaseOrder: null,
  startDate: '2026-03-10',
  endDate: '2026-03-31',
  spendCapMinor: '100000',
  notificationThreshold: null,
  referenceId: null,
  pendingChangeStatus: null,
};
const TODAY = '2026-03-15';

describe('rules: insertion order status', () => {
  it('an approved order is NotStarted before its start day, Active on it, Expired the day after its end day', () => {
    expect(approvedStatus(TERMS, '0', '2026-03-09')).to.equal('NotStarted');
    expect(approvedStatus(TERMS, '0', '2026-03-10')).to.equal('Active');
    expect(approvedStatus(TERMS, '0', '2026-03-31')).to.equal('Active');
    expect(approvedStatus(TERMS, '0', '2026-04-01')).to.equal('Expired');
  });

  it('an order is Exhausted when its spend reaches the cap, not a minor unit before; an unlimited one never', () => {
    expect(approvedStatus(TERMS, '99999', TODAY)).to.equal('Active');
    expect(approvedStatus(TERMS, '100000', TODAY)).to.equal('Exhausted');
    expect(approvedStatus({ ...TERMS, spendCapMinor: null }, '999999999', TODAY)).to.equal('Active');
  });

  it('only NotStarted and Active orders follow the clock; Canceled, Declined and under-review orders stay', () => {
    for (const s of ['Canceled', 'Declined', 'PendingUserReview', 'Exhausted', 'Expired'] as const)
      expect(currentStatus(s, TERMS, '0', '2026-05-01')).to.equal(s);
    expect(currentStatus('NotStarted', TERMS, '0', '2026-05-01')).to.equal('Expired');
  });

  it('a new order overlapping an approved one is Declined', () => {
    expect(statusOnAdd(TERMS, TODAY, true)).to.equal('Declined');
    expect(statusOnAdd(TERMS, '2026-03-01', false)).to.equal('NotStarted');
  });

  it('date ranges overlap when they share a day; an endless order overlaps everything after its start', () => {
    expect(datesOverlap(TERMS, { startDate: '2026-03-31', endDate: '2026-04-30' })).to.equal(true);
    expect(datesOverlap(TERMS, { startDate: '2026-04-01', endDate: '2026-04-30' })).to.equal(false);
    expect(
      datesOverlap({ startDate: '2026-01-01', endDate: null }, { startDate: '2030-01-01', endDate: '2030-02-01' }),
    ).to.equal(true);
  });
});

describe('rules: insertion order budget', () => {
  it('figures are exact minor units, and percentages are truncated to two decimals', () => {
    expect(budgetFigures('30000', '1')).to.deep.equal({
      spentMinor: '1',
      remainingMinor: '29999',
      spentPercent: '0',
      remainingPercent: '99.99',
    });
    expect(budgetFigures('300', '100')).to.deep.equal({
      spentMinor: '100',
      remainingMinor: '200',
      spentPercent: '33.33',
      remainingPercent: '66.66',
    });
  });

  it('overspend shows the whole cap spent and nothing remaining; an unlimited order has no figures', () => {
    expect(budgetFigures('100', '150')).to.deep.include({ remainingMinor: '0', spentPercent: '150' });
    expect(budgetFigures(null, '150')).to.equal(null);
  });

  it('the threshold is reached exactly at its percent of the cap', () => {
    expect(thresholdReached('70', '10000', '6999')).to.equal(false);
    expect(thresholdReached('70', '10000', '7000')).to.equal(true);
    expect(thresholdReached('33.3333', '3', '1')).to.equal(true);
    expect(thresholdReached(null, '10000', '10000')).to.equal(false);
  });

  it('spend counts from the start of the start day to the end of the end day, never past now', () => {
    const now = new Date('2026-03-15T12:00:00Z');
    const w = spendWindow(TERMS, now);
    expect([w.from.toISOString(), w.to.toISOString()]).to.deep.equal([
      '2026-03-10T00:00:00.000Z',
      '2026-03-15T12:00:00.001Z',
    ]);
    const after = spendWindow(TERMS, new Date('2026-06-01T00:00:00Z'));
    expect(after.to.toISOString()).to.equal('2026-04-01T00:00:00.000Z');
    expect(utcDay(new Date('2026-03-15T23:59:59.999Z'))).to.equal('2026-03-15');
  });
});

describe('rules: insertion order input', () => {
  it('xs:double amounts in exponent form (Java writes 1.0E7) become exact plain decimals', () => {
    const cases = ['1.0E7', '2.5e-1', '1.23456E2', '7.0E1', '1000.5', 'abc', '1e999'];
    expect(cases.map(plainDecimal)).to.deep.equal(['10000000', '0.25', '123.456', '70', '1000.5', 'abc', '1e999']);
  });

  it('a start before today or an end not after the start is refused; a start today is allowed', () => {
    expect(checkNewDates('2026-03-15', '2026-03-16', TODAY)).to.deep.equal([]);
    expect(checkNewDates('2026-03-14', '2026-03-16', TODAY).map((p) => p.code)).to.deep.equal([5101]);
    expect(checkNewDates('2026-03-15', '2026-03-15', TODAY).map((p) => p.code)).to.deep.equal([5101]);
    expect(checkNewDates(undefined, '2026-03-15', TODAY).map((p) => p.code)).to.deep.equal([5101]);
  });

  it('names over 100, purchase orders over 50, comments over 100 and thresholds outside 0..100 are each refused', () => {
    const codes = checkEdits({
      name: 'n'.repeat(101),
      purchaseOrder: 'p'.repeat(51),
      comment: 'c'.repeat(101),
      notificationThreshold: '100.5',
      spendCapMinor: '0',
    }).map((p) => p.code);
    expect(codes).to.deep.equal([475, 476, 5105, 5106, 5102]);
    expect(
      checkEdits({ name: 'n'.repeat(100), purchaseOrder: 'p'.repeat(50), notificationThreshold: '100' }),
    ).to.deep.equal([]);
  });
});

describe('rules: UpdateInsertionOrder decisions', () => {
  const review: StoredOrder = { ...STORED, status: 'PendingUserReview' };

  it('under review: Status Active approves, Declined declines, Canceled is 480, Status with edits is 479', () => {
    expect(decideUpdate(review, { status: 'Active', edits: {} }, TODAY).kind).to.equal('approve');
    expect(decideUpdate(review, { status: 'Declined', edits: {} }, TODAY).kind).to.equal('decline');
    expect(decideUpdate(review, { status: 'Canceled', edits: {} }, TODAY)).to.deep.include({ kind: 'refuse' });
    const both = decideUpdate(review, { status: 'Active', edits: { name: 'New' } }, TODAY);
    expect(both.kind === 'refuse' && both.problem.code).to.equal(479);
  });

  it('under review the fields may be edited, but PendingChanges may not be used', () => {
    expect(decideUpdate(review, { edits: { name: 'New' } }, TODAY)).to.deep.equal({
      kind: 'edit',
      edits: { name: 'New' },
    });
    const pending = decideUpdate(review, { edits: {}, pending: { edits: { name: 'New' } } }, TODAY);
    expect(pending.kind === 'refuse' && pending.problem.code).to.equal(480);
  });

  it('approved: values sent back unchanged are no change; a changed field is 479; Canceled cancels', () => {
    const echo = { name: 'March', startDate: '2026-03-10', endDate: '2026-03-31', spendCapMinor: '100000' };
    expect(decideUpdate(STORED, { status: 'Active', edits: echo }, TODAY).kind).to.equal('none');
    const changed = decideUpdate(STORED, { edits: { spendCapMinor: '200000' } }, TODAY);
    expect(changed.kind === 'refuse' && changed.problem.code).to.equal(479);
    expect(decideUpdate(STORED, { status: 'Canceled', edits: echo }, TODAY).kind).to.equal('cancel');
    const expired = decideUpdate({ ...STORED, status: 'Expired' }, { status: 'Canceled', edits: {} }, TODAY);
    expect(expired.kind === 'refuse' && expired.problem.code).to.equal(480);
  });

  it('approved: PendingChanges request changes, which are then approved or declined; CancelChanges is the system’s', () => {
    expect(decideUpdate(STORED, { edits: {}, pending: { edits: { spendCapMinor: '1' } } }, TODAY)).to.deep.equal({
      kind: 'requestChanges',
      edits: { spendCapMinor: '1' },
    });
    const waiting: StoredOrder = { ...STORED, pendingChangeStatus: 'PendingUserReview' };
    const ask = (changeStatus: string) =>
      decideUpdate(waiting, { edits: {}, pending: { changeStatus, edits: {} } }, TODAY);
    expect(ask('ApproveChanges').kind).to.equal('approveChanges');
    expect(ask('DeclineChanges').kind).to.equal('declineChanges');
    expect(ask('CancelChanges')).to.deep.include({ kind: 'refuse' });
    const none = decideUpdate(STORED, { edits: {}, pending: { changeStatus: 'ApproveChanges', edits: {} } }, TODAY);
    expect(none.kind === 'refuse' && none.problem.code).to.equal(480);
  });

  it('PendingChanges sent back exactly as read (ChangeStatus and values) asks for nothing', () => {
    const approved: StoredOrder = {
      ...STORED,
      spendCapMinor: '200000',
      pendingChangeStatus: 'ApproveChanges',
      pendingEdits: { spendCapMinor: '200000' },
    };
    const echo = { changeStatus: 'ApproveChanges', edits: { spendCapMinor: '200000.00' } };
    expect(decideUpdate(approved, { status: 'Active', edits: {}, pending: echo }, TODAY).kind).to.equal('none');
    const declined: StoredOrder = { ...STORED, pendingChangeStatus: 'DeclineChanges', pendingEdits: { name: 'Big' } };
    const back = { changeStatus: 'DeclineChanges', edits: { name: 'Big' } };
    expect(decideUpdate(declined, { edits: {}, pending: back }, TODAY).kind).to.equal('none');
    const other = decideUpdate(declined, { edits: {}, pending: { ...back, edits: { name: 'Bigger' } } }, TODAY);
    expect(other.kind === 'refuse' && other.problem.code).to.equal(479);
  });

  it('a start date changes only while NotStarted and never to a past day', () => {
    const started = decideUpdate(STORED, { edits: {}, pending: { edits: { startDate: '2026-03-20' } } }, TODAY);
    expect(started.kind === 'refuse' && started.problem.code).to.equal(5101);
    const notStarted: StoredOrder = { ...STORED, status: 'NotStarted', startDate: '2026-03-20' };
    expect(
      decideUpdate(notStarted, { edits: {}, pending: { edits: { startDate: '2026-03-25' } } }, TODAY).kind,
    ).to.equal('requestChanges');
    const past = decideUpdate(notStarted, { edits: {}, pending: { edits: { startDate: '2026-03-14' } } }, TODAY);
    expect(past.kind === 'refuse' && past.problem.code).to.equal(5101);
  });

  it('Canceled and Declined orders cannot be updated (480), though sending them back unchanged is no change', () => {
    const canceled: StoredOrder = { ...STORED, status: 'Canceled' };
    expect(decideUpdate(canceled, { status: 'Canceled', edits: { name: 'March' } }, TODAY).kind).to.equal('none');
    const again = decideUpdate(canceled, { status: 'Active', edits: {} }, TODAY);
    expect(again.kind === 'refuse' && again.problem.code).to.equal(480);
  });
});
