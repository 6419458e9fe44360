// RedeemCoupon's cost in statements (the performance work's budget): the statements one redemption sends, counted
// from Knex's query events (the prepared path emits them too), so a refactor that adds a round trip fails here.
import { expect } from 'chai';
import { redeemCoupon } from '../../src/services/redeem-coupon.ts';
import { useTestApp } from '../support/app.ts';
import { makeWorldWithCoupons } from '../support/factories.ts';

describe('RedeemCoupon sends a fixed, small number of statements', function () {
  this.timeout(120000);
  // No outbox worker and no expiry sweep: nothing else queries while a redemption is counted.
  const t = useTestApp({ outboxWorker: false, expirySweepMs: 0 });

  async function statementsOf(work: () => Promise<unknown>): Promise<string[]> {
    const sent: string[] = [];
    const listener = (q: { sql: string }): void => void sent.push(q.sql);
    t.db.knex.on('query', listener);
    try {
      await work();
    } finally {
      t.db.knex.removeListener('query', listener);
    }
    return sent;
  }

  async function redemptionStatements(classOverrides: Record<string, unknown> = {}): Promise<string[]> {
    const { w, codes } = await makeWorldWithCoupons(t, 1, { class: classOverrides });
    const p = { userId: w.user.id, customerId: w.customerId, role: 'SuperAdmin' as const };
    const input = { accountId: w.accountId, couponCode: codes[0]! };
    const sent = await statementsOf(() => redeemCoupon(t.db.knex, p, input, new Date('2030-01-01T00:00:00Z')));
    expect(await redeemCoupon(t.db.knex, p, input, new Date('2030-01-02T00:00:00Z'))).to.deep.equal({
      redemptionDate: new Date('2030-01-01T00:00:00Z'),
    });
    return sent;
  }

  it('a Retention coupon: 2 (the snapshot of account, coupon, class and state; redeem_commit), no transaction around them', async () => {
    const sent = await redemptionStatements();
    expect(sent, sent.join('\n')).to.have.length(2);
    expect(sent[0]).to.match(/^SELECT json_build_array\(json_build_array\(a\.id/);
    expect(sent[1]).to.match(/redeem_commit\(/);
  });

  it("an Acquisition coupon: 11 (the snapshot, then the locked path with the customer's lock and history)", async () => {
    const sent = await redemptionStatements({ type: 'Acquisition' });
    expect(sent, sent.join('\n')).to.have.length(11);
    expect(sent[2]).to.match(/^BEGIN/);
  });
});
