// Billing groups (SPEC §4a): the operator creates them; GetBillingGroups, GetUngroupedAccounts and
// UpdateBillingGroupAccounts work on the caller's own customer only.
import type { Knex } from 'knex';
import {
  AD_API_CODES,
  AdApiError,
  ApiError,
  InputError,
  NotFoundError,
  problem,
  type OperationProblem,
} from '../errors.ts';
import { decideGroupAdd, potentialGroups } from '../rules/billing-groups.ts';
import {
  addMember,
  customerExists,
  groupsOfCustomer,
  insertGroup,
  lockAccountsForGrouping,
  lockGroup,
  setGroupCurrency,
  ungroupedAccounts,
  type BillingGroup,
} from '../repositories/billing-groups.ts';
import { inTransaction, isUniqueViolation } from '../repositories/transaction.ts';
import type { Principal } from './auth.ts';
import { batchSizeProblem } from './claim-coupons.ts';
import { requireId } from './operator.ts';

export type { BillingGroup };

function text(v: unknown, what: string, required: boolean): string | null {
  if (v === undefined || v === null || (v === '' && !required)) {
    if (required) throw new InputError(`${what} is required`);
    return null;
  }
  if (typeof v !== 'string' || v.trim() === '') throw new InputError(`${what} must be non-empty text`);
  if (v.length > 200) throw new InputError(`${what} is longer than 200 characters`);
  if (v.includes('\u0000')) throw new InputError(`${what} must not contain NUL characters`);
  return v.trim();
}

/** `billing group create --customer ID --name N [--description D]` → {"id"}. Names are unique per customer. */
export async function createBillingGroup(
  knex: Knex,
  input: { customer?: unknown; name?: unknown; description?: unknown },
): Promise<{ id: string }> {
  const customerId = requireId(input.customer, 'customer');
  const name = text(input.name, 'name', true)!;
  const description = text(input.description, 'description', false);
  if (!(await customerExists(knex, customerId))) throw new NotFoundError(`customer ${customerId} not found`);
  try {
    return { id: await insertGroup(knex, { customerId, name, description }) };
  } catch (e) {
    if (isUniqueViolation(e)) throw new InputError(`customer ${customerId} already has a billing group named ${name}`);
    throw e;
  }
}

function ownCustomer(p: Principal, customerId: string | null): void {
  if (customerId === null) throw ApiError.of(201, 'CustomerId is required.');
  if (BigInt(customerId).toString() !== p.customerId) throw new AdApiError(106);
}

export async function getBillingGroups(knex: Knex, p: Principal, customerId: string | null): Promise<BillingGroup[]> {
  ownCustomer(p, customerId);
  return groupsOfCustomer(knex, p.customerId);
}

export interface UngroupedAccount {
  readonly id: string;
  readonly number: string;
  readonly potentialGroups: readonly { readonly id: string; readonly name: string }[];
}

export async function getUngroupedAccounts(
  knex: Knex,
  p: Principal,
  customerId: string | null,
): Promise<UngroupedAccount[]> {
  ownCustomer(p, customerId);
  const groups = await groupsOfCustomer(knex, p.customerId);
  return (await ungroupedAccounts(knex, p.customerId)).map((a) => ({
    id: a.id,
    number: a.number,
    potentialGroups: potentialGroups(groups, a.currency).map((g) => ({ id: g.id, name: g.name })),
  }));
}

const accountProblem = (code: 2108 | 106 | 4603 | 4604, accountId: string): OperationProblem =>
  code === 106 ? problem(106, `Account ${accountId}.`, AD_API_CODES[106][1]) : problem(code, `Account ${accountId}.`);

/**
 * Adds accounts to the customer's group: SuperAdmin only (1001); an unknown group of the customer is 4602. Each
 * listed account succeeds or gets its own problems (by index, empty for a success); the first account added to an
 * empty group sets the group's currency.
 */
export async function updateBillingGroupAccounts(
  knex: Knex,
  p: Principal,
  input: { customerId: string | null; groupId: string | null; accountIds: readonly (string | null)[] | null },
  now: Date,
): Promise<OperationProblem[][]> {
  ownCustomer(p, input.customerId);
  if (p.role !== 'SuperAdmin') throw ApiError.of(1001);
  if (input.groupId === null) throw ApiError.of(201, 'BillingGroupId is required.');
  const size = batchSizeProblem('AccountsToAdd', input.accountIds?.length ?? null);
  if (size) throw new ApiError(size);
  const ids = input.accountIds!;
  return inTransaction(knex, async (tx) => {
    const group = await lockGroup(tx, p.customerId, input.groupId!);
    if (!group) throw ApiError.of(4602, `BillingGroupId ${input.groupId}.`);
    const accounts = await lockAccountsForGrouping(tx, [...new Set(ids.filter((id) => id !== null))]);
    let currency = group.currency;
    const added = new Set<string>();
    const out: OperationProblem[][] = [];
    for (const id of ids) {
      if (id === null) {
        out.push([problem(201, 'The account id is nil.')]);
        continue;
      }
      const account = accounts.get(id);
      const facts = account && { ...account, groupId: added.has(id) ? group.id : account.groupId };
      const decision = decideGroupAdd({ ...group, currency }, facts);
      if (decision.kind === 'refuse') {
        out.push([accountProblem(decision.code, id)]);
        continue;
      }
      if (decision.kind === 'add') {
        await addMember(tx, group.id, id, now);
        added.add(id);
        if (currency === null) {
          currency = account!.currency;
          await setGroupCurrency(tx, group.id, currency);
        }
      }
      out.push([]);
    }
    return out;
  });
}
