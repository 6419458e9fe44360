// CheckFeatureAdoptionCouponEligibility, ClaimFeatureAdoptionCoupons and DistributeCoupons: request → service →
// response values. Request-level problems go to OperationErrors where the response declares them (Claim,
// Distribute; PartialErrors and ClaimedDateByAccountId are then nil); otherwise PartialErrors holds one
// ArrayOfOperationError per request index, empty for the indexes that succeeded, and OperationErrors is empty.
import { ApiError, type OperationProblem } from '../../errors.ts';
import { checkFeatureAdoptionCouponEligibility } from '../../services/check-eligibility.ts';
import {
  claimFeatureAdoptionCoupons,
  type AccountCouponPair,
  type BatchOutcome,
  type ItemOutcome,
} from '../../services/claim-coupons.ts';
import { distributeCoupons } from '../../services/distribute-coupons.ts';
import { num, str, type OperationHandler } from '../context.ts';
import type { DObject } from '../xml-decode.ts';
import type { XObject } from '../xml-writer.ts';

const operationErrors = (problems: readonly OperationProblem[]): XObject => ({
  OperationError: problems.map((e) => ({ Code: e.code, Details: e.details, Message: e.message })),
});

/** OperationErrors and PartialErrors of a batch outcome. */
function errorsOf<T>(outcome: BatchOutcome<ItemOutcome<T>>): {
  OperationErrors: XObject;
  PartialErrors: XObject | null;
} {
  if (outcome.operationErrors)
    return { OperationErrors: operationErrors(outcome.operationErrors), PartialErrors: null };
  return {
    OperationErrors: operationErrors([]),
    PartialErrors: { ArrayOfOperationError: outcome.items.map((o) => operationErrors('ok' in o ? [] : o.errors)) },
  };
}

/** Items of an array wrapper with their positions kept (nil items as null): errors are reported by index. */
function items<T>(wrapper: unknown, field: string): readonly (T | null)[] | null {
  if (wrapper === null || wrapper === undefined) return null;
  return ((wrapper as DObject)[field] as readonly (T | null)[] | undefined) ?? [];
}

export const checkFeatureAdoptionCouponEligibilityHandler: OperationHandler = async (ctx, req) => {
  const featureId = num(req.FeatureId);
  if (featureId === null) throw ApiError.of(201, 'FeatureId is required.');
  const eligible = await checkFeatureAdoptionCouponEligibility(
    ctx.knex,
    ctx.principal,
    { featureId, accountIds: items<string>(req.AccountIds, 'long')?.filter((id) => id !== null) ?? null },
    ctx.now,
  );
  return { EligibleAccountIds: { long: eligible } };
};

export const claimFeatureAdoptionCouponsHandler: OperationHandler = async (ctx, req) => {
  const pairs = items<DObject>(req.AccountCouponPairs, 'KeyValueEntityOflongstring')?.map((p): AccountCouponPair => ({
    accountId: str(p?.Key),
    couponCode: str(p?.Value),
  }));
  const outcome = await claimFeatureAdoptionCoupons(ctx.knex, ctx.principal, pairs ?? null, ctx.now);
  return {
    ClaimedDateByAccountId: outcome.items
      ? {
          KeyValueEntityOflongdateTime: outcome.items.flatMap((o) =>
            'ok' in o ? [{ Key: o.ok.accountId, Value: o.ok.claimDate }] : [],
          ),
        }
      : null,
    ...errorsOf(outcome),
  };
};

export const distributeCouponsHandler: OperationHandler = async (ctx, req) => {
  const ids = items<number>(req.AccountIds, 'int');
  const outcome = await distributeCoupons(
    ctx.knex,
    ctx.principal,
    {
      accountIds: ids?.filter((id) => id !== null).map(String) ?? null,
      className: str(req.ClassName),
      featureId: num(req.FeatureId),
      sendNotification: req.SendNotification === true,
    },
    ctx.now,
  );
  return errorsOf(outcome);
};
