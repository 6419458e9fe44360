// The SOAP operations this service implements; every other operation of the contract answers code 204.
import { ApiError } from '../errors.ts';
import type { OperationHandler } from './context.ts';
import { getAccountMonthlySpendHandler, getCouponInfoHandler, redeemCouponHandler } from './handlers/offers.ts';
import {
  checkFeatureAdoptionCouponEligibilityHandler,
  claimFeatureAdoptionCouponsHandler,
  distributeCouponsHandler,
} from './handlers/claims.ts';
import { getBillingDocumentsHandler, getBillingDocumentsInfoHandler } from './handlers/billing-documents.ts';
import {
  getBillingGroupsHandler,
  getUngroupedAccountsHandler,
  updateBillingGroupAccountsHandler,
} from './handlers/billing-groups.ts';
import { dispatchCouponsHandler } from './handlers/dispatch-coupons.ts';
import {
  addInsertionOrderHandler,
  searchInsertionOrdersHandler,
  updateInsertionOrderHandler,
} from './handlers/insertion-orders.ts';
import { searchCouponsHandler } from './handlers/search-coupons.ts';

export const HANDLERS: ReadonlyMap<string, OperationHandler> = new Map([
  ['SearchCoupons', searchCouponsHandler],
  ['DispatchCoupons', dispatchCouponsHandler],
  ['RedeemCoupon', redeemCouponHandler],
  ['GetCouponInfo', getCouponInfoHandler],
  ['GetAccountMonthlySpend', getAccountMonthlySpendHandler],
  ['CheckFeatureAdoptionCouponEligibility', checkFeatureAdoptionCouponEligibilityHandler],
  ['ClaimFeatureAdoptionCoupons', claimFeatureAdoptionCouponsHandler],
  ['DistributeCoupons', distributeCouponsHandler],
  ['GetBillingDocumentsInfo', getBillingDocumentsInfoHandler],
  ['GetBillingDocuments', getBillingDocumentsHandler],
  ['GetBillingGroups', getBillingGroupsHandler],
  ['GetUngroupedAccounts', getUngroupedAccountsHandler],
  ['UpdateBillingGroupAccounts', updateBillingGroupAccountsHandler],
  ['AddInsertionOrder', addInsertionOrderHandler],
  ['UpdateInsertionOrder', updateInsertionOrderHandler],
  ['SearchInsertionOrders', searchInsertionOrdersHandler],
]);

export function notSupported(operation: string): never {
  throw ApiError.of(204, `${operation} is not supported by this service yet.`);
}
