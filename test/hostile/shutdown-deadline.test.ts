// SIGTERM has a deadline (SHUTDOWN_GRACE_MS): a request stuck behind a lock that would outlast it does not keep the
// process alive. At the deadline the remaining connections are cut and the process exits 1; what it wrote until
// then is JSON lines only. A real child process on real PostgreSQL (a private cluster without DATABASE_URL).
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { freshDatabase, soapRequest, type TestDatabase } from '../support/app.ts';
import { spawnServer, type ServerProcess } from '../support/server-process.ts';
import { lockWaiters, stallablePostgres, type StallablePostgres } from '../support/stalls.ts';

interface Creds {
  readonly authenticationToken: string;
  readonly developerToken: string;
}

describe('SIGTERM with a request stuck on a lock longer than SHUTDOWN_GRACE_MS', function () {
  this.timeout(180000);
  let pg: StallablePostgres;
  let tdb: TestDatabase;
  let server: ServerProcess | undefined;

  before(async () => {
    pg = await stallablePostgres();
    tdb = await freshDatabase({}, pg.url);
  });
  after(async () => {
    await server?.stop();
    await tdb?.drop();
    await pg?.close();
  });

  it('cuts the stuck request at the deadline and exits 1, having written nothing but JSON lines', async () => {
    server = await spawnServer({
      databaseUrl: tdb.url!,
      adminKey: randomBytes(18).toString('base64url'),
      // The lock would be waited for two minutes; the grace is one second.
      env: {
        LOG_LEVEL: 'info',
        DB_LOCK_TIMEOUT_MS: '120000',
        DB_STATEMENT_TIMEOUT_MS: '120000',
        SHUTDOWN_GRACE_MS: '1000',
      },
    });
    const { id: customer } = await server.admin<{ id: string }>('/admin/customers', { name: 'Stuck' });
    const { id: account } = await server.admin<{ id: string }>('/admin/accounts', {
      customer,
      currency: 'USD',
      paymentMethod: true,
    });
    const user = await server.admin<Creds>('/admin/users', { customer, role: 'SuperAdmin' });
    await server.admin('/admin/classes', {
      customer,
      name: 'Stuck',
      type: 'Retention',
      amount: '10',
      currency: 'USD',
      start: '2020-01-01T00:00:00Z',
      end: '2099-01-01T00:00:00Z',
      expires: '2099-06-01T00:00:00Z',
    });
    const { codes } = await server.admin<{ codes: string[] }>('/admin/coupons/mint', {
      customer,
      class: 'Stuck',
      count: 1,
    });
    const code = codes[0]!;
    // Ordinary traffic first, a fault included, so the output has more than start-up lines.
    await fetch(server.endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'text/xml' },
      body: soapRequest('SearchCoupons', '', { ...user, authenticationToken: 'wrong' }),
    });

    const holder = await tdb.db.knex.transaction();
    try {
      await holder.raw('SELECT id FROM coupons WHERE code = ? FOR UPDATE', [code]);
      const stuck = fetch(server.endpoint, {
        method: 'POST',
        headers: { 'Content-Type': 'text/xml' },
        body: soapRequest(
          'RedeemCoupon',
          `<b:AccountId>${account}</b:AccountId><b:CouponCode>${code}</b:CouponCode>`,
          user,
        ),
      }).then(
        (r) => `answered ${r.status}`,
        () => 'cut',
      );
      await lockWaiters(tdb.db.knex, 1);

      // stop() sends SIGTERM and would SIGKILL only after 60 s (exit code null): 1 means our deadline fired.
      const exit = await server.stop(60000);
      expect(exit, server.output.join('')).to.equal(1);
      expect(await stuck).to.equal('cut');
    } finally {
      await holder.rollback();
    }

    const lines = server.output
      .join('')
      .split('\n')
      .filter((l) => l.trim() !== '');
    const notJson = lines.filter((l) => {
      try {
        return typeof JSON.parse(l) !== 'object';
      } catch {
        return true;
      }
    });
    expect(notJson).to.deep.equal([]);
    const messages = lines.map((l) => (JSON.parse(l) as { msg: string }).msg);
    expect(messages).to.include.members(['stopping', 'shutdown deadline passed: cutting remaining requests']);
  });
});
