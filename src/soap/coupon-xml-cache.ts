// The encoded XML of a coupon's fixed part, once per coupon version. A page of SearchCoupons is mostly the same
// coupons again and again; what they show only changes when the row changes, and every update of a coupon bumps its
// xml_version (a trigger, whichever instance writes), so (id, version) names one exact text on every instance.
// Only what every viewer sees is cached (CouponCode … IsRedeemed); RedemptionInfo and ClaimInfo depend on the viewer
// and on live offer state and are written per call.

/** A bounded least-recently-used map from (coupon id, version) to encoded XML text. */
export class CouponXmlCache {
  private readonly entries = new Map<string, string>();
  hits = 0;
  misses = 0;

  constructor(readonly maxEntries: number) {}

  /** The cached text for the coupon's version, else `write()`'s, kept for next time (unless the cache is off). */
  get(id: string, version: number, write: () => string): string {
    const known = this.peek(id, version);
    if (known !== undefined) return known;
    this.misses++;
    const text = write();
    if (this.maxEntries <= 0) return text;
    this.entries.set(`${id}:${version}`, text);
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    return text;
  }

  /** The cached text for the coupon's version, if there is one (it becomes the most recently used). */
  peek(id: string, version: number): string | undefined {
    const key = `${id}:${version}`;
    const known = this.entries.get(key);
    if (known === undefined) return undefined;
    this.hits++;
    // Re-inserted, so it is the most recently used; Map keeps insertion order.
    this.entries.delete(key);
    this.entries.set(key, known);
    return known;
  }

  get size(): number {
    return this.entries.size;
  }
}
