// Migrations are documented and reversible (STYLE 6): on a fresh database, up → data through the operator API →
// down (every migration) → up again, and the schema still works; every table and column carries a COMMENT.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { Knex } from 'knex';
import { migrationSource } from '../../src/repositories/migrations.ts';
import { freshDatabase, postSoap, soapRequest, startTestApp, type TestApp, type TestDatabase } from '../support/app.ts';
import { advanceClock } from '../support/clock.ts';
import { repoRoot } from '../support/official-wsdl.ts';

const MIGRATIONS = readdirSync(path.join(repoRoot, 'migrations'))
  .filter((f) => /^\d{14}_[a-z0-9_]+\.ts$/.test(f))
  .sort();
const KNEX_TABLES = ['knex_migrations', 'knex_migrations_lock'];
/**
 * Tables the operator API fills (SPEC §6: customer, account with a payment method, user, class, mint, spend, revoke,
 * clock). The others are written by SOAP operations, the email outbox or the web page; the test reports them.
 */
const FILLED_BY_OPERATOR_API = [
  'customers',
  'accounts',
  'users',
  'coupon_classes',
  'coupons',
  'test_clock',
  'account_events',
  'auto_grants',
];
/** Columns that explain themselves without a comment: the key, bookkeeping timestamps and references. */
const SELF_EXPLAINING = new Set(['id', 'created_at', 'updated_at', 'recorded_at']);

/** Tables, sequences, indexes and views of the current schema, except Knex's own bookkeeping. */
async function relations(knex: Knex): Promise<string[]> {
  const { rows } = (await knex.raw(
    `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = current_schema() AND c.relname NOT LIKE 'knex\\_migrations%' ORDER BY 1`,
  )) as { rows: { relname: string }[] };
  return rows.map((r) => r.relname);
}

async function tables(knex: Knex): Promise<string[]> {
  const { rows } = (await knex.raw(
    `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY 1`,
  )) as { rows: { relname: string }[] };
  return rows.map((r) => r.relname).filter((t) => !KNEX_TABLES.includes(t));
}

async function rowCounts(knex: Knex): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of await tables(knex)) {
    const [row] = (await knex(table).count({ n: '*' })) as { n: string | number }[];
    counts[table] = Number(row!.n);
  }
  return counts;
}

/** Data through the operator API (and one SOAP call that reads it back). */
async function useTheService(t: TestApp): Promise<string[]> {
  const customer = await t.admin<{ id: string }>('/admin/customers', { name: 'Contoso' });
  const payer = await t.admin<{ id: string }>('/admin/customers', { name: 'Payer' });
  const account = await t.admin<{ id: string }>('/admin/accounts', {
    customer: customer.id,
    currency: 'USD',
    billTo: payer.id,
    paymentMethod: true,
  });
  const user = await t.admin<{ authenticationToken: string; developerToken: string }>('/admin/users', {
    customer: customer.id,
    role: 'SuperAdmin',
    username: `migrations-${customer.id}`,
    password: 'a long enough password',
    expires: '2099-01-01T00:00:00Z',
  });
  await t.admin('/admin/classes', {
    customer: customer.id,
    name: 'Spring',
    type: 'Retention',
    amount: '50',
    currency: 'USD',
    threshold: '10',
    percentOff: '10',
    activeDays: 30,
    start: '2020-01-01T00:00:00Z',
    end: '2099-01-01T00:00:00Z',
    expires: '2099-06-01T00:00:00Z',
    redeemWithinDays: 14,
    featureId: 3,
  });
  const { codes } = await t.admin<{ codes: string[] }>('/admin/coupons/mint', {
    customer: customer.id,
    class: 'Spring',
    count: 3,
  });
  // An auto-grant class with no coupon: the account created after it records a grant that could not be made.
  await t.admin('/admin/classes', {
    customer: customer.id,
    name: 'Welcome',
    type: 'Retention',
    amount: '5',
    currency: 'USD',
    autoGrant: 'new-accounts',
  });
  await t.admin('/admin/accounts', { customer: customer.id, currency: 'USD' });
  await advanceClock(t, 'PT1S');
  await t.admin('/admin/spend', { account: account.id, amount: '12.50' });
  await t.admin('/admin/coupons/revoke', { code: codes[2], reason: 'migration test' });

  const predicates = `<b:Predicates><e:Predicate><e:Field>CustomerId</e:Field><e:Operator>Equals</e:Operator><e:Value>${customer.id}</e:Value></e:Predicate></b:Predicates>`;
  const res = await postSoap(t.endpoint, soapRequest('SearchCoupons', predicates, user));
  expect(res.status, res.body).to.equal(200);
  return [...res.body.matchAll(/<(?:\w+:)?CouponCode>([^<]*)</g)].map((m) => m[1]!);
}

