/**
 * Ledger entry builders (rule 9). Keys are derived from what happened, never from a counter, so a replay of the
 * same events yields the same keys and amounts:
 * - `offer:<couponId>:status:<to>`  an offer reaches each status at most once (the lifecycle has no cycles);
 * - `offer:<couponId>:credit`, `offer:<couponId>:forfeit`  at most once per offer;
 * - `spend:<spendId>:<threshold|covered|charge>:<couponId|none>`  a spend meets each offer at most once, since an
 *   offer it depletes is final. Spend ids must be unique per account.
 */
import type { LedgerEntry, OfferStatus } from './types.ts';

/** When and why something happened: the instant, and the spend that caused it if any. */
export interface Cause {
  at: number;
  spendId: string | null;
}

export function statusEntry(couponId: string, from: OfferStatus | null, to: OfferStatus, cause: Cause): LedgerEntry {
  const { at, spendId } = cause;
  return { kind: 'status', key: `offer:${couponId}:status:${to}`, at, couponId, spendId, amount: 0, from, to };
}

export function offerMoneyEntry(
  kind: 'credit' | 'forfeit',
  couponId: string,
  amount: number,
  cause: Cause,
): LedgerEntry {
  const { at, spendId } = cause;
  return { kind, key: `offer:${couponId}:${kind}`, at, couponId, spendId, amount };
}

export function spendEntry(
  kind: 'threshold' | 'covered' | 'charge',
  spendId: string,
  couponId: string | null,
  amount: number,
  at: number,
): LedgerEntry {
  return { kind, key: `spend:${spendId}:${kind}:${couponId ?? 'none'}`, at, couponId, spendId, amount };
}
