// The SOAP operations this service implements; every other operation of the contract answers code 204.
import { ApiError } from '../errors.ts';
import type { OperationHandler } from './context.ts';
import { searchCouponsHandler } from './handlers/search-coupons.ts';

export const HANDLERS: ReadonlyMap<string, OperationHandler> = new Map([['SearchCoupons', searchCouponsHandler]]);

export function notSupported(operation: string): never {
  throw ApiError.of(204, `${operation} is not supported by this service yet.`);
}
