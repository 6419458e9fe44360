// Concurrent DispatchCoupons for the last coupons of a class: real HTTP calls in parallel, spread over two
// service instances on one database (on PostgreSQL, two connection pools racing for the same rows). Every coupon
// goes to at most one email, every email either gets a coupon or is told 4508, and each coupon has its one email.
import { expect } from 'chai';
import { postSoap, soapRequest, type TestApp } from '../support/app.ts';
import { makeCouponClass, makeWorld, mint, type World } from '../support/factories.ts';
import { startTwoApps, type TwoApps } from '../support/instances.ts';

const ARR = 'http://schemas.microsoft.com/2003/10/Serialization/Arrays';

interface Outcome {
  served: string[];
  unserved: string[];
  other: [number, number][];
}

async function dispatch(t: TestApp, w: World, name: string, emails: readonly string[]): Promise<Outcome> {
  const inner =
    `<b:SendToEmails xmlns:a="${ARR}">${emails.map((e) => `<a:string>${e}</a:string>`).join('')}</b:SendToEmails>` +
    `<b:CustomerId>${w.customerId}</b:CustomerId><b:CouponClassName>${name}</b:CouponClassName>`;
  const res = await postSoap(t.endpoint, soapRequest('DispatchCoupons', inner, w.user));
  expect(res.status, res.body).to.equal(200);
  const errors = [...res.body.matchAll(/<x:Code>(\d+)<\/x:Code>.*?<x:Index>(\d+)<\/x:Index>/g)].map(
    (m) => [Number(m[1]), Number(m[2])] as [number, number],
  );
  const failed = new Set(errors.map(([, i]) => i));
  return {
    served: emails.filter((_, i) => !failed.has(i)),
    unserved: errors.filter(([c]) => c === 4508).map(([, i]) => emails[i]!),
    other: errors.filter(([c]) => c !== 4508),
  };
}

describe('Concurrent DispatchCoupons never hand out a coupon twice', function () {
  this.timeout(120_000);
  let two: TwoApps;
  let instances: readonly TestApp[];
  let w: World;

  before(async () => {
    two = await startTwoApps({ outboxWorker: false });
    instances = two.apps;
    w = await makeWorld(instances[0]!);
  });
  after(async () => two?.close());

  for (const [coupons, requests, perRequest] of [
    [23, 10, 5],
    [1, 10, 3],
    [40, 10, 4],
  ] as const) {
    it(`${requests} parallel dispatches of ${perRequest} emails for ${coupons} coupons: each coupon goes to one email, the rest get 4508`, async () => {
      const name = `Race${coupons}x${requests}x${perRequest}`;
      const t = instances[0]!;
      await makeCouponClass(t, w.customerId, { name });
      await mint(t, w.customerId, name, coupons);
      const batches = Array.from({ length: requests }, (_, r) =>
        Array.from({ length: perRequest }, (_, i) => `${name.toLowerCase()}.r${r}.e${i}@example.com`),
      );
      const outcomes = await Promise.all(batches.map((emails, r) => dispatch(instances[r % 2]!, w, name, emails)));

      const served = outcomes.flatMap((o) => o.served);
      const unserved = outcomes.flatMap((o) => o.unserved);
      const total = requests * perRequest;
      expect(outcomes.flatMap((o) => o.other)).to.deep.equal([]);
      expect(served.length + unserved.length).to.equal(total);
      expect(served.length).to.equal(Math.min(coupons, total));

      const k = t.db.knex;
      const rows = (await k('coupons')
        .where({ owner_customer_id: w.customerId, class_name: name })
        .whereNotNull('send_to_email')
        .select('id', 'send_to_email')) as { id: string; send_to_email: string }[];
      // Each served email holds exactly one coupon; no unserved email holds any.
      expect(rows.map((r) => r.send_to_email).sort()).to.deep.equal([...served].sort());
      expect(new Set(rows.map((r) => r.id)).size).to.equal(rows.length);
      // One queued email per dispatched coupon, to the address the coupon was sent to.
      const mails = (await k('outbox')
        .whereIn(
          'coupon_id',
          rows.map((r) => r.id),
        )
        .select('coupon_id', 'to_email')) as { coupon_id: string; to_email: string }[];
      expect(mails.length).to.equal(rows.length);
      const byCoupon = new Map(rows.map((r) => [r.id, r.send_to_email]));
      for (const m of mails) expect(m.to_email).to.equal(byCoupon.get(m.coupon_id));
    });
  }
});
