// The statements behind SearchCoupons: the search itself, built from checked filters, and the caller's account ids.
import type { Knex } from 'knex';
import { preparedArrays, preparedRows } from './prepared.ts';
import { T } from './tables.ts';

/**
 * The ids of the customer's accounts, through accounts (customer_id, id): the search binds them as one array, so
 * its branches over redeemed and claimed coupons start from the caller's own accounts.
 */
export async function accountIdsOfCustomer(knex: Knex, customerId: string): Promise<string[]> {
  const rows = await preparedRows<{ id: string }>(
    knex,
    `SELECT id FROM ${T.accounts} WHERE customer_id = ? ORDER BY id`,
    [customerId],
  );
  return rows.map((r) => String(r.id));
}

/** Text columns a search can filter on. */
export type CouponTextField = 'code' | 'className' | 'sendToEmail' | 'couponType';
/** Date columns a search can filter on (a redemption date only where the viewer sees the redemption). */
export type CouponDateField = 'startDate' | 'endDate' | 'expirationDate' | 'redemptionDate';
export type TextTest = 'equals' | 'notEquals' | 'in' | 'startsWith' | 'contains' | 'notContains';

/** One checked condition of a search; values are already normalised (codes upper-case, case-folded when ignoring case). */
export type CouponFilter =
  | { readonly on: 'accounts'; readonly accountIds: readonly string[] }
  | { readonly on: 'isRedeemed'; readonly value: boolean }
  | { readonly on: CouponDateField; readonly test: 'from' | 'before'; readonly at: Date }
  | {
      readonly on: CouponTextField;
      readonly test: TextTest;
      /** Compared lower-cased (the value is lower-cased by the caller). */
      readonly ignoreCase: boolean;
      /** One value, or the list of an `in` test. */
      readonly value: string | readonly string[];
    };

export interface CouponOrder {
  readonly key: 'id' | 'className' | 'startDate';
  readonly descending: boolean;
}

export interface CouponSearch {
  /** The viewer's customer. */
  readonly customerId: string;
  readonly filters: readonly CouponFilter[];
  readonly order: CouponOrder;
  readonly offset: number;
  readonly size: number;
  /** The viewer's accounts when already looked up, else null (the statement reads them itself). */
  readonly ownAccountIds: readonly string[] | null;
}

/** What a coupon and its class show whoever may see it (the part of a search row every viewer gets). */
export interface CouponFields {
  readonly id: string;
  /** Bumped by every update of the coupon (coupons.xml_version). */
  readonly version: number;
  readonly code: string;
  readonly className: string;
  readonly couponType: string;
  readonly amountMinor: string;
  readonly spendThresholdMinor: string;
  readonly currency: string;
  readonly percentOff: string | null;
  readonly activeDays: number | null;
  readonly expirationDate: Date | null;
  readonly startDate: Date | null;
  readonly endDate: Date | null;
  readonly sendToEmail: string | null;
  readonly sendToDate: Date | null;
}

/**
 * One row of the search: the coupon's id and version, its class's currency, and the accounts that redeemed or claimed
 * it. What every viewer sees alike (CouponFields) is read apart, by couponFieldsOf, only for the coupons whose
 * version the caller does not already hold: most pages are the same coupons again.
 */
export interface CouponSearchRow {
  readonly id: string;
  /** Bumped by every update of the coupon (coupons.xml_version). */
  readonly version: number;
  /** The class's ISO 4217 code (a class never changes). */
  readonly currency: string;
  readonly ownerCustomerId: string;
  readonly redemption: {
    readonly accountId: string;
    readonly date: Date;
    readonly number: string;
    readonly customerId: string;
    readonly billToCustomerId: string;
    readonly currency: string;
  } | null;
  readonly claim: {
    readonly accountId: string;
    readonly date: Date;
    readonly number: string;
    readonly customerId: string;
    readonly billToCustomerId: string;
  } | null;
}

const TEXT_COLUMNS: Record<CouponTextField, string> = {
  code: 'c.code',
  className: 'c.class_name',
  sendToEmail: 'c.send_to_email',
  couponType: 'k.coupon_type',
};
const DATE_COLUMNS: Record<CouponDateField, string> = {
  startDate: 'k.start_date',
  endDate: 'k.end_date',
  expirationDate: 'k.expiration_date',
  redemptionDate: 'c.redemption_date',
};
const ORDER_COLUMNS: Record<CouponOrder['key'], string> = {
  id: 'c.id',
  className: 'c.class_name',
  startDate: 'c.start_date',
};

