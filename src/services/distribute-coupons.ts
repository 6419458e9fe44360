// DistributeCoupons (SPEC §4 Claims): a SuperAdmin of the customer owning a coupon class claims one available
// coupon of it for each listed account, and with SendNotification queues one email per claimed account through
// the outbox in the same transaction. The class is named by ClassName (a class of the user's customer) or by
// FeatureId (any class of the user's customer with that feature, in the account's currency, open now).
// Coupons are taken with FOR UPDATE SKIP LOCKED in mint order, so concurrent distributions never wait on each
// other or hand out one coupon twice; each account is its own transaction under the claim's locks.
import type { Knex } from 'knex';
import { ApiError, problem, type OperationProblem } from '../errors.ts';
import { renderCouponEmail, escapeHtml, termsOfClass } from '../mail/coupon-email.ts';
import { accountById } from '../repositories/accounts.ts';
import { lockAvailableCoupon, lockFirstFeatureCoupon } from '../repositories/coupons.ts';
import { enqueueMessages } from '../repositories/outbox.ts';
import type { Account } from '../repositories/accounts.ts';
import type { CouponClass } from '../repositories/classes.ts';
import { inTransaction } from '../repositories/transaction.ts';
import type { Principal } from './auth.ts';
import {
  batchSizeProblem,
  claimLocked,
  hasClaimedFeature,
  perItem,
  type BatchOutcome,
  type ItemOutcome,
} from './claim-coupons.ts';
import { findClass } from './operator.ts';
import { lockCouponByCode, type CouponWithClass } from './coupon-access.ts';

/** The outbox kind of DistributeCoupons' notifications (one per claimed coupon). */
export const CLAIM_NOTIFICATION = 'claim_notification';

export interface DistributeCouponsInput {
  /** null when AccountIds is absent or nil. */
  readonly accountIds: readonly string[] | null;
  readonly className: string | null;
  readonly featureId: number | null;
  readonly sendNotification: boolean;
}

export interface Distributed {
  readonly accountId: string;
  readonly couponCode: string;
  /** Whether a notification was queued (false without SendNotification, or when the account has no email). */
  readonly notified: boolean;
}

/** Which coupons a distribution draws from. */
type Source =
  { readonly kind: 'class'; readonly cls: CouponClass } | { readonly kind: 'feature'; readonly featureId: number };

const clip = (s: string): string => (s.length > 100 ? `${s.slice(0, 100)}…` : s);

/** The class named by the request, or the request-level problem (4507) that leaves every account unserved. */
async function sourceOf(knex: Knex, p: Principal, input: DistributeCouponsInput): Promise<Source | OperationProblem> {
  const name = input.className;
  if (name === null || name === '') {
    if (input.featureId === null) return problem(4507, 'Give a ClassName or a FeatureId.');
    return { kind: 'feature', featureId: input.featureId };
  }
  const cls = await findClass(knex, p.customerId, name);
  if (!cls) return problem(4507, `ClassName '${clip(name)}' names no class of this customer.`);
  if (input.featureId !== null && cls.featureId !== input.featureId)
    return problem(4507, `Class '${clip(name)}' is not a class of feature ${input.featureId}.`);
  return { kind: 'class', cls };
}

/** Locks the first available coupon of the source for `account` (skipping coupons others hold), or undefined. */
async function pickCoupon(
  tx: Knex.Transaction,
  p: Principal,
  source: Source,
  account: Account,
  now: Date,
): Promise<CouponWithClass | undefined> {
  // The SQL narrows the feature's classes to those the account could claim; claimLocked's decideClaim decides.
  const code =
    source.kind === 'class'
      ? await lockAvailableCoupon(tx, source.cls.id)
      : await lockFirstFeatureCoupon(tx, p.customerId, source.featureId, account, now);
  return code === undefined ? undefined : lockCouponByCode(tx, code);
}

/** The notification: the coupon email, saying which account the coupon is reserved for. */
function claimEmail(
  found: CouponWithClass,
  account: Account,
  now: Date,
): { subject: string; text: string; html: string } {
  const { coupon, cls } = found;
  const mail = renderCouponEmail(termsOfClass(cls, coupon.code, now));
  const reserved = `This coupon is reserved for your account ${account.number} (AccountId ${account.id}): only that account can redeem it.`;
  return {
    subject: `${mail.subject} for account ${account.number}`,
    text: mail.text.replace(/^Hello,\n\n/, `Hello,\n\n${reserved}\n\n`),
    html: mail.html.replace('<p>Hello,</p>', `<p>Hello,</p>\n<p>${escapeHtml(reserved)}</p>`),
  };
}

async function distributeOne(
  knex: Knex,
  p: Principal,
  source: Source,
  accountId: string,
  input: DistributeCouponsInput,
  now: Date,
): Promise<Distributed> {
  const account: Account | undefined = await accountById(knex, accountId);
  if (!account) throw ApiError.of(2108, `Account ${accountId} does not exist.`);
  if (account.customerId !== p.customerId) throw ApiError.of(106, `Account ${accountId} is not accessible.`);
  const featureId = source.kind === 'class' ? source.cls.featureId : source.featureId;
  // Checked again under the account lock by claimLocked; checked first here so that an account that already has
  // the feature hears 4514 rather than 4508/4515.
  if (featureId !== null && (await hasClaimedFeature(knex, account.id, featureId, now)))
    throw ApiError.of(4514, `Account ${account.id} already has a coupon of feature ${featureId}.`);
  return inTransaction(knex, async (tx) => {
    const found = await pickCoupon(tx, p, source, account, now);
    if (!found)
      throw source.kind === 'class'
        ? ApiError.of(4508, `No coupon of class '${clip(source.cls.name)}' is left for account ${account.id}.`)
        : ApiError.of(4515, `No coupon of feature ${source.featureId} is available for account ${account.id}.`);
    await claimLocked(tx, found, account, now);
    const notified = input.sendNotification && account.email !== null;
    if (notified) {
      const mail = claimEmail(found, account, now);
      await enqueueMessages(tx, [
        { kind: CLAIM_NOTIFICATION, toEmail: account.email!, couponId: found.coupon.id, ...mail },
      ]);
    }
    return { accountId: account.id, couponCode: found.coupon.code, notified };
  });
}

/**
 * SuperAdmin only (1001, a fault). A null, empty or oversized AccountIds, or no class to draw from (4507), is a
 * request-level problem (OperationErrors); each account's own failure is reported at its index.
 */
export async function distributeCoupons(
  knex: Knex,
  p: Principal,
  input: DistributeCouponsInput,
  now: Date,
): Promise<BatchOutcome<ItemOutcome<Distributed>>> {
  if (p.role !== 'SuperAdmin') throw ApiError.of(1001);
  const problems: OperationProblem[] = [];
  const size = batchSizeProblem('AccountIds', input.accountIds?.length ?? null);
  if (size) problems.push(size);
  const source = await sourceOf(knex, p, input);
  if ('code' in source) problems.push(source);
  if (problems.length > 0 || 'code' in source) return { operationErrors: problems };
  const items: ItemOutcome<Distributed>[] = [];
  for (const id of input.accountIds!) items.push(await perItem(() => distributeOne(knex, p, source, id, input, now)));
  return { items };
}
