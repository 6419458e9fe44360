// PostgreSQL crashing under load (SPEC §8: "a database outage gives code 0 faults and the service recovers on its
// own when the database returns"). The service runs as its own process against a private PostgreSQL cluster (never
// the shared one), which is killed with `pg_ctl stop -m immediate` while requests keep coming, then started again.
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import knexFactory, { type Knex } from 'knex';
import { soapRequest } from '../support/app.ts';
import { searchPredicatesXml } from '../support/factories.ts';
import { readFault, GUID } from '../support/soap.ts';
import { startPrivateCluster, type PrivateCluster } from '../support/private-postgres.ts';
import { spawnServer, type ServerProcess } from '../support/server-process.ts';

interface Creds {
  readonly authenticationToken: string;
  readonly developerToken: string;
}
type Phase = 'up' | 'down' | 'stopping';
interface Call {
  readonly op: 'SearchCoupons' | 'RedeemCoupon';
  readonly phase: Phase;
  readonly code?: string;
  readonly status: number;
  readonly body: string;
  readonly ms: number;
  readonly error?: string;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('PostgreSQL stopped under load: code 0 faults, /ready 503, and recovery without a restart', function () {
  this.timeout(240000);
  let cluster: PrivateCluster;
  let server: ServerProcess;
  let knex: Knex;
  let creds: Creds;
  let accountId: string;
  let customerId: string;
  const codes: string[] = [];

  before(async () => {
    cluster = await startPrivateCluster();
    server = await spawnServer({
      databaseUrl: cluster.url('billing'),
      adminKey: randomBytes(18).toString('base64url'),
      // Background work runs often, so it too meets the outage.
      env: { LOG_LEVEL: 'info', EXPIRY_SWEEP_MS: '200', OUTBOX_POLL_MS: '100' },
    });
    knex = knexFactory({ client: 'pg', connection: cluster.url('billing'), pool: { min: 0, max: 2 } });
    ({ id: customerId } = await server.admin<{ id: string }>('/admin/customers', { name: 'Outage' }));
    ({ id: accountId } = await server.admin<{ id: string }>('/admin/accounts', {
      customer: customerId,
      currency: 'USD',
      paymentMethod: true,
    }));
    creds = await server.admin<Creds>('/admin/users', { customer: customerId, role: 'SuperAdmin' });
    await server.admin('/admin/classes', {
      customer: customerId,
      name: 'Load',
      type: 'Retention',
      amount: '5',
      currency: 'USD',
      start: '2020-01-01T00:00:00Z',
      end: '2099-01-01T00:00:00Z',
      expires: '2099-06-01T00:00:00Z',
    });
    codes.push(
      ...(
        await server.admin<{ codes: string[] }>('/admin/coupons/mint', {
          customer: customerId,
          class: 'Load',
          count: 400,
        })
      ).codes,
    );
  });

  after(async () => {
    await knex?.destroy();
    const exit = await server?.stop();
    await cluster?.destroy();
    expect(exit, 'the service exits 0 on SIGTERM after the outage').to.equal(0);
  });

  async function call(wanted: Call['op'], phase: () => Phase, reserved?: string): Promise<Call> {
    // Each redemption uses a fresh code; once the load has used them all it goes on with searches.
    const code = wanted === 'RedeemCoupon' ? (reserved ?? codes.shift()) : undefined;
    const op = code === undefined ? 'SearchCoupons' : wanted;
    const inner =
      op === 'RedeemCoupon'
        ? `<b:AccountId>${accountId}</b:AccountId><b:CouponCode>${code}</b:CouponCode>`
        : `${searchPredicatesXml(customerId)}<b:PageInfo><e:Index>0</e:Index><e:Size>5</e:Size></b:PageInfo>`;
    const sentIn = phase();
    const started = Date.now();
    try {
      const res = await fetch(server.endpoint, {
        method: 'POST',
        headers: { 'Content-Type': 'text/xml; charset=utf-8' },
        body: soapRequest(op, inner, creds),
        signal: AbortSignal.timeout(30000),
      });
      return { op, phase: sentIn, code, status: res.status, body: await res.text(), ms: Date.now() - started };
    } catch (e) {
      return { op, phase: sentIn, code, status: 0, body: '', ms: Date.now() - started, error: String(e) };
    }
  }

  it('faults with code 0 and a logged TrackingId while it is down, /ready says 503, and it serves again when it returns', async () => {
    const afterwards = codes.pop()!;
    let phase: Phase = 'up';
    let loading = true;
    const calls: Call[] = [];
    const workers = Array.from({ length: 6 }, async (_, i) => {
      for (let n = 0; loading; n++) calls.push(await call((i + n) % 2 ? 'RedeemCoupon' : 'SearchCoupons', () => phase));
    });

    await sleep(1500);
    await cluster.stop('immediate');
    phase = 'down';
    await sleep(3000);
    const readyStarted = Date.now();
    const ready = await fetch(`${server.baseUrl}/ready`, { signal: AbortSignal.timeout(30000) });
    const readyMs = Date.now() - readyStarted;
    const readyBody: unknown = await ready.json();
    const health = await fetch(`${server.baseUrl}/health`);
    phase = 'stopping';
    loading = false;
    await Promise.all(workers);

    // While it was down: every request was answered (none hung, none cut), each with an internal-error fault.
    const up = calls.filter((c) => c.phase === 'up');
    const down = calls.filter((c) => c.phase === 'down');
    console.log(
      `      ${up.length} calls before the crash, ${down.length} during it (slowest ${Math.max(...down.map((c) => c.ms))} ms); /ready answered in ${readyMs} ms`,
    );
    expect(up.filter((c) => c.status === 200).length, 'calls succeeded before the crash').to.be.greaterThan(10);
    expect(down.length, 'calls were made during the outage').to.be.greaterThan(5);
    expect(down.filter((c) => c.error)).to.deep.equal([]);
    expect([ready.status, readyBody]).to.deep.equal([503, { ready: false }]);
    expect(health.status, 'the process is alive').to.equal(200);
    // Log lines reach this process through a pipe, a moment after the answers.
    const ids = down.map((c) => /TrackingId[^>]*>([0-9a-f-]{36})</.exec(c.body)?.[1] ?? 'none');
    const requestLogged = (id: string): boolean =>
      server.output.join('').includes(`"msg":"request","trackingId":"${id}"`);
    for (let i = 0; i < 100 && !ids.every(requestLogged); i++) await sleep(50);
    for (const c of down) {
      expect(c.status, c.body).to.equal(500);
      const f = readFault(c.body);
      expect(f.detailRoot).to.equal('{https://adapi.microsoft.com}AdApiFaultDetail');
      expect(f.codes).to.deep.equal([0]);
      expect(f.detailTrackingId).to.match(GUID).and.equal(f.headerTrackingId);
      // The port number is not looked for: it can occur in a GUID.
      expect(c.body, 'no database detail leaks to the client').to.not.match(
        /ECONNREFUSED|terminat|postgres|pg_|127\.0/i,
      );
      // The server's log line for that TrackingId carries the error.
      const logged = server.output
        .join('')
        .split('\n')
        .filter((l) => l.includes(f.headerTrackingId))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      const errorLine = logged.find((l) => l.level === 'error');
      expect(errorLine, `no error log line for ${f.headerTrackingId}`).to.not.equal(undefined);
      expect(errorLine!.error).to.be.a('string').and.not.equal('');
      expect(logged.find((l) => l.msg === 'request')).to.include({ status: 500, code: 0 });
    }

    // PostgreSQL returns: the same process serves again, with no restart.
    await cluster.start();
    const back = Date.now();
    let readyAgain = 0;
    while (Date.now() - back < 30000) {
      const r = await fetch(`${server.baseUrl}/ready`);
      if (r.status === 200) {
        readyAgain = Date.now() - back;
        break;
      }
      await sleep(100);
    }
    expect(readyAgain, '/ready is 200 again within 30 s').to.be.greaterThan(0);
    const search = await call('SearchCoupons', () => 'up');
    expect(search.status, search.body).to.equal(200);
    const redeem = await call('RedeemCoupon', () => 'up', afterwards);
    expect(redeem.status, redeem.body).to.equal(200);
    console.log(`      ready again ${readyAgain} ms after PostgreSQL restarted`);

    // Nothing half-done: every coupon is redeemed exactly when its redemption event exists, and every redemption
    // the service confirmed is there.
    const rows = (await knex.raw(
      `SELECT c.code, c.redeemed_account_id IS NOT NULL AS redeemed,
              EXISTS (SELECT 1 FROM account_events e WHERE e.coupon_id = c.id AND e.kind = 'redeem') AS evented,
              EXISTS (SELECT 1 FROM ledger_entries l WHERE l.coupon_id = c.id) AS ledgered
         FROM coupons c JOIN coupon_classes k ON k.id = c.class_id WHERE k.name = 'Load'`,
    )) as { rows: { code: string; redeemed: boolean; evented: boolean; ledgered: boolean }[] };
    const torn = rows.rows.filter((r) => r.redeemed !== r.evented || r.redeemed !== r.ledgered);
    expect(torn).to.deep.equal([]);
    const redeemedCodes = new Set(rows.rows.filter((r) => r.redeemed).map((r) => r.code));
    const confirmed = [...calls, redeem].filter((c) => c.op === 'RedeemCoupon' && c.status === 200).map((c) => c.code);
    expect(confirmed.filter((c) => !redeemedCodes.has(c!))).to.deep.equal([]);
    const { rows: states } = (await knex.raw('SELECT state FROM account_states WHERE account_id = ?', [accountId])) as {
      rows: { state: { offers: { couponCode: string }[] } }[];
    };
    expect(states[0]!.state.offers.map((o) => o.couponCode).sort()).to.deep.equal([...redeemedCodes].sort());
  });
});
