// Stalls that must not last (SPEC §8: "statement, lock and idle-transaction timeouts bound every database wait"):
// another session holding a row or a table lock makes requests answer code 0 with a TrackingId after the lock
// timeout or the pool's acquire timeout instead of hanging, /ready says 503 while the pool cannot serve, and
// everything works again once the lock is gone. Also: clients that leave mid-request are logged at info as
// aborted, and Knex's own warnings are JSON lines. Always on real PostgreSQL (a private cluster without DATABASE_URL).
import { connect } from 'node:net';
import { expect } from 'chai';
import knexFactory, { type Knex } from 'knex';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { databaseTimeout } from '../../src/repositories/db.ts';
import { postSoap, soapRequest, startTestApp, freshDatabase, type TestApp, type TestDatabase } from '../support/app.ts';
import { makeCouponClass, makeWorld, mint, searchPredicatesXml, type World } from '../support/factories.ts';
import { expectFault } from '../support/soap.ts';
import { lockWaiters, parsed, stallablePostgres, type StallablePostgres } from '../support/stalls.ts';

const LOCK_TIMEOUT_MS = 3000;
const ACQUIRE_TIMEOUT_MS = 1000;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('a lock held elsewhere: code 0 after the timeout instead of a hang, /ready 503, then recovery', function () {
  this.timeout(180000);
  let pg: StallablePostgres;
  let tdb: TestDatabase;
  let t: TestApp;
  let w: World;
  let other: Knex;
  const knexLines: string[] = [];

  before(async () => {
    pg = await stallablePostgres();
    tdb = await freshDatabase(
      {
        poolMax: 2,
        lockTimeoutMs: LOCK_TIMEOUT_MS,
        statementTimeoutMs: 20_000,
        idleTxTimeoutMs: 30_000,
        acquireTimeoutMs: ACQUIRE_TIMEOUT_MS,
        log: createLogger('info', (l) => knexLines.push(l)),
      },
      pg.url,
    );
    t = await startTestApp({ dbAcquireTimeoutMs: ACQUIRE_TIMEOUT_MS }, tdb);
    w = await makeWorld(t);
    await makeCouponClass(t, w.customerId);
    other = knexFactory({ client: 'pg', connection: tdb.url!, pool: { min: 0, max: 2 } });
  });
  after(async () => {
    await other?.destroy();
    await t?.close();
    await tdb?.drop();
    await pg?.close();
  });

  const redeem = (code: string): string =>
    soapRequest(
      'RedeemCoupon',
      `<b:AccountId>${w.accountId}</b:AccountId><b:CouponCode>${code}</b:CouponCode>`,
      w.user,
    );
  const search = (): Promise<{ status: number; contentType: string; body: string }> =>
    postSoap(t.endpoint, soapRequest('SearchCoupons', searchPredicatesXml(w.customerId), w.user));
  const logLine = (trackingId: string): Record<string, unknown> | undefined =>
    parsed(t.logs).find((l) => l.trackingId === trackingId);

  it('RedeemCoupon of a coupon another session holds FOR UPDATE answers code 0, logged as lock_timeout; after release it succeeds', async () => {
    const [code] = await mint(t, w.customerId, 'Spring', 1);
    const holder = await other.transaction();
    await holder.raw('SELECT id FROM coupons WHERE code = ? FOR UPDATE', [code!]);

    const stalled = await postSoap(t.endpoint, redeem(code!));
    const f = expectFault(stalled, { faultcode: 'Server', detail: 'AdApiFaultDetail', codes: [0] });
    expect(logLine(f.headerTrackingId)).to.include({ level: 'warn', msg: 'database timeout', timeout: 'lock_timeout' });

    await holder.rollback();
    const res = await postSoap(t.endpoint, redeem(code!));
    expect(res.status, res.body).to.equal(200);
    expect(res.body).to.match(/<RedemptionDate>/);
  });

  it('with the coupons table locked and every connection waiting, more calls get code 0 (acquire), /ready 503; unlocked, all is well', async () => {
    expect((await search()).status).to.equal(200); // token cached, pool warm
    const holder = await other.transaction();
    await holder.raw('LOCK TABLE coupons IN ACCESS EXCLUSIVE MODE');

    const waiting = [search(), search()];
    await lockWaiters(other, 2); // both pooled connections now wait for the table
    const ready = await fetch(`${t.baseUrl}/ready`);
    expect(ready.status).to.equal(503);
    expect(await ready.json()).to.deep.equal({ ready: false });
    const starved = expectFault(await search(), { faultcode: 'Server', detail: 'AdApiFaultDetail', codes: [0] });
    expect(logLine(starved.headerTrackingId)).to.include({ msg: 'database timeout', timeout: 'acquire' });

    for (const r of await Promise.all(waiting)) {
      const f = expectFault(r, { faultcode: 'Server', detail: 'AdApiFaultDetail', codes: [0] });
      expect(logLine(f.headerTrackingId)).to.include({ msg: 'database timeout', timeout: 'lock_timeout' });
    }
    await holder.rollback();

    expect((await fetch(`${t.baseUrl}/ready`)).status).to.equal(200);
    const after = await Promise.all([search(), search(), search()]);
    expect(after.map((r) => r.status)).to.deep.equal([200, 200, 200]);
    expect(parsed(t.logs).filter((l) => l.level === 'error')).to.deep.equal([]);
  });

  it('a client that drops its connection mid-body, or before its answer, is logged once at info as aborted, never as an error', async () => {
    const port = new URL(t.baseUrl).port;
    const before = t.logs.length;
    // 1. The body stops halfway and the connection is reset.
    const half = connect(Number(port), '127.0.0.1');
    await new Promise<void>((resolve) => half.once('connect', resolve));
    half.write(
      `POST /Api/Billing/v13/CustomerBillingService.svc HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\n` +
        `Content-Length: 1000\r\n\r\n<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">`,
    );
    await sleep(200);
    half.resetAndDestroy();
    // 2. The whole request is sent, the client leaves while it waits on a locked coupon, then the lock goes.
    const [code] = await mint(t, w.customerId, 'Spring', 1);
    const holder = await other.transaction();
    await holder.raw('SELECT id FROM coupons WHERE code = ? FOR UPDATE', [code!]);
    const body = Buffer.from(redeem(code!));
    const full = connect(Number(port), '127.0.0.1');
    await new Promise<void>((resolve) => full.once('connect', resolve));
    full.write(
      `POST /Api/Billing/v13/CustomerBillingService.svc HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\n` +
        `Content-Length: ${body.length}\r\n\r\n`,
    );
    full.write(body);
    await lockWaiters(other, 1);
    full.destroy();
    await holder.commit();

    for (let i = 0; i < 100 && parsed(t.logs.slice(before)).filter((l) => l.msg === 'aborted').length < 2; i++)
      await sleep(100);
    const lines = parsed(t.logs.slice(before));
    const aborted = lines.filter((l) => l.msg === 'aborted');
    expect(aborted.map((l) => [l.level, l.stage])).to.deep.equal([
      ['info', 'request body'],
      ['info', 'answer'],
    ]);
    expect(aborted[1]).to.include({ operation: 'RedeemCoupon', code: null });
    expect(lines.filter((l) => l.level === 'error' || 'stack' in l)).to.deep.equal([]);
  });

  it('every pooled connection carries the three timeouts, and a statement past statement_timeout is named as such', async () => {
    const { rows } = (await tdb.db.knex.raw(
      `SELECT current_setting('lock_timeout') AS lock, current_setting('statement_timeout') AS statement,
              current_setting('idle_in_transaction_session_timeout') AS idle`,
    )) as { rows: { lock: string; statement: string; idle: string }[] };
    expect(rows[0]).to.deep.equal({ lock: '3s', statement: '20s', idle: '30s' });
    const quick = await freshDatabase({ statementTimeoutMs: 200 }, pg.url);
    try {
      const err = await quick.db.knex.raw('SELECT pg_sleep(5)').then(
        () => null,
        (e: unknown) => e,
      );
      expect(databaseTimeout(err)).to.equal('statement_timeout');
    } finally {
      await quick.drop();
    }
  });

  it('a session left idle inside a transaction is ended after idle_in_transaction_session_timeout', async () => {
    const idle = await freshDatabase({ idleTxTimeoutMs: 300 }, pg.url);
    try {
      const tx = await idle.db.knex.transaction();
      await tx.raw('SELECT 1');
      await sleep(1000);
      const err = await tx.raw('SELECT 1').then(
        () => null,
        (e: unknown) => e,
      );
      expect(err, 'the server ended the idle transaction').to.be.instanceOf(Error);
      await tx.rollback().catch(() => undefined);
      // The pool replaces the ended connection: the next query works.
      expect(((await idle.db.knex.raw('SELECT 1 AS one')) as { rows: { one: number }[] }).rows[0]!.one).to.equal(1);
    } finally {
      await idle.drop();
    }
  });

  it('Knex’s own warnings are JSON lines of our logger', async () => {
    await tdb.db.knex.schema.createTableIfNotExists('knex_warning_probe', (tb) => tb.increments('id'));
    await tdb.db.knex.schema.dropTable('knex_warning_probe');
    const warnings = parsed(knexLines).filter((l) => /createTableIfNotExists/.test(String(l.detail)));
    expect(warnings.map((l) => [l.level, l.msg])).to.deep.equal([['warn', 'knex warning']]);
  });
});

