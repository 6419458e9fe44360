// Operator use cases behind the admin API and the `billing` CLI (SPEC §6): customers, accounts, users,
// coupon classes and minting.
import type { Knex } from 'knex';
import { parseStrictDateTime } from '../datetime.ts';
import { InputError, NotFoundError } from '../errors.ts';
import { isValidEmailAddress } from '../mail/address.ts';
import { isCurrencyCode, MoneyError, parseAmount } from '../money.ts';
import { accountById, insertAccount, nextAccountId } from '../repositories/accounts.ts';
import { AUTO_GRANT_NEW_ACCOUNTS } from '../repositories/auto-grants.ts';
import { classByName, insertClass } from '../repositories/classes.ts';
import { insertCoupons } from '../repositories/coupons.ts';
import { customerExists as customerRowExists, insertCustomer } from '../repositories/customers.ts';
import type { CouponType, Role } from '../repositories/tables.ts';
import type { Account } from '../repositories/accounts.ts';
import type { CouponClass } from '../repositories/classes.ts';
import { inTransaction, isUniqueViolation } from '../repositories/transaction.ts';
import { insertUser } from '../repositories/users.ts';
import { hashPassword, newToken, tokenHash } from '../secrets.ts';
import { recordAccountEvent } from './account-events.ts';
import { grantNewAccount } from './auto-grant.ts';
import { newCouponCode } from './coupon-codes.ts';

const ROLES: readonly Role[] = ['SuperAdmin', 'Standard', 'ViewOnly'];
const TYPES: readonly CouponType[] = ['Acquisition', 'Retention'];
export const MAX_MINT = 100_000;
const MAX_BIGINT = 9_223_372_036_854_775_807n;

export function requireId(v: unknown, what: string): string {
  const s = typeof v === 'number' ? String(v) : v;
  // Ids are PostgreSQL bigints: a larger number is refused here rather than failing in the database.
  if (typeof s !== 'string' || !/^[1-9]\d{0,18}$/.test(s) || BigInt(s) > MAX_BIGINT)
    throw new InputError(`${what} must be a positive integer id`);
  return s;
}
function requireText(v: unknown, what: string, max = 200): string {
  if (typeof v !== 'string' || v.trim() === '') throw new InputError(`${what} is required`);
  if (v.length > max) throw new InputError(`${what} is longer than ${max} characters`);
  if (v.includes('\u0000')) throw new InputError(`${what} must not contain NUL characters`);
  return v.trim();
}
function optionalDate(v: unknown, what: string): Date | null {
  if (v === undefined || v === null || v === '') return null;
  return requireDate(v, what);
}
/** A strict operator date-time (SPEC §6); `new Date` would roll 2026-02-30 over into March. */
export function requireDate(v: unknown, what: string): Date {
  const d = parseStrictDateTime(v);
  if (!d) throw new InputError(`${what} must be an ISO 8601 date-time with a zone, such as 2026-01-31T00:00:00Z`);
  return d;
}
function optionalInt(v: unknown, what: string, min: number, max: number): number | null {
  if (v === undefined || v === null || v === '') return null;
  const n = typeof v === 'string' ? (/^\d{1,16}$/.test(v) ? Number(v) : NaN) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max)
    throw new InputError(`${what} must be an integer in ${min}..${max}`);
  return n;
}
/** An operator amount: positive (or zero when allowed), with at most the currency's decimals, in minor units. */
export function requireAmount(v: unknown, currency: string, what: string, allowZero = false): number {
  try {
    return parseAmount(v, currency, { allowZero });
  } catch (e) {
    if (!(e instanceof MoneyError)) throw e;
    throw new InputError(`${what}: ${e.message}`);
  }
}

async function customerExists(knex: Knex, id: string): Promise<void> {
  if (!(await customerRowExists(knex, id))) throw new NotFoundError(`customer ${id} not found`);
}

export async function createCustomer(knex: Knex, input: { name?: unknown }): Promise<{ id: string }> {
  return { id: await insertCustomer(knex, requireText(input.name, 'name')) };
}

