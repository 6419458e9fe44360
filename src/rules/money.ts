/**
 * Exact integer money (rule 10). Amounts are minor units in safe integers; the percent multiplication goes
 * through BigInt so spend × hundredths of a percent never loses precision, however large the spend.
 */
import { InvalidRulesInputError } from './errors.ts';

const BP_PER_WHOLE = 10_000n;

export function assertMoney(value: number, what: string, { positive = false } = {}): void {
  if (!Number.isSafeInteger(value) || value < 0 || (positive && value === 0)) {
    const wanted = positive ? 'a positive' : 'a non-negative';
    throw new InvalidRulesInputError(`${what} must be ${wanted} safe integer (minor units), got ${String(value)}`);
  }
}

/** floor(spend × bp / 10000): the part of a spend a percent coupon would cover, before the balance cap. */
export function percentOf(spend: number, bp: number): number {
  return Number((BigInt(spend) * BigInt(bp)) / BP_PER_WHOLE);
}

/**
 * Rule 10 on a running total: a percent coupon's coverage is floor(eligible × bp / 10000) of the whole spend it has
 * been eligible for, however that spend was split. `carry` is (eligible × bp) mod 10000 before this spend, so
 * `covered` is what this spend adds to the running floor and `carry` what is left over for the next one.
 */
export function percentShare(spend: number, bp: number, carry: number): { covered: number; carry: number } {
  const total = BigInt(spend) * BigInt(bp) + BigInt(carry);
  return { covered: Number(total / BP_PER_WHOLE), carry: Number(total % BP_PER_WHOLE) };
}

/**
 * The smallest spend x with floor((x × bp + carry) / 10000) ≥ balance, i.e. ceil((balance × 10000 − carry) / bp):
 * how much of a spend a percent coupon consumes when that spend uses up its balance (rule 7).
 */
export function spendToExhaust(balance: number, bp: number, carry = 0): number {
  const b = BigInt(bp);
  return Number((BigInt(balance) * BP_PER_WHOLE - BigInt(carry) + b - 1n) / b);
}
