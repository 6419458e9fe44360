// One customer's load cannot take every connection (SPEC §8, MAX_CONCURRENT_PER_CUSTOMER). Customer A fires more
// RedeemCoupon calls than the database pool has connections, each held in the database by a row lock this test
// owns; only A's cap of them run, the rest get code 117 after CUSTOMER_WAIT_MS, and customer B's calls, made while
// A's are stuck, all succeed before any of A's finishes. PostgreSQL only: PGlite is one connection, which a held
// row lock would block for everyone.
import { expect } from 'chai';
import type { Knex } from 'knex';
import { DB_POOL_MAX } from '../../src/config.ts';
import { postSoap, soapRequest, useTestApp } from '../support/app.ts';
import {
  makeCouponClass,
  makeWorld,
  mint,
  redeemRequestXml,
  searchPredicatesXml,
  type World,
} from '../support/factories.ts';
import { expectFault } from '../support/soap.ts';

const CAP = 2;
const A_CALLS = DB_POOL_MAX + 2;

if (process.env.DATABASE_URL) {
  describe('a customer flooding the service with calls stuck in the database does not block another', function () {
    this.timeout(120_000);
    const t = useTestApp({ maxConcurrentPerCustomer: CAP, customerWaitMs: 300, outboxWorker: false });
    let a: World;
    let b: World;
    let aCodes: string[];
    let bCodes: string[];

    before(async () => {
      a = await makeWorld(t);
      b = await makeWorld(t);
      await makeCouponClass(t, a.customerId);
      await makeCouponClass(t, b.customerId);
      aCodes = await mint(t, a.customerId, 'Spring', A_CALLS);
      bCodes = await mint(t, b.customerId, 'Spring', 5);
    });

    const redeem = (w: World, code: string) => postSoap(t.endpoint, redeemRequestXml(w, code));

    /** Backends of the service waiting for a lock (A's calls stuck behind this test's row locks). */
    const waitingOnLocks = async (knex: Knex): Promise<number> => {
      const { rows } = (await knex.raw(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
      )) as { rows: { n: number }[] };
      return rows[0]!.n;
    };

    it("A's calls beyond the cap get 117, B's calls all succeed while A's are held, and A's held calls then finish", async () => {
      const events: string[] = [];
      const holder = await t.db.knex.transaction();
      let aAnswers: Awaited<ReturnType<typeof redeem>>[];
      try {
        await holder.raw(`SELECT id FROM coupons WHERE code = ANY(?) FOR UPDATE`, [aCodes]);
        const aCalls = Promise.all(
          aCodes.map((code) => redeem(a, code).then((r) => (events.push(`A ${r.status}`), r))),
        );
        while ((await waitingOnLocks(t.db.knex)) < CAP) await new Promise((r) => setTimeout(r, 20));

        // B stays within its own cap: CAP calls at a time, while all of A's are in flight.
        const bCalls = [
          ...bCodes.map((code) => () => redeem(b, code)),
          () => postSoap(t.endpoint, soapRequest('SearchCoupons', searchPredicatesXml(b.customerId), b.user)),
          () =>
            postSoap(t.endpoint, soapRequest('GetCouponInfo', `<b:CustomerId>${b.customerId}</b:CustomerId>`, b.user)),
        ];
        const bAnswers: Awaited<ReturnType<typeof redeem>>[] = [];
        for (let i = 0; i < bCalls.length; i += CAP)
          bAnswers.push(...(await Promise.all(bCalls.slice(i, i + CAP).map((call) => call()))));
        events.push('B done');

        expect(bAnswers.map((r) => r.status)).to.deep.equal(bAnswers.map(() => 200));
        expect(await waitingOnLocks(t.db.knex)).to.equal(CAP);
        // Every call of A over the cap has been answered with 117 by now; the CAP held ones have not.
        while (events.filter((e) => e.startsWith('A')).length < A_CALLS - CAP)
          await new Promise((r) => setTimeout(r, 20));
        await holder.commit();
        aAnswers = await aCalls;
      } finally {
        if (!holder.isCompleted()) await holder.rollback();
      }

      const ok = aAnswers.filter((r) => r.status === 200);
      const refused = aAnswers.filter((r) => r.status !== 200);
      expect(ok).to.have.length(CAP);
      expect(refused).to.have.length(A_CALLS - CAP);
      for (const r of refused) {
        const f = expectFault(r, { faultcode: 'Server', detail: 'AdApiFaultDetail', codes: [117] });
        expect(f.details.join(' ')).to.match(/retry in 1 s/);
      }
      expect(events.indexOf('B done')).to.be.below(events.lastIndexOf('A 200'));
      expect(events.slice(-CAP)).to.deep.equal(Array(CAP).fill('A 200'));
      const again = await redeem(a, aCodes[0]!);
      expect(again.status, again.body).to.equal(200);
    });
  });
}