describe('DB_STATEMENT_TIMEOUT_MS, DB_LOCK_TIMEOUT_MS, DB_IDLE_TX_TIMEOUT_MS, DB_ACQUIRE_TIMEOUT_MS, DB_POOL_MAX, SHUTDOWN_GRACE_MS', () => {
  const env = { BILLING_ADMIN_KEY: 'k'.repeat(20), DATA_DIR: '/tmp/billing-config-test' };

  it('default to 5 s, 2 s, 30 s, 5 s, 10 connections and 20 s, and refuse nonsense', () => {
    const c = loadConfig(env);
    expect([
      c.dbStatementTimeoutMs,
      c.dbLockTimeoutMs,
      c.dbIdleTxTimeoutMs,
      c.dbAcquireTimeoutMs,
      c.dbPoolMax,
      c.shutdownGraceMs,
    ]).to.deep.equal([5000, 2000, 30_000, 5000, 10, 20_000]);
    expect(loadConfig({ ...env, DB_LOCK_TIMEOUT_MS: '0' }).dbLockTimeoutMs).to.equal(0);
    expect(() => loadConfig({ ...env, DB_POOL_MAX: '0' })).to.throw(/DB_POOL_MAX/);
    expect(() => loadConfig({ ...env, DB_STATEMENT_TIMEOUT_MS: '1.5' })).to.throw(/DB_STATEMENT_TIMEOUT_MS/);
    expect(() => loadConfig({ ...env, SHUTDOWN_GRACE_MS: '-1' })).to.throw(/SHUTDOWN_GRACE_MS/);
  });
});
