// The operator side of insertion orders (SPEC §4a, §6): `billing account create … --invoice` and `billing io create`,
// whose order the advertiser then finds waiting for review over SOAP.
import { expect } from 'chai';
import { startTestApp, type TestApp } from '../support/app.ts';
import { argv, billingFails, billingJson } from '../support/cli.ts';
import { callNodeSoap } from '../support/clients.ts';
import { makeCustomer, makeUser } from '../support/factories.ts';
import { headersOf, list, resultOf, type Rec } from '../support/soap.ts';

describe('operator CLI: invoice accounts and insertion orders', function () {
  this.timeout(120000);
  let t: TestApp;

  before(async () => {
    t = await startTestApp();
  });
  after(async () => t.close());

  it('io create on an --invoice account prints {"id","status"} and the advertiser sees it PendingUserReview', async () => {
    const customer = await makeCustomer(t);
    const account = await billingJson(t, argv`account create --customer ${customer} --currency EUR --invoice`);
    const user = await makeUser(t, customer);

    const created = await billingJson(
      t,
      argv`io create --account ${String(account.id)} --name ${'Q3 Plan'} --amount 1234.56 --start 2099-07-01 --end 2099-09-30 --po ${'PO 42'}`,
    );

    expect(Object.keys(created).sort()).to.deep.equal(['id', 'status']);
    expect(created.status).to.equal('PendingUserReview');
    const out = await callNodeSoap(t.endpoint, 'SearchInsertionOrders', headersOf(user), {
      Predicates: { Predicate: [{ Field: 'AccountId', Operator: 'Equals', Value: String(account.id) }] },
    });
    const [o] = list((resultOf(out).InsertionOrders as Rec).InsertionOrder);
    expect([String(o!.Id), o!.Name, o!.PurchaseOrder, o!.SpendCapAmount, o!.Status]).to.deep.equal([
      String(created.id),
      'Q3 Plan',
      'PO 42',
      1234.56,
      'PendingUserReview',
    ]);
    expect((o!.StartDate as Date).toISOString()).to.equal('2099-07-01T00:00:00.000Z');
    expect(o!.LastModifiedByUserId ?? null).to.equal(null);
  });

  it('io create refuses a prepaid account, an end not after the start, a bad date and too many decimals', async () => {
    const customer = await makeCustomer(t);
    const prepaid = await billingJson(t, argv`account create --customer ${customer} --currency USD`);
    const invoice = await billingJson(t, argv`account create --customer ${customer} --currency JPY --invoice`);
    const io = (account: unknown, amount: string, start: string, end: string): string[] =>
      argv`io create --account ${String(account)} --name N --amount ${amount} --start ${start} --end ${end}`;

    expect((await billingFails(t, io(prepaid.id, '10', '2099-01-01', '2099-02-01'))).stderr).to.match(/invoice/);
    expect((await billingFails(t, io(invoice.id, '10', '2099-02-01', '2099-02-01'))).stderr).to.match(/later/);
    expect((await billingFails(t, io(invoice.id, '10', '2099-02-30', '2099-03-01'))).stderr).to.match(/start/);
    expect((await billingFails(t, io(invoice.id, '10.5', '2099-01-01', '2099-02-01'))).stderr).to.match(/JPY/);
    expect((await billingFails(t, argv`io create --account ${String(invoice.id)} --amount 5`)).stderr).to.match(
      /--name/,
    );
  });
});
