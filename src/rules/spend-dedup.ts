// Retries never double-count (SPEC §6): which spends of a request are new and which repeat a transaction id
// already recorded for the account, or given earlier in the same request. Like metered-billing usage events, a
// repeat is accepted and ignored whatever its amount or time: the first recording is the one that counts.

export type SpendDecision =
  | { readonly kind: 'record' }
  | { readonly kind: 'duplicateOfEvent'; readonly eventId: string }
  | { readonly kind: 'duplicateOfItem'; readonly index: number };

/**
 * One decision per item, in order. `recorded` maps the transaction ids already stored for the account to their
 * event ids. An item without a transaction id is always recorded.
 */
export function decideSpends(
  transactionIds: readonly (string | null)[],
  recorded: ReadonlyMap<string, string>,
): SpendDecision[] {
  const firstInRequest = new Map<string, number>();
  return transactionIds.map((id, index) => {
    if (id === null) return { kind: 'record' };
    const eventId = recorded.get(id);
    if (eventId !== undefined) return { kind: 'duplicateOfEvent', eventId };
    const first = firstInRequest.get(id);
    if (first !== undefined) return { kind: 'duplicateOfItem', index: first };
    firstInRequest.set(id, index);
    return { kind: 'record' };
  });
}
