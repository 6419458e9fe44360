// SearchCoupons reads one page through an index whatever the number of coupons (README "SearchCoupons queries
// stay on indexes"): with a customer holding many coupons, the plan PostgreSQL picks for the exact SQL of
// searchCouponsQuery() never scans the coupons table sequentially and costs about what its page of rows costs.
// Runs on PostgreSQL when DATABASE_URL is set, else on PGlite (the same planner, compiled to WebAssembly).
import { expect } from 'chai';
import type { Knex } from 'knex';
import type { Principal } from '../../src/services/auth.ts';
import { searchCouponsQuery, type SearchCouponsInput } from '../../src/services/search-coupons.ts';
import { postSoap, soapRequest, useTestApp } from '../support/app.ts';
import { makeCouponClass, makeWorld, type World } from '../support/factories.ts';

/** 200,000 coupons on PostgreSQL; PGlite inserts about 10,000 a second, so it gets half of that. */
const COUPONS = process.env.DATABASE_URL ? 200_000 : 100_000;
const CLASSES = 20;
/**
 * A page of 100 coupons read in order through an index is estimated at about 50 cost units here. Reading a whole
 * class or start-date group (5,000+ coupons) before the first row, or filtering the customer's coupons one by one,
 * is estimated at 400 and more, and grows with the table.
 */
const MAX_PAGE_COST = 300;

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  Filter?: string;
  'Plan Rows': number;
  'Total Cost': number;
  Plans?: PlanNode[];
}

const nodesOf = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodesOf)];

/** The plan as indented text, for assertion messages. */
const show = (n: PlanNode, depth = 0): string =>
  [
    `${'  '.repeat(depth)}${n['Node Type']}${n['Relation Name'] ? ` on ${n['Relation Name']}` : ''}` +
      `${n['Index Name'] ? ` using ${n['Index Name']}` : ''} (cost ${n['Total Cost']}, rows ${n['Plan Rows']})` +
      `${n['Index Cond'] ? ` index cond ${n['Index Cond']}` : ''}${n.Filter ? ` filter ${n.Filter}` : ''}`,
    ...(n.Plans ?? []).map((c) => show(c, depth + 1)),
  ].join('\n');

async function explain(knex: Knex, q: { sql: string; bindings: unknown[] }): Promise<PlanNode> {
  const { rows } = (await knex.raw(`EXPLAIN (FORMAT JSON) ${q.sql}`, q.bindings as Knex.RawBinding[])) as {
    rows: { 'QUERY PLAN': unknown }[];
  };
  const raw = rows[0]!['QUERY PLAN'];
  const doc = (typeof raw === 'string' ? JSON.parse(raw) : raw) as { Plan: PlanNode }[];
  return doc[0]!.Plan;
}

/** The input with the required CustomerId Equals predicate of `customerId` first. */
const search = (customerId: string, over: Partial<SearchCouponsInput>): SearchCouponsInput => ({
  ordering: [],
  page: null,
  returnClaimInfo: false,
  ...over,
  predicates: [{ field: 'CustomerId', operator: 'Equals', value: customerId }, ...(over.predicates ?? [])],
});

const className = (i: number): string => `Bulk ${String(i).padStart(2, '0')}`;

