// A database that stops answering at the network level (Trust issue, item 4): a hung server, a partition or a
// proxy that stops forwarding. The server-side timeouts never fire there, so the service bounds every query on its
// own side: requests answer code 0 with a TrackingId instead of hanging, the connection a query timed out on is
// closed and never handed out again (so the pool is not drained and no late answer reaches a later query), /ready
// says 503, and everything works again once the database answers, without a restart. A TCP proxy in this process
// sits between the service and PostgreSQL and is switched to "hang" and back. Always on real PostgreSQL.
import { expect } from 'chai';
import { loadConfig } from '../../src/config.ts';
import knexFactory from 'knex';
import { databaseTimeout, migrateLatest, MIGRATION_LOCK_KEY } from '../../src/repositories/db.ts';
import { postSoap, soapRequest, startTestApp, freshDatabase, type TestApp, type TestDatabase } from '../support/app.ts';
import {
  makeCouponClass,
  makeWorld,
  mint,
  redeemRequestXml,
  searchPredicatesXml,
  type World,
} from '../support/factories.ts';
import { startHangProxy, type HangProxy } from '../support/hang-proxy.ts';
import { expectFault, type Answer } from '../support/soap.ts';
import { parsed, stallablePostgres, type StallablePostgres } from '../support/stalls.ts';

const POOL_MAX = 2;
const STATEMENT_TIMEOUT_MS = 1000;
const QUERY_TIMEOUT_MS = 1500;
const ACQUIRE_TIMEOUT_MS = 1000;
const couponCodes = (body: string): string[] => [...body.matchAll(/<(?:\w+:)?CouponCode>([^<]*)</g)].map((m) => m[1]!);

