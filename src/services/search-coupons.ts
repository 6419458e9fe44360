// SearchCoupons (SPEC §4): the coupons a user may see, filtered, ordered and paged, in one indexed query.
import type { Knex } from 'knex';
import { AdApiError, ApiError, problem, type OperationProblem } from '../errors.ts';
import {
  accountIdsOfCustomer,
  couponFieldsOf,
  couponSearchStatement,
  inSnapshot,
  searchCouponRows,
  type CouponDateField,
  type CouponFilter,
  type CouponOrder,
  type CouponFields,
  type CouponSearchRow,
  type CouponTextField,
  type TextTest,
} from '../repositories/coupon-search.ts';
import type { Principal } from './auth.ts';

export type { CouponFields };
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
/**
 * A coupon as the user may see it: whatever the user may not see is already removed. Its fixed part (what every
 * viewer sees alike) is either the caller's own memo of that coupon version (`known`, from the `knownAs` lookup the
 * caller passed) or, when the caller holds none, the fields themselves (`fields`).
 */
export interface FoundCoupon<K> {
  readonly id: string;
  readonly version: number;
  readonly currency: string;
  readonly isRedeemed: boolean;
  readonly redemption: FoundRedemption | null;
  readonly claim: FoundClaim | null;
  readonly known: K | undefined;
  /** Present exactly when `known` is undefined. */
  readonly fields: CouponFields | undefined;
}

/** The caller's memo of a coupon's fixed part at a version (e.g. its encoded XML), if it holds one. */
export type KnownAs<K> = (id: string, version: number) => K | undefined;

export const MAX_PAGE_SIZE = 100;
/** Items of all In lists together (other predicates carry one value each and at most 4 are allowed); more is 3030. */
export const MAX_PREDICATE_VALUES = 1000;
/** "You may specify up to 4 predicates" (searchcoupons.md); more is 3030. */
export const MAX_PREDICATES = 4;

type Op =
  'Equals' | 'NotEquals' | 'Contains' | 'In' | 'GreaterThanEquals' | 'LessThanEquals' | 'StartsWith' | 'NotContains';
type Kind = 'id' | 'code' | 'name' | 'text' | 'type' | 'bool' | 'date';
interface FieldSpec {
  readonly on: CouponTextField | CouponDateField | null;
  readonly kind: Kind;
  readonly ops: readonly Op[];
}
const DATE_OPS: readonly Op[] = ['GreaterThanEquals', 'LessThanEquals'];
const CLASS_NAME: FieldSpec = {
  on: 'className',
  kind: 'name',
  ops: ['Equals', 'NotEquals', 'In', 'Contains', 'NotContains', 'StartsWith'],
};
/** Predicate fields by lower-cased name. */
const FIELDS: Record<string, FieldSpec> = {
  customerid: { on: null, kind: 'id', ops: ['Equals'] },
  accountid: { on: null, kind: 'id', ops: ['Equals', 'In'] },
  couponcode: { on: 'code', kind: 'code', ops: ['Equals', 'In', 'StartsWith'] },
  classname: CLASS_NAME,
  couponclassname: CLASS_NAME,
  coupontype: { on: 'couponType', kind: 'type', ops: ['Equals'] },
  isredeemed: { on: null, kind: 'bool', ops: ['Equals'] },
  sendtoemail: { on: 'sendToEmail', kind: 'text', ops: ['Equals', 'Contains'] },
  startdate: { on: 'startDate', kind: 'date', ops: DATE_OPS },
  enddate: { on: 'endDate', kind: 'date', ops: DATE_OPS },
  expirationdate: { on: 'expirationDate', kind: 'date', ops: DATE_OPS },
  redemptiondate: { on: 'redemptionDate', kind: 'date', ops: DATE_OPS },
};
const ORDER_KEYS: Record<string, CouponOrder['key']> = {
  CouponClassName: 'className',
  CouponStartDate: 'startDate',
  Id: 'id',
};
const TEXT_TESTS: Partial<Record<Op, TextTest>> = {
  Equals: 'equals',
  NotEquals: 'notEquals',
  In: 'in',
  StartsWith: 'startsWith',
  Contains: 'contains',
  NotContains: 'notContains',
};

/** The predicates, checked: the filters, and what must be checked against the database. */
interface ParsedPredicates {
  readonly filters: CouponFilter[];
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

/** Turns the predicates into filters, collecting every invalid one (3030) before failing. */
function parsePredicates(predicates: readonly PredicateInput[]): ParsedPredicates {
  const filters: CouponFilter[] = [];
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
  // Past the limits every predicate is still checked, but no filter is built from a list of thousands.
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
    const add = (f: CouponFilter): void => void (build && filters.push(f));
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
      add({ on: 'accounts', accountIds: ids });
      return;
    }
    if (field === 'isredeemed') {
      const v = value.trim().toLowerCase();
      if (v !== 'true' && v !== 'false') return bad('the value must be true or false.');
      add({ on: 'isRedeemed', value: v === 'true' });
      return;
    }
    if (spec.kind === 'date') {
      const d = parseDateTime(value);
      if (!d) return bad('the value is not a dateTime.');
      // Only the UTC date counts (predicate.md): from the start of that day, or before the start of the next.
      const day = utcDay(d);
      const on = spec.on as CouponDateField;
      if (op === 'GreaterThanEquals') add({ on, test: 'from', at: day.start });
      else add({ on, test: 'before', at: day.next });
      return;
    }
    if (spec.kind === 'type') {
      if (value !== 'Acquisition' && value !== 'Retention') return bad('CouponType is Acquisition or Retention.');
      add({ on: 'couponType', test: 'equals', ignoreCase: false, value });
      return;
    }
    // Text fields: codes compare trimmed and upper-case (they are stored so). Class names are exact identifiers
    // (unique per customer, case-sensitively), so Equals/NotEquals/In compare them exactly, which keeps them index
    // conditions on (owner_customer_id, class_name, id); the substring operators and emails ignore case.
    const exact =
      spec.kind === 'code' || (spec.kind === 'name' && (op === 'Equals' || op === 'NotEquals' || op === 'In'));
    const norm = (s: string): string => (spec.kind === 'code' ? s.trim().toUpperCase() : exact ? s : s.toLowerCase());
    const test = TEXT_TESTS[op];
    if (!test) return bad(`operator '${op}' is not allowed for ${pred.field}.`);
    const on = spec.on as CouponTextField;
    add({
      on,
      test,
      ignoreCase: !exact,
      value: test === 'in' ? value.split(',').map((s) => norm(spec.kind === 'code' ? s : s.trim())) : norm(value),
    });
  });
  if (problems.length > 0) throw new ApiError(problems);
  return { filters, customerIds, accountIds };
}