/**
 * Whether the user sees the RedemptionInfo of the row, in SQL: the same rule as redemptionVisible() in
 * src/rules/visibility.ts (the user's own account, or the user's customer owns the coupon and the account bills to
 * it). Bound to the user's customer id twice. A RedemptionDate filter matches only where this holds, so it cannot
 * be used to learn the dates of redemptions the answer hides.
 */
const REDEMPTION_VISIBLE_SQL =
  '(ra.customer_id = ? OR (c.owner_customer_id = ? AND ra.bill_to_customer_id = c.owner_customer_id))';

const likeEscape = (s: string): string => s.replace(/[\\%_]/g, (m) => `\\${m}`);

/** One SQL condition; its text never contains a value, so the number of distinct texts stays bounded. */
interface Condition {
  readonly sql: string;
  readonly bindings: readonly unknown[];
}

function conditionOf(f: CouponFilter, viewer: string): Condition {
  if (f.on === 'accounts')
    // The accounts are checked to be the user's own, so their redemptions and claims are visible to the user.
    return {
      sql: '(c.redeemed_account_id = ANY(?::bigint[]) OR c.claimed_account_id = ANY(?::bigint[]))',
      bindings: [f.accountIds, f.accountIds],
    };
  if (f.on === 'isRedeemed') return { sql: `c.redeemed_account_id IS ${f.value ? 'NOT ' : ''}NULL`, bindings: [] };
  if ('at' in f) {
    const col = DATE_COLUMNS[f.on];
    const visible = f.on === 'redemptionDate' ? ` AND ${REDEMPTION_VISIBLE_SQL}` : '';
    const by = f.on === 'redemptionDate' ? [viewer, viewer] : [];
    // The column is never wrapped in a function, so it stays an index condition.
    return { sql: `${col} ${f.test === 'from' ? '>=' : '<'} ?${visible}`, bindings: [f.at, ...by] };
  }
  const col = f.ignoreCase ? `lower(${TEXT_COLUMNS[f.on]})` : TEXT_COLUMNS[f.on];
  const one = typeof f.value === 'string' ? f.value : '';
  switch (f.test) {
    case 'equals':
      return { sql: `${col} = ?`, bindings: [one] };
    case 'notEquals':
      return { sql: `${col} <> ?`, bindings: [one] };
    case 'in':
      return { sql: `${col} = ANY(?::text[])`, bindings: [typeof f.value === 'string' ? [f.value] : [...f.value]] };
    case 'startsWith':
      return { sql: `${col} LIKE ? ESCAPE '\\'`, bindings: [`${likeEscape(one)}%`] };
    case 'contains':
      return { sql: `${col} LIKE ? ESCAPE '\\'`, bindings: [`%${likeEscape(one)}%`] };
    case 'notContains':
      return { sql: `${col} NOT LIKE ? ESCAPE '\\'`, bindings: [`%${likeEscape(one)}%`] };
  }
}

function orderSql(o: CouponOrder): string {
  const col = ORDER_COLUMNS[o.key];
  const dir = o.descending ? 'DESC' : 'ASC';
  // Ties are broken by mint order so that pages are stable, in the direction of the key, so that one index
  // (owner_customer_id, key, id) read forwards or backwards yields the rows already in order: with `key DESC, id
  // ASC` PostgreSQL must sort every coupon sharing the first key before it can return the first row.
  return col === 'c.id' ? `c.id ${dir}` : `${col} ${dir}, c.id ${dir}`;
}

/** What each branch selects: the row's columns, then the order keys. */
const SELECT = `c.id, c.xml_version, k.currency, c.owner_customer_id, c.redeemed_account_id, c.redemption_date,
  ra.number AS r_number, ra.customer_id AS r_customer_id, ra.bill_to_customer_id AS r_bill_to, ra.currency AS r_currency,
  c.claimed_account_id, c.claim_date, ca.number AS c_number, ca.customer_id AS c_customer_id,
  ca.bill_to_customer_id AS c_bill_to, c.class_name, c.start_date`;

/** An instant as whole milliseconds since the epoch (the driver's Dates keep milliseconds, truncated). */
const ms = (col: string): string => `floor(extract(epoch FROM ${col}) * 1000)`;