describe('a database that stops answering: code 0 instead of a hang, a pool that is not drained, and recovery', function () {
  this.timeout(120000);
  let pg: StallablePostgres;
  let proxy: HangProxy;
  let tdb: TestDatabase;
  let t: TestApp;
  let a: World;
  let b: World;
  let codesOfA: string[];
  let codesOfB: string[];

  before(async () => {
    pg = await stallablePostgres();
    proxy = await startHangProxy(pg.url);
    tdb = await freshDatabase(
      {
        poolMax: POOL_MAX,
        statementTimeoutMs: STATEMENT_TIMEOUT_MS,
        lockTimeoutMs: 500,
        idleTxTimeoutMs: 10_000,
        acquireTimeoutMs: ACQUIRE_TIMEOUT_MS,
        queryTimeoutMs: QUERY_TIMEOUT_MS,
      },
      proxy.url,
    );
    t = await startTestApp({ dbAcquireTimeoutMs: ACQUIRE_TIMEOUT_MS, maxConcurrentPerCustomer: 0 }, tdb);
    a = await makeWorld(t);
    b = await makeWorld(t);
    await makeCouponClass(t, a.customerId);
    await makeCouponClass(t, b.customerId);
    codesOfA = await mint(t, a.customerId, 'Spring', 8);
    codesOfB = await mint(t, b.customerId, 'Spring', 3);
  });
  after(async () => {
    proxy?.resume();
    await t?.close();
    await tdb?.drop();
    await proxy?.close();
    await pg?.close();
  });

  const redeem = (w: World, code: string): Promise<Answer> => postSoap(t.endpoint, redeemRequestXml(w, code));
  const search = (w: World): Promise<Answer> =>
    postSoap(t.endpoint, soapRequest('SearchCoupons', searchPredicatesXml(w.customerId), w.user));
  const logLine = (trackingId: string): Record<string, unknown> | undefined =>
    parsed(t.logs).find((l) => l.trackingId === trackingId);
  /** Asserts a code 0 fault whose TrackingId is logged as a database timeout without a stack; returns the bound. */
  const expectDatabaseTimeout = (res: Answer): unknown => {
    const f = expectFault(res, { faultcode: 'Server', detail: 'AdApiFaultDetail', codes: [0] });
    const line = logLine(f.headerTrackingId);
    expect(line, `log line of ${f.headerTrackingId}`).to.include({ level: 'warn', msg: 'database timeout' });
    expect(line).to.not.have.property('stack');
    return line!.timeout;
  };

  it('while it hangs, RedeemCoupon and SearchCoupons answer code 0 with a logged TrackingId, calls beyond the pool size too, and /ready says 503', async () => {
    // Warm: tokens cached and both pooled connections open, so the first calls of the hang get a connection.
    expect((await Promise.all([search(a), search(b)])).map((r) => r.status)).to.deep.equal([200, 200]);

    proxy.hang();
    const firstWave = await Promise.all([
      redeem(a, codesOfA[0]!),
      redeem(a, codesOfA[1]!),
      search(a),
      search(b),
      redeem(b, codesOfB[0]!),
      search(a),
    ]);
    const bounds = firstWave.map(expectDatabaseTimeout);
    // The calls that had a connection were cut by the client-side bound; the rest waited for one in vain.
    expect(bounds).to.include('query_timeout');
    for (const bound of bounds) expect(['query_timeout', 'acquire', 'connect_timeout']).to.include(bound);

    const ready = await fetch(`${t.baseUrl}/ready`);
    expect(ready.status).to.equal(503);
    expect(await ready.json()).to.deep.equal({ ready: false });

    // The pool gave back the connections the hang took: another wave, again more calls than connections, is answered.
    const secondWave = await Promise.all([search(a), redeem(a, codesOfA[2]!), search(b), redeem(b, codesOfB[1]!)]);
    secondWave.forEach(expectDatabaseTimeout);
    expect(parsed(t.logs).filter((l) => l.level === 'error')).to.deep.equal([]);
  });

  it('when it answers again, calls succeed without a restart and each gets its own answer, none a late one of a call that timed out', async () => {
    // Calls left waiting on the hung database when it comes back: their late answers must reach nobody.
    proxy.hang();
    const cut = Promise.all([search(a), search(a)]);
    const timedOut = await cut;
    timedOut.forEach(expectDatabaseTimeout);
    proxy.resume();

    const ready = await fetch(`${t.baseUrl}/ready`);
    expect(ready.status).to.equal(200);
    const [ofB, ofA, redeemed] = await Promise.all([search(b), search(a), redeem(a, codesOfA[3]!)]);
    expect(ofB.status, ofB.body).to.equal(200);
    expect(couponCodes(ofB.body).sort()).to.deep.equal([...codesOfB].sort());
    expect(ofA.status, ofA.body).to.equal(200);
    expect(couponCodes(ofA.body).sort()).to.deep.equal([...codesOfA].sort());
    expect(redeemed.status, redeemed.body).to.equal(200);
    expect(redeemed.body).to.match(/<RedemptionDate>/);
    // Nothing redeemed while the database hung: those calls answered code 0 and changed nothing.
    const used = (await t.db
      .knex('coupons')
      .whereIn('code', [...codesOfA, ...codesOfB])
      .whereNotNull('redemption_date')
      .pluck('code')) as string[];
    expect(used).to.deep.equal([codesOfA[3]]);
  });

  it('a connection whose query timed out with its answer still on the way is closed, and the next query on the pool gets its own answer', async () => {
    const single = await freshDatabase(
      { poolMax: 1, statementTimeoutMs: 5000, acquireTimeoutMs: 5000, queryTimeoutMs: 400 },
      proxy.url,
    );
    try {
      const pidOf = async (): Promise<number> =>
        ((await single.db.knex.raw('SELECT pg_backend_pid() AS pid')) as { rows: { pid: number }[] }).rows[0]!.pid;
      const before = await pidOf();
      // The server answers after 200 ms, by when the proxy holds every byte back; the client gives up at 400 ms.
      const late = single.db.knex.raw(`SELECT 'late' AS answer FROM pg_sleep(0.2)`).then(
        () => null,
        (e: unknown) => e,
      );
      await new Promise((r) => setTimeout(r, 50));
      proxy.hang();
      expect(databaseTimeout(await late)).to.equal('query_timeout');
      proxy.resume();

      const replaced = await pidOf(); // also opens the pool's next connection before the database hangs again
      expect(replaced, 'the timed-out connection was replaced').to.not.equal(before);

      // Inside a transaction too: its ROLLBACK cannot reach the server, and the error still names the bound.
      const inTransaction = single.db.knex
        .transaction(async (tx) => {
          await tx.raw('SELECT pg_sleep(0.2)');
        })
        .then(
          () => null,
          (e: unknown) => e,
        );
      await new Promise((r) => setTimeout(r, 50));
      proxy.hang();
      expect(databaseTimeout(await inTransaction)).to.equal('query_timeout');
      proxy.resume();

      const { rows } = (await single.db.knex.raw(`SELECT 'next' AS answer`)) as { rows: { answer: string }[] };
      expect(rows).to.deep.equal([{ answer: 'next' }]);
      expect(await pidOf(), 'the connection of the timed-out transaction was replaced').to.not.equal(replaced);
    } finally {
      proxy.resume();
      await single.drop();
    }
  });
});

