// Two service instances on one fresh database (SPEC §7 stateless instances): on PostgreSQL two OS processes started
// from src/main.ts, one after the other; on the embedded PGlite (one process only) two in-process servers sharing
// the database. Also the steps the multi-instance suites share: redeeming over raw HTTP, and comparing an account
// whose spend was recorded in parallel with one where the same spend was recorded one by one.
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import type { Knex } from 'knex';
import type { Config } from '../../src/config.ts';
import {
  freshDatabase,
  postSoap,
  soapRequest,
  startTestApp,
  type Credentials,
  type TestApp,
  type TestDatabase,
} from './app.ts';
import { openDatabase } from '../../src/repositories/db.ts';
import { spawnServer, type ServerProcess } from './server-process.ts';

/** What the tests need of an instance, whether a process or an in-process app. */
export interface Instance {
  readonly endpoint: string;
  admin<T = Record<string, unknown>>(path: string, body?: unknown, method?: string): Promise<T>;
}

export interface TwoInstances {
  readonly database: TestDatabase;
  readonly knex: Knex;
  /** Alternates between the two instances: even i the first, odd i the second. */
  at(i: number): Instance;
  /** Stops both (processes by SIGTERM), then drops the database; returns the processes' exit codes. */
  close(): Promise<(number | null)[]>;
}

export interface TwoInstancesOptions {
  /** Environment of the processes (PostgreSQL). */
  readonly env?: Record<string, string>;
  /** The URL the processes connect to, from the fresh database's (e.g. through a pooler); default itself. */
  readonly databaseUrlFor?: (url: string) => string;
  /** Configuration of the in-process servers (PGlite). */
  readonly config?: Partial<Config>;
}

export async function startTwoInstances(options: TwoInstancesOptions = {}): Promise<TwoInstances> {
  const database = await freshDatabase();
  const processes: ServerProcess[] = [];
  const apps: TestApp[] = [];
  const close = async (): Promise<(number | null)[]> => {
    const exits = await Promise.all(processes.map((p) => p.stop()));
    for (const a of apps) await a.close();
    await database.drop();
    return exits;
  };
  try {
    if (database.url) {
      const adminKey = randomBytes(18).toString('base64url');
      for (let i = 0; i < 2; i++)
        processes.push(
          await spawnServer({
            databaseUrl: options.databaseUrlFor?.(database.url) ?? database.url,
            adminKey,
            env: options.env,
          }),
        );
    } else {
      for (let i = 0; i < 2; i++) apps.push(await startTestApp(options.config ?? {}, database));
    }
  } catch (e) {
    await close();
    throw e;
  }
  const instances: readonly Instance[] = database.url ? processes : apps;
  return { database, knex: database.db.knex, at: (i) => instances[i % 2]!, close };
}

export type Redeemed = { ok: true; redemptionDate: string } | { ok: false; codes: number[]; status: number };

/** RedeemCoupon over raw HTTP: the date on success, the fault's error codes otherwise. */
export async function redeemRaw(
  endpoint: string,
  creds: Credentials,
  accountId: string,
  code: string,
): Promise<Redeemed> {
  const inner = `<b:AccountId>${accountId}</b:AccountId><b:CouponCode>${code}</b:CouponCode>`;
  const res = await postSoap(endpoint, soapRequest('RedeemCoupon', inner, creds));
  const date = /<(?:\w+:)?RedemptionDate>([^<]+)</.exec(res.body);
  if (res.status === 200 && date) return { ok: true, redemptionDate: new Date(date[1]!).toISOString() };
  const codes = [...res.body.matchAll(/<(?:\w+:)?Code>(\d+)<\/(?:\w+:)?Code>/g)].map((m) => Number(m[1]));
  return { ok: false, codes, status: res.status };
}

/** A class of `count` coupons (created through the first instance, minted through the second); their codes. */
export async function classWithCoupons(
  two: Pick<TwoInstances, 'at'>,
  customer: string,
  name: string,
  terms: Record<string, unknown>,
  count: number,
): Promise<string[]> {
  await two.at(0).admin('/admin/classes', {
    customer,
    name,
    type: 'Retention',
    currency: 'USD',
    start: '2020-01-01T00:00:00Z',
    end: '2099-01-01T00:00:00Z',
    expires: '2099-06-01T00:00:00Z',
    ...terms,
  });
  return (await two.at(1).admin<{ codes: string[] }>('/admin/coupons/mint', { customer, class: name, count })).codes;
}

