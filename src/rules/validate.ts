/** Preconditions on engine inputs; a broken one throws InvalidRulesInputError before anything changes. */
import { InvalidRulesInputError } from './errors.ts';
import { assertMoney } from './money.ts';
import type { AccountEvent, OfferTerms } from './types.ts';

export function assertTime(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new InvalidRulesInputError(`${what} must be epoch milliseconds (a non-negative safe integer)`);
  }
}

function assertId(value: string, what: string): void {
  if (typeof value !== 'string' || value.length === 0) {
    throw new InvalidRulesInputError(`${what} must be a non-empty string`);
  }
}

export function validateTerms(terms: OfferTerms): void {
  assertId(terms.couponId, 'couponId');
  assertMoney(terms.amount, 'amount', { positive: true });
  assertMoney(terms.spendThreshold, 'spendThreshold');
  const bp = terms.percentOffBp;
  if (bp !== null && !(Number.isSafeInteger(bp) && bp >= 1 && bp <= 10_000)) {
    throw new InvalidRulesInputError('percentOffBp must be null or an integer from 1 to 10000');
  }
  if (terms.activeDays !== null && !(Number.isSafeInteger(terms.activeDays) && terms.activeDays >= 0)) {
    throw new InvalidRulesInputError('activeDays must be null or a non-negative integer');
  }
  if (terms.couponExpiresAt !== null) assertTime(terms.couponExpiresAt, 'couponExpiresAt');
}

export function validateEvent(event: AccountEvent): void {
  assertTime(event.at, 'event.at');
  if (!Number.isSafeInteger(event.seq)) throw new InvalidRulesInputError('event.seq must be a safe integer');
  switch (event.kind) {
    case 'claim':
    case 'redeem':
      return validateTerms(event.terms);
    case 'spend':
      assertId(event.spendId, 'spendId');
      return assertMoney(event.amount, 'spend amount');
    case 'revoke':
      return assertId(event.couponId, 'couponId');
    case 'paymentMethodAdded':
      return;
    default:
      throw new InvalidRulesInputError(`unknown event kind ${String((event as { kind: unknown }).kind)}`);
  }
}