describe('the client-side query bound and migrations', function () {
  this.timeout(120000);

  it('an instance whose migration waits for another instance’s longer than the query bound still migrates once it is free', async () => {
    const pg = await stallablePostgres();
    const tdb = await freshDatabase({ queryTimeoutMs: 2500, statementTimeoutMs: 2000 }, pg.url);
    const other = knexFactory({ client: 'pg', connection: tdb.url!, pool: { min: 1, max: 1 } });
    try {
      // Another instance is migrating: it holds the migration lock.
      await other.raw('SELECT pg_advisory_lock(?)', [MIGRATION_LOCK_KEY]);
      const migrated = migrateLatest(tdb.db.knex).then(
        () => 'migrated',
        (e: unknown) => e,
      );
      await new Promise((r) => setTimeout(r, 4000));
      await other.raw('SELECT pg_advisory_unlock(?)', [MIGRATION_LOCK_KEY]);
      expect(await migrated).to.equal('migrated');
      expect(await tdb.db.knex.schema.hasTable('coupons')).to.equal(true);
    } finally {
      await other.destroy();
      await tdb.drop();
      await pg.close();
    }
  });
});

describe('DB_QUERY_TIMEOUT_MS', () => {
  const env = { BILLING_ADMIN_KEY: 'k'.repeat(20), DATA_DIR: '/tmp/billing-config-test' };

  it('defaults to DB_STATEMENT_TIMEOUT_MS + 1 s (none when that is none) and must be above DB_STATEMENT_TIMEOUT_MS', () => {
    expect(loadConfig(env).dbQueryTimeoutMs).to.equal(6000);
    expect(loadConfig({ ...env, DB_STATEMENT_TIMEOUT_MS: '2000' }).dbQueryTimeoutMs).to.equal(3000);
    expect(loadConfig({ ...env, DB_STATEMENT_TIMEOUT_MS: '0' }).dbQueryTimeoutMs).to.equal(0);
    expect(loadConfig({ ...env, DB_QUERY_TIMEOUT_MS: '9000' }).dbQueryTimeoutMs).to.equal(9000);
    expect(loadConfig({ ...env, DB_QUERY_TIMEOUT_MS: '0' }).dbQueryTimeoutMs).to.equal(0);
    expect(() => loadConfig({ ...env, DB_QUERY_TIMEOUT_MS: '5000' })).to.throw(/DB_QUERY_TIMEOUT_MS/);
    expect(() => loadConfig({ ...env, DB_QUERY_TIMEOUT_MS: 'soon' })).to.throw(/DB_QUERY_TIMEOUT_MS/);
  });
});