/** Only the first OrderBy is applied; further ones are ignored, as searchcoupons.md says. */
function orderOf(ordering: readonly OrderByInput[]): CouponOrder {
  const first = ordering[0];
  if (!first) return { key: 'id', descending: false };
  const key = first.field ? ORDER_KEYS[first.field] : undefined;
  if (!key) throw new ApiError(problem(3031, `Ordering[0]: '${first.field ?? ''}' cannot be ordered by.`));
  if (first.order !== null && first.order !== 'Ascending' && first.order !== 'Descending')
    throw new ApiError(problem(3031, `Ordering[0]: order must be Ascending or Descending.`));
  return { key, descending: first.order === 'Descending' };
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

/** The checked request: the statement and its bindings, and the ids to check against the database before running it. */
export interface SearchCouponsQuery {
  readonly sql: string;
  readonly bindings: unknown[];
  readonly customerIds: readonly string[];
  readonly accountIds: readonly string[];
}

/**
 * The request checked (3030, 3031) and turned into its statement (src/repositories/coupon-search.ts). `ownAccountIds`:
 * the caller's accounts when already looked up, else null (the statement reads them itself: one round trip).
 */
export function searchCouponsQuery(
  p: Principal,
  input: SearchCouponsInput,
  ownAccountIds: readonly string[] | null,
): SearchCouponsQuery {
  const { filters, customerIds, accountIds } = parsePredicates(input.predicates);
  const order = orderOf(input.ordering);
  const { offset, size } = paging(input.page);
  const statement = couponSearchStatement({ customerId: p.customerId, filters, order, offset, size, ownAccountIds });
  return { ...statement, customerIds, accountIds };
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

export async function searchCoupons<K>(
  knex: Knex,
  p: Principal,
  input: SearchCouponsInput,
  now: Date,
  knownAs: KnownAs<K>,
): Promise<readonly FoundCoupon<K>[]> {
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
  // The page, then the fields of the coupons whose version the caller does not hold. A coupon that changed between
  // the two statements (its fields come back at another version) makes the page be read again on one snapshot.
  const page = await pageWithFields(knex, q, knownAs);
  const { rows, known, fields } =
    page ?? (await inSnapshot(knex, async (db) => (await pageWithFields(db, q, knownAs))!));
  const showRedemption = (r: CouponSearchRow): boolean =>
    r.redemption !== null && redemptionVisible(p.customerId, r.ownerCustomerId, r.redemption);
  const showClaim = (r: CouponSearchRow): boolean =>
    input.returnClaimInfo && r.claim !== null && claimVisible(p.customerId, r.ownerCustomerId, r.claim);
  const offers = await offersAsOf(
    knex,
    rows.filter(showRedemption).map((r) => r.redemption!.accountId),
    now,
  );
  return rows.map((r, i): FoundCoupon<K> => {
    const offer = showRedemption(r) ? offers.get(r.id) : undefined;
    return {
      id: r.id,
      version: r.version,
      currency: r.currency,
      isRedeemed: r.redemption !== null,
      redemption:
        offer && r.redemption
          ? {
              accountId: r.redemption.accountId,
              accountNumber: r.redemption.number,
              currency: r.redemption.currency,
              redemptionDate: r.redemption.date,
              offer,
            }
          : null,
      claim: showClaim(r)
        ? { accountId: r.claim!.accountId, accountNumber: r.claim!.number, claimDate: r.claim!.date }
        : null,
      known: known[i],
      fields: known[i] === undefined ? fields.get(r.id) : undefined,
    };
  });
}

interface PageWithFields<K> {
  readonly rows: readonly CouponSearchRow[];
  /** Per row, the caller's memo of its version, if any. */
  readonly known: readonly (K | undefined)[];
  /** The fields of every row without a memo, at the row's version. */
  readonly fields: ReadonlyMap<string, CouponFields>;
}

/** The page and the fields it lacks; undefined when a coupon's fields came back at another version than its row. */
async function pageWithFields<K>(
  db: Knex,
  q: SearchCouponsQuery,
  knownAs: KnownAs<K>,
): Promise<PageWithFields<K> | undefined> {
  const rows = await searchCouponRows(db, q);
  const known = rows.map((r) => knownAs(r.id, r.version));
  const missing = rows.filter((_, i) => known[i] === undefined);
  const fields = new Map(
    (
      await couponFieldsOf(
        db,
        missing.map((r) => r.id),
      )
    ).map((f) => [f.id, f]),
  );
  return missing.every((r) => fields.get(r.id)?.version === r.version) ? { rows, known, fields } : undefined;
}
