// SearchCoupons (SPEC §4): the coupons a user may see, filtered, ordered and paged, in one indexed query.
import type { Knex } from 'knex';
import { AdApiError, ApiError, problem, type OperationProblem } from '../errors.ts';
import { accountIdsOfCustomer } from '../repositories/coupon-search.ts';
import { preparedRows } from '../repositories/prepared.ts';
import { T } from '../repositories/tables.ts';
import type { Principal } from './auth.ts';
import { parseDateTime } from '../datetime.ts';
import { claimVisible, DAY_MS, redemptionVisible, type Offer } from '../rules/index.ts';
import { offersAsOf } from './account-events.ts';

export interface PredicateInput {
  readonly field: string | null;
  readonly operator: string | null;
  readonly value: string | null;
}
export interface OrderByInput {
  readonly field: string | null;
  readonly order: string | null;
}
export interface SearchCouponsInput {
  readonly predicates: readonly PredicateInput[];
  readonly ordering: readonly OrderByInput[];
  readonly page: { readonly index: number | null; readonly size: number | null } | null;
  readonly returnClaimInfo: boolean;
}

/** One row of the search: the coupon, its class, and the accounts that redeemed or claimed it. */
interface CouponSearchRow {
  id: string;
  xml_version: number;
  code: string;
  class_name: string;
  coupon_type: string;
  amount_minor: string;
  spend_threshold_minor: string;
  currency: string;
  percent_off: string | null;
  active_days: number | null;
  expiration_date: Date | null;
  start_date: Date | null;
  end_date: Date | null;
  send_to_email: string | null;
  send_to_date: Date | null;
  owner_customer_id: string;
  redeemed_account_id: string | null;
  redemption_date: Date | null;
  r_number: string | null;
  r_customer_id: string | null;
  r_bill_to: string | null;
  r_currency: string | null;
  claimed_account_id: string | null;
  claim_date: Date | null;
  c_number: string | null;
  c_customer_id: string | null;
  c_bill_to: string | null;
}

/** The redeeming account and its offer, present only when the user may see them. */
export interface FoundRedemption {
  readonly accountId: string;
  readonly accountNumber: string;
  readonly currency: string;
  readonly redemptionDate: Date;
  readonly offer: Offer;
}
/** The claiming account, present only when asked for and the user may see it. */
export interface FoundClaim {
  readonly accountId: string;
  readonly accountNumber: string;
  readonly claimDate: Date;
}
/** A coupon as the user may see it: whatever the user may not see is already removed. */
export interface FoundCoupon {
  /** The coupon's id and version (bumped by every update of the row): together they name what it shows. */
  readonly id: string;
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
  readonly isRedeemed: boolean;
  readonly redemption: FoundRedemption | null;
  readonly claim: FoundClaim | null;
}

export const MAX_PAGE_SIZE = 100;
/** Items of all In lists together (other predicates carry one value each and at most 4 are allowed); more is 3030. */
export const MAX_PREDICATE_VALUES = 1000;
/** "You may specify up to 4 predicates" (searchcoupons.md); more is 3030. */
export const MAX_PREDICATES = 4;

type Op =
  'Equals' | 'NotEquals' | 'Contains' | 'In' | 'GreaterThanEquals' | 'LessThanEquals' | 'StartsWith' | 'NotContains';
type Kind = 'id' | 'code' | 'name' | 'text' | 'type' | 'bool' | 'date';
interface FieldSpec {
  readonly column: string;
  readonly kind: Kind;
  readonly ops: readonly Op[];
}
const DATE_OPS: readonly Op[] = ['GreaterThanEquals', 'LessThanEquals'];
const CLASS_NAME: FieldSpec = {
  column: 'c.class_name',
  kind: 'name',
  ops: ['Equals', 'NotEquals', 'In', 'Contains', 'NotContains', 'StartsWith'],
};
/** Predicate fields by lower-cased name. */
const FIELDS: Record<string, FieldSpec> = {
  customerid: { column: '', kind: 'id', ops: ['Equals'] },
  accountid: { column: '', kind: 'id', ops: ['Equals', 'In'] },
  couponcode: { column: 'c.code', kind: 'code', ops: ['Equals', 'In', 'StartsWith'] },
  classname: CLASS_NAME,
  couponclassname: CLASS_NAME,
  coupontype: { column: 'k.coupon_type', kind: 'type', ops: ['Equals'] },
  isredeemed: { column: '', kind: 'bool', ops: ['Equals'] },
  sendtoemail: { column: 'c.send_to_email', kind: 'text', ops: ['Equals', 'Contains'] },
  startdate: { column: 'k.start_date', kind: 'date', ops: DATE_OPS },
  enddate: { column: 'k.end_date', kind: 'date', ops: DATE_OPS },
  expirationdate: { column: 'k.expiration_date', kind: 'date', ops: DATE_OPS },
  redemptiondate: { column: 'c.redemption_date', kind: 'date', ops: DATE_OPS },
};
const ORDER_COLUMNS: Record<string, string> = {
  CouponClassName: 'c.class_name',
  CouponStartDate: 'c.start_date',
  Id: 'c.id',
};

