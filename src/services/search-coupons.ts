// SearchCoupons (SPEC §4): the coupons a user may see, filtered, ordered and paged, in one indexed query.
import type { Knex } from 'knex';
import { AdApiError, ApiError, problem, type OperationProblem } from '../errors.ts';
import { preparedRows } from '../repositories/prepared.ts';
import { T } from '../repositories/tables.ts';
import type { Principal } from './auth.ts';
import { parseDateTime } from '../datetime.ts';
import type { Offer } from '../rules/index.ts';
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
export interface CouponSearchRow {
  id: string;
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
}

export interface SearchCouponsResult {
  readonly rows: readonly CouponSearchRow[];
  /** Whether the user may see the RedemptionInfo of a redeemed row. */
  readonly showRedemption: (row: CouponSearchRow) => boolean;
  readonly returnClaimInfo: boolean;
  /** Offers (as of now) of the redeemed coupons whose RedemptionInfo is shown, by coupon id. */
  readonly offers: ReadonlyMap<string, Offer>;
}

export const MAX_PAGE_SIZE = 100;
const MAX_IN_VALUES = 1000;

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

const likeEscape = (s: string): string => s.replace(/[\\%_]/g, (m) => `\\${m}`);

interface Filter {
  readonly sql: string;
  readonly bindings: readonly unknown[];
}

function parseIds(value: string, many: boolean): string[] | null {
  const parts = many ? value.split(',').map((p) => p.trim()) : [value.trim()];
  if (parts.length === 0 || parts.length > MAX_IN_VALUES) return null;
  for (const p of parts) if (!/^\d{1,19}$/.test(p) || BigInt(p) > 2n ** 63n - 1n) return null;
  return parts;
}

/** Turns the predicates into SQL conditions, collecting every invalid one (3030) before failing. */
function buildFilters(p: Principal, predicates: readonly PredicateInput[]): Filter[] {
  const filters: Filter[] = [];
  const problems: OperationProblem[] = [];
  predicates.forEach((pred, i) => {
    const bad = (why: string): void => void problems.push(problem(3030, `Predicates[${i}]: ${why}`));
    const spec = pred.field ? FIELDS[pred.field.toLowerCase()] : undefined;
    if (!spec) return bad(`unknown field '${(pred.field ?? '').slice(0, 64)}'.`);
    const op = pred.operator as Op | null;
    if (!op || !spec.ops.includes(op)) return bad(`operator '${op ?? ''}' is not allowed for ${pred.field}.`);
    if (pred.value === null) return bad('a value is required.');
    const value = pred.value;
    const field = pred.field!.toLowerCase();
    if (field === 'customerid') {
      const ids = parseIds(value, false);
      if (!ids) return bad('the value is not a customer id.');
      if (BigInt(ids[0]!) !== BigInt(p.customerId)) throw new AdApiError(106); // '007' is customer 7
      return;
    }
    if (field === 'accountid') {
      const ids = parseIds(value, op === 'In');
      if (!ids) return bad('the value is not a list of account ids.');
      const ph = ids.map(() => '?').join(',');
      filters.push({
        sql: `(c.redeemed_account_id IN (${ph}) OR c.claimed_account_id IN (${ph}))`,
        bindings: [...ids, ...ids],
      });
      return;
    }
    if (field === 'isredeemed') {
      const v = value.trim().toLowerCase();
      if (v !== 'true' && v !== 'false') return bad('the value must be true or false.');
      filters.push({ sql: `c.redeemed_account_id IS ${v === 'true' ? 'NOT ' : ''}NULL`, bindings: [] });
      return;
    }
    if (spec.kind === 'date') {
      const d = parseDateTime(value);
      if (!d) return bad('the value is not a dateTime.');
      filters.push({ sql: `${spec.column} ${op === 'GreaterThanEquals' ? '>=' : '<='} ?`, bindings: [d] });
      return;
    }
    if (spec.kind === 'type') {
      if (value !== 'Acquisition' && value !== 'Retention') return bad('CouponType is Acquisition or Retention.');
      filters.push({ sql: `${spec.column} = ?`, bindings: [value] });
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
        filters.push({ sql: `${col} = ?`, bindings: [norm(value)] });
        return;
      case 'NotEquals':
        filters.push({ sql: `${col} <> ?`, bindings: [norm(value)] });
        return;
      case 'In': {
        const items = value.split(',').map((s) => norm(spec.kind === 'code' ? s : s.trim()));
        if (items.length > MAX_IN_VALUES) return bad(`In takes at most ${MAX_IN_VALUES} values.`);
        filters.push({ sql: `${col} IN (${items.map(() => '?').join(',')})`, bindings: items });
        return;
      }
      case 'StartsWith':
        filters.push({ sql: `${col} LIKE ? ESCAPE '\\'`, bindings: [`${likeEscape(norm(value))}%`] });
        return;
      case 'Contains':
        filters.push({ sql: `${col} LIKE ? ESCAPE '\\'`, bindings: [`%${likeEscape(norm(value))}%`] });
        return;
      case 'NotContains':
        filters.push({ sql: `${col} NOT LIKE ? ESCAPE '\\'`, bindings: [`%${likeEscape(norm(value))}%`] });
        return;
      default:
        return bad(`operator '${op}' is not allowed for ${pred.field}.`);
    }
  });
  if (problems.length > 0) throw new ApiError(problems);
  return filters;
}

