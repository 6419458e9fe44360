// Two service instances against one database, hit truly in parallel (SPEC §4 "exactly one redemption per code,
// whatever the concurrency, across any number of service instances"; §7 stateless instances). On PostgreSQL the
// instances are two separate OS processes started from src/main.ts; on the embedded PGlite (one process only)
// they are two in-process servers sharing the database.
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import type { Knex } from 'knex';
import { freshDatabase, postSoap, soapRequest, startTestApp, type TestApp, type TestDatabase } from '../support/app.ts';
import { connectionGate, spawnServer, type ServerProcess } from '../support/server-process.ts';

/** What the tests need of an instance, whether a process or an in-process app. */
interface Instance {
  readonly endpoint: string;
  admin<T = Record<string, unknown>>(path: string, body?: unknown, method?: string): Promise<T>;
}

interface Creds {
  readonly authenticationToken: string;
  readonly developerToken: string;
}

type Redeemed = { ok: true; redemptionDate: string } | { ok: false; codes: number[]; status: number };

/** RedeemCoupon over raw HTTP: the date on success, the fault's error codes otherwise. */
async function redeemRaw(endpoint: string, creds: Creds, accountId: string, code: string): Promise<Redeemed> {
  const inner = `<b:AccountId>${accountId}</b:AccountId><b:CouponCode>${code}</b:CouponCode>`;
  const res = await postSoap(endpoint, soapRequest('RedeemCoupon', inner, creds));
  const date = /<(?:\w+:)?RedemptionDate>([^<]+)</.exec(res.body);
  if (res.status === 200 && date) return { ok: true, redemptionDate: new Date(date[1]!).toISOString() };
  const codes = [...res.body.matchAll(/<(?:\w+:)?Code>(\d+)<\/(?:\w+:)?Code>/g)].map((m) => Number(m[1]));
  return { ok: false, codes, status: res.status };
}