/**
 * Whether the user sees the RedemptionInfo of the row, in SQL: the same rule as redemptionVisible() in
 * src/rules/visibility.ts (the user's own account, or the user's customer owns the coupon and the account bills to
 * it). Bound to the user's customer id twice. A RedemptionDate predicate matches only where this holds, so it cannot
 * be used to learn the dates of redemptions the answer hides.
 */
const REDEMPTION_VISIBLE_SQL =
  '(ra.customer_id = ? OR (c.owner_customer_id = ? AND ra.bill_to_customer_id = c.owner_customer_id))';

const likeEscape = (s: string): string => s.replace(/[\\%_]/g, (m) => `\\${m}`);

/** One SQL condition; its text never contains a value, so the number of distinct texts stays bounded. */
interface Filter {
  readonly sql: string;
  readonly bindings: readonly unknown[];
}

/** The predicates, checked: the SQL conditions, and what must be checked against the database. */
interface ParsedPredicates {
  readonly filters: Filter[];
  readonly customerIds: readonly string[];
  readonly accountIds: readonly string[];
}

const MAX_LONG = 2n ** 63n - 1n;
/** Ids of an Equals (one) or In (comma-separated) predicate value; null when one is not an xs:long id. */
export function parseIds(value: string, many: boolean): string[] | null {
  const parts = many ? value.split(',').map((p) => p.trim()) : [value.trim()];
  for (const p of parts) if (!/^\d{1,19}$/.test(p) || BigInt(p) > MAX_LONG) return null;
  return parts.map((p) => BigInt(p).toString()); // '007' is 7
}

/** How many list values a predicate carries: each item of an In list, else none. */
const valueCount = (op: string | null, value: string | null): number =>
  op === 'In' && value !== null ? value.split(',').length : 0;

/** The first instant of the UTC day of `d`, and of the day after it. */
function utcDay(d: Date): { start: Date; next: Date } {
  const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  return { start: new Date(start), next: new Date(start + DAY_MS) };
}

