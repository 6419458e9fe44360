// GetBillingGroups, GetUngroupedAccounts and UpdateBillingGroupAccounts: request → service → response values.
import { getBillingGroups, getUngroupedAccounts, updateBillingGroupAccounts } from '../../services/billing-groups.ts';
import { str, type OperationHandler } from '../context.ts';
import type { DObject } from '../xml-decode.ts';

const customerIdOf = (req: DObject): string | null => str(req.CustomerId);

export const getBillingGroupsHandler: OperationHandler = async (ctx, req) => {
  const groups = await getBillingGroups(ctx.knex, ctx.principal, customerIdOf(req));
  return {
    BillingGroups: {
      BillingGroup: groups.map((g) => ({
        BillingGroupId: g.id,
        CustomerId: g.customerId,
        Name: g.name,
        Description: g.description,
      })),
    },
  };
};

export const getUngroupedAccountsHandler: OperationHandler = async (ctx, req) => {
  const accounts = await getUngroupedAccounts(ctx.knex, ctx.principal, customerIdOf(req));
  return {
    UngroupedAccounts: {
      UngroupedAccount: accounts.map((a) => ({
        AccountId: a.id,
        AccountNumber: a.number,
        AccountName: null,
        PotentialBillingGroups: {
          KeyValueEntityOflongstring: a.potentialGroups.map((g) => ({ Key: g.id, Value: g.name })),
        },
      })),
    },
  };
};

export const updateBillingGroupAccountsHandler: OperationHandler = async (ctx, req) => {
  const wrapper = req.AccountsToAdd;
  const ids =
    wrapper === null || wrapper === undefined
      ? null
      : (((wrapper as DObject).long as readonly (string | null)[] | undefined) ?? []).map((v) =>
          typeof v === 'string' ? BigInt(v).toString() : null,
        );
  const outcome = await updateBillingGroupAccounts(
    ctx.knex,
    ctx.principal,
    { customerId: customerIdOf(req), groupId: str(req.BillingGroupId), accountIds: ids },
    ctx.now,
  );
  return {
    PartialErrors: {
      ArrayOfOperationError: outcome.map((problems) => ({
        OperationError: problems.map((e) => ({ Code: e.code, Details: e.details, Message: e.message })),
      })),
    },
  };
};
