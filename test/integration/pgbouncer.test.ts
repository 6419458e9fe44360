// Two service instances behind pgbouncer in transaction pooling mode (README "Running several instances"), which
// keeps no named prepared statement, session setting or session lock across transactions: with
// DB_TRANSACTION_POOLER=1 the instances migrate an empty database, search, and redeem exactly once per code through
// it. PostgreSQL only (the pooler stands in front of DATABASE_URL's server); the test starts its own pgbouncer on its
// own port with its own ini.
import { expect } from 'chai';
import { postSoap, soapRequest, type Credentials } from '../support/app.ts';
import { predicateXml, searchPredicatesXml } from '../support/factories.ts';
import {
  classWithCoupons,
  expectCleanExits,
  redeemRaw,
  startTwoInstances,
  type Instance,
  type Redeemed,
  type TwoInstances,
} from '../support/instances.ts';
import { startPgbouncer, type Pgbouncer } from '../support/pgbouncer.ts';

if (process.env.DATABASE_URL) {
  describe('two instances behind pgbouncer in transaction pooling mode', function () {
    this.timeout(300000);
    let bouncer: Pgbouncer;
    let two: TwoInstances;

    before(async () => {
      bouncer = await startPgbouncer(process.env.DATABASE_URL!);
      // Both processes reach the (empty) database only through pgbouncer: the first one migrates it.
      two = await startTwoInstances({
        databaseUrlFor: (url) => bouncer.urlFor(url),
        env: { DB_TRANSACTION_POOLER: '1' },
      });
    });

    after(async () => {
      const exits = (await two?.close()) ?? [];
      await bouncer?.stop();
      expectCleanExits(exits);
    });

    const at = (i: number): Instance => two.at(i);

    async function customerWithAccounts(
      n: number,
    ): Promise<{ customer: string; user: Credentials; accounts: string[] }> {
      const { id: customer } = await at(0).admin<{ id: string }>('/admin/customers', { name: 'Pooled' });
      const user = await at(1).admin<Credentials>('/admin/users', { customer, role: 'SuperAdmin' });
      const accounts: string[] = [];
      for (let i = 0; i < n; i++)
        accounts.push(
          (await at(i).admin<{ id: string }>('/admin/accounts', { customer, currency: 'USD', paymentMethod: true })).id,
        );
      return { customer, user, accounts };
    }

    /** The codes and IsRedeemed flags of a SearchCoupons page of one class, through `instance`. */
    async function search(instance: Instance, customer: string, user: Credentials, cls: string) {
      const inner =
        searchPredicatesXml(customer, predicateXml('ClassName', 'Equals', cls)) +
        '<b:PageInfo><e:Index>0</e:Index><e:Size>100</e:Size></b:PageInfo>';
      const res = await postSoap(instance.endpoint, soapRequest('SearchCoupons', inner, user));
      const coupons = [...res.body.matchAll(/<(?:\w+:)?CouponCode>([^<]+)<[\s\S]*?<(?:\w+:)?IsRedeemed>(\w+)</g)];
      return { status: res.status, coupons: coupons.map((m) => ({ code: m[1]!, redeemed: m[2] === 'true' })) };
    }

    it('64 accounts redeeming one code at once through both instances: exactly one wins, 63 get 4501', async () => {
      const { customer, user, accounts } = await customerWithAccounts(64);
      const [code] = await classWithCoupons(two, customer, 'Race', { amount: '50' }, 1);

      const results = await Promise.all(accounts.map((account, i) => redeemRaw(at(i).endpoint, user, account, code!)));

      const winners = results.filter((r) => r.ok);
      const losers = results.filter((r): r is Extract<Redeemed, { ok: false }> => !r.ok);
      expect(winners, JSON.stringify(losers.slice(0, 3))).to.have.length(1);
      expect(losers.map((r) => r.codes)).to.deep.equal(Array.from({ length: 63 }, () => [4501]));
    });

    it('a redemption through one instance shows in the very next search through the other', async () => {
      const { customer, user, accounts } = await customerWithAccounts(1);
      const codes = await classWithCoupons(two, customer, 'Seen', { amount: '10' }, 5);
      expect((await search(at(1), customer, user, 'Seen')).coupons.filter((c) => c.redeemed)).to.deep.equal([]);

      for (const code of codes.slice(0, 3)) {
        const r = await redeemRaw(at(0).endpoint, user, accounts[0]!, code);
        expect(r.ok, JSON.stringify(r)).to.equal(true);
        const page = await search(at(1), customer, user, 'Seen');
        expect(page.coupons.find((c) => c.code === code)?.redeemed).to.equal(true);
      }
      const page = await search(at(1), customer, user, 'Seen');
      expect(page.coupons.filter((c) => c.redeemed).map((c) => c.code)).to.have.members(codes.slice(0, 3));
    });

    it('200 searches at once through both instances all answer their page (no prepared statement is lost)', async () => {
      const { customer, user } = await customerWithAccounts(1);
      await classWithCoupons(two, customer, 'Many', { amount: '5' }, 30);
      const pages = await Promise.all(Array.from({ length: 200 }, (_, i) => search(at(i), customer, user, 'Many')));
      expect(pages.map((p) => p.status)).to.deep.equal(Array.from({ length: 200 }, () => 200));
      expect(pages.map((p) => p.coupons.length)).to.deep.equal(Array.from({ length: 200 }, () => 30));
    });
  });
}