/** Turns the predicates into SQL conditions, collecting every invalid one (3030) before failing. */
function parsePredicates(p: Principal, predicates: readonly PredicateInput[]): ParsedPredicates {
  const filters: Filter[] = [];
  const customerIds: string[] = [];
  const accountIds: string[] = [];
  const problems: OperationProblem[] = [];
  if (predicates.length > MAX_PREDICATES)
    problems.push(problem(3030, `Predicates: at most ${MAX_PREDICATES} predicates, got ${predicates.length}.`));
  const values = predicates.reduce((n, pred) => n + valueCount(pred.operator, pred.value), 0);
  if (values > MAX_PREDICATE_VALUES)
    problems.push(
      problem(3030, `Predicates: In lists take at most ${MAX_PREDICATE_VALUES} values in all, got ${values}.`),
    );
  // Past the limits every predicate is still checked, but no condition is built from a list of thousands.
  const build = problems.length === 0;
  predicates.forEach((pred, i) => {
    const bad = (why: string): void => void problems.push(problem(3030, `Predicates[${i}]: ${why}`));
    const spec = pred.field ? FIELDS[pred.field.toLowerCase()] : undefined;
    if (!spec) return bad(`unknown field '${(pred.field ?? '').slice(0, 64)}'.`);
    const op = pred.operator as Op | null;
    if (!op || !spec.ops.includes(op)) return bad(`operator '${op ?? ''}' is not allowed for ${pred.field}.`);
    if (pred.value === null) return bad('a value is required.');
    const value = pred.value;
    const field = pred.field!.toLowerCase();
    const add = (sql: string, ...bindings: unknown[]): void => void (build && filters.push({ sql, bindings }));
    if (field === 'customerid') {
      const ids = parseIds(value, false);
      if (!ids) return bad('the value is not a customer id.');
      customerIds.push(ids[0]!);
      return;
    }
    if (field === 'accountid') {
      const ids = parseIds(value, op === 'In');
      if (!ids) return bad('the value is not a list of account ids.');
      accountIds.push(...ids);
      // The accounts are checked to be the user's own, so their redemptions and claims are visible to the user.
      add('(c.redeemed_account_id = ANY(?::bigint[]) OR c.claimed_account_id = ANY(?::bigint[]))', ids, ids);
      return;
    }
    if (field === 'isredeemed') {
      const v = value.trim().toLowerCase();
      if (v !== 'true' && v !== 'false') return bad('the value must be true or false.');
      add(`c.redeemed_account_id IS ${v === 'true' ? 'NOT ' : ''}NULL`);
      return;
    }
    if (spec.kind === 'date') {
      const d = parseDateTime(value);
      if (!d) return bad('the value is not a dateTime.');
      // Only the UTC date counts (predicate.md): the column is compared with the start of that day or of the next,
      // never wrapped in a function, so it stays an index condition.
      const day = utcDay(d);
      const visible = field === 'redemptiondate' ? ` AND ${REDEMPTION_VISIBLE_SQL}` : '';
      const viewer = field === 'redemptiondate' ? [p.customerId, p.customerId] : [];
      if (op === 'GreaterThanEquals') add(`${spec.column} >= ?${visible}`, day.start, ...viewer);
      else add(`${spec.column} < ?${visible}`, day.next, ...viewer);
      return;
    }
    if (spec.kind === 'type') {
      if (value !== 'Acquisition' && value !== 'Retention') return bad('CouponType is Acquisition or Retention.');
      add(`${spec.column} = ?`, value);
      return;
    }
    // Text fields: codes compare trimmed and upper-case (they are stored so). Class names are exact identifiers
    // (unique per customer, case-sensitively), so Equals/NotEquals/In compare them exactly, which keeps them index
    // conditions on (owner_customer_id, class_name, id); the substring operators and emails ignore case.
    const exact =
      spec.kind === 'code' || (spec.kind === 'name' && (op === 'Equals' || op === 'NotEquals' || op === 'In'));
    const norm = (s: string): string => (spec.kind === 'code' ? s.trim().toUpperCase() : exact ? s : s.toLowerCase());
    const col = exact ? spec.column : `lower(${spec.column})`;
    switch (op) {
      case 'Equals':
        return add(`${col} = ?`, norm(value));
      case 'NotEquals':
        return add(`${col} <> ?`, norm(value));
      case 'In':
        return add(
          `${col} = ANY(?::text[])`,
          value.split(',').map((s) => norm(spec.kind === 'code' ? s : s.trim())),
        );
      case 'StartsWith':
        return add(`${col} LIKE ? ESCAPE '\\'`, `${likeEscape(norm(value))}%`);
      case 'Contains':
        return add(`${col} LIKE ? ESCAPE '\\'`, `%${likeEscape(norm(value))}%`);
      case 'NotContains':
        return add(`${col} NOT LIKE ? ESCAPE '\\'`, `%${likeEscape(norm(value))}%`);
      default:
        return bad(`operator '${op}' is not allowed for ${pred.field}.`);
    }
  });
  if (problems.length > 0) throw new ApiError(problems);
  // The same conditions in any order make one statement text.
  filters.sort((a, b) => (a.sql < b.sql ? -1 : a.sql > b.sql ? 1 : 0));
  return { filters, customerIds, accountIds };
}