export interface CreateAccountInput {
  customer?: unknown;
  currency?: unknown;
  number?: unknown;
  billTo?: unknown;
  paymentMethod?: unknown;
  /** Notification address (DistributeCoupons with SendNotification); optional. */
  email?: unknown;
  /** true: invoice-billed, may hold insertion orders (SPEC §4a); default prepaid. */
  invoice?: unknown;
}
export async function createAccount(
  knex: Knex,
  input: CreateAccountInput,
  now: Date,
): Promise<{ id: string; number: string }> {
  const customerId = requireId(input.customer, 'customer');
  const currency = requireText(input.currency, 'currency', 3).toUpperCase();
  if (!isCurrencyCode(currency)) throw new InputError('currency must be a three-letter ISO 4217 code');
  const billTo = input.billTo === undefined || input.billTo === null ? customerId : requireId(input.billTo, 'bill-to');
  let number: string | null = null;
  if (input.number !== undefined && input.number !== null) {
    number = requireText(input.number, 'number', 32).toUpperCase();
    if (!/^[A-Z0-9]{1,32}$/.test(number)) throw new InputError('number must be letters and digits');
  }
  let email: string | null = null;
  if (input.email !== undefined && input.email !== null && input.email !== '') {
    if (typeof input.email !== 'string' || !isValidEmailAddress(input.email))
      throw new InputError('email must be a single valid email address');
    email = input.email.trim();
  }
  return inTransaction(knex, async (tx) => {
    await customerExists(tx, customerId);
    await customerExists(tx, billTo);
    const id = await nextAccountId(tx);
    const accountNumber = number ?? `F${(1_000_000n + BigInt(id)).toString()}`;
    try {
      await insertAccount(tx, {
        id,
        customerId,
        number: accountNumber,
        currency,
        billToCustomerId: billTo,
        paymentMethodAddedAt: input.paymentMethod === true ? now : null,
        email,
        invoiceBilled: input.invoice === true,
      });
      if (input.paymentMethod === true) await recordAccountEvent(tx, id, { kind: 'paymentMethodAdded', at: now });
    } catch (e) {
      if (isUniqueViolation(e)) throw new InputError(`account number ${accountNumber} is taken`);
      throw e;
    }
    await grantNewAccount(tx, await findAccount(tx, id), now);
    return { id, number: accountNumber };
  });
}

export async function findAccount(knex: Knex, id: unknown): Promise<Account> {
  const accountId = requireId(id, 'account');
  const row = await accountById(knex, accountId);
  if (!row) throw new NotFoundError(`account ${accountId} not found`);
  return row;
}

export interface CreateUserInput {
  customer?: unknown;
  role?: unknown;
  username?: unknown;
  password?: unknown;
  expires?: unknown;
}
export async function createUser(
  knex: Knex,
  input: CreateUserInput,
): Promise<{ id: string; authenticationToken: string; developerToken: string }> {
  const customerId = requireId(input.customer, 'customer');
  if (!ROLES.includes(input.role as Role)) throw new InputError(`role must be one of ${ROLES.join(', ')}`);
  const hasUser = input.username !== undefined && input.username !== null;
  const hasPassword = input.password !== undefined && input.password !== null;
  if (hasUser !== hasPassword) throw new InputError('username and password go together');
  const username = hasUser ? requireText(input.username, 'username', 100) : null;
  if (hasPassword && (typeof input.password !== 'string' || input.password.length < 8))
    throw new InputError('password must be at least 8 characters');
  const passwordHash = hasPassword ? await hashPassword(input.password as string) : null;
  const expires = optionalDate(input.expires, 'expires');
  await customerExists(knex, customerId);
  const authenticationToken = newToken();
  const developerToken = newToken(18);
  try {
    const id = await insertUser(knex, {
      customerId,
      role: input.role as Role,
      tokenHash: tokenHash(authenticationToken),
      tokenExpiresAt: expires,
      developerTokenHash: tokenHash(developerToken),
      username,
      passwordHash,
    });
    return { id, authenticationToken, developerToken };
  } catch (e) {
    if (isUniqueViolation(e)) throw new InputError(`username ${username ?? ''} is taken`);
    throw e;
  }
}