/**
 * The page as one JSON array of rows, each `[id, version, currency, owner, redemption, claim]` (the last two arrays or
 * null; ids as text, instants as milliseconds): one value for the driver to decode instead of a column per field of
 * every row, which was the larger part of reading a page.
 */
const PAGE_ROW = `json_build_array(u.id::text, u.xml_version, u.currency, u.owner_customer_id::text,
  CASE WHEN u.redeemed_account_id IS NULL THEN NULL ELSE json_build_array(u.redeemed_account_id::text,
    ${ms('u.redemption_date')}, u.r_number, u.r_customer_id::text, u.r_bill_to::text, u.r_currency) END,
  CASE WHEN u.claimed_account_id IS NULL THEN NULL ELSE json_build_array(u.claimed_account_id::text,
    ${ms('u.claim_date')}, u.c_number, u.c_customer_id::text, u.c_bill_to::text) END)`;

type PageRow = [
  string,
  number,
  string,
  string,
  [string, number, string, string, string, string] | null,
  [string, number, string, string, string] | null,
];

// Column readers of fieldsOf(), at module level (not closures made per row).
const s = (a: readonly unknown[], i: number): string => String(a[i]);
const sn = (a: readonly unknown[], i: number): string | null => (a[i] === null ? null : String(a[i]));
const d = (a: readonly unknown[], i: number): Date | null => (a[i] as Date | null) ?? null;

function rowOf([id, version, currency, owner, r, c]: PageRow): CouponSearchRow {
  return {
    id,
    version,
    currency,
    ownerCustomerId: owner,
    redemption:
      r === null
        ? null
        : {
            accountId: r[0],
            date: new Date(Number(r[1])),
            number: r[2],
            customerId: r[3],
            billToCustomerId: r[4],
            currency: r[5],
          },
    claim:
      c === null
        ? null
        : { accountId: c[0], date: new Date(Number(c[1])), number: c[2], customerId: c[3], billToCustomerId: c[4] },
  };
}

/** Columns in the order fieldsOf() reads them. */
const FIELDS_SELECT = `c.id, c.xml_version, c.code, c.class_name, k.coupon_type, k.amount_minor,
  k.spend_threshold_minor, k.currency, k.percent_off, k.active_days, k.expiration_date, k.start_date, k.end_date,
  c.send_to_email, c.send_to_date`;

function fieldsOf(a: readonly unknown[]): CouponFields {
  return {
    id: s(a, 0),
    version: Number(a[1]),
    code: s(a, 2),
    className: s(a, 3),
    couponType: s(a, 4),
    amountMinor: s(a, 5),
    spendThresholdMinor: s(a, 6),
    currency: s(a, 7),
    percentOff: sn(a, 8),
    activeDays: a[9] === null ? null : Number(a[9]),
    expirationDate: d(a, 10),
    startDate: d(a, 11),
    endDate: d(a, 12),
    sendToEmail: sn(a, 13),
    sendToDate: d(a, 14),
  };
}

/**
 * Joined to the coupons `c` of each branch: the class, and the redeeming and claiming accounts, each looked up by
 * primary key per coupon read (OFFSET 0 keeps PostgreSQL from turning a lookup into a hash join over every
 * tenant's classes or accounts).
 */
const byId = (table: string, id: string): string => `(SELECT * FROM ${table} WHERE id = ${id} OFFSET 0)`;
const JOINS = `CROSS JOIN LATERAL ${byId(T.classes, 'c.class_id')} k
  LEFT JOIN LATERAL ${byId(T.accounts, 'c.redeemed_account_id')} ra ON true
  LEFT JOIN LATERAL ${byId(T.accounts, 'c.claimed_account_id')} ca ON true`;

export interface CouponSearchStatement {
  readonly sql: string;
  readonly bindings: unknown[];
}

/**
 * A user sees the coupons its customer owns and the coupons redeemed to or claimed by its customer's accounts.
 * Each of the three sources is its own branch; the branches are disjoint, so UNION ALL needs no de-duplication.
 * The owned branch walks an index of the customer's coupons in the requested order and stops after offset + size
 * rows. The other two start from the user's own accounts (`ownAccountIds` bound as one array when the caller looked
 * them up, else read by the statement itself through accounts (customer_id, id), so a search is one round trip),
 * through the partial indexes on redeeming and claiming account; OFFSET 0 keeps them from being turned into a walk
 * of every tenant's coupons in the requested order, so what they read is bounded by the user's own redemptions and
 * claims, in the generic plan of the prepared statement too. Every value, paging included, is a parameter: the
 * statement text depends only on the filters' fields and tests and the ordering (filters are sorted, so the same
 * conditions in any order make one text).
 */