/** Only the first OrderBy is applied; further ones are ignored, as searchcoupons.md says. */
function buildOrder(ordering: readonly OrderByInput[]): string {
  const first = ordering[0];
  if (!first) return 'c.id ASC';
  const col = first.field ? ORDER_COLUMNS[first.field] : undefined;
  if (!col) throw new ApiError(problem(3031, `Ordering[0]: '${first.field ?? ''}' cannot be ordered by.`));
  if (first.order !== null && first.order !== 'Ascending' && first.order !== 'Descending')
    throw new ApiError(problem(3031, `Ordering[0]: order must be Ascending or Descending.`));
  const dir = first.order === 'Descending' ? 'DESC' : 'ASC';
  // Ties are broken by mint order so that pages are stable, in the direction of the key, so that one index
  // (owner_customer_id, key, id) read forwards or backwards yields the rows already in order: with `key DESC, id
  // ASC` PostgreSQL must sort every coupon sharing the first key before it can return the first row.
  return col === 'c.id' ? `c.id ${dir}` : `${col} ${dir}, c.id ${dir}`;
}

/** PageInfo as every search takes it (paging.md): Index >= 0, Size 1..100, else 3031; none: the first 100. */
export function paging(page: SearchCouponsInput['page']): { offset: number; size: number } {
  if (!page) return { offset: 0, size: MAX_PAGE_SIZE };
  const index = page.index ?? 0;
  const size = page.size ?? 0;
  if (index < 0 || size < 1 || size > MAX_PAGE_SIZE)
    throw new ApiError(problem(3031, `PageInfo: Index must be >= 0 and Size in 1..${MAX_PAGE_SIZE}.`));
  return { offset: index * size, size };
}

const SELECT = `c.id, c.xml_version, c.code, c.class_name, k.coupon_type, k.amount_minor, k.spend_threshold_minor, k.currency,
  k.percent_off, k.active_days, k.expiration_date, k.start_date, k.end_date, c.send_to_email, c.send_to_date,
  c.owner_customer_id, c.redeemed_account_id, c.redemption_date, ra.number AS r_number, ra.customer_id AS r_customer_id,
  ra.bill_to_customer_id AS r_bill_to, ra.currency AS r_currency, c.claimed_account_id, c.claim_date, ca.number AS c_number,
  ca.customer_id AS c_customer_id, ca.bill_to_customer_id AS c_bill_to`;
/**
 * Joined to the coupons `c` of each branch: the class, and the redeeming and claiming accounts, each looked up by
 * primary key per coupon read (OFFSET 0 keeps PostgreSQL from turning a lookup into a hash join over every
 * tenant's classes or accounts).
 */
const byId = (table: string, id: string): string => `(SELECT * FROM ${table} WHERE id = ${id} OFFSET 0)`;
const JOINS = `CROSS JOIN LATERAL ${byId(T.classes, 'c.class_id')} k
  LEFT JOIN LATERAL ${byId(T.accounts, 'c.redeemed_account_id')} ra ON true
  LEFT JOIN LATERAL ${byId(T.accounts, 'c.claimed_account_id')} ca ON true`;

