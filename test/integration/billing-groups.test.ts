// Billing groups (SPEC §4a): the operator creates a group; a SuperAdmin adds accounts of its customer and currency
// (per-account PartialErrors otherwise); ungrouped accounts show the groups they could join; a group's accounts get
// one consolidated document per month; two instances racing the month close issue each document once.
import { expect } from 'chai';
import { callNodeSoap } from '../support/clients.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { billingFails, billingOk } from '../support/cli.ts';
import { resetClock, setClock } from '../support/clock.ts';
import { makeAccount, makeUser, makeWorld, type World } from '../support/factories.ts';
import { expectCleanExits, startTwoApps, startTwoInstances, type TwoApps } from '../support/instances.ts';
import { expectFaultCode, headersOf, list, resultOf, type Rec } from '../support/soap.ts';
import { documentsOf, xmlValues } from '../support/billing-documents.ts';
import { closeBillingMonths } from '../../src/services/billing-close.ts';
import { openDatabase } from '../../src/repositories/db.ts';

const codesOf = (out: Rec): number[][] =>
  list((out.PartialErrors as Rec).ArrayOfOperationError).map((inner) =>
    list(inner?.OperationError).map((e) => Number(e.Code)),
  );

describe('billing groups', function () {
  this.timeout(120000);
  let t: TestApp;
  let w: World;
  let second: { id: string; number: string };
  let euro: { id: string; number: string };
  let group: string;

  before(async () => {
    t = await startTestApp({ testClock: true, expirySweepMs: 100 });
    await resetClock(t, '2026-06-01T00:00:00Z');
    w = await makeWorld(t);
    second = await makeAccount(t, w.customerId);
    euro = await makeAccount(t, w.customerId, { currency: 'EUR' });
    group = (
      await billingOk<{ id: string }>(t, [
        'group',
        'create',
        '--customer',
        w.customerId,
        '--name',
        'Retail',
        '--description',
        'Shops',
      ])
    ).id;
  });
  after(async () => t.close());

  it('billing group create answers the id; a repeated name for the customer is refused', async () => {
    expect(group).to.match(/^\d+$/);
    const run = await billingFails(t, ['group', 'create', '--customer', w.customerId, '--name', 'Retail']);
    expect(run.stderr).to.include('already has a billing group named Retail');
  });

  it('GetBillingGroups lists the customer’s groups, and another customer’s id is 106', async () => {
    const out = resultOf(
      await callNodeSoap(t.endpoint, 'GetBillingGroups', headersOf(w.user), { CustomerId: w.customerId }),
    );
    expect(
      list((out.BillingGroups as Rec).BillingGroup).map((g) => [
        String(g.BillingGroupId),
        String(g.CustomerId),
        g.Name,
        g.Description,
      ]),
    ).to.deep.equal([[group, w.customerId, 'Retail', 'Shops']]);
    const other = await makeWorld(t);
    expectFaultCode(
      await callNodeSoap(t.endpoint, 'GetBillingGroups', headersOf(other.user), { CustomerId: w.customerId }),
      106,
    );
  });

  it('UpdateBillingGroupAccounts adds accounts and reports each refused one by index', async () => {
    const other = await makeWorld(t);
    const out = resultOf(
      await callNodeSoap(t.endpoint, 'UpdateBillingGroupAccounts', headersOf(w.user), {
        CustomerId: w.customerId,
        BillingGroupId: group,
        AccountsToAdd: { long: [w.accountId, second.id, euro.id, other.accountId, '999999', w.accountId] },
      }),
    );
    // Added, added, other currency (4603), another customer's (106), unknown (2108), already in this group (ok).
    expect(codesOf(out)).to.deep.equal([[], [], [4603], [106], [2108], []]);
    const viewer = await makeUser(t, w.customerId, { role: 'Standard' });
    expectFaultCode(
      await callNodeSoap(t.endpoint, 'UpdateBillingGroupAccounts', headersOf(viewer), {
        CustomerId: w.customerId,
        BillingGroupId: group,
        AccountsToAdd: { long: [euro.id] },
      }),
      1001,
    );
    expectFaultCode(
      await callNodeSoap(t.endpoint, 'UpdateBillingGroupAccounts', headersOf(w.user), {
        CustomerId: w.customerId,
        BillingGroupId: '424242',
        AccountsToAdd: { long: [euro.id] },
      }),
      4602,
    );
  });

  it('an account in another group is refused with 4604', async () => {
    const { id: other } = await billingOk<{ id: string }>(t, [
      'group',
      'create',
      '--customer',
      w.customerId,
      '--name',
      'Online',
    ]);
    const out = resultOf(
      await callNodeSoap(t.endpoint, 'UpdateBillingGroupAccounts', headersOf(w.user), {
        CustomerId: w.customerId,
        BillingGroupId: other,
        AccountsToAdd: { long: [second.id] },
      }),
    );
    expect(codesOf(out)).to.deep.equal([[4604]]);
  });

  it('GetUngroupedAccounts lists accounts in no group with the groups of their currency they could join', async () => {
    const out = resultOf(
      await callNodeSoap(t.endpoint, 'GetUngroupedAccounts', headersOf(w.user), { CustomerId: w.customerId }),
    );
    const accounts = list((out.UngroupedAccounts as Rec).UngroupedAccount);
    expect(accounts.map((a) => [String(a.AccountId), a.AccountNumber])).to.deep.equal([[euro.id, euro.number]]);
    // Retail is a USD group now; Online has no account yet, so any currency may join it.
    expect(
      list((accounts[0]!.PotentialBillingGroups as Rec).KeyValueEntityOflongstring).map((g) => g.Value),
    ).to.deep.equal(['Online']);
  });

  it('the accounts of a group get one consolidated document for the month', async () => {
    await setClock(t, '2026-06-10T00:00:00Z');
    await t.admin('/admin/spend', { account: w.accountId, amount: '10', at: '2026-06-09T00:00:00Z' });
    await t.admin('/admin/spend', { account: second.id, amount: '2.5', at: '2026-06-09T00:00:00Z' });
    await t.admin('/admin/spend', { account: euro.id, amount: '4', at: '2026-06-09T00:00:00Z' });
    await billingOk(t, ['clock', 'advance', 'P1M']);
    const [grouped] = await documentsOf(t, w.accountId, 1);
    expect(await documentsOf(t, second.id, 1)).to.deep.equal([grouped]);
    expect(grouped!.amount).to.equal('12.5');
    const [alone] = await documentsOf(t, euro.id, 1);
    expect(alone!.amount).to.equal('4');
    expect(alone!.id).to.not.equal(grouped!.id);
    const out = resultOf(
      await callNodeSoap(t.endpoint, 'GetBillingDocuments', headersOf(w.user), {
        BillingDocumentsInfo: { BillingDocumentInfo: [{ DocumentId: grouped!.id }] },
        Type: 'Xml',
      }),
    );
    const xml = Buffer.from(String(list((out.BillingDocuments as Rec).BillingDocument)[0]!.Data), 'base64').toString();
    expect(xml).to.include(`<BillingGroup id="${group}">Retail</BillingGroup>`);
    expect(xmlValues(xml, 'GrossSpend')).to.deep.equal(['12.5']);
    expect(xml).to.include(`accountNumber="${w.accountNumber}"`).and.include(`accountNumber="${second.number}"`);
  });
});