describe('two service instances sharing one database', function () {
  this.timeout(300000);
  let shared: TestDatabase;
  let knex: Knex;
  let instances: readonly [Instance, Instance];
  const processes: ServerProcess[] = [];
  const apps: TestApp[] = [];

  before(async () => {
    shared = await freshDatabase();
    knex = shared.db.knex;
    if (shared.url) {
      // Two independent OS processes (one after the other: starting together is its own test below).
      const adminKey = randomBytes(18).toString('base64url');
      processes.push(await spawnServer({ databaseUrl: shared.url, adminKey }));
      processes.push(await spawnServer({ databaseUrl: shared.url, adminKey }));
      instances = [processes[0]!, processes[1]!];
    } else {
      apps.push(await startTestApp({}, shared), await startTestApp({}, shared));
      instances = [apps[0]!, apps[1]!];
    }
  });

  after(async () => {
    const exits = await Promise.all(processes.map((p) => p.stop()));
    for (const a of apps) await a.close();
    await shared?.drop();
    // SIGTERM drains and exits 0 (SPEC §7).
    expect(exits.every((c) => c === 0)).to.equal(true);
  });

  const first = (): Instance => instances[0];
  /** Alternates between the two instances. */
  const at = (i: number): Instance => instances[i % 2]!;

  async function customerWithAccounts(n: number): Promise<{ customerId: string; user: Creds; accounts: string[] }> {
    const { id: customerId } = await first().admin<{ id: string }>('/admin/customers', { name: 'Northwind' });
    const user = await at(1).admin<Creds>('/admin/users', { customer: customerId, role: 'SuperAdmin' });
    const accounts: string[] = [];
    for (let i = 0; i < n; i++)
      accounts.push(
        (
          await at(i).admin<{ id: string }>('/admin/accounts', {
            customer: customerId,
            currency: 'USD',
            paymentMethod: true,
          })
        ).id,
      );
    return { customerId, user, accounts };
  }

  async function classWithCoupons(customer: string, name: string, terms: Record<string, unknown>, count: number) {
    await first().admin('/admin/classes', {
      customer,
      name,
      type: 'Retention',
      currency: 'USD',
      start: '2020-01-01T00:00:00Z',
      end: '2099-01-01T00:00:00Z',
      expires: '2099-06-01T00:00:00Z',
      ...terms,
    });
    return (await at(1).admin<{ codes: string[] }>('/admin/coupons/mint', { customer, class: name, count })).codes;
  }

  it('50 accounts redeeming one code at once through both instances: exactly one wins, 49 get 4501', async () => {
    const { customerId, user, accounts } = await customerWithAccounts(50);
    const [code] = await classWithCoupons(customerId, 'Race', { amount: '50' }, 1);

    const results = await Promise.all(accounts.map((account, i) => redeemRaw(at(i).endpoint, user, account, code!)));

    const winners = results.flatMap((r, i) => (r.ok ? [{ account: accounts[i]!, date: r.redemptionDate }] : []));
    const losers = results.filter((r): r is Extract<Redeemed, { ok: false }> => !r.ok);
    expect(winners, JSON.stringify(losers.slice(0, 3))).to.have.length(1);
    expect(losers.map((r) => r.codes)).to.deep.equal(Array.from({ length: 49 }, () => [4501]));
    const winner = winners[0]!;
    const events = (await knex('account_events as e')
      .join('coupons as c', 'c.id', 'e.coupon_id')
      .where({ 'c.code': code, 'e.kind': 'redeem' })
      .select('e.account_id')) as { account_id: string }[];
    expect(events.map((e) => String(e.account_id))).to.deep.equal([winner.account]);
    const coupon = (await knex('coupons').where({ code }).first('redeemed_account_id', 'redemption_date')) as {
      redeemed_account_id: string;
      redemption_date: Date;
    };
    expect(String(coupon.redeemed_account_id)).to.equal(winner.account);
    expect(coupon.redemption_date.toISOString()).to.equal(winner.date);
    const offers = (await knex('account_states').whereIn('account_id', accounts).select('account_id', 'state')) as {
      account_id: string;
      state: { offers: unknown[] };
    }[];
    const holding = offers.filter((s) => s.state.offers.length > 0).map((s) => String(s.account_id));
    expect(holding).to.deep.equal([winner.account]);
  });

  it("a customer's accounts redeeming different Acquisition coupons at once: only one succeeds, the others get 4506", async () => {
    const { customerId, user, accounts } = await customerWithAccounts(10);
    const codes = await classWithCoupons(customerId, 'Welcome', { amount: '25', type: 'Acquisition' }, 10);

    const results = await Promise.all(
      accounts.map((account, i) => redeemRaw(at(i).endpoint, user, account, codes[i]!)),
    );

    const ok = results.filter((r) => r.ok);
    const codesSeen = results.flatMap((r) => (r.ok ? [] : r.codes));
    expect(ok, JSON.stringify(results)).to.have.length(1);
    expect(codesSeen).to.deep.equal(Array.from({ length: 9 }, () => 4506));
  });

  it('40 spends recorded at once through both instances give the same offers as the same spends recorded one by one', async () => {
    const { customerId, user, accounts } = await customerWithAccounts(2);
    const [busy, calm] = accounts as [string, string];
    const earn = await classWithCoupons(customerId, 'Earn', { amount: '30', threshold: '10' }, 2);
    const half = await classWithCoupons(customerId, 'Half', { amount: '20', percentOff: '50' }, 2);
    const big = await classWithCoupons(customerId, 'Big', { amount: '200' }, 2);
    const redeemed = new Map<string, string>();
    for (const [i, account] of [busy, calm].entries())
      for (const code of [earn[i]!, half[i]!, big[i]!]) {
        const r = await redeemRaw(at(i).endpoint, user, account, code);
        if (!r.ok) throw new Error(`redeem ${code}: ${JSON.stringify(r)}`);
        redeemed.set(code, r.redemptionDate);
      }
    const amounts = Array.from({ length: 40 }, (_, i) => `${(i % 7) + 1}.${String((i * 37) % 100).padStart(2, '0')}`);

    await Promise.all(amounts.map((amount, i) => at(i).admin('/admin/spend', { account: busy, amount })));

    // The same spends, at the same instants, one at a time, in time order, on the calm account.
    const spends = (await knex('account_events')
      .where({ account_id: busy, kind: 'spend' })
      .orderBy([{ column: 'at' }, { column: 'id' }])
      .select('at', 'amount_minor')) as { at: Date; amount_minor: string }[];
    expect(spends).to.have.length(40);
    for (const s of spends)
      await first().admin('/admin/spend', {
        account: calm,
        amount: (Number(s.amount_minor) / 100).toFixed(2),
        at: s.at.toISOString(),
      });

    const view = async (account: string): Promise<unknown[]> => {
      const lines = await at(1).admin<{ couponCode: string; activationDate: string | null }[]>(
        `/admin/accounts/${account}/offers`,
        undefined,
        'GET',
      );
      return lines.map(({ couponCode, activationDate, ...rest }) => ({
        ...rest,
        activationDate: activationDate === redeemed.get(couponCode) ? 'at redemption' : activationDate,
      }));
    };
    const parallel = await view(busy);
    expect(parallel).to.deep.equal(await view(calm));
    expect(parallel.map((o) => (o as { status: string }).status)).to.deep.equal(['Depleted', 'Depleted', 'Active']);
    const sums = async (account: string): Promise<Record<string, number>> => {
      const { rows } = (await knex.raw(
        `SELECT e.kind, SUM(e.amount_minor) AS total FROM ledger_entries e
          WHERE e.account_id = ? AND e.reverses_id IS NULL
            AND NOT EXISTS (SELECT 1 FROM ledger_entries r WHERE r.reverses_id = e.id)
          GROUP BY e.kind`,
        [account],
      )) as { rows: { kind: string; total: string }[] };
      return Object.fromEntries(rows.map((r) => [r.kind, Number(r.total)]));
    };
    const total = amounts.reduce((s, a) => s + Math.round(Number(a) * 100), 0);
    const busySums = await sums(busy);
    expect(busySums).to.deep.equal(await sums(calm));
    // Every cent of spend is either covered by an offer or charged, exactly once.
    expect(busySums.covered! + busySums.charge!).to.equal(total);
  });

  if (process.env.DATABASE_URL) {
    it('three instances started at the same moment on an empty database all become healthy', async () => {
      const empty = await freshDatabase();
      // The gate lets the three first connections reach PostgreSQL together, as if the processes booted in step.
      const gate = await connectionGate(empty.url!, 3);
      const adminKey = randomBytes(18).toString('base64url');
      try {
        const started = await Promise.allSettled([1, 2, 3].map(() => spawnServer({ databaseUrl: gate.url, adminKey })));
        const ok = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
        await Promise.all(ok.map((p) => p.stop()));
        const errors = started.flatMap((s) => (s.status === 'rejected' ? [String(s.reason).split('\n')[1]] : []));
        expect(errors).to.deep.equal([]);
      } finally {
        await gate.close();
        await empty.drop();
      }
    });
  }
});
