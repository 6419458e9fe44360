// Per-user call-rate limit of the SOAP endpoint (SPEC §2, code 117): one token bucket per authenticated user,
// holding up to a minute's allowance and refilled continuously, so a burst is fine, a sustained excess is
// refused, and one user hammering an instance never uses up another user's calls. Buckets live in this
// process: with several instances each enforces the limit on the calls it serves.

export interface Throttle {
  /** Takes one call from the user's bucket: 0 when allowed, else the milliseconds until the next call is. */
  take(userId: string): number;
  /** Users with a bucket held in memory. */
  size(): number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** Buckets kept before full ones (which are the same as no bucket) are dropped. */
const SWEEP_AT = 10_000;

/** A limit of `perMinute` calls per user (0 = no limit); `now` is a monotonic millisecond clock. */
export function createThrottle(perMinute: number, now: () => number = () => performance.now()): Throttle {
  if (perMinute <= 0) return { take: () => 0, size: () => 0 };
  const capacity = perMinute;
  const perMs = perMinute / 60_000;
  const buckets = new Map<string, Bucket>();
  // Sweeps cost a pass over the map; after one, the next waits until the map has doubled (amortised O(1)).
  let sweepAt = SWEEP_AT;
  const level = (b: Bucket, t: number): number => Math.min(capacity, b.tokens + (t - b.at) * perMs);

  return {
    take(userId) {
      const t = now();
      let b = buckets.get(userId);
      if (!b) {
        if (buckets.size >= sweepAt) {
          for (const [k, v] of buckets) if (level(v, t) >= capacity) buckets.delete(k);
          sweepAt = Math.max(SWEEP_AT, buckets.size * 2);
        }
        b = { tokens: capacity, at: t };
        buckets.set(userId, b);
      }
      b.tokens = level(b, t);
      b.at = t;
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return 0;
      }
      return Math.max(1, Math.ceil((1 - b.tokens) / perMs));
    },
    size: () => buckets.size,
  };
}
