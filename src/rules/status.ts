/** GetCouponInfo's Status byte (SPEC §4). */
import type { OfferStatus } from './types.ts';

const STATUS_BYTES: Readonly<Record<OfferStatus, number>> = {
  Active: 1,
  Depleted: 2,
  Expired: 3,
  NeedsPaymentMethod: 4,
  Pending: 5,
  PendingRedemption: 6,
  Revoked: 7,
};

export function statusByte(status: OfferStatus): number {
  return STATUS_BYTES[status];
}