describe('two instances racing the month close', function () {
  this.timeout(120000);
  let two: TwoApps;

  before(async () => {
    two = await startTwoApps({ testClock: true, expirySweepMs: 0 });
  });
  after(async () => two.close());

  it('issue each document exactly once, numbered 1..n without gaps', async () => {
    const [a, b] = two.apps;
    await resetClock(a, '2026-01-15T00:00:00Z');
    const w = await makeWorld(a);
    const accounts = [w.accountId];
    for (let i = 0; i < 9; i++) accounts.push((await makeAccount(a, w.customerId)).id);
    for (const id of accounts) await a.admin('/admin/spend', { account: id, amount: '3', at: '2026-01-15T00:00:00Z' });
    const now = new Date('2026-04-02T00:00:00Z'); // January, February and March have ended
    const issued = await Promise.all([
      closeBillingMonths(a.db.knex, now),
      closeBillingMonths(b.db.knex, now),
      closeBillingMonths(a.db.knex, now),
      closeBillingMonths(b.db.knex, now),
    ]);
    expect(issued.reduce((s, n) => s + n, 0)).to.equal(10);
    const rows = (await a.db.knex('billing_documents').orderBy('number').select('number', 'account_id')) as {
      number: string;
      account_id: string;
    }[];
    expect(rows.map((r) => Number(r.number))).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(new Set(rows.map((r) => String(r.account_id)))).to.have.property('size', 10);
    const closes = (await a.db
      .knex('billing_month_closes')
      .orderBy('month')
      .select(a.db.knex.raw('month::text AS month'), 'documents')) as { month: string; documents: number }[];
    expect(closes).to.deep.equal([
      { month: '2026-01-01', documents: 10 },
      { month: '2026-02-01', documents: 0 },
      { month: '2026-03-01', documents: 0 },
    ]);
  });
});

