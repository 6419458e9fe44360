// Coupon codes: 13 characters from a 31-symbol alphabet without look-alikes (no 0/O, 1/I/L), drawn from a
// CSPRNG by rejection sampling (no modulo bias): 13 × log2(31) ≈ 64.4 bits of entropy. Codes are matched
// case-insensitively after trimming.
import { randomBytes } from 'node:crypto';

export const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const CODE_LENGTH = 13;
const LIMIT = 256 - (256 % CODE_ALPHABET.length);

export function newCouponCode(): string {
  let code = '';
  while (code.length < CODE_LENGTH) {
    for (const b of randomBytes(CODE_LENGTH * 2)) {
      if (b >= LIMIT) continue;
      code += CODE_ALPHABET[b % CODE_ALPHABET.length];
      if (code.length === CODE_LENGTH) break;
    }
  }
  return code;
}

export function normalizeCode(input: string): string {
  return input.trim().toUpperCase();
}
