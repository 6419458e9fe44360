// PostgreSQL memory stays flat under SearchCoupons: every value and the paging are parameters and lists are arrays,
// so thousands of distinct searches (pages, sizes, In lists of every length, values) make only as many statement
// texts as there are shapes of request, and each pooled connection keeps a bounded number of named statements.
// On PGlite (no named statements) the same searches run and the same bound holds trivially.
import { expect } from 'chai';
import { MAX_NAMED_PER_CONNECTION } from '../../src/repositories/prepared.ts';
import { postSoap, soapRequest, useTestApp } from '../support/app.ts';
import { makeCouponClass, makeWorld, mint, type World } from '../support/factories.ts';

const SEARCHES = 3000;
const PARALLEL = 8;

const pred = (field: string, op: string, value: string): string =>
  `<e:Predicate><e:Field>${field}</e:Field><e:Operator>${op}</e:Operator><e:Value>${value}</e:Value></e:Predicate>`;

interface PgClient {
  query(text: string): Promise<{ rows: { name: string }[] }>;
}

describe('SearchCoupons keeps the prepared statements of PostgreSQL bounded', function () {
  this.timeout(600_000);
  const t = useTestApp();
  let w: World;
  let codes: string[];

  before(async () => {
    w = await makeWorld(t);
    await makeCouponClass(t, w.customerId, { name: 'Spring' });
    await makeCouponClass(t, w.customerId, { name: 'Summer', start: '2021-06-01T00:00:00Z' });
    codes = [...(await mint(t, w.customerId, 'Spring', 30)), ...(await mint(t, w.customerId, 'Summer', 30))];
  });

  /** The i-th search: its page, size, ordering, list lengths and values all vary with i. */
  function nth(i: number): string {
    const list = codes.slice(i % 40, (i % 40) + 1 + (i % 17));
    const shapes = [
      '',
      pred('CouponCode', 'In', [...list, `X${i}`].join(',')),
      pred('ClassName', 'In', ['Spring', `Other ${i}`, ...Array.from({ length: i % 23 }, (_, k) => `C${k}`)].join(',')),
      pred('StartDate', 'GreaterThanEquals', new Date(Date.UTC(2019, 0, 1 + (i % 900))).toISOString()),
    ];
    const orders = ['CouponClassName', 'CouponStartDate', 'Id'];
    return (
      `<b:Predicates>${pred('CustomerId', 'Equals', w.customerId)}${shapes[i % shapes.length]}</b:Predicates>` +
      `<b:Ordering><e:OrderBy><e:Field>${orders[i % 3]}</e:Field>` +
      `<e:Order>${i % 2 ? 'Descending' : 'Ascending'}</e:Order></e:OrderBy></b:Ordering>` +
      `<b:PageInfo><e:Index>${i % 50}</e:Index><e:Size>${1 + (i % 100)}</e:Size></b:PageInfo>`
    );
  }

  it(`after ${SEARCHES.toLocaleString('en-US')} distinct searches each pooled connection holds at most ${MAX_NAMED_PER_CONNECTION} statements, one per request shape`, async () => {
    let next = 0;
    const failures: string[] = [];
    await Promise.all(
      Array.from({ length: PARALLEL }, async () => {
        while (next < SEARCHES) {
          const i = next++;
          const res = await postSoap(t.endpoint, soapRequest('SearchCoupons', nth(i), w.user));
          if (res.status !== 200) failures.push(`${i}: ${res.body.slice(0, 300)}`);
        }
      }),
    );
    expect(failures, failures.slice(0, 3).join('\n')).to.deep.equal([]);

    const perConnection: string[][] = [];
    if (t.db.kind === 'postgres') {
      // Hold every connection of the pool at once, so each one is looked at.
      const size = (t.db.knex.client as { pool: { max: number } }).pool.max;
      const held = (await Promise.all(
        Array.from({ length: size }, () => t.db.knex.client.acquireConnection()),
      )) as PgClient[];
      try {
        for (const c of held)
          perConnection.push((await c.query('SELECT name FROM pg_prepared_statements')).rows.map((r) => r.name));
      } finally {
        for (const c of held) await t.db.knex.client.releaseConnection(c);
      }
    } else {
      const { rows } = (await t.db.knex.raw('SELECT name FROM pg_prepared_statements')) as { rows: { name: string }[] };
      perConnection.push(rows.map((r) => r.name));
    }

    // 4 predicate shapes × 3 orderings × 2 directions = 24 texts at most, whatever the values.
    const distinct = new Set(perConnection.flat());
    expect(distinct.size, [...distinct].join(', ')).to.be.at.most(24);
    for (const names of perConnection) expect(names.length).to.be.at.most(MAX_NAMED_PER_CONNECTION);
    console.log(
      `      ${SEARCHES} searches: ${distinct.size} distinct statements; per connection: ${perConnection.map((n) => n.length).join(', ')}`,
    );
  });
});