export function couponSearchStatement(q: CouponSearch): CouponSearchStatement {
  const conditions = q.filters
    .map((f) => conditionOf(f, q.customerId))
    .sort((a, b) => (a.sql < b.sql ? -1 : a.sql > b.sql ? 1 : 0));
  const order = orderSql(q.order);
  const where = conditions.map((f) => ` AND ${f.sql}`).join('');
  const fb = conditions.flatMap((f) => f.bindings);
  const mine =
    q.ownAccountIds === null ? `ARRAY(SELECT id FROM ${T.accounts} WHERE customer_id = ?::bigint)` : '?::bigint[]';
  const mineBinding = q.ownAccountIds === null ? q.customerId : [...q.ownAccountIds];
  // `IS NOT NULL` lets the partial indexes serve `= ANY($n)`, whose array PostgreSQL cannot see in a generic plan.
  const viaAccounts = (cond: string): string => `(SELECT * FROM ${T.coupons} c WHERE ${cond} OFFSET 0) c`;
  const branches = [
    { from: `${T.coupons} c`, cond: 'c.owner_customer_id = ?', b: [q.customerId] },
    {
      from: viaAccounts(
        `c.redeemed_account_id = ANY(${mine}) AND c.redeemed_account_id IS NOT NULL AND c.owner_customer_id <> ?`,
      ),
      cond: 'true',
      b: [mineBinding, q.customerId],
    },
    {
      from: viaAccounts(
        `c.claimed_account_id = ANY(${mine}) AND c.claimed_account_id IS NOT NULL AND c.owner_customer_id <> ?
          AND (c.redeemed_account_id IS NULL OR NOT c.redeemed_account_id = ANY(${mine}))`,
      ),
      cond: 'true',
      b: [mineBinding, q.customerId, mineBinding],
    },
  ];
  const outerOrder = order.replace(/\bc\./g, 'u.');
  const union = branches
    .map(
      (br) => `(SELECT ${SELECT} FROM ${br.from} ${JOINS} WHERE ${br.cond}${where} ORDER BY ${order} LIMIT ?::bigint)`,
    )
    .join(' UNION ALL ');
  const sql = `SELECT coalesce(json_agg(${PAGE_ROW} ORDER BY ${outerOrder}), '[]'::json) AS page
    FROM (SELECT * FROM (${union}) u ORDER BY ${outerOrder} LIMIT ?::bigint OFFSET ?::bigint) u`;
  return {
    sql,
    bindings: [
      ...branches.flatMap((br) => [...br.b, ...fb, String(q.offset + q.size)]),
      String(q.size),
      String(q.offset),
    ],
  };
}

/** The page of coupons the statement selects, in its order (read as one JSON value: no per-row driver work). */
export async function searchCouponRows(knex: Knex, statement: CouponSearchStatement): Promise<CouponSearchRow[]> {
  const [row] = await preparedArrays(knex, statement.sql, statement.bindings as Knex.RawBinding[]);
  // node-postgres parses json; PGlite may hand over the text.
  const page = typeof row?.[0] === 'string' ? (JSON.parse(row[0]) as PageRow[]) : ((row?.[0] ?? []) as PageRow[]);
  return page.map(rowOf);
}

/** The fields every viewer sees of the given coupons, each as its row is now (its version tells which). */
export async function couponFieldsOf(knex: Knex, ids: readonly string[]): Promise<CouponFields[]> {
  if (ids.length === 0) return [];
  const rows = await preparedArrays(
    knex,
    `SELECT ${FIELDS_SELECT} FROM ${T.coupons} c CROSS JOIN LATERAL ${byId(T.classes, 'c.class_id')} k
      WHERE c.id = ANY(?::bigint[])`,
    [[...ids]],
  );
  return rows.map(fieldsOf);
}

/**
 * Runs `work` on one REPEATABLE READ snapshot (its statements all see the database as of the first): for the rare
 * search whose coupons changed between its two statements.
 */
export function inSnapshot<T>(knex: Knex, work: (db: Knex) => Promise<T>): Promise<T> {
  return knex.transaction((tx) => work(tx), { isolationLevel: 'repeatable read' });
}
