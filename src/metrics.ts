// Prometheus text metrics: request counts by operation and outcome, and a latency histogram.
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] as const;

export class Metrics {
  private readonly counts = new Map<string, number>();
  private readonly histogram = new Map<string, { buckets: number[]; sum: number; count: number }>();

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
    return `${lines.join('\n')}\n`;
  }
}