describe('migrations', function () {
  this.timeout(120000);
  let tdb: TestDatabase;
  let knex: Knex;

  before(async () => {
    tdb = await freshDatabase();
    knex = tdb.db.knex;
  });
  after(async () => tdb?.drop());

  it('migrating a fresh database to the latest version runs every migration file, in name order', async () => {
    const [, ran] = (await knex.migrate.latest({ migrationSource })) as [number, string[]];

    expect(ran).to.deep.equal(MIGRATIONS);
  });

  it('every table has a COMMENT', async () => {
    const { rows } = (await knex.raw(
      `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND c.relname NOT LIKE 'knex\\_migrations%'
         AND obj_description(c.oid, 'pg_class') IS NULL ORDER BY 1`,
    )) as { rows: { relname: string }[] };

    expect(rows.map((r) => r.relname)).to.deep.equal([]);
  });

  it('every column has a COMMENT, unless it is the id, a bookkeeping timestamp or a reference to another table', async () => {
    const { rows } = (await knex.raw(
      `SELECT c.relname || '.' || a.attname AS col, a.attname AS name
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid
       WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND c.relname NOT LIKE 'knex\\_migrations%'
         AND a.attnum > 0 AND NOT a.attisdropped AND col_description(c.oid, a.attnum) IS NULL
         AND NOT EXISTS (SELECT 1 FROM pg_constraint f
                         WHERE f.conrelid = c.oid AND f.contype = 'f' AND a.attnum = ANY (f.conkey))
       ORDER BY c.relname, a.attnum`,
    )) as { rows: { col: string; name: string }[] };

    const undocumented = rows.filter((r) => !SELF_EXPLAINING.has(r.name)).map((r) => r.col);
    expect(undocumented).to.deep.equal([]);
  });

  it('rolling every migration back with data in place drops everything they created; migrating again works', async () => {
    // Arrange: data in every table the operator API reaches.
    const first = await startTestApp({ testClock: true }, tdb);
    try {
      expect(await useTheService(first)).to.have.length(3);
    } finally {
      await first.close();
    }
    const counts = await rowCounts(knex);
    const empty = FILLED_BY_OPERATOR_API.filter((table) => !counts[table]);
    expect(empty, JSON.stringify(counts)).to.deep.equal([]);
    const unfilled = Object.keys(counts).filter((table) => !counts[table]);
    if (unfilled.length > 0) console.log(`      (tables the operator API does not fill: ${unfilled.join(', ')})`);
    const created = await relations(knex);

    // Act: down, every migration.
    const [, undone] = (await knex.migrate.rollback({ migrationSource }, true)) as [number, string[]];

    // Assert: nothing they created is left, and the Knex log is empty.
    expect([...undone].sort()).to.deep.equal(MIGRATIONS);
    expect(created).to.include.members(FILLED_BY_OPERATOR_API);
    expect(await relations(knex)).to.deep.equal([]);
    expect(await tables(knex)).to.deep.equal([]);
    const [log] = (await knex('knex_migrations').count({ n: '*' })) as { n: string | number }[];
    expect(Number(log!.n)).to.equal(0);

    // Up again: the same objects, and the service works on them.
    const [, again] = (await knex.migrate.latest({ migrationSource })) as [number, string[]];
    expect(again).to.deep.equal(MIGRATIONS);
    expect(await relations(knex)).to.deep.equal(created);
    const second = await startTestApp({ testClock: true }, tdb);
    try {
      expect(await useTheService(second)).to.have.length(3);
    } finally {
      await second.close();
    }
  });
});
