// Two instances under mixed load at once (SPEC §4, §7): DispatchCoupons racing for one class's coupons through both
// instances while, in the same moment, spend for one account is recorded through both. No coupon may go out twice,
// no email may get two, and the account's offers and ledger must equal a one-at-a-time replay of the same spends.
// On PostgreSQL the instances are two OS processes (src/main.ts); on PGlite two in-process servers on one database.
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import type { Knex } from 'knex';
import { freshDatabase, postSoap, soapRequest, startTestApp, type TestApp, type TestDatabase } from '../support/app.ts';
import { ARRAYS } from '../support/hostile.ts';
import { spawnServer, type ServerProcess } from '../support/server-process.ts';

interface Instance {
  readonly endpoint: string;
  admin<T = Record<string, unknown>>(path: string, body?: unknown, method?: string): Promise<T>;
}
interface Creds {
  readonly authenticationToken: string;
  readonly developerToken: string;
}

describe('two instances: racing dispatches and concurrent spend at the same time', function () {
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
      const adminKey = randomBytes(18).toString('base64url');
      // No outbox worker: the test counts the queued messages, not their delivery.
      const env = { OUTBOX_WORKER: '0' };
      processes.push(await spawnServer({ databaseUrl: shared.url, adminKey, env }));
      processes.push(await spawnServer({ databaseUrl: shared.url, adminKey, env }));
      instances = [processes[0]!, processes[1]!];
    } else {
      apps.push(
        await startTestApp({ outboxWorker: false }, shared),
        await startTestApp({ outboxWorker: false }, shared),
      );
      instances = [apps[0]!, apps[1]!];
    }
  });

  after(async () => {
    const exits = await Promise.all(processes.map((p) => p.stop()));
    for (const a of apps) await a.close();
    await shared?.drop();
    expect(exits.every((c) => c === 0)).to.equal(true);
  });

  const at = (i: number): Instance => instances[i % 2]!;

  it('10 dispatches for 30 coupons and 40 spends, all at once through both: no coupon twice, offers as if one by one', async () => {
    // Arrange: one customer, two accounts with the same three offers each, a class of 30 undispatched coupons.
    const { id: customer } = await at(0).admin<{ id: string }>('/admin/customers', { name: 'Racing' });
    const user = await at(1).admin<Creds>('/admin/users', { customer, role: 'SuperAdmin' });
    const account = async (i: number): Promise<string> =>
      (await at(i).admin<{ id: string }>('/admin/accounts', { customer, currency: 'USD', paymentMethod: true })).id;
    const busy = await account(0);
    const calm = await account(1);
    const klass = async (name: string, terms: Record<string, unknown>, count: number): Promise<string[]> => {
      await at(0).admin('/admin/classes', {
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
    };
    const earn = await klass('Earn', { amount: '30', threshold: '10' }, 2);
    const half = await klass('Half', { amount: '20', percentOff: '50' }, 2);
    const big = await klass('Big', { amount: '200' }, 2);
    const raced = await klass('Race', { amount: '10' }, 30);
    const redeemed = new Map<string, string>();
    for (const [i, acc] of [busy, calm].entries())
      for (const code of [earn[i]!, half[i]!, big[i]!]) {
        const inner = `<b:AccountId>${acc}</b:AccountId><b:CouponCode>${code}</b:CouponCode>`;
        const res = await postSoap(at(i).endpoint, soapRequest('RedeemCoupon', inner, user));
        expect(res.status, res.body).to.equal(200);
        redeemed.set(code, new Date(/RedemptionDate>([^<]+)</.exec(res.body)![1]!).toISOString());
      }
    // 10 requests × 5 addresses = 50 distinct addresses for 30 coupons.
    const requests = Array.from({ length: 10 }, (_, r) => Array.from({ length: 5 }, (_, k) => `r${r}k${k}@race.test`));
    const amounts = Array.from({ length: 40 }, (_, i) => `${(i % 7) + 1}.${String((i * 37) % 100).padStart(2, '0')}`);

    // Act: everything at once, alternating instances.
    const [dispatches] = await Promise.all([
      Promise.all(
        requests.map((emails, r) => {
          const inner =
            `<b:SendToEmails xmlns:a="${ARRAYS}">${emails.map((e) => `<a:string>${e}</a:string>`).join('')}</b:SendToEmails>` +
            `<b:CustomerId>${customer}</b:CustomerId><b:CouponClassName>Race</b:CouponClassName>`;
          return postSoap(at(r).endpoint, soapRequest('DispatchCoupons', inner, user));
        }),
      ),
      Promise.all(amounts.map((amount, i) => at(i + 1).admin('/admin/spend', { account: busy, amount }))),
    ]);

    // Assert the dispatches: 30 coupons to 30 different addresses, each in exactly one answer, the rest 4508.
    expect(dispatches.map((d) => d.status)).to.deep.equal(Array.from({ length: 10 }, () => 200));
    const rows = (await knex('coupons').whereIn('code', raced).select('id', 'code', 'send_to_email')) as {
      id: string;
      code: string;
      send_to_email: string | null;
    }[];
    const sent = rows.filter((r) => r.send_to_email !== null);
    const addresses = sent.map((r) => r.send_to_email!.toLowerCase());
    expect(new Set(addresses).size, 'no address got two coupons').to.equal(addresses.length);
    const distinct = new Set(requests.flat().map((e) => e.toLowerCase()));
    expect(sent.length).to.equal(Math.min(raced.length, distinct.size));
    const outbox = (await knex('outbox')
      .whereIn(
        'coupon_id',
        rows.map((r) => r.id),
      )
      .select('coupon_id', 'to_email')) as { coupon_id: string; to_email: string }[];
    expect(outbox.map((o) => `${o.coupon_id} ${o.to_email}`).sort(), 'one queued email per coupon sent').to.deep.equal(
      sent.map((r) => `${r.id} ${r.send_to_email}`).sort(),
    );
    // Every address either got a coupon in its request or a 4508 there.
    let served = 0;
    dispatches.forEach((d, r) => {
      const failed = new Map(
        [...d.body.matchAll(/<x:BatchError>.*?<x:Code>(\d+)<\/x:Code>.*?<x:Index>(\d+)<\/x:Index>/g)].map((m) => [
          Number(m[2]),
          Number(m[1]),
        ]),
      );
      for (const c of failed.values()) expect(c).to.equal(4508);
      served += requests[r]!.length - failed.size;
    });
    expect(served, 'successes reported = coupons sent').to.equal(sent.length);

    // Assert the spend: the same amounts at the same instants, replayed one by one on the calm account.
    const spends = (await knex('account_events')
      .where({ account_id: busy, kind: 'spend' })
      .orderBy([{ column: 'at' }, { column: 'id' }])
      .select('at', 'amount_minor')) as { at: Date; amount_minor: string }[];
    expect(spends).to.have.length(40);
    for (const s of spends)
      await at(0).admin('/admin/spend', {
        account: calm,
        amount: (Number(s.amount_minor) / 100).toFixed(2),
        at: s.at.toISOString(),
      });
    const view = async (acc: string): Promise<unknown[]> => {
      const lines = await at(1).admin<{ couponCode: string; activationDate: string | null }[]>(
        `/admin/accounts/${acc}/offers`,
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
    const balances = async (acc: string): Promise<Record<string, number>> => {
      const { rows: sums } = (await knex.raw(
        `SELECT e.kind, SUM(e.amount_minor) AS total FROM ledger_entries e
          WHERE e.account_id = ? AND e.reverses_id IS NULL
            AND NOT EXISTS (SELECT 1 FROM ledger_entries r WHERE r.reverses_id = e.id)
          GROUP BY e.kind`,
        [acc],
      )) as { rows: { kind: string; total: string }[] };
      return Object.fromEntries(sums.map((r) => [r.kind, Number(r.total)]));
    };
    const busySums = await balances(busy);
    expect(busySums).to.deep.equal(await balances(calm));
    const total = amounts.reduce((s, a) => s + Math.round(Number(a) * 100), 0);
    expect(busySums.covered! + busySums.charge!).to.equal(total);
  });
});
