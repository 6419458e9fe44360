// What an operation handler (./handlers/) gets and returns. Handlers map the decoded request to a service
// call and the result to response values; they are thin (STYLE 8): all rules live in src/services and src/rules.
import type { Knex } from 'knex';
import type { Principal } from '../services/auth.ts';
import type { DObject } from './xml-decode.ts';
import type { CouponXmlCache } from './coupon-xml-cache.ts';
import type { XObject } from './xml-writer.ts';

export interface OperationContext {
  readonly knex: Knex;
  readonly principal: Principal;
  readonly now: Date;
  readonly trackingId: string;
  /** This instance's encoded coupon fragments (SearchCoupons). */
  readonly couponXml: CouponXmlCache;
}
export type OperationHandler = (ctx: OperationContext, request: DObject) => Promise<XObject>;

/** Items of a decoded array wrapper (nil items dropped). */
export const list = (v: unknown): readonly DObject[] =>
  (Array.isArray(v) ? (v as DObject[]) : []).filter((x) => x !== null);
export const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
export const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);