describe('a month close that finds another instance closing the same month', function () {
  this.timeout(120000);
  let two: TwoApps;
  const closers: (() => Promise<void>)[] = [];

  before(async () => {
    two = await startTwoApps({ testClock: true, expirySweepMs: 0 });
  });
  after(async () => {
    for (const c of closers) await c();
    await two.close();
  });

  it('gives way without an error, and closes the month later if the other did not', async function () {
    const [a] = two.apps;
    if (!two.database.url) this.skip(); // one PGlite connection: no second session to wait on a lock
    // The other instance's pool, with the lock_timeout a deployment has (DB_LOCK_TIMEOUT_MS).
    const b = { db: await openDatabase({ databaseUrl: two.database.url, pgliteDir: null, lockTimeoutMs: 500 }) };
    closers.push(() => b.db.close());
    await resetClock(a, '2026-03-10T00:00:00Z');
    const w = await makeWorld(a);
    await a.admin('/admin/spend', { account: w.accountId, amount: '1', at: '2026-03-10T00:00:00Z' });
    const tx = await a.db.knex.transaction();
    try {
      await tx('billing_month_closes').insert({ month: '2026-04-01', documents: 0, closed_at: new Date() });
      const started = Date.now();
      // March closes (one document); April is being closed by the other: this one stops there.
      expect(await closeBillingMonths(b.db.knex, new Date('2026-05-02T00:00:00Z'))).to.equal(1);
      expect(Date.now() - started, 'it waited for the lock, then gave way').to.be.greaterThan(500);
    } finally {
      await tx.rollback();
    }
    expect(await closeBillingMonths(b.db.knex, new Date('2026-05-02T00:00:00Z'))).to.equal(0);
    const months = (await b.db.knex('billing_month_closes').pluck('month')) as string[];
    expect(months.map(String)).to.include('2026-04-01');
  });
});

describe('two service instances, each running its sweep, at the end of a month', function () {
  this.timeout(180000);

  it('issue one document per account between them, numbered 1..n', async () => {
    const two = await startTwoInstances({
      env: { BILLING_TEST_CLOCK: '1', EXPIRY_SWEEP_MS: '20' },
      config: { testClock: true, expirySweepMs: 20 },
    });
    try {
      const first = two.at(0);
      await first.admin('/admin/clock/reset', { at: '2026-01-20T00:00:00Z' });
      const customer = (await first.admin<{ id: string }>('/admin/customers', { name: 'Race' })).id;
      const accounts: string[] = [];
      for (let i = 0; i < 12; i++) {
        const account = (await two.at(i).admin<{ id: string }>('/admin/accounts', { customer, currency: 'USD' })).id;
        await two.at(i + 1).admin('/admin/spend', { account, amount: '1.5', at: '2026-01-19T00:00:00Z' });
        accounts.push(account);
      }
      await two.at(1).admin('/admin/clock', { advance: 'P1M' });
      let closed = false;
      for (let i = 0; i < 200 && !closed; i++) {
        closed = (await two.knex('billing_month_closes').where('month', '2026-01-01').first('month')) !== undefined;
        if (!closed) await new Promise((r) => setTimeout(r, 50));
      }
      expect(closed, 'January was closed').to.equal(true);
      const rows = (await two.knex('billing_documents').orderBy('number').select('number', 'account_id')) as {
        number: string;
        account_id: string;
      }[];
      expect(rows.map((r) => Number(r.number))).to.deep.equal(accounts.map((_, i) => i + 1));
      expect(rows.map((r) => String(r.account_id)).sort()).to.deep.equal([...accounts].sort());
      for (const [i, account] of accounts.entries()) {
        const docs = await two
          .at(i)
          .admin<{ amount: string }[]>(`/admin/accounts/${account}/documents`, undefined, 'GET');
        expect(docs.map((d) => d.amount)).to.deep.equal(['1.5']);
      }
    } finally {
      expectCleanExits(await two.close());
    }
  });
});
