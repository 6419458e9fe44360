// DispatchCoupons (SPEC §4): hands one available coupon of a class to each valid, first-seen email address and
// queues the email that carries it, in one transaction. Coupons are taken with `FOR UPDATE SKIP LOCKED` in mint
// order, so concurrent dispatches (in one instance or many) never hand out the same coupon and never wait on each
// other; the whole batch is one statement, whatever its size.
import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { AdApiError, ApiError, problem, type OperationProblem } from '../errors.ts';
import { addressKey, isValidEmailAddress } from '../mail/address.ts';
import { renderCouponEmail, termsOfClass } from '../mail/coupon-email.ts';
import { assignAndQueue, toClassFacts } from '../repositories/coupons.ts';
import type { CouponClass } from '../repositories/classes.ts';
import { inTransaction } from '../repositories/transaction.ts';
import { classIsDispatchable } from '../rules/redemption.ts';
import type { Principal } from './auth.ts';
import { findClass } from './operator.ts';

export const MAX_SEND_TO_EMAILS = 1000;

export interface DispatchCouponsInput {
  readonly customerId: string | null;
  readonly couponClassName: string | null;
  /** null when SendToEmails is absent or nil; an item is null when it was nil. */
  readonly sendToEmails: readonly (string | null)[] | null;
}

/** A per-email failure, reported as a BatchError with the email's zero-based index. */
export interface DispatchError extends OperationProblem {
  readonly index: number;
}

export interface DispatchCouponsResult {
  /** In index order. */
  readonly errors: readonly DispatchError[];
  readonly dispatched: number;
}

interface Wanted {
  readonly index: number;
  readonly email: string;
}

const clip = (s: string): string => (s.length > 100 ? `${s.slice(0, 100)}…` : s);

/** Sorts the addresses into the ones to serve (valid, first seen) and the per-email errors 4509 and 4510. */
function screen(emails: readonly (string | null)[]): { wanted: Wanted[]; errors: DispatchError[] } {
  const wanted: Wanted[] = [];
  const errors: DispatchError[] = [];
  const firstSeen = new Map<string, number>();
  emails.forEach((raw, index) => {
    if (raw === null || !isValidEmailAddress(raw)) {
      const what = raw === null ? 'is nil' : `'${clip(raw)}' is not a valid email address`;
      errors.push({ ...problem(4509, `SendToEmails[${index}] ${what}.`), index });
      return;
    }
    const key = addressKey(raw);
    const first = firstSeen.get(key);
    if (first !== undefined) {
      errors.push({ ...problem(4510, `SendToEmails[${index}] repeats SendToEmails[${first}].`), index });
      return;
    }
    firstSeen.set(key, index);
    wanted.push({ index, email: raw.trim() });
  });
  return { wanted, errors };
}

/**
 * Assigns coupons to the first addresses of `wanted` and queues their emails; returns how many were served.
 * One statement does it all, so 1,000 addresses cost one round trip: lock up to n available coupons in mint
 * order (skipping any a concurrent dispatch holds), pair them with the addresses in request order, set
 * SendToEmail/SendToDate, and queue one email per coupon. The email is rendered once per request with a
 * placeholder for the code (the only part that differs between recipients), which the database fills in.
 */
async function assign(knex: Knex, cls: CouponClass, wanted: readonly Wanted[], now: Date): Promise<number> {
  const placeholder = `{{COUPON-CODE-${randomBytes(8).toString('hex')}}}`;
  const mail = renderCouponEmail(termsOfClass(cls, placeholder, now));
  return inTransaction(knex, async (tx) => {
    const { picked, queued } = await assignAndQueue(
      tx,
      cls.id,
      wanted.map((w) => w.email),
      now,
      mail,
      placeholder,
    );
    // The coupons are locked by this statement, so every one picked is assigned and mailed; if that ever failed
    // to hold, nothing is committed.
    if (queued !== picked) throw new Error(`dispatch queued ${queued} emails for ${picked} locked coupons`);
    return picked;
  });
}

export async function dispatchCoupons(
  knex: Knex,
  principal: Principal,
  input: DispatchCouponsInput,
  now: Date,
): Promise<DispatchCouponsResult> {
  // A user may access its own customer only (SPEC §3); a missing CustomerId is customer 0, which it cannot.
  if (input.customerId !== principal.customerId) throw new AdApiError(106);
  if (principal.role !== 'SuperAdmin') throw ApiError.of(1001);
  const problems: OperationProblem[] = [];
  const name = input.couponClassName;
  const cls = name ? await findClass(knex, principal.customerId, name) : undefined;
  if (!cls) problems.push(problem(4507, `CouponClassName '${clip(name ?? '')}' names no class of this customer.`));
  const emails = input.sendToEmails ?? [];
  if (emails.length === 0) problems.push(problem(3087, 'SendToEmails is null or empty.'));
  else if (emails.length > MAX_SEND_TO_EMAILS)
    problems.push(problem(3024, `SendToEmails has ${emails.length} items; at most ${MAX_SEND_TO_EMAILS} are allowed.`));
  if (problems.length > 0 || !cls) throw new ApiError(problems);

  const { wanted, errors } = screen(emails);
  const served =
    wanted.length > 0 && classIsDispatchable(toClassFacts(cls), now.getTime())
      ? await assign(knex, cls, wanted, now)
      : 0;
  for (const w of wanted.slice(served))
    errors.push({
      ...problem(4508, `No coupon of class '${clip(cls.name)}' is left for SendToEmails[${w.index}].`),
      index: w.index,
    });
  errors.sort((a, b) => a.index - b.index);
  return { errors, dispatched: served };
}
