// Call-rate limiting (SPEC §2 code 117): one user hammering an instance gets AdApiFaultDetail 117
// (CallRateExceeded) once over RATE_LIMIT_PER_MINUTE, while other users of the same instance carry on; the
// allowance refills with time.
import { expect } from 'chai';
import { loadConfig } from '../../src/config.ts';
import { createThrottle } from '../../src/soap/throttle.ts';
import { postSoap, soapRequest, startTestApp, useTestApp } from '../support/app.ts';
import { makeCouponClass, makeUser, makeWorld, mint, searchPredicatesXml, type World } from '../support/factories.ts';
import { expectFault } from '../support/soap.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('a user calling faster than RATE_LIMIT_PER_MINUTE gets code 117, other users do not', function () {
  this.timeout(60000);
  const LIMIT = 30; // a token every 2 s
  const t = useTestApp({ rateLimitPerMinute: LIMIT });
  let w: World;
  let other: { authenticationToken: string; developerToken: string };

  before(async () => {
    w = await makeWorld(t);
    other = await makeUser(t, w.customerId);
    await makeCouponClass(t, w.customerId);
  });

  // Every user here belongs to w's customer, so the required CustomerId predicate names it.
  const search = (creds: { authenticationToken: string; developerToken: string }) =>
    postSoap(t.endpoint, soapRequest('SearchCoupons', searchPredicatesXml(w.customerId), creds));

  it('the first minute’s allowance succeeds, the next call is 117, another user still succeeds, and it refills', async () => {
    const burst = await Promise.all(Array.from({ length: LIMIT }, () => search(w.user)));
    expect(burst.map((r) => r.status)).to.deep.equal(Array.from({ length: LIMIT }, () => 200));

    const over = await search(w.user);
    const f = expectFault(over, { faultcode: 'Server', detail: 'AdApiFaultDetail', codes: [117] });
    expect(over.body).to.include('<ErrorCode>CallRateExceeded</ErrorCode>');
    expect(f.details[0]).to.match(/^Retry in [12] s\.$/);
    const line = t.logs
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.trackingId === f.headerTrackingId);
    expect(line).to.include({ msg: 'request', code: 117, userId: w.user.id });

    const neighbour = await search(other);
    expect(neighbour.status, neighbour.body).to.equal(200);

    await sleep(2100);
    const refilled = await search(w.user);
    expect(refilled.status, refilled.body).to.equal(200);
    const again = await search(w.user);
    expectFault(again, { faultcode: 'Server', detail: 'AdApiFaultDetail', codes: [117] });
  });

  it('a throttled RedeemCoupon changes nothing', async () => {
    const u = await makeUser(t, w.customerId);
    await Promise.all(Array.from({ length: LIMIT }, () => search(u)));
    const [code] = await mint(t, w.customerId, 'Spring', 1);
    const res = await postSoap(
      t.endpoint,
      soapRequest('RedeemCoupon', `<b:AccountId>${w.accountId}</b:AccountId><b:CouponCode>${code}</b:CouponCode>`, u),
    );
    expectFault(res, { faultcode: 'Server', detail: 'AdApiFaultDetail', codes: [117] });
    const coupon = (await t.db.knex('coupons').where({ code }).first()) as { redeemed_account_id: string | null };
    expect(coupon.redeemed_account_id).to.equal(null);
  });

  it('with RATE_LIMIT_PER_MINUTE=0 there is no limit', async () => {
    const off = await startTestApp({ rateLimitPerMinute: 0 }, { db: t.db, url: t.databaseUrl, drop: async () => {} });
    try {
      const u = await makeUser(t, w.customerId);
      for (let i = 0; i < 3; i++) {
        const all = await Promise.all(
          Array.from({ length: 40 }, () =>
            postSoap(off.endpoint, soapRequest('SearchCoupons', searchPredicatesXml(w.customerId), u)),
          ),
        );
        expect(all.every((r) => r.status === 200)).to.equal(true);
      }
    } finally {
      await off.close();
    }
  });
});

describe('the call-rate limiter, step by step', () => {
  let now = 0;
  const clock = (): number => now;
  beforeEach(() => (now = 1_000_000));

  it('allows a minute’s worth at once, then one call per 60/limit seconds', () => {
    const th = createThrottle(60, clock); // one a second
    for (let i = 0; i < 60; i++) expect(th.take('u')).to.equal(0);
    expect(th.take('u')).to.equal(1000);
    now += 500;
    expect(th.take('u')).to.equal(500);
    now += 500;
    expect(th.take('u')).to.equal(0);
    expect(th.take('u')).to.be.greaterThan(0);
  });

  it('keeps one bucket per user', () => {
    const th = createThrottle(2, clock);
    expect([th.take('a'), th.take('a'), th.take('a') > 0]).to.deep.equal([0, 0, true]);
    expect([th.take('b'), th.take('b')]).to.deep.equal([0, 0]);
  });

  it('never saves up more than a minute’s allowance', () => {
    const th = createThrottle(10, clock);
    th.take('u');
    now += 3_600_000;
    for (let i = 0; i < 10; i++) expect(th.take('u')).to.equal(0);
    expect(th.take('u')).to.be.greaterThan(0);
  });

  it('a limit of 0 never refuses', () => {
    const th = createThrottle(0, clock);
    for (let i = 0; i < 10_000; i++) expect(th.take('u')).to.equal(0);
  });

  it('forgets users whose bucket is full again, so a stream of new users does not grow memory forever', () => {
    const th = createThrottle(60, clock);
    for (let i = 0; i < 50_000; i++) {
      th.take(`user-${i}`);
      now += 10; // each bucket is full again a second later
    }
    expect(th.size()).to.be.at.most(10_000);
    // …and the limit still holds for a user seen just now.
    for (let i = 1; i < 60; i++) expect(th.take('user-49999')).to.equal(0);
    expect(th.take('user-49999')).to.be.greaterThan(0);
  });
});

describe('RATE_LIMIT_PER_MINUTE', () => {
  const env = { BILLING_ADMIN_KEY: 'k'.repeat(20), DATA_DIR: '/tmp/billing-config-test' };

  it('defaults to 60,000 calls a minute, accepts 0 (off), refuses a negative or non-integer value', () => {
    expect(loadConfig(env).rateLimitPerMinute).to.equal(60_000);
    expect(loadConfig({ ...env, RATE_LIMIT_PER_MINUTE: '0' }).rateLimitPerMinute).to.equal(0);
    expect(loadConfig({ ...env, RATE_LIMIT_PER_MINUTE: '120' }).rateLimitPerMinute).to.equal(120);
    expect(() => loadConfig({ ...env, RATE_LIMIT_PER_MINUTE: '-1' })).to.throw(/RATE_LIMIT_PER_MINUTE/);
    expect(() => loadConfig({ ...env, RATE_LIMIT_PER_MINUTE: 'lots' })).to.throw(/RATE_LIMIT_PER_MINUTE/);
  });
});