function buildOrder(ordering: readonly OrderByInput[]): string {
  const problems: OperationProblem[] = [];
  const parts: string[] = [];
  ordering.forEach((o, i) => {
    const col = o.field ? ORDER_COLUMNS[o.field] : undefined;
    if (!col) return void problems.push(problem(3031, `Ordering[${i}]: '${o.field ?? ''}' cannot be ordered by.`));
    if (o.order !== null && o.order !== 'Ascending' && o.order !== 'Descending')
      return void problems.push(problem(3031, `Ordering[${i}]: order must be Ascending or Descending.`));
    if (col !== 'c.id' || !parts.some((p) => p.startsWith('c.id ')))
      parts.push(`${col} ${o.order === 'Descending' ? 'DESC' : 'ASC'}`);
  });
  if (problems.length > 0) throw new ApiError(problems);
  // Ties are broken by mint order so that pages are stable, in the direction of the first key, so that one index
  // (owner_customer_id, key, id) read forwards or backwards yields the rows already in order: with `key DESC, id
  // ASC` PostgreSQL must sort every coupon sharing the first key before it can return the first row.
  if (!parts.some((p) => p.startsWith('c.id '))) parts.push(`c.id ${parts[0]?.endsWith(' DESC') ? 'DESC' : 'ASC'}`);
  return parts.join(', ');
}

function paging(page: SearchCouponsInput['page']): { offset: number; size: number } {
  if (!page) return { offset: 0, size: MAX_PAGE_SIZE };
  const index = page.index ?? 0;
  const size = page.size ?? 0;
  if (index < 0 || size < 1 || size > MAX_PAGE_SIZE)
    throw new ApiError(problem(3031, `PageInfo: Index must be >= 0 and Size in 1..${MAX_PAGE_SIZE}.`));
  return { offset: index * size, size };
}

const SELECT = `c.id, c.code, c.class_name, k.coupon_type, k.amount_minor, k.spend_threshold_minor, k.currency,
  k.percent_off, k.active_days, k.expiration_date, k.start_date, k.end_date, c.send_to_email, c.send_to_date,
  c.owner_customer_id, c.redeemed_account_id, c.redemption_date, ra.number AS r_number, ra.customer_id AS r_customer_id,
  ra.bill_to_customer_id AS r_bill_to, ra.currency AS r_currency, c.claimed_account_id, c.claim_date, ca.number AS c_number`;
const FROM = `${T.coupons} c JOIN ${T.classes} k ON k.id = c.class_id
  LEFT JOIN ${T.accounts} ra ON ra.id = c.redeemed_account_id
  LEFT JOIN ${T.accounts} ca ON ca.id = c.claimed_account_id`;

/**
 * A user sees the coupons its customer owns and the coupons redeemed to or claimed by its customer's accounts.
 * Each of the three sources is its own branch so that each can walk an index in the requested order and stop
 * after offset + size rows; the branches are disjoint, so UNION ALL needs no de-duplication.
 */
export function searchCouponsQuery(p: Principal, input: SearchCouponsInput): { sql: string; bindings: unknown[] } {
  const filters = buildFilters(p, input.predicates);
  const order = buildOrder(input.ordering);
  const { offset, size } = paging(input.page);
  const where = filters.map((f) => ` AND ${f.sql}`).join('');
  const fb = filters.flatMap((f) => f.bindings);
  const mine = `SELECT id FROM ${T.accounts} WHERE customer_id = ?`;
  const branches = [
    { cond: 'c.owner_customer_id = ?', b: [p.customerId] },
    { cond: `c.owner_customer_id <> ? AND c.redeemed_account_id IN (${mine})`, b: [p.customerId, p.customerId] },
    {
      cond: `c.owner_customer_id <> ? AND c.claimed_account_id IN (${mine})
        AND (c.redeemed_account_id IS NULL OR c.redeemed_account_id NOT IN (${mine}))`,
      b: [p.customerId, p.customerId, p.customerId],
    },
  ];
  const limit = offset + size;
  const outerOrder = order.replace(/\bc\./g, 'u.');
  const sql = `SELECT * FROM (${branches
    .map((br) => `(SELECT ${SELECT} FROM ${FROM} WHERE ${br.cond}${where} ORDER BY ${order} LIMIT ${limit})`)
    .join(' UNION ALL ')}) u ORDER BY ${outerOrder} LIMIT ${size} OFFSET ${offset}`;
  return { sql, bindings: branches.flatMap((br) => [...br.b, ...fb]) };
}

export async function searchCoupons(
  knex: Knex,
  p: Principal,
  input: SearchCouponsInput,
  now: Date,
): Promise<SearchCouponsResult> {
  const q = searchCouponsQuery(p, input);
  const rows = await preparedRows<CouponSearchRow>(knex, q.sql, q.bindings as Knex.RawBinding[]);
  // RedemptionInfo is shown when the redeeming account bills to the coupon's owner, or the user may access it.
  const showRedemption = (r: CouponSearchRow): boolean =>
    r.redeemed_account_id !== null && (r.r_bill_to === r.owner_customer_id || r.r_customer_id === p.customerId);
  const shown = rows.filter(showRedemption).map((r) => r.redeemed_account_id!);
  return { rows, returnClaimInfo: input.returnClaimInfo, showRedemption, offers: await offersAsOf(knex, shown, now) };
}