/** The checked request: the SQL and its bindings, and the ids to check against the database before running it. */
export interface SearchCouponsQuery {
  readonly sql: string;
  readonly bindings: unknown[];
  readonly customerIds: readonly string[];
  readonly accountIds: readonly string[];
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
 * statement text depends only on the predicate fields and operators and the ordering.
 */
export function searchCouponsQuery(
  p: Principal,
  input: SearchCouponsInput,
  ownAccountIds: readonly string[] | null,
): SearchCouponsQuery {
  const { filters, customerIds, accountIds } = parsePredicates(p, input.predicates);
  const order = buildOrder(input.ordering);
  const { offset, size } = paging(input.page);
  const where = filters.map((f) => ` AND ${f.sql}`).join('');
  const fb = filters.flatMap((f) => f.bindings);
  const mine =
    ownAccountIds === null ? `ARRAY(SELECT id FROM ${T.accounts} WHERE customer_id = ?::bigint)` : '?::bigint[]';
  const mineBinding = ownAccountIds === null ? p.customerId : [...ownAccountIds];
  // `IS NOT NULL` lets the partial indexes serve `= ANY($n)`, whose array PostgreSQL cannot see in a generic plan.
  const viaAccounts = (cond: string): string => `(SELECT * FROM ${T.coupons} c WHERE ${cond} OFFSET 0) c`;
  const branches = [
    { from: `${T.coupons} c`, cond: 'c.owner_customer_id = ?', b: [p.customerId] },
    {
      from: viaAccounts(
        `c.redeemed_account_id = ANY(${mine}) AND c.redeemed_account_id IS NOT NULL AND c.owner_customer_id <> ?`,
      ),
      cond: 'true',
      b: [mineBinding, p.customerId],
    },
    {
      from: viaAccounts(
        `c.claimed_account_id = ANY(${mine}) AND c.claimed_account_id IS NOT NULL AND c.owner_customer_id <> ?
          AND (c.redeemed_account_id IS NULL OR NOT c.redeemed_account_id = ANY(${mine}))`,
      ),
      cond: 'true',
      b: [mineBinding, p.customerId, mineBinding],
    },
  ];
  const outerOrder = order.replace(/\bc\./g, 'u.');
  const sql = `SELECT * FROM (${branches
    .map(
      (br) => `(SELECT ${SELECT} FROM ${br.from} ${JOINS} WHERE ${br.cond}${where} ORDER BY ${order} LIMIT ?::bigint)`,
    )
    .join(' UNION ALL ')}) u ORDER BY ${outerOrder} LIMIT ?::bigint OFFSET ?::bigint`;
  const limit = String(offset + size);
  return {
    sql,
    bindings: [...branches.flatMap((br) => [...br.b, ...fb, limit]), String(size), String(offset)],
    customerIds,
    accountIds,
  };
}

/**
 * The request's customer, against the user's access: CustomerId Equals is required (474) and must be the user's
 * own customer (106). Every AccountId must then be one of the customer's accounts (106 in searchCoupons, whether
 * the account belongs to someone else or does not exist, so the answer tells nothing about other customers' ids).
 */
function checkCustomer(p: Principal, q: SearchCouponsQuery): void {
  if (q.customerIds.length === 0)
    throw new ApiError(problem(474, 'Predicates: a CustomerId Equals predicate is required.'));
  if (q.customerIds.some((id) => id !== BigInt(p.customerId).toString())) throw new AdApiError(106);
}

export async function searchCoupons(
  knex: Knex,
  p: Principal,
  input: SearchCouponsInput,
  now: Date,
): Promise<readonly FoundCoupon[]> {
  // Checked before any query, so bad input costs no database work.
  let q = searchCouponsQuery(p, input, null);
  checkCustomer(p, q);
  if (q.accountIds.length > 0) {
    // AccountId predicates must name the customer's own accounts (106): looked up first, then bound as an array.
    const own = await accountIdsOfCustomer(knex, p.customerId);
    const isOwn = new Set(own);
    if (q.accountIds.some((id) => !isOwn.has(id))) throw new AdApiError(106);
    q = searchCouponsQuery(p, input, own);
  }
  const rows = await preparedRows<CouponSearchRow>(knex, q.sql, q.bindings as Knex.RawBinding[]);
  const showRedemption = (r: CouponSearchRow): boolean =>
    r.redeemed_account_id !== null &&
    redemptionVisible(p.customerId, r.owner_customer_id, {
      customerId: r.r_customer_id!,
      billToCustomerId: r.r_bill_to!,
    });
  const showClaim = (r: CouponSearchRow): boolean =>
    input.returnClaimInfo &&
    r.claimed_account_id !== null &&
    claimVisible(p.customerId, r.owner_customer_id, { customerId: r.c_customer_id!, billToCustomerId: r.c_bill_to! });
  const offers = await offersAsOf(
    knex,
    rows.filter(showRedemption).map((r) => r.redeemed_account_id!),
    now,
  );
  return rows.map((r): FoundCoupon => {
    const offer = showRedemption(r) ? offers.get(r.id) : undefined;
    return {
      id: r.id,
      version: r.xml_version,
      code: r.code,
      className: r.class_name,
      couponType: r.coupon_type,
      amountMinor: r.amount_minor,
      spendThresholdMinor: r.spend_threshold_minor,
      currency: r.currency,
      percentOff: r.percent_off,
      activeDays: r.active_days,
      expirationDate: r.expiration_date,
      startDate: r.start_date,
      endDate: r.end_date,
      sendToEmail: r.send_to_email,
      sendToDate: r.send_to_date,
      isRedeemed: r.redeemed_account_id !== null,
      redemption: offer
        ? {
            accountId: r.redeemed_account_id!,
            accountNumber: r.r_number!,
            currency: r.r_currency!,
            redemptionDate: r.redemption_date!,
            offer,
          }
        : null,
      claim: showClaim(r)
        ? { accountId: r.claimed_account_id!, accountNumber: r.c_number!, claimDate: r.claim_date! }
        : null,
    };
  });
}