export interface CreateClassInput {
  customer?: unknown;
  name?: unknown;
  type?: unknown;
  amount?: unknown;
  currency?: unknown;
  threshold?: unknown;
  percentOff?: unknown;
  activeDays?: unknown;
  start?: unknown;
  end?: unknown;
  expires?: unknown;
  redeemWithinDays?: unknown;
  featureId?: unknown;
  /** 'new-accounts': grant one coupon to each account created afterwards under the customer. */
  autoGrant?: unknown;
}
function optionalAutoGrant(v: unknown): typeof AUTO_GRANT_NEW_ACCOUNTS | null {
  if (v === undefined || v === null || v === '') return null;
  if (v !== AUTO_GRANT_NEW_ACCOUNTS) throw new InputError(`auto-grant must be ${AUTO_GRANT_NEW_ACCOUNTS}`);
  return v;
}
export async function createClass(knex: Knex, input: CreateClassInput): Promise<{ id: string; name: string }> {
  const customerId = requireId(input.customer, 'customer');
  const name = requireText(input.name, 'name', 100);
  if (!TYPES.includes(input.type as CouponType)) throw new InputError(`type must be one of ${TYPES.join(', ')}`);
  const currency = requireText(input.currency, 'currency', 3).toUpperCase();
  if (!isCurrencyCode(currency)) throw new InputError('currency must be a three-letter ISO 4217 code');
  const amount = requireAmount(input.amount, currency, 'amount');
  const threshold =
    input.threshold === undefined || input.threshold === null || input.threshold === ''
      ? 0
      : requireAmount(input.threshold, currency, 'threshold', true);
  let percentOff: string | null = null;
  if (input.percentOff !== undefined && input.percentOff !== null && input.percentOff !== '') {
    const p = String(input.percentOff);
    if (!/^\d{1,3}(\.\d{1,2})?$/.test(p) || Number(p) <= 0 || Number(p) > 100)
      throw new InputError('percent-off must be a number in (0, 100] with at most 2 decimals');
    percentOff = p;
  }
  const start = optionalDate(input.start, 'start');
  const end = optionalDate(input.end, 'end');
  const expires = optionalDate(input.expires, 'expires');
  if (start && end && end < start) throw new InputError('end must not be before start');
  if (expires && start && expires < start) throw new InputError('expires must not be before start');
  const autoGrant = optionalAutoGrant(input.autoGrant);
  await customerExists(knex, customerId);
  try {
    const id = await insertClass(knex, {
      customerId,
      name,
      couponType: input.type as CouponType,
      amountMinor: amount,
      spendThresholdMinor: threshold,
      currency,
      percentOff,
      activeDays: optionalInt(input.activeDays, 'active-days', 1, 36500),
      startDate: start,
      endDate: end,
      expirationDate: expires,
      redeemWithinDays: optionalInt(input.redeemWithinDays, 'redeem-within-days', 1, 36500),
      featureId: optionalInt(input.featureId, 'feature-id', 0, 2147483647),
      autoGrant,
    });
    return { id, name };
  } catch (e) {
    if (isUniqueViolation(e)) throw new InputError(`customer ${customerId} already has a class named ${name}`);
    throw e;
  }
}

export async function findClass(knex: Knex, customerId: string, name: string): Promise<CouponClass | undefined> {
  return classByName(knex, customerId, name);
}

export async function mintCoupons(
  knex: Knex,
  input: { customer?: unknown; class?: unknown; count?: unknown },
  now: Date,
): Promise<{ codes: string[] }> {
  const customerId = requireId(input.customer, 'customer');
  const name = requireText(input.class, 'class', 100);
  const count = optionalInt(input.count, 'count', 1, MAX_MINT);
  if (count === null) throw new InputError('count is required');
  const cls = await findClass(knex, customerId, name);
  if (!cls) throw new NotFoundError(`customer ${customerId} has no class named ${name}`);
  const codes: string[] = [];
  while (codes.length < count) {
    const batch = Array.from({ length: Math.min(1000, count - codes.length) }, newCouponCode);
    codes.push(...(await insertCoupons(knex, cls, batch, now)));
  }
  return { codes };
}
