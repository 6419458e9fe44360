// Billing groups (SPEC §4a): whether an account may join a group. Pure: the facts come in, a decision goes out.

export interface GroupFacts {
  readonly id: string;
  readonly customerId: string;
  /** The currency of the group's accounts; null while it has none (the first account added sets it). */
  readonly currency: string | null;
}

export interface AccountFacts {
  readonly customerId: string;
  readonly currency: string;
  readonly groupId: string | null;
}

export type GroupAddDecision =
  | { readonly kind: 'add' }
  | { readonly kind: 'alreadyMember' }
  | { readonly kind: 'refuse'; readonly code: 2108 | 106 | 4603 | 4604 };

/**
 * Checks in this order: the account exists (2108), belongs to the group's customer (106), is in no other group
 * (4604; already in this one is a success that changes nothing, so a retry is safe), and has the group's currency
 * (4603).
 */
export function decideGroupAdd(group: GroupFacts, account: AccountFacts | undefined): GroupAddDecision {
  if (!account) return { kind: 'refuse', code: 2108 };
  if (account.customerId !== group.customerId) return { kind: 'refuse', code: 106 };
  if (account.groupId === group.id) return { kind: 'alreadyMember' };
  if (account.groupId !== null) return { kind: 'refuse', code: 4604 };
  if (group.currency !== null && group.currency !== account.currency) return { kind: 'refuse', code: 4603 };
  return { kind: 'add' };
}

/** Groups an ungrouped account could join: the customer's groups of its currency, or with no account yet. */
export function potentialGroups<G extends { currency: string | null }>(groups: readonly G[], currency: string): G[] {
  return groups.filter((g) => g.currency === null || g.currency === currency);
}
