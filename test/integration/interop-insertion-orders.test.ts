// Three real SOAP client stacks built from the official WSDL (zeep, PHP SoapClient, node-soap) add, update and search
// insertion orders on a running service, and read typed results and typed faults.
import { expect } from 'chai';
import { callNodeSoap, callPhp, callZeep, type ClientOutcome, type SoapHeaders } from '../support/clients.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { startEachTestAt } from '../support/clock.ts';
import { makeAccount, makeCustomer, makeUser } from '../support/factories.ts';
import { expectClientFault, list, resultOf, type Rec } from '../support/soap.ts';

type Caller = (endpoint: string, op: string, headers: SoapHeaders, body?: unknown) => Promise<ClientOutcome>;
const CLIENTS: readonly (readonly [string, Caller])[] = [
  ['zeep', callZeep],
  ['PHP SoapClient', callPhp],
  ['node-soap', callNodeSoap],
];
const iso = (v: unknown): string => new Date(v as string).toISOString();

describe('SOAP clients built from the official WSDL add, update and search insertion orders', function () {
  this.timeout(120000);
  let t: TestApp;

  before(async () => {
    t = await startTestApp({ testClock: true });
  });
  after(async () => t.close());
  startEachTestAt(() => t, '2026-03-10T12:00:00Z');

  async function invoiceWorld(): Promise<{ accountId: string; number: string; headers: SoapHeaders }> {
    const customer = await makeCustomer(t);
    const account = await makeAccount(t, customer, { invoice: true });
    const user = await makeUser(t, customer);
    return {
      accountId: account.id,
      number: account.number,
      headers: {
        AuthenticationToken: user.authenticationToken,
        DeveloperToken: user.developerToken,
        UserName: '',
        Password: '',
      },
    };
  }

  for (const [name, call] of CLIENTS) {
    it(`${name} adds an order, approves changes to it and reads it back typed`, async () => {
      const w = await invoiceWorld();
      const added = resultOf<Rec>(
        await call(t.endpoint, 'AddInsertionOrder', w.headers, {
          InsertionOrder: {
            AccountId: w.accountId,
            EndDate: '2026-04-30T00:00:00Z',
            NotificationThreshold: 80,
            SpendCapAmount: 2500.5,
            StartDate: '2026-04-01T00:00:00Z',
            Name: 'April',
            PurchaseOrder: 'PO-1',
          },
        }),
      );
      const id = String(added.InsertionOrderId);
      expect(id).to.match(/^\d+$/);
      expect(iso(added.CreateTime).slice(0, 16)).to.equal('2026-03-10T12:00');

      const updated = resultOf<Rec>(
        await call(t.endpoint, 'UpdateInsertionOrder', w.headers, {
          InsertionOrder: { AccountId: w.accountId, Id: id, PendingChanges: { SpendCapAmount: 3000 } },
        }),
      );
      expect(iso(updated.LastModifiedTime).slice(0, 16)).to.equal('2026-03-10T12:00');
      resultOf(
        await call(t.endpoint, 'UpdateInsertionOrder', w.headers, {
          InsertionOrder: { AccountId: w.accountId, Id: id, PendingChanges: { ChangeStatus: 'ApproveChanges' } },
        }),
      );

      const found = resultOf<Rec>(
        await call(t.endpoint, 'SearchInsertionOrders', w.headers, {
          Predicates: { Predicate: [{ Field: 'AccountId', Operator: 'Equals', Value: w.accountId }] },
          Ordering: { OrderBy: [{ Field: 'Id', Order: 'Ascending' }] },
          PageInfo: { Index: 0, Size: 10 },
          // zeep takes an xs:list as a Python list (a string would be sent letter by letter).
          ReturnAdditionalFields: name === 'zeep' ? ['UnlimitedAndEndlessFlags'] : 'UnlimitedAndEndlessFlags',
        }),
      );
      const [o, ...rest] = list((found.InsertionOrders as Rec | undefined)?.InsertionOrder);
      expect(rest).to.deep.equal([]);
      expect(String(o!.Id)).to.equal(id);
      expect(String(o!.AccountId)).to.equal(w.accountId);
      expect([o!.AccountNumber, o!.Name, o!.PurchaseOrder, o!.Status]).to.deep.equal([
        w.number,
        'April',
        'PO-1',
        'NotStarted',
      ]);
      expect([Number(o!.SpendCapAmount), Number(o!.BudgetSpent), Number(o!.BudgetRemaining)]).to.deep.equal([
        3000, 0, 3000,
      ]);
      expect(Number(o!.NotificationThreshold)).to.equal(80);
      expect(iso(o!.StartDate)).to.equal('2026-04-01T00:00:00.000Z');
      expect(iso(o!.EndDate)).to.equal('2026-04-30T00:00:00.000Z');
      expect((o!.PendingChanges as Rec).ChangeStatus).to.equal('ApproveChanges');
      expect([o!.IsUnlimited, o!.IsEndless].map((v) => v === true || v === 'true')).to.deep.equal([false, false]);
    });

    it(`${name} surfaces typed faults: Status on add 477, a changed approved order 479, no AccountId 474`, async () => {
      const w = await invoiceWorld();
      const order = {
        AccountId: w.accountId,
        EndDate: '2026-04-30T00:00:00Z',
        SpendCapAmount: 100,
        StartDate: '2026-04-01T00:00:00Z',
      };
      const id = String(
        resultOf<Rec>(await call(t.endpoint, 'AddInsertionOrder', w.headers, { InsertionOrder: order }))
          .InsertionOrderId,
      );
      expectClientFault(
        await call(t.endpoint, 'UpdateInsertionOrder', w.headers, {
          InsertionOrder: { ...order, Id: id, SpendCapAmount: 200 },
        }),
        479,
      );
      expectClientFault(
        await call(t.endpoint, 'AddInsertionOrder', w.headers, {
          InsertionOrder: {
            AccountId: w.accountId,
            EndDate: '2026-04-30T00:00:00Z',
            SpendCapAmount: 100,
            StartDate: '2026-04-01T00:00:00Z',
            Status: 'Active',
          },
        }),
        477,
      );
      expectClientFault(
        await call(t.endpoint, 'SearchInsertionOrders', w.headers, {
          Predicates: { Predicate: [{ Field: 'InsertionOrderId', Operator: 'Equals', Value: '1' }] },
        }),
        474,
      );
    });
  }
});
