// Insertion orders (SPEC §4a) through node-soap built from the official WSDL: what an advertiser sees when adding,
// approving, changing, canceling and searching orders of an invoice account, as the test clock and the recorded
// spend move them on. The sweep is run directly (as the periodic tick would) where a test needs it recorded.
import { expect } from 'chai';
import type * as soap from 'soap';
import { sweepInsertionOrders } from '../../src/services/insertion-order-sweep.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { callNodeSoap, makeNodeSoapClient, type ClientOutcome } from '../support/clients.ts';
import { setClock, startEachTestAt } from '../support/clock.ts';
import { makeAccount, makeCustomer, makeUser } from '../support/factories.ts';
import { expectClientFault, expectFaultCode, headersOf, list, resultOf, type Rec } from '../support/soap.ts';

type User = { id: string; authenticationToken: string; developerToken: string };
interface Invoiced {
  customerId: string;
  accountId: string;
  accountNumber: string;
  user: User;
}

const TODAY = '2026-03-10T12:00:00Z';

describe('insertion orders', function () {
  this.timeout(120000);
  let t: TestApp;
  let client: soap.Client;

  before(async () => {
    t = await startTestApp({ testClock: true, expirySweepMs: 0 });
    client = await makeNodeSoapClient(t.endpoint);
  });
  after(async () => t.close());
  startEachTestAt(() => t, TODAY);

  async function invoiced(overrides: Record<string, unknown> = {}): Promise<Invoiced> {
    const customerId = await makeCustomer(t);
    const account = await makeAccount(t, customerId, { invoice: true, email: 'ap@contoso.example', ...overrides });
    const user = await makeUser(t, customerId);
    return { customerId, accountId: account.id, accountNumber: account.number, user };
  }

  const call = (user: User, op: string, body: unknown): Promise<ClientOutcome<Rec>> =>
    callNodeSoap<Rec>(t.endpoint, op, headersOf(user), body, client);

  /** An InsertionOrder in schema order; `extra` adds or overrides elements. */
  function order(accountId: string, extra: Rec = {}): Rec {
    return {
      AccountId: accountId,
      EndDate: '2026-03-31T00:00:00Z',
      SpendCapAmount: '1000',
      StartDate: '2026-03-10T00:00:00Z',
      Name: 'March',
      ...extra,
    };
  }

  async function add(w: Invoiced, extra: Rec = {}): Promise<string> {
    const r = resultOf<{ InsertionOrderId: number }>(
      await call(w.user, 'AddInsertionOrder', { InsertionOrder: order(w.accountId, extra) }),
    );
    return String(r.InsertionOrderId);
  }

  async function search(w: Invoiced, extra: Rec = {}, predicates: Rec[] = []): Promise<Rec[]> {
    const r = resultOf<{ InsertionOrders?: { InsertionOrder?: unknown } }>(
      await call(w.user, 'SearchInsertionOrders', {
        Predicates: { Predicate: [{ Field: 'AccountId', Operator: 'Equals', Value: w.accountId }, ...predicates] },
        ...extra,
      }),
    );
    return list(r.InsertionOrders?.InsertionOrder);
  }

  async function one(w: Invoiced, id: string): Promise<Rec> {
    const [o] = await search(w, {}, [{ Field: 'InsertionOrderId', Operator: 'Equals', Value: id }]);
    expect(o, `order ${id}`).to.not.equal(undefined);
    return o!;
  }

  const update = (w: Invoiced, io: Rec): Promise<ClientOutcome<Rec>> =>
    call(w.user, 'UpdateInsertionOrder', { InsertionOrder: { AccountId: w.accountId, ...io } });

  const spend = (w: Invoiced, amount: string, at: string): Promise<unknown> =>
    t.admin('/admin/spend', { account: w.accountId, amount, at });

  const operatorOrder = (w: Invoiced, extra: Rec = {}): Promise<{ id: string; status: string }> =>
    t.admin('/admin/insertion-orders', {
      account: w.accountId,
      name: 'Q2',
      amount: '5000',
      start: '2026-04-01',
      end: '2026-06-30',
      ...extra,
    });

  describe('AddInsertionOrder', () => {
    it('an order starting today is Active at once, with the whole cap remaining', async () => {
      const w = await invoiced();
      const id = await add(w);
      const o = await one(w, id);
      expect(o.Status).to.equal('Active');
      expect(o.AccountNumber).to.equal(w.accountNumber);
      expect([o.SpendCapAmount, o.BudgetSpent, o.BudgetRemaining]).to.deep.equal([1000, 0, 1000]);
      expect([o.BudgetSpentPercent, o.BudgetRemainingPercent]).to.deep.equal([0, 100]);
      expect((o.StartDate as Date).toISOString()).to.equal('2026-03-10T00:00:00.000Z');
      expect(o.LastModifiedByUserId).to.equal(Number(w.user.id));
    });

    it('an order starting later is NotStarted; the time of day in its dates is ignored', async () => {
      const w = await invoiced();
      const id = await add(w, { StartDate: '2026-04-01T18:30:00Z', EndDate: '2026-04-30T23:59:59Z' });
      const o = await one(w, id);
      expect(o.Status).to.equal('NotStarted');
      expect((o.StartDate as Date).toISOString()).to.equal('2026-04-01T00:00:00.000Z');
      expect((o.EndDate as Date).toISOString()).to.equal('2026-04-30T00:00:00.000Z');
    });

    it('an order whose dates overlap an approved order of the account is Declined', async () => {
      const w = await invoiced();
      await add(w);
      const second = await add(w, { StartDate: '2026-03-20T00:00:00Z', EndDate: '2026-04-20T00:00:00Z' });
      const later = await add(w, { StartDate: '2026-04-01T00:00:00Z', EndDate: '2026-04-30T00:00:00Z' });
      expect((await one(w, second)).Status).to.equal('Declined');
      expect((await one(w, later)).Status).to.equal('NotStarted');
    });

    it('five concurrent adds of the same dates leave exactly one approved order; the others are Declined', async () => {
      const w = await invoiced();
      const ids = await Promise.all([1, 2, 3, 4, 5].map(() => add(w)));
      const statuses = await Promise.all(ids.map(async (id) => (await one(w, id)).Status));
      expect([...statuses].sort()).to.deep.equal(['Active', 'Declined', 'Declined', 'Declined', 'Declined']);
    });

    it('read-only elements a typed client sends (Id, AccountNumber, budget figures) are ignored', async () => {
      const w = await invoiced();
      const id = await add(w, {
        Id: 999,
        LastModifiedByUserId: 5,
        LastModifiedTime: '2020-01-01T00:00:00Z',
        AccountNumber: 'X0000000',
        BudgetRemaining: 1,
        BudgetSpent: 999,
        IsInSeries: true,
        IsUnlimited: false,
        IsEndless: false,
      });
      const o = await one(w, id);
      expect(o.Id).to.equal(Number(id));
      expect([o.AccountNumber, o.BudgetSpent]).to.deep.equal([w.accountNumber, 0]);
    });

    it('a SpendCapAmount in exponent form, as Java clients write 10 million, is taken exactly', async () => {
      const w = await invoiced();
      const id = await add(w, { SpendCapAmount: '1.0E7' });
      expect((await one(w, id)).SpendCapAmount).to.equal(10_000_000);
    });

    it('a Status on add is 477, and nothing is added', async () => {
      const w = await invoiced();
      expectClientFault(
        await call(w.user, 'AddInsertionOrder', { InsertionOrder: order(w.accountId, { Status: 'Active' }) }),
        477,
      );
      expect(await search(w)).to.deep.equal([]);
    });

    it('a prepaid account may not have insertion orders (478)', async () => {
      const w = await invoiced({ invoice: false });
      expectClientFault(await call(w.user, 'AddInsertionOrder', { InsertionOrder: order(w.accountId) }), 478);
    });

    it('a name over 100 characters is 475 and a purchase order over 50 is 476, both in one fault', async () => {
      const w = await invoiced();
      const out = await call(w.user, 'AddInsertionOrder', {
        InsertionOrder: order(w.accountId, { Name: 'n'.repeat(101), PurchaseOrder: 'p'.repeat(51) }),
      });
      expect(out.kind).to.equal('fault');
      if (out.kind === 'fault') expect(out.codes).to.have.members([475, 476]);
    });

    it('a start before today, an end not after the start, or no spend cap are refused with their codes', async () => {
      const w = await invoiced();
      expectClientFault(
        await call(w.user, 'AddInsertionOrder', {
          InsertionOrder: order(w.accountId, { StartDate: '2026-03-09T23:00:00Z' }),
        }),
        5101,
      );
      expectClientFault(
        await call(w.user, 'AddInsertionOrder', {
          InsertionOrder: order(w.accountId, { EndDate: '2026-03-10T20:00:00Z' }),
        }),
        5101,
      );
      expectClientFault(
        await call(w.user, 'AddInsertionOrder', { InsertionOrder: order(w.accountId, { SpendCapAmount: '10.001' }) }),
        5102,
      );
    });

    it("another customer's account, or one that does not exist, is 106; a view-only user is 1001", async () => {
      const w = await invoiced();
      const other = await invoiced();
      expectFaultCode(await call(other.user, 'AddInsertionOrder', { InsertionOrder: order(w.accountId) }), 106);
      expectFaultCode(await call(w.user, 'AddInsertionOrder', { InsertionOrder: order('987654321') }), 106);
      const viewer = await makeUser(t, w.customerId, { role: 'ViewOnly' });
      expectClientFault(await call(viewer, 'AddInsertionOrder', { InsertionOrder: order(w.accountId) }), 1001);
    });
  });

  describe('UpdateInsertionOrder', () => {
    it('an order the operator created waits in PendingUserReview until the advertiser approves it', async () => {
      const w = await invoiced();
      const created = await operatorOrder(w, { po: 'PO-77' });
      expect(created.status).to.equal('PendingUserReview');
      expect((await one(w, created.id)).PurchaseOrder).to.equal('PO-77');

      const r = resultOf<{ LastModifiedTime: Date }>(await update(w, { Id: created.id, Status: 'Active' }));
      expect(r.LastModifiedTime.toISOString().slice(0, 16)).to.equal('2026-03-10T12:00');
      expect((await one(w, created.id)).Status).to.equal('NotStarted');
    });

    it('the advertiser may edit or decline an order under review, but not change its status and more at once', async () => {
      const w = await invoiced();
      const { id } = await operatorOrder(w);
      expectClientFault(await update(w, { Id: id, Name: 'Renamed', Status: 'Active' }), 479);
      resultOf(await update(w, { Id: id, Name: 'Renamed', SpendCapAmount: '4000' }));
      let o = await one(w, id);
      expect([o.Name, o.SpendCapAmount, o.Status]).to.deep.equal(['Renamed', 4000, 'PendingUserReview']);
      expectClientFault(await update(w, { Id: id, Status: 'Canceled' }), 480);
      resultOf(await update(w, { Id: id, Status: 'Declined' }));
      o = await one(w, id);
      expect(o.Status).to.equal('Declined');
      expectClientFault(await update(w, { Id: id, Status: 'Active' }), 480);
    });

    it('an approved order changes only through PendingChanges, which the advertiser then approves', async () => {
      const w = await invoiced();
      const id = await add(w);
      expectClientFault(await update(w, { Id: id, SpendCapAmount: '2000' }), 479);
      resultOf(await update(w, { Id: id, PendingChanges: { SpendCapAmount: '2000', PurchaseOrder: 'PO-9' } }));
      let o = await one(w, id);
      const pending = o.PendingChanges as Rec;
      expect([o.SpendCapAmount, pending.SpendCapAmount, pending.PurchaseOrder, pending.ChangeStatus]).to.deep.equal([
        1000,
        2000,
        'PO-9',
        'PendingUserReview',
      ]);
      expect(pending.RequestedByUserId).to.equal(Number(w.user.id));

      resultOf(await update(w, { Id: id, PendingChanges: { ChangeStatus: 'ApproveChanges' } }));
      o = await one(w, id);
      expect([o.SpendCapAmount, o.PurchaseOrder, (o.PendingChanges as Rec).ChangeStatus]).to.deep.equal([
        2000,
        'PO-9',
        'ApproveChanges',
      ]);
      expectClientFault(await update(w, { Id: id, PendingChanges: { ChangeStatus: 'ApproveChanges' } }), 480);
    });

    it('declined changes leave the order as it was; only the system cancels changes (480)', async () => {
      const w = await invoiced();
      const id = await add(w);
      resultOf(await update(w, { Id: id, PendingChanges: { Name: 'Bigger' } }));
      expectClientFault(await update(w, { Id: id, PendingChanges: { ChangeStatus: 'CancelChanges' } }), 480);
      resultOf(await update(w, { Id: id, PendingChanges: { ChangeStatus: 'DeclineChanges' } }));
      const o = await one(w, id);
      expect([o.Name, (o.PendingChanges as Rec).ChangeStatus]).to.deep.equal(['March', 'DeclineChanges']);
    });

    it('a canceled order is final, and its pending changes are canceled by the system', async () => {
      const w = await invoiced();
      const id = await add(w);
      resultOf(await update(w, { Id: id, PendingChanges: { Name: 'Later' } }));
      resultOf(await update(w, { Id: id, Status: 'Canceled' }));
      const o = await one(w, id);
      expect([o.Status, (o.PendingChanges as Rec).ChangeStatus]).to.deep.equal(['Canceled', 'CancelChanges']);
      expectClientFault(await update(w, { Id: id, Status: 'Active' }), 480);
      expectClientFault(await update(w, { Id: id, PendingChanges: { Name: 'Again' } }), 480);
    });

    it('an order sent back as it was read changes nothing, whatever read-only values come with it', async () => {
      const w = await invoiced();
      const id = await add(w);
      const before = await one(w, id);
      const r = resultOf<{ LastModifiedTime: Date }>(
        await update(w, {
          Id: id,
          EndDate: '2026-03-31T08:00:00Z',
          SpendCapAmount: '1000.00',
          StartDate: '2026-03-10T00:00:00Z',
          Name: 'March',
          Status: 'Active',
          AccountNumber: 'WHATEVER',
          BudgetSpent: 55,
        }),
      );
      expect(r.LastModifiedTime.toISOString()).to.equal((before.LastModifiedTime as Date).toISOString());
    });

    it('an order with decided changes, sent back with its PendingChanges as read, changes nothing', async () => {
      const w = await invoiced();
      const id = await add(w);
      resultOf(await update(w, { Id: id, PendingChanges: { SpendCapAmount: '1500', Name: 'Bigger' } }));
      resultOf(await update(w, { Id: id, PendingChanges: { ChangeStatus: 'ApproveChanges' } }));
      const read = await one(w, id);
      const p = read.PendingChanges as Rec;
      const r = resultOf<{ LastModifiedTime: Date }>(
        await update(w, {
          Id: id,
          SpendCapAmount: String(read.SpendCapAmount),
          Name: read.Name,
          Status: read.Status,
          PendingChanges: { SpendCapAmount: String(p.SpendCapAmount), Name: p.Name, ChangeStatus: p.ChangeStatus },
        }),
      );
      expect(r.LastModifiedTime.toISOString()).to.equal((read.LastModifiedTime as Date).toISOString());
      expect((await one(w, id)).SpendCapAmount).to.equal(1500);
    });

    it("an order of another customer's account is not found (5104), as is one that does not exist", async () => {
      const w = await invoiced();
      const other = await invoiced();
      const id = await add(w);
      expectClientFault(await update(other, { Id: id, Status: 'Canceled' }), 5104);
      expectClientFault(await update(w, { Id: '99999999', Status: 'Canceled' }), 5104);
      expect((await one(w, id)).Status).to.equal('Active');
    });
  });

  describe('budget and status over time', () => {
    it('BudgetSpent is the spend recorded inside the order dates, exact to the cent', async () => {
      const w = await invoiced();
      const id = await add(w, { SpendCapAmount: '300' });
      await spend(w, '10.01', '2026-03-09T23:59:59Z'); // before the start day
      await spend(w, '0.10', '2026-03-10T00:00:00Z');
      await spend(w, '0.20', '2026-03-10T11:00:00Z');
      const o = await one(w, id);
      expect([o.BudgetSpent, o.BudgetRemaining]).to.deep.equal([0.3, 299.7]);
      expect([o.BudgetSpentPercent, o.BudgetRemainingPercent]).to.deep.equal([0.1, 99.9]);
    });

    it('the clock starts, exhausts and expires orders; the sweep records each change once', async () => {
      const w = await invoiced();
      const later = await add(w, {
        StartDate: '2026-03-12T00:00:00Z',
        EndDate: '2026-03-14T00:00:00Z',
        SpendCapAmount: '50',
      });
      let now = await setClock(t, '2026-03-12T00:00:00Z');
      expect((await one(w, later)).Status).to.equal('Active');
      expect((await sweepInsertionOrders(t.db.knex, now)).moved).to.equal(1);
      expect((await sweepInsertionOrders(t.db.knex, now)).moved).to.equal(0);

      now = await setClock(t, '2026-03-12T07:00:00Z');
      await spend(w, '50', '2026-03-12T06:00:00Z');
      expect((await one(w, later)).Status).to.equal('Exhausted');
      await sweepInsertionOrders(t.db.knex, now);

      const second = await add(w, { StartDate: '2026-03-20T00:00:00Z', EndDate: '2026-03-21T00:00:00Z' });
      now = await setClock(t, '2026-03-22T00:00:00Z');
      await sweepInsertionOrders(t.db.knex, now);
      const events = (await t.db
        .knex('insertion_order_events')
        .whereIn('insertion_order_id', [later, second])
        .andWhere({ kind: 'status' })
        .orderBy('id')
        .select('insertion_order_id', 'from_status', 'to_status')) as Rec[];
      expect(events.map((e) => [String(e.insertion_order_id), e.from_status, e.to_status])).to.deep.equal([
        [later, null, 'NotStarted'],
        [later, 'NotStarted', 'Active'],
        [later, 'Active', 'Exhausted'],
        [second, null, 'NotStarted'],
        [second, 'NotStarted', 'Expired'],
      ]);
    });

    it('raising the cap of an exhausted order through approved changes makes it Active again', async () => {
      const w = await invoiced();
      const id = await add(w, { SpendCapAmount: '20' });
      await spend(w, '20', '2026-03-10T01:00:00Z');
      await sweepInsertionOrders(t.db.knex, new Date(TODAY));
      expect((await one(w, id)).Status).to.equal('Exhausted');
      resultOf(await update(w, { Id: id, PendingChanges: { SpendCapAmount: '25' } }));
      resultOf(await update(w, { Id: id, PendingChanges: { ChangeStatus: 'ApproveChanges' } }));
      const o = await one(w, id);
      expect([o.Status, o.BudgetRemaining]).to.deep.equal(['Active', 5]);
    });

    it('the notification threshold queues one email to the account when first reached', async () => {
      const w = await invoiced();
      const id = await add(w, { NotificationThreshold: '70', SpendCapAmount: '100' });
      await spend(w, '69.99', '2026-03-10T01:00:00Z');
      const now = new Date(TODAY);
      expect((await sweepInsertionOrders(t.db.knex, now)).notified).to.equal(0);
      await spend(w, '0.01', '2026-03-10T02:00:00Z');
      expect((await sweepInsertionOrders(t.db.knex, now)).notified).to.equal(1);
      expect((await sweepInsertionOrders(t.db.knex, now)).notified).to.equal(0);
      const mails = (await t.db
        .knex('outbox')
        .where({ kind: 'insertion_order_threshold' })
        .select('to_email', 'subject')) as Rec[];
      const mine = mails.filter((m) => String(m.subject).includes('"March"') && m.to_email === 'ap@contoso.example');
      expect(mine.length).to.be.greaterThan(0);
      expect((await one(w, id)).NotificationThreshold).to.equal(70);
    });
  });

  describe('SearchInsertionOrders', () => {
    it('without an AccountId predicate is 474; AccountId of another customer is 106', async () => {
      const w = await invoiced();
      const other = await invoiced();
      expectClientFault(
        await call(w.user, 'SearchInsertionOrders', {
          Predicates: { Predicate: [{ Field: 'InsertionOrderId', Operator: 'Equals', Value: '1' }] },
        }),
        474,
      );
      expectFaultCode(
        await call(w.user, 'SearchInsertionOrders', {
          Predicates: { Predicate: [{ Field: 'AccountId', Operator: 'Equals', Value: other.accountId }] },
        }),
        106,
      );
    });

    it('filters by id list and by date ranges (each date field at most twice), ordered by name', async () => {
      const w = await invoiced();
      const a = await add(w, { Name: 'Bravo', StartDate: '2026-03-10T00:00:00Z', EndDate: '2026-03-31T00:00:00Z' });
      const b = await add(w, { Name: 'Alpha', StartDate: '2026-04-01T00:00:00Z', EndDate: '2026-04-30T00:00:00Z' });
      const c = await add(w, { Name: 'Charlie', StartDate: '2026-05-01T00:00:00Z', EndDate: '2026-05-31T00:00:00Z' });
      const ids = (rows: Rec[]): string[] => rows.map((r) => String(r.Id));
      expect(ids(await search(w, { Ordering: { OrderBy: [{ Field: 'Name', Order: 'Ascending' }] } }))).to.deep.equal([
        b,
        a,
        c,
      ]);
      expect(
        ids(await search(w, {}, [{ Field: 'InsertionOrderId', Operator: 'In', Value: `${a},${c}` }])),
      ).to.deep.equal([a, c]);
      expect(
        ids(
          await search(w, {}, [
            { Field: 'StartDate', Operator: 'GreaterThanEquals', Value: '2026-04-01T23:00:00Z' },
            { Field: 'StartDate', Operator: 'LessThanEquals', Value: '2026-05-01T00:00:00Z' },
          ]),
        ),
      ).to.deep.equal([b, c]);
      expect(
        ids(await search(w, {}, [{ Field: 'EndDate', Operator: 'LessThanEquals', Value: '2026-04-30T10:00:00Z' }])),
      ).to.deep.equal([a, b]);
      const thrice = await call(w.user, 'SearchInsertionOrders', {
        Predicates: {
          Predicate: [
            { Field: 'AccountId', Operator: 'Equals', Value: w.accountId },
            { Field: 'StartDate', Operator: 'GreaterThanEquals', Value: '2026-01-01T00:00:00Z' },
            { Field: 'StartDate', Operator: 'GreaterThanEquals', Value: '2026-01-01T00:00:00Z' },
            { Field: 'StartDate', Operator: 'LessThanEquals', Value: '2026-12-01T00:00:00Z' },
          ],
        },
      });
      expectClientFault(thrice, 3030);
    });

    it('more than 6 predicates, an unknown field or an operator the field does not take is 3030', async () => {
      const w = await invoiced();
      const acc = { Field: 'AccountId', Operator: 'Equals', Value: w.accountId };
      const date = (field: string, op: string) => ({ Field: field, Operator: op, Value: '2026-01-01T00:00:00Z' });
      const seven = [
        acc,
        date('StartDate', 'GreaterThanEquals'),
        date('StartDate', 'LessThanEquals'),
        date('EndDate', 'GreaterThanEquals'),
        date('EndDate', 'LessThanEquals'),
        { Field: 'InsertionOrderId', Operator: 'In', Value: '1,2' },
        { Field: 'InsertionOrderId', Operator: 'Equals', Value: '1' },
      ];
      for (const predicates of [
        seven,
        [acc, { Field: 'Name', Operator: 'Equals', Value: 'March' }],
        [acc, date('StartDate', 'Equals')],
      ]) {
        const out = await call(w.user, 'SearchInsertionOrders', { Predicates: { Predicate: predicates } });
        expect(out.kind, JSON.stringify(out)).to.equal('fault');
        if (out.kind === 'fault') expect([...new Set(out.codes)]).to.deep.equal([3030]);
      }
      expect(await search(w, {}, seven.slice(1, 6))).to.deep.equal([]);
    });

    it('pages as SearchCoupons does, and an ordering other than Id or Name is 3031', async () => {
      const w = await invoiced();
      const made: string[] = [];
      for (const m of ['04', '05', '06'])
        made.push(await add(w, { StartDate: `2026-${m}-01T00:00:00Z`, EndDate: `2026-${m}-20T00:00:00Z` }));
      const page = await search(w, {
        Ordering: { OrderBy: [{ Field: 'Id', Order: 'Descending' }] },
        PageInfo: { Index: 1, Size: 2 },
      });
      expect(page.map((r) => String(r.Id))).to.deep.equal([made[0]]);
      expectClientFault(
        await call(w.user, 'SearchInsertionOrders', {
          Predicates: { Predicate: [{ Field: 'AccountId', Operator: 'Equals', Value: w.accountId }] },
          Ordering: { OrderBy: [{ Field: 'Number', Order: 'Ascending' }] },
        }),
        3031,
      );
    });

    it('IsUnlimited and IsEndless appear only with ReturnAdditionalFields UnlimitedAndEndlessFlags', async () => {
      const w = await invoiced();
      await add(w);
      const [plain] = await search(w);
      expect(plain).to.not.have.property('IsUnlimited');
      const [flagged] = await search(w, { ReturnAdditionalFields: 'UnlimitedAndEndlessFlags' });
      expect([flagged!.IsUnlimited, flagged!.IsEndless]).to.deep.equal([false, false]);
    });
  });
});
