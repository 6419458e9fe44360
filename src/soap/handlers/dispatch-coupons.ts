// DispatchCoupons: request → service → PartialErrors. A dispatch with no per-email failure answers an empty
// ArrayOfBatchError rather than nil, so clients can iterate PartialErrors without a null check.
import { dispatchCoupons } from '../../services/dispatch-coupons.ts';
import { str, type OperationHandler } from '../context.ts';
import type { DObject } from '../xml-decode.ts';

export const dispatchCouponsHandler: OperationHandler = async (ctx, req) => {
  const wrapper = req.SendToEmails as DObject | null | undefined;
  // Items keep their positions (nil ones included): the BatchError Index is the email's index in the request.
  const items = wrapper ? ((wrapper.string as readonly (string | null)[] | undefined) ?? []) : null;
  const result = await dispatchCoupons(
    ctx.knex,
    ctx.principal,
    {
      customerId: str(req.CustomerId),
      couponClassName: str(req.CouponClassName),
      sendToEmails: items?.map((v) => (typeof v === 'string' ? v : null)) ?? null,
    },
    ctx.now,
  );
  return {
    PartialErrors: {
      BatchError: result.errors.map((e) => ({ Code: e.code, Details: e.details, Index: e.index, Message: e.message })),
    },
  };
};
