// Test data through the operator API, with overridable defaults (STYLE 10).
import { soapRequest, type TestApp } from './app.ts';

/** Whatever calls the operator API: a TestApp, or a script's own target (scripts/tenant-plans.ts). */
export type Operator = Pick<TestApp, 'admin'>;

export interface World {
  customerId: string;
  accountId: string;
  accountNumber: string;
  user: { id: string; authenticationToken: string; developerToken: string };
}

export async function makeCustomer(t: Operator, name = 'Contoso'): Promise<string> {
  return (await t.admin<{ id: string }>('/admin/customers', { name })).id;
}

export async function makeAccount(
  t: Operator,
  customer: string,
  overrides: Record<string, unknown> = {},
): Promise<{ id: string; number: string }> {
  return t.admin('/admin/accounts', { customer, currency: 'USD', paymentMethod: true, ...overrides });
}

export async function makeUser(
  t: Operator,
  customer: string,
  overrides: Record<string, unknown> = {},
): Promise<{ id: string; authenticationToken: string; developerToken: string }> {
  return t.admin('/admin/users', { customer, role: 'SuperAdmin', ...overrides });
}

/** makeCouponClass's default: Retention, 50 USD for 30 days, open from 2020 to 2099 (fixed dates, not today's). */
export const SPRING_CLASS = {
  name: 'Spring',
  type: 'Retention',
  amount: '50',
  currency: 'USD',
  activeDays: 30,
  start: '2020-01-01T00:00:00Z',
  end: '2099-01-01T00:00:00Z',
  expires: '2099-06-01T00:00:00Z',
} as const;

export async function makeCouponClass(
  t: Operator,
  customer: string,
  overrides: Record<string, unknown> = {},
): Promise<{ id: string; name: string }> {
  return t.admin('/admin/classes', { customer, ...SPRING_CLASS, ...overrides });
}

export async function mint(t: Operator, customer: string, className: string, count = 1): Promise<string[]> {
  return (await t.admin<{ codes: string[] }>('/admin/coupons/mint', { customer, class: className, count })).codes;
}

/** A customer with one USD account (with a payment method) and a SuperAdmin user. */
export async function makeWorld(t: TestApp, overrides: { role?: string; currency?: string } = {}): Promise<World> {
  const customerId = await makeCustomer(t);
  const account = await makeAccount(t, customerId, overrides.currency ? { currency: overrides.currency } : {});
  const user = await makeUser(t, customerId, overrides.role ? { role: overrides.role } : {});
  return { customerId, accountId: account.id, accountNumber: account.number, user };
}

/**
 * A world (makeWorld) with one coupon class (makeCouponClass; `class` overrides its defaults, name Spring) and
 * `count` coupons of it.
 */
export async function makeWorldWithCoupons(
  t: TestApp,
  count = 1,
  overrides: { class?: Record<string, unknown>; world?: { role?: string; currency?: string } } = {},
): Promise<{ w: World; codes: string[] }> {
  const w = await makeWorld(t, overrides.world);
  await makeCouponClass(t, w.customerId, overrides.class);
  const codes = await mint(t, w.customerId, String(overrides.class?.name ?? 'Spring'), count);
  return { w, codes };
}

/** The customer a user belongs to: SearchCoupons requires a CustomerId Equals predicate naming it. */
export async function customerOfUser(t: TestApp, user: { id: string }): Promise<string> {
  const row = (await t.db.knex('users').where({ id: user.id }).first('customer_id')) as { customer_id: string };
  return String(row.customer_id);
}

/** SearchCoupons' required predicate, for clients built from the WSDL. */
export const customerIdPredicate = (customerId: string): { Field: string; Operator: string; Value: string } => ({
  Field: 'CustomerId',
  Operator: 'Equals',
  Value: customerId,
});

/** SearchCoupons' required predicate as XML (prefix e: is the Entities namespace of soapRequest()). */
export const customerIdPredicateXml = (customerId: string): string =>
  `<e:Predicate><e:Field>CustomerId</e:Field><e:Operator>Equals</e:Operator><e:Value>${customerId}</e:Value></e:Predicate>`;

/** One SearchCoupons Predicate as XML, in the prefixes of soapRequest() (the value is inserted as given). */
export const predicateXml = (field: string, operator: string, value: string): string =>
  `<e:Predicate><e:Field>${field}</e:Field><e:Operator>${operator}</e:Operator><e:Value>${value}</e:Value></e:Predicate>`;

/**
 * SearchCoupons' Predicates element as XML: the required CustomerId predicate naming `customerId`, then `more`
 * (predicateXml() elements). At most 3 more keep the request within the 4-predicate maximum.
 */
export const searchPredicatesXml = (customerId: string, ...more: string[]): string =>
  `<b:Predicates>${customerIdPredicateXml(customerId)}${more.join('')}</b:Predicates>`;

/** A raw RedeemCoupon request of the world's user for its account. */
export const redeemRequestXml = (w: World, code: string): string =>
  soapRequest('RedeemCoupon', `<b:AccountId>${w.accountId}</b:AccountId><b:CouponCode>${code}</b:CouponCode>`, w.user);
