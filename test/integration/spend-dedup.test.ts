// Retries never double-count (SPEC §6 --transaction-id): a spend repeating a transaction id of its account is
// accepted, records nothing (no event, no ledger entry, no replay) and is reported as a duplicate of the original,
// through the admin API (single and batch), the CLI, truly parallel requests and two service instances.
import { expect } from 'chai';
import { useTestApp } from '../support/app.ts';
import { billingOk } from '../support/cli.ts';
import { makeAccount, makeCustomer } from '../support/factories.ts';
import { startTwoInstances, type TwoInstances } from '../support/instances.ts';

interface Outcome {
  id: string;
  duplicate: boolean;
}
interface BatchOutcome {
  count: number;
  recorded: number;
  duplicates: number;
  results: Outcome[];
}

describe('spend with a transaction id is recorded once, however often it is sent', function () {
  this.timeout(180000);
  const t = useTestApp();

  const count = async (table: string, accountId: string): Promise<number> =>
    Number(((await t.db.knex(table).where({ account_id: accountId }).count({ n: '*' })) as { n: string }[])[0]!.n);
  const spends = (accountId: string) =>
    t.db.knex('account_events').where({ account_id: accountId, kind: 'spend' }).orderBy('id');
  const newAccount = async (): Promise<string> => (await makeAccount(t, await makeCustomer(t))).id;

  it('a repeated transaction id is accepted, answers duplicate: true with the original id, and changes nothing', async () => {
    const account = await newAccount();
    const first = await t.admin<Outcome>('/admin/spend', { account, amount: '12.50', transactionId: 'tx-1' });
    const events = await count('account_events', account);
    const ledger = await count('ledger_entries', account);
    const state = await t.db.knex('account_states').where({ account_id: account }).first();

    const again = await t.admin<Outcome>('/admin/spend', { account, amount: '12.50', transactionId: 'tx-1' });

    expect(first).to.deep.equal({ id: first.id, duplicate: false });
    expect(again).to.deep.equal({ id: first.id, duplicate: true });
    expect(await count('account_events', account)).to.equal(events);
    expect(await count('ledger_entries', account)).to.equal(ledger);
    expect(await t.db.knex('account_states').where({ account_id: account }).first()).to.deep.equal(state);
  });

  it('a repeat with a different amount and time is ignored too: the first recording is the one that counts', async () => {
    const account = await newAccount();
    const first = await t.admin<Outcome>('/admin/spend', {
      account,
      amount: '5',
      at: '2026-01-02T00:00:00Z',
      transactionId: 'usage-7',
    });

    const again = await t.admin<Outcome>('/admin/spend', {
      account,
      amount: '900',
      at: '2026-01-01T00:00:00Z',
      transactionId: 'usage-7',
    });

    expect(again).to.deep.equal({ id: first.id, duplicate: true });
    const rows = (await spends(account)) as { amount_minor: string; at: Date }[];
    expect(rows.map((r) => [r.amount_minor, r.at.toISOString()])).to.deep.equal([['500', '2026-01-02T00:00:00.000Z']]);
  });

  it('a transaction id is unique per account: the same id on another account is a new spend', async () => {
    const a = await newAccount();
    const b = await newAccount();

    const onA = await t.admin<Outcome>('/admin/spend', { account: a, amount: '1', transactionId: 'shared' });
    const onB = await t.admin<Outcome>('/admin/spend', { account: b, amount: '1', transactionId: 'shared' });

    expect(onA.duplicate).to.equal(false);
    expect(onB.duplicate).to.equal(false);
    expect(onB.id).not.to.equal(onA.id);
  });

  it('spend without a transaction id is recorded every time it is sent', async () => {
    const account = await newAccount();

    await t.admin('/admin/spend', { account, amount: '1' });
    const second = await t.admin<Outcome>('/admin/spend', { account, amount: '1' });

    expect(second.duplicate).to.equal(false);
    expect(await spends(account)).to.have.length(2);
  });

  it('a retried batch reports every item as a duplicate of its original and records nothing more', async () => {
    const account = await newAccount();
    const events = [
      { account, amount: '3', at: '2026-01-03T00:00:00Z', transactionId: 'b-1' },
      { account, amount: '1', at: '2026-01-01T00:00:00Z', transactionId: 'b-2' },
      { account, amount: '2', at: '2026-01-02T00:00:00Z' },
    ];
    const first = await t.admin<BatchOutcome>('/admin/spend/batch', { events });
    const ledger = await count('ledger_entries', account);

    const retry = await t.admin<BatchOutcome>('/admin/spend/batch', { events: events.slice(0, 2) });

    expect(first).to.include({ count: 3, recorded: 3, duplicates: 0 });
    const stored = (await spends(account)) as { id: string; amount_minor: string; transaction_id: string | null }[];
    const byId = new Map(stored.map((r) => [r.id, r]));
    // Each result names the event that records its own item.
    expect(first.results.map((r) => byId.get(r.id)?.amount_minor)).to.deep.equal(['300', '100', '200']);
    expect(first.results.map((r) => byId.get(r.id)?.transaction_id)).to.deep.equal(['b-1', 'b-2', null]);
    expect(retry).to.deep.equal({
      count: 2,
      recorded: 0,
      duplicates: 2,
      results: [
        { id: first.results[0]!.id, duplicate: true },
        { id: first.results[1]!.id, duplicate: true },
      ],
    });
    expect(await spends(account)).to.have.length(3);
    expect(await count('ledger_entries', account)).to.equal(ledger);
  });

  it('a transaction id repeated inside one batch is recorded once; the later items report the first', async () => {
    const account = await newAccount();

    const out = await t.admin<BatchOutcome>('/admin/spend/batch', {
      events: [
        { account, amount: '4', transactionId: 'dup' },
        { account, amount: '6', transactionId: 'other' },
        { account, amount: '4', transactionId: 'dup' },
        { account, amount: '99', transactionId: 'dup' },
      ],
    });

    expect(out).to.include({ count: 4, recorded: 2, duplicates: 2 });
    expect(out.results.map((r) => r.duplicate)).to.deep.equal([false, false, true, true]);
    expect(out.results[2]!.id).to.equal(out.results[0]!.id);
    expect(out.results[3]!.id).to.equal(out.results[0]!.id);
    expect(((await spends(account)) as { amount_minor: string }[]).map((r) => r.amount_minor)).to.deep.equal([
      '400',
      '600',
    ]);
  });

  it('a batch with an invalid transaction id records nothing and names the item', async () => {
    const account = await newAccount();

    const error = await t
      .admin('/admin/spend/batch', {
        events: [
          { account, amount: '1', transactionId: 'fine' },
          { account, amount: '1', transactionId: 42 },
        ],
      })
      .then(
        () => '',
        (e: Error) => e.message,
      );

    expect(error).to.match(/→ 400: events\[1\]\.transactionId must be text of 1 to 255 characters/);
    expect(await spends(account)).to.have.length(0);
  });

  it('20 parallel requests with the same transaction id record exactly one spend, and all name that event', async () => {
    const account = await newAccount();

    const outcomes = await Promise.all(
      Array.from({ length: 20 }, () =>
        t.admin<Outcome>('/admin/spend', { account, amount: '2.25', transactionId: 'parallel' }),
      ),
    );

    const rows = (await spends(account)) as { id: string }[];
    expect(rows).to.have.length(1);
    expect(new Set(outcomes.map((o) => o.id))).to.deep.equal(new Set([rows[0]!.id]));
    expect(outcomes.filter((o) => !o.duplicate)).to.have.length(1);
  });

  it('parallel batches sharing transaction ids record each id once', async () => {
    const account = await newAccount();
    const batch = (offset: number) => ({
      events: Array.from({ length: 10 }, (_, i) => ({
        account,
        amount: '1',
        transactionId: `p-${(i + offset) % 10}`,
      })),
    });

    const outcomes = await Promise.all(
      Array.from({ length: 6 }, (_, k) => t.admin<BatchOutcome>('/admin/spend/batch', batch(k))),
    );

    expect(await spends(account)).to.have.length(10);
    expect(outcomes.reduce((n, o) => n + o.recorded, 0)).to.equal(10);
    expect(outcomes.reduce((n, o) => n + o.duplicates, 0)).to.equal(50);
  });

  it('billing spend record --transaction-id prints the duplicate flag; the repeat exits 0 and records nothing', async () => {
    const account = await newAccount();
    const run = (): Promise<Outcome> =>
      billingOk<Outcome>(t, ['spend', 'record', '--account', account, '--amount', '7', '--transaction-id', 'cli-1']);

    const first = await run();
    const again = await run();

    expect(first.duplicate).to.equal(false);
    expect(again).to.deep.equal({ id: first.id, duplicate: true });
    expect(await spends(account)).to.have.length(1);
  });
});

describe('spend with a transaction id across two service instances on one database', function () {
  this.timeout(300000);
  let two: TwoInstances;
  before(async () => {
    two = await startTwoInstances({ env: { OUTBOX_WORKER: '0' } });
  });
  after(async () => {
    await two?.close();
  });

  it('the same transaction id sent to both instances at once, 10 times each, records exactly one spend', async () => {
    const customer = await two.at(0).admin<{ id: string }>('/admin/customers', { name: 'Twin' });
    const account = await two.at(0).admin<{ id: string }>('/admin/accounts', {
      customer: customer.id,
      currency: 'USD',
    });

    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        two.at(i).admin<Outcome>('/admin/spend', { account: account.id, amount: '3', transactionId: 'twin' }),
      ),
    );

    const rows = (await two.knex('account_events').where({ account_id: account.id, kind: 'spend' }).select('id')) as {
      id: string;
    }[];
    expect(rows).to.have.length(1);
    expect(outcomes.filter((o) => !o.duplicate)).to.have.length(1);
    expect(new Set(outcomes.map((o) => o.id))).to.deep.equal(new Set([rows[0]!.id]));
  });
});
