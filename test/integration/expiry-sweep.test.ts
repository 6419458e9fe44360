// Offers expire at their instant without anyone calling in: the sweep records the transitions in the ledger,
// once, even when several instances sweep at the same time.
import { expect } from 'chai';
import { sweepExpiries } from '../../src/services/expiry-sweep.ts';
import { callZeep } from '../support/clients.ts';
import { useTestApp } from '../support/app.ts';
import { advanceClock } from '../support/clock.ts';
import { makeCouponClass, makeWorld, mint } from '../support/factories.ts';
import { headersOf } from '../support/soap.ts';

describe('expiry sweep', function () {
  this.timeout(60000);
  const t = useTestApp({ testClock: true, expirySweepMs: 0 });

  it('records the expiry, the forfeiture and the next offer activation once, at the expiry instant', async () => {
    const w = await makeWorld(t);
    const headers = headersOf(w.user);
    await makeCouponClass(t, w.customerId, { name: 'Short', amount: '20', activeDays: 10 });
    await makeCouponClass(t, w.customerId, { name: 'Long', amount: '30', activeDays: 100 });
    const [short] = await mint(t, w.customerId, 'Short');
    const [long] = await mint(t, w.customerId, 'Long');
    for (const code of [short, long]) {
      const r = await callZeep(t.endpoint, 'RedeemCoupon', headers, {
        AccountId: Number(w.accountId),
        CouponCode: code,
      });
      expect(r.kind, JSON.stringify(r)).to.equal('result');
    }
    await t.admin('/admin/spend', { account: w.accountId, amount: '5' });
    const offersBefore = await t.admin<{ couponCode: string; expirationDate: string }[]>(
      `/admin/accounts/${w.accountId}/offers`,
      undefined,
      'GET',
    );
    const shortExpiry = offersBefore.find((o) => o.couponCode === short)!.expirationDate;

    const now = await advanceClock(t, 'P11D');
    const [a, b] = await Promise.all([sweepExpiries(t.db.knex, now), sweepExpiries(t.db.knex, now)]);
    expect(a + b).to.equal(1);
    expect(await sweepExpiries(t.db.knex, now)).to.equal(0);

    const entries = (await t.db
      .knex('ledger_entries')
      .where({ account_id: w.accountId })
      .whereIn('kind', ['forfeit', 'status'])
      .orderBy('id')) as { kind: string; amount_minor: string; at: Date; status_to: string | null }[];
    const forfeits = entries.filter((e) => e.kind === 'forfeit');
    expect(forfeits.map((e) => [e.amount_minor, e.at.toISOString()])).to.deep.equal([['1500', shortExpiry]]);
    expect(entries.filter((e) => e.status_to === 'Expired')).to.have.length(1);
    const activations = entries.filter((e) => e.status_to === 'Active');
    expect(activations.map((e) => e.at.toISOString())).to.include(shortExpiry);

    const offers = await t.admin<{ couponCode: string; status: string; activationDate: string }[]>(
      `/admin/accounts/${w.accountId}/offers`,
      undefined,
      'GET',
    );
    expect(offers.map((o) => [o.couponCode, o.status])).to.deep.equal([
      [short, 'Expired'],
      [long, 'Active'],
    ]);
    expect(offers[1]!.activationDate).to.equal(shortExpiry);
  });
});
