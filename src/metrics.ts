// Prometheus text metrics: request counts by operation and outcome, a latency histogram, and the longest time the
// event loop was held up since the previous scrape. (perf_hooks.monitorEventLoopDelay on Node 20 reported about
// 14 ms for one 150 ms block, so a plain timer measures how late it fires.)

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] as const;

export class Metrics {
  private readonly counts = new Map<string, number>();
  private readonly histogram = new Map<string, { buckets: number[]; sum: number; count: number }>();
  private loopTimer: NodeJS.Timeout | null = null;
  /** Longest lateness of the loop timer since the previous scrape, in ms. */
  private loopDelayMaxMs = 0;

  /** Starts timing the event loop (a 10 ms timer, and how late it fires); the app does, once it is listening. */
  watchEventLoop(): void {
    if (this.loopTimer) return;
    const every = 10;
    let expected = performance.now() + every;
    this.loopTimer = setInterval(() => {
      const now = performance.now();
      this.loopDelayMaxMs = Math.max(this.loopDelayMaxMs, now - expected);
      expected = now + every;
    }, every);
    this.loopTimer.unref();
  }

  stop(): void {
    if (this.loopTimer) clearInterval(this.loopTimer);
    this.loopTimer = null;
  }

  observe(operation: string, outcome: string, seconds: number): void {
    const key = `operation="${operation}",outcome="${outcome}"`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    const h = this.histogram.get(operation) ?? { buckets: BUCKETS.map(() => 0), sum: 0, count: 0 };
    BUCKETS.forEach((b, i) => {
      if (seconds <= b) h.buckets[i]! += 1;
    });
    h.sum += seconds;
    h.count += 1;
    this.histogram.set(operation, h);
  }

  render(extra: Record<string, number> = {}): string {
    const lines = [
      '# HELP billing_requests_total Requests handled, by operation and outcome.',
      '# TYPE billing_requests_total counter',
    ];
    for (const [k, v] of this.counts) lines.push(`billing_requests_total{${k}} ${v}`);
    lines.push(
      '# HELP billing_request_duration_seconds Request latency.',
      '# TYPE billing_request_duration_seconds histogram',
    );
    for (const [op, h] of this.histogram) {
      BUCKETS.forEach((b, i) =>
        lines.push(`billing_request_duration_seconds_bucket{operation="${op}",le="${b}"} ${h.buckets[i]}`),
      );
      lines.push(`billing_request_duration_seconds_bucket{operation="${op}",le="+Inf"} ${h.count}`);
      lines.push(`billing_request_duration_seconds_sum{operation="${op}"} ${h.sum}`);
      lines.push(`billing_request_duration_seconds_count{operation="${op}"} ${h.count}`);
    }
    for (const [name, v] of Object.entries(extra)) lines.push(`# TYPE ${name} gauge`, `${name} ${v}`);
    if (this.loopTimer) {
      // Since the previous scrape: a start-up or an old stall does not hide what happens now.
      lines.push(
        '# HELP nodejs_eventloop_delay_max_seconds Longest event-loop delay since the previous scrape.',
        '# TYPE nodejs_eventloop_delay_max_seconds gauge',
        `nodejs_eventloop_delay_max_seconds ${(this.loopDelayMaxMs / 1000).toFixed(6)}`,
      );
      this.loopDelayMaxMs = 0;
    }
    return `${lines.join('\n')}\n`;
  }
}
