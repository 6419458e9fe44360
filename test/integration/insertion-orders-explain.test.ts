// SearchInsertionOrders and the budget sums read through indexes (SPEC §4a "bounded statements"): with many accounts,
// orders and spend events, the statements the service actually runs for one account's page (captured from Knex's
// query events, values as parameters) scan neither insertion_orders nor account_events sequentially.
import { expect } from 'chai';
import type { Knex } from 'knex';
import { lockSweepBatch } from '../../src/repositories/insertion-orders.ts';
import { searchInsertionOrders } from '../../src/services/insertion-orders.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { makeCustomer, makeUser } from '../support/factories.ts';

const ACCOUNTS = 400;
const ORDERS_PER_ACCOUNT = 50;
const SPEND_PER_ACCOUNT = 100;

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}
const nodesOf = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodesOf)];
const show = (n: PlanNode, depth = 0): string =>
  [
    `${'  '.repeat(depth)}${n['Node Type']}${n['Relation Name'] ? ` on ${n['Relation Name']}` : ''}${n['Index Name'] ? ` using ${n['Index Name']}` : ''}`,
    ...(n.Plans ?? []).map((c) => show(c, depth + 1)),
  ].join('\n');

interface Captured {
  sql: string;
  bindings: unknown[];
}

/** EXPLAIN of a statement as Knex sent it (`$n` placeholders turned back into Knex's `?`, in the same order). */
async function explain(knex: Knex, q: Captured): Promise<PlanNode> {
  const { rows } = (await knex.raw(
    `EXPLAIN (FORMAT JSON) ${q.sql.replace(/\$\d+/g, '?')}`,
    q.bindings as Knex.RawBinding[],
  )) as {
    rows: { 'QUERY PLAN': unknown }[];
  };
  const raw = rows[0]!['QUERY PLAN'];
  return ((typeof raw === 'string' ? JSON.parse(raw) : raw) as { Plan: PlanNode }[])[0]!.Plan;
}

describe(`SearchInsertionOrders over ${(ACCOUNTS * ORDERS_PER_ACCOUNT).toLocaleString('en-US')} orders stays on indexes`, function () {
  this.timeout(600_000);
  let t: TestApp;
  let customerId: string;
  let userId: string;
  let accountId: string;

  before(async () => {
    t = await startTestApp();
    customerId = await makeCustomer(t);
    userId = (await makeUser(t, customerId)).id;
    const knex = t.db.knex;
    // Arrange only: bulk rows with INSERT … SELECT (the API paths are covered by insertion-orders.test.ts).
    await knex.raw(
      `INSERT INTO accounts (customer_id, number, currency, bill_to_customer_id, invoice_billed)
       SELECT ?, 'IO' || lpad(g::text, 8, '0'), 'USD', ?, true FROM generate_series(1, ?) g`,
      [customerId, customerId, ACCOUNTS],
    );
    await knex.raw(
      `INSERT INTO insertion_orders (account_id, name, start_date, end_date, spend_cap_minor, status, created_by,
                                     last_modified_at, created_at)
       SELECT a.id, 'Order ' || g, date '2026-01-01' + g * 3, date '2026-01-01' + g * 3 + 2, 100000, 'Active',
              'advertiser', now(), now()
         FROM accounts a CROSS JOIN generate_series(1, ?) g WHERE a.customer_id = ?`,
      [ORDERS_PER_ACCOUNT, customerId],
    );
    await knex.raw(
      `INSERT INTO account_events (account_id, kind, at, amount_minor)
       SELECT a.id, 'spend', timestamptz '2026-01-01' + g * interval '1 day', 100
         FROM accounts a CROSS JOIN generate_series(1, ?) g WHERE a.customer_id = ?`,
      [SPEND_PER_ACCOUNT, customerId],
    );
    // Most orders are over (Canceled): the sweep must not read them on every tick.
    await knex.raw(`UPDATE insertion_orders SET status = 'Canceled' WHERE substring(name from 7)::int > 2`);
    accountId = String(
      ((await knex('accounts').where({ customer_id: customerId }).orderBy('id').first('id')) as { id: string }).id,
    );
    await knex.raw('ANALYZE');
  });
  after(async () => t?.close());

  it('a page of one account by name and date range, and its budget sums, scan no table sequentially', async () => {
    const captured: Captured[] = [];
    const listener = (q: { sql: string; bindings?: unknown[] }): void =>
      void captured.push({ sql: q.sql, bindings: q.bindings ?? [] });
    t.db.knex.on('query', listener);
    let found: number;
    try {
      const views = await searchInsertionOrders(
        t.db.knex,
        { userId, customerId, role: 'SuperAdmin' },
        {
          predicates: [
            { field: 'AccountId', operator: 'Equals', value: accountId },
            { field: 'StartDate', operator: 'GreaterThanEquals', value: '2026-01-10T00:00:00Z' },
            { field: 'EndDate', operator: 'LessThanEquals', value: '2026-03-01T00:00:00Z' },
          ],
          ordering: [{ field: 'Name', order: 'Ascending' }],
          page: { index: 0, size: 10 },
        },
        new Date('2026-06-01T00:00:00Z'),
      );
      found = views.length;
      expect(views.every((v) => v.budget !== null && BigInt(v.budget.spentMinor) > 0n)).to.equal(true);
    } finally {
      t.db.knex.removeListener('query', listener);
    }
    expect(found).to.equal(10);
    const statements = captured.filter((q) => /insertion_orders|account_events/.test(q.sql));
    expect(statements.length).to.be.at.least(2);
    for (const q of statements) {
      const plan = await explain(t.db.knex, q);
      const seq = nodesOf(plan).filter(
        (n) => n['Node Type'] === 'Seq Scan' && /^(insertion_orders|account_events)$/.test(n['Relation Name'] ?? ''),
      );
      expect(seq, `${q.sql}\n${show(plan)}`).to.have.length(0);
      // Values travel as parameters: no quoted literal with a digit (dates, ids, amounts) in the statement text.
      expect(q.bindings, q.sql).to.not.have.length(0);
      expect(q.sql).to.not.match(/'[^']*\d[^']*'/);
    }
  });

  it('the sweep reads only the orders it may still change, through its partial index', async () => {
    const captured: Captured[] = [];
    const listener = (q: { sql: string; bindings?: unknown[] }): void =>
      void captured.push({ sql: q.sql, bindings: q.bindings ?? [] });
    let batch = 0;
    await t.db.knex
      .transaction(async (tx) => {
        tx.on('query', listener);
        batch = (await lockSweepBatch(tx, '0', 200)).length;
        throw new Error('rollback');
      })
      .catch((e: Error) => expect(e.message).to.equal('rollback'));
    expect(batch).to.equal(200);
    const q = captured.find((c) => /FOR UPDATE SKIP LOCKED/.test(c.sql));
    expect(q, 'the batch statement').to.not.equal(undefined);
    const plan = await explain(t.db.knex, q!);
    const scans = nodesOf(plan).filter((n) => n['Relation Name'] === 'insertion_orders');
    expect(
      scans.map((n) => [n['Node Type'], n['Index Name']]),
      show(plan),
    ).to.deep.equal([['Index Scan', 'insertion_orders_sweep_idx']]);
  });
});