describe(`SearchCoupons over ${COUPONS.toLocaleString('en-US')} coupons of one customer stays on indexes`, function () {
  this.timeout(600_000);
  const t = useTestApp();
  let w: World;
  let principal: Principal;

  before(async () => {
    w = await makeWorld(t);
    principal = { userId: w.user.id, customerId: w.customerId, role: 'SuperAdmin' };
    for (let i = 0; i < CLASSES; i++)
      await makeCouponClass(t, w.customerId, {
        name: className(i),
        start: new Date(Date.UTC(2024, 0, 1 + i)).toISOString(),
      });
    // Arrange only: one INSERT … SELECT instead of minting through the API (which the CLI tests cover). Classes are
    // interleaved in mint order, as when several campaigns are minted over time.
    await t.db.knex.raw(
      `INSERT INTO coupons (class_id, owner_customer_id, class_name, start_date, code, minted_at)
       SELECT k.id, k.customer_id, k.name, k.start_date, 'Z' || lpad(g::text, 12, '0'), now()
       FROM generate_series(1, ?) g
       JOIN coupon_classes k ON k.customer_id = ? AND k.name = 'Bulk ' || lpad((g % ?)::text, 2, '0')`,
      [COUPONS, w.customerId, CLASSES],
    );
    await t.db.knex.raw('ANALYZE');
  });

  const cases: readonly (readonly [string, Partial<SearchCouponsInput>])[] = [
    [
      'StartDate GreaterThanEquals and LessThanEquals (date only), ordered by CouponStartDate',
      {
        predicates: [
          { field: 'StartDate', operator: 'GreaterThanEquals', value: '2024-01-05T13:00:00Z' },
          { field: 'StartDate', operator: 'LessThanEquals', value: '2024-01-15T08:00:00Z' },
        ],
        ordering: [{ field: 'CouponStartDate', order: 'Ascending' }],
      },
    ],
    [
      'CouponCode In a list, ordered by Id',
      {
        predicates: [{ field: 'CouponCode', operator: 'In', value: 'Z000000000010,Z000000000011,Z000000000012' }],
        ordering: [{ field: 'Id', order: 'Ascending' }],
      },
    ],
    ['no predicate, ordered by Id', { ordering: [{ field: 'Id', order: 'Ascending' }] }],
    ['no predicate, ordered by Id descending', { ordering: [{ field: 'Id', order: 'Descending' }] }],
    [
      'ClassName Equals, ordered by CouponClassName',
      {
        predicates: [{ field: 'ClassName', operator: 'Equals', value: className(17) }],
        ordering: [{ field: 'CouponClassName', order: 'Ascending' }],
      },
    ],
    ['ordered by CouponClassName descending', { ordering: [{ field: 'CouponClassName', order: 'Descending' }] }],
    ['ordered by CouponStartDate ascending', { ordering: [{ field: 'CouponStartDate', order: 'Ascending' }] }],
    ['ordered by CouponStartDate descending', { ordering: [{ field: 'CouponStartDate', order: 'Descending' }] }],
  ];

  for (const [name, input] of cases) {
    it(`${name}: the plan scans no coupons sequentially and a page costs about its 100 rows`, async () => {
      // Without AccountId predicates the statement reads the caller's accounts itself (null), as SOAP calls do.
      const plan = await explain(t.db.knex, searchCouponsQuery(principal, search(w.customerId, input), null));

      const seqScans = nodesOf(plan).filter((n) => n['Node Type'] === 'Seq Scan' && n['Relation Name'] === 'coupons');
      expect(seqScans, show(plan)).to.have.length(0);
      // The statement packs its page into one JSON value: an aggregate over the page's at most 100 rows.
      expect(plan['Node Type'], show(plan)).to.equal('Aggregate');
      const page = plan.Plans![0]!;
      expect(page['Plan Rows'], show(plan)).to.be.at.most(100);
      expect(page['Total Cost'], show(plan)).to.be.below(MAX_PAGE_COST);
    });
  }

  it('a ClassName Equals predicate is an index condition, not a filter over the customer’s coupons', async () => {
    const q = searchCouponsQuery(
      principal,
      search(w.customerId, { predicates: [{ field: 'ClassName', operator: 'Equals', value: className(3) }] }),
      [w.accountId],
    );

    const plan = await explain(t.db.knex, q);

    const onCoupons = nodesOf(plan).filter((n) => n['Relation Name'] === 'coupons' && n['Index Cond']);
    expect(
      onCoupons.some((n) => /class_name = /.test(n['Index Cond']!)),
      show(plan),
    ).to.equal(true);
  });

  it('real SOAP SearchCoupons calls answer full pages (times shown for context only)', async () => {
    const customer = `<e:Predicate><e:Field>CustomerId</e:Field><e:Operator>Equals</e:Operator><e:Value>${w.customerId}</e:Value></e:Predicate>`;
    const pages: readonly (readonly [string, string])[] = [
      ['the first page, no other predicate or ordering', `<b:Predicates>${customer}</b:Predicates>`],
      [
        `page 20 of ClassName Equals '${className(5)}' by CouponClassName descending`,
        `<b:Predicates>${customer}<e:Predicate><e:Field>ClassName</e:Field><e:Operator>Equals</e:Operator>` +
          `<e:Value>${className(5)}</e:Value></e:Predicate></b:Predicates><b:Ordering><e:OrderBy>` +
          `<e:Field>CouponClassName</e:Field><e:Order>Descending</e:Order></e:OrderBy></b:Ordering>` +
          `<b:PageInfo><e:Index>20</e:Index><e:Size>100</e:Size></b:PageInfo>`,
      ],
    ];
    for (const [what, inner] of pages) {
      const started = performance.now();
      const res = await postSoap(t.endpoint, soapRequest('SearchCoupons', inner, w.user));
      const ms = performance.now() - started;

      expect(res.status, res.body).to.equal(200);
      expect(res.body.match(/<(\w+:)?CouponCode>/g) ?? []).to.have.length(100);
      console.log(`      SearchCoupons, ${what}: ${ms.toFixed(1)} ms`);
    }
  });
});