/** 40 spend amounts of 1.00 to 7.99, varied in their cents. */
export const spendAmounts = (): string[] =>
  Array.from({ length: 40 }, (_, i) => `${(i % 7) + 1}.${String((i * 37) % 100).padStart(2, '0')}`);

/**
 * Records the spend events of account `from` again on account `to`, one at a time, in time order, at the same
 * instants, through `instance`; returns the events replayed.
 */
export async function replaySpends(
  knex: Knex,
  instance: Instance,
  from: string,
  to: string,
): Promise<{ at: Date; amount_minor: string }[]> {
  const spends = (await knex('account_events')
    .where({ account_id: from, kind: 'spend' })
    .orderBy([{ column: 'at' }, { column: 'id' }])
    .select('at', 'amount_minor')) as { at: Date; amount_minor: string }[];
  for (const s of spends)
    await instance.admin('/admin/spend', {
      account: to,
      amount: (Number(s.amount_minor) / 100).toFixed(2),
      at: s.at.toISOString(),
    });
  return spends;
}

/**
 * An account's offers as the operator API lists them, comparable across accounts: an activation at the coupon's
 * redemption (`redeemed`: code → RedemptionDate) reads 'at redemption'; the coupon code is left out.
 */
export async function comparableOffers(
  instance: Instance,
  account: string,
  redeemed: ReadonlyMap<string, string>,
): Promise<unknown[]> {
  const lines = await instance.admin<{ couponCode: string; activationDate: string | null }[]>(
    `/admin/accounts/${account}/offers`,
    undefined,
    'GET',
  );
  return lines.map(({ couponCode, activationDate, ...rest }) => ({
    ...rest,
    activationDate: activationDate === redeemed.get(couponCode) ? 'at redemption' : activationDate,
  }));
}

/** An account's ledger totals by entry kind, in minor units, without reversed entries and their reversals. */
export async function ledgerSums(knex: Knex, account: string): Promise<Record<string, number>> {
  const { rows } = (await knex.raw(
    `SELECT e.kind, SUM(e.amount_minor) AS total FROM ledger_entries e
      WHERE e.account_id = ? AND e.reverses_id IS NULL
        AND NOT EXISTS (SELECT 1 FROM ledger_entries r WHERE r.reverses_id = e.id)
      GROUP BY e.kind`,
    [account],
  )) as { rows: { kind: string; total: string }[] };
  return Object.fromEntries(rows.map((r) => [r.kind, Number(r.total)]));
}

/** The exit codes of instances stopped by SIGTERM: each drains and exits 0 (SPEC §7). */
export function expectCleanExits(exits: readonly (number | null)[]): void {
  expect(exits.every((c) => c === 0)).to.equal(true);
}

/**
 * Account i (through instance i) redeems coupon i of each class, one at a time; returns each redeemed code's
 * RedemptionDate. Throws on any refusal: this is arrangement, not the act under test.
 */
export async function redeemOneOfEach(
  two: Pick<TwoInstances, 'at'>,
  user: Credentials,
  accounts: readonly string[],
  classes: readonly (readonly string[])[],
): Promise<Map<string, string>> {
  const redeemed = new Map<string, string>();
  for (const [i, account] of accounts.entries())
    for (const codes of classes) {
      const code = codes[i]!;
      const r = await redeemRaw(two.at(i).endpoint, user, account, code);
      if (!r.ok) throw new Error(`redeem ${code}: ${JSON.stringify(r)}`);
      redeemed.set(code, r.redemptionDate);
    }
  return redeemed;
}

export interface TwoApps {
  readonly database: TestDatabase;
  /** The two in-process services: the first on the suite's database, the second on its own pool of it. */
  readonly apps: readonly [TestApp, TestApp];
  close(): Promise<void>;
}

/**
 * Two in-process services on one fresh database. On PostgreSQL the second gets a connection pool of its own, as a
 * second process would have; on PGlite (one connection) both share it.
 */
export async function startTwoApps(config: Partial<Config> = {}): Promise<TwoApps> {
  const database = await freshDatabase();
  const second: TestDatabase = database.url
    ? {
        db: await openDatabase({ databaseUrl: database.url, pgliteDir: null }),
        url: database.url,
        drop: async () => {},
      }
    : database;
  const started: TestApp[] = [];
  const close = async (): Promise<void> => {
    for (const a of started) await a.close();
    if (second !== database) await second.db.close();
    await database.drop();
  };
  try {
    started.push(await startTestApp(config, database), await startTestApp(config, second));
  } catch (e) {
    await close();
    throw e;
  }
  return { database, apps: [started[0]!, started[1]!], close };
}
