// SearchCoupons reads a page in two statements: the page (ids, versions, redemptions and claims), then the fixed
// fields of the coupons whose version the caller holds no text for. A coupon that changes between the two must not
// mix versions: the page is then read again on one REPEATABLE READ snapshot. The change is made at the exact moment
// between the statements, from the connection hand-out of the second one.
import { expect } from 'chai';
import type { Knex } from 'knex';
import { searchCoupons, type FoundCoupon } from '../../src/services/search-coupons.ts';
import { useTestApp } from '../support/app.ts';
import { makeWorldWithCoupons, type World } from '../support/factories.ts';

describe('SearchCoupons never mixes two versions of a coupon', function () {
  this.timeout(120000);
  const t = useTestApp({ outboxWorker: false, expirySweepMs: 0 });

  /** The customer's first page of coupons, asked by a SuperAdmin of it. */
  function firstPageOf(w: World) {
    return {
      p: { userId: w.user.id, customerId: w.customerId, role: 'SuperAdmin' as const },
      input: {
        predicates: [{ field: 'CustomerId', operator: 'Equals', value: w.customerId }],
        ordering: [],
        page: { index: 0, size: 10 },
        returnClaimInfo: false,
      },
    };
  }

  /** The database as `knex`, except that before its n-th connection hand-out `before()` runs (once). */
  function interceptedAt(knex: Knex, n: number, before: () => Promise<void>): Knex {
    let handedOut = 0;
    const client = new Proxy(knex.client, {
      get(target, prop) {
        if (prop === 'acquireConnection')
          return async () => {
            if (++handedOut === n) await before();
            return (target as { acquireConnection(): Promise<unknown> }).acquireConnection();
          };
        const value: unknown = Reflect.get(target, prop);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    return new Proxy(knex, {
      get(target, prop) {
        if (prop === 'client') return client;
        const value: unknown = Reflect.get(target, prop);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  }

  it('a coupon dispatched between the page and its fields is answered from one snapshot, at its new version', async () => {
    if (!process.env.DATABASE_URL) return this.ctx.skip(); // PGlite serves one connection: nothing runs between
    const { w, codes } = await makeWorldWithCoupons(t, 3);
    const { p, input } = firstPageOf(w);
    const sent: string[] = [];
    const listener = (q: { sql: string }): void => void sent.push(q.sql);
    t.db.knex.on('query', listener);
    let found: readonly FoundCoupon<string>[];
    try {
      const db = interceptedAt(t.db.knex, 2, async () => {
        await t.db.knex('coupons').where({ code: codes[1] }).update({ send_to_email: 'late@example.com' });
      });
      // The caller holds no text for any version: every coupon's fields are read.
      found = await searchCoupons<string>(db, p, input, new Date(), () => undefined);
    } finally {
      t.db.knex.removeListener('query', listener);
    }

    expect(
      sent.some((sql) => /repeatable read/i.test(sql)),
      sent.join('\n'),
    ).to.equal(true);
    const late = found.find((c) => c.fields?.code === codes[1])!;
    expect(late.fields!.sendToEmail).to.equal('late@example.com');
    for (const c of found) expect(c.fields!.version, c.fields!.code).to.equal(c.version);
  });

  it('without a change between them, a page is two statements, and one when the caller holds every version', async () => {
    const { w } = await makeWorldWithCoupons(t, 3);
    const { p, input } = firstPageOf(w);
    const sent: string[] = [];
    const listener = (q: { sql: string }): void => void sent.push(q.sql);
    t.db.knex.on('query', listener);
    try {
      const first = await searchCoupons(t.db.knex, p, input, new Date(), () => undefined);
      expect(first.map((c) => c.fields?.version)).to.deep.equal(first.map((c) => c.version));
      expect(sent).to.have.length(2);
      const memo = new Map(first.map((c) => [`${c.id}:${c.version}`, `text of ${c.fields!.code}`]));
      const again = await searchCoupons(t.db.knex, p, input, new Date(), (id, v) => memo.get(`${id}:${v}`));
      expect(sent).to.have.length(3);
      expect(again.map((c) => c.known)).to.deep.equal(first.map((c) => `text of ${c.fields!.code}`));
      expect(again.every((c) => c.fields === undefined)).to.equal(true);
    } finally {
      t.db.knex.removeListener('query', listener);
    }
  });
});
