// One tenant's volume never slows another (README): on a skewed database — customer A owning 30 % of the coupons,
// every other customer an average share, everyone redeeming, claiming and spending — every statement that a small
// customer B's operations send over SOAP is an index walk over B's own rows. Each statement's EXPLAIN ANALYZE (and,
// for a named prepared statement, the generic plan PostgreSQL switches to after five executions) must scan none of
// the tenant tables sequentially and read fewer rows than twice B's own data: the bound follows B, not the tables.
// Shares its loader and statement recorder with `npm run explain` (scripts/tenant-plans.ts), which does the same at
// 1,000,000 coupons. Plan shapes and row counts only, never times.
import { expect } from 'chai';
import {
  availableCouponOf,
  captureOperations,
  explainAll,
  loadVolume,
  makeSmallCustomer,
  operationsOf,
  ownRowsOf,
  showPlan,
  summaryLine,
  type PlanSummary,
  type PlanTarget,
  type SmallCustomer,
} from '../../scripts/tenant-plans.ts';
import { useTestApp } from '../support/app.ts';

/**
 * PostgreSQL loads 200,000 coupons of 200 customers in about 20 s here. PGlite (in-process, slower) gets half the
 * coupons but 1,000 customers: with a few hundred accounts in a handful of pages its planner honestly prefers
 * reading the whole accounts table to an index lookup, which is no test of volume.
 */
const COUPONS = process.env.DATABASE_URL ? 200_000 : 100_000;
const CUSTOMERS = process.env.DATABASE_URL ? 200 : 1000;

describe(`Customer B's statements stay on B's own rows beside ${COUPONS.toLocaleString('en-US')} coupons of ${CUSTOMERS} customers`, function () {
  this.timeout(600_000);
  const t = useTestApp({ outboxWorker: false, expirySweepMs: 0 });
  let b: SmallCustomer;
  let ownRows: number;
  let bigCustomerCoupons: number;
  let failures: string[];
  let labels: Set<string>;
  let plans: PlanSummary[];

  before(async () => {
    const target: PlanTarget = { knex: t.db.knex, endpoint: t.endpoint, admin: (path, body) => t.admin(path, body) };
    b = await makeSmallCustomer(target, Math.round((COUPONS * 0.7) / CUSTOMERS));
    const volume = await loadVolume(t.db.knex, COUPONS, CUSTOMERS);
    const foreign = await availableCouponOf(t.db.knex, volume.bigCustomerId);
    bigCustomerCoupons = Number(
      (
        (await t.db.knex('coupons').where({ owner_customer_id: volume.bigCustomerId }).count('* as n')) as {
          n: string;
        }[]
      )[0]!.n,
    );
    const captured = await captureOperations(target, b, foreign);
    failures = captured.failures;
    labels = new Set(captured.queries.map((q) => q.operation));
    plans = await explainAll(t.db.knex, captured.queries);
    ownRows = await ownRowsOf(t.db.knex, b);
  });

  const offenders = (bad: readonly PlanSummary[]): string =>
    bad.map((s) => `${summaryLine(s)}\n${showPlan(s.plan, 2)}`).join('\n\n');

  it('every operation of B succeeds and sends statements that are recorded', () => {
    expect(failures).to.deep.equal([]);
    for (const [label] of operationsOf(b, 'X')) expect(labels.has(label), label).to.equal(true);
  });

  it("B's data is a sliver of the database, so a bound of twice B's rows catches any read of A's", () => {
    expect(ownRows).to.be.above(0);
    expect(bigCustomerCoupons).to.be.above(20 * 2 * ownRows);
  });

  it('SearchCoupons runs as a prepared statement whose generic plan is checked too', () => {
    const generic = plans.filter((s) => s.generic && s.operation.startsWith('SearchCoupons'));
    if (t.db.kind === 'postgres') expect(generic.length).to.be.at.least(9);
    else expect(generic).to.deep.equal([]); // PGlite runs no named statements (src/repositories/prepared.ts)
  });

  it('no statement scans coupons, coupon_classes, accounts or account_events (or other tenant tables) sequentially', () => {
    const bad = plans.filter((s) => s.seqScans.length > 0);
    expect(bad.length, offenders(bad)).to.equal(0);
  });

  it("no statement reads more rows than twice B's own data", () => {
    const bad = plans.filter((s) => s.rowsRead > 2 * ownRows);
    expect(bad.length, `B's own rows: ${ownRows}\n${offenders(bad)}`).to.equal(0);
  });
});
