/**
 * Prometheus text-format metrics of one process: request counts by route template and status, push and pull
 * latency histograms. Gauges read at scrape time (leases held, SSE clients, pool) are added by the route. Labels
 * are route templates and status codes only — never ids, names or addresses.
 */

const BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

class Histogram {
  private readonly counts = BUCKETS_S.map(() => 0);
  private sum = 0;
  private count = 0;

  observe(seconds: number): void {
    BUCKETS_S.forEach((bound, index) => {
      if (seconds <= bound) this.counts[index] = (this.counts[index] ?? 0) + 1;
    });
    this.sum += seconds;
    this.count += 1;
  }

  render(name: string, help: string): string[] {
    return [
      `# HELP ${name} ${help}`,
      `# TYPE ${name} histogram`,
      ...BUCKETS_S.map((bound, index) => `${name}_bucket{le="${bound}"} ${this.counts[index]}`),
      `${name}_bucket{le="+Inf"} ${this.count}`,
      `${name}_sum ${this.sum}`,
      `${name}_count ${this.count}`,
    ];
  }
}

/** The counters and histograms of one server process. */
export class ServerMetrics {
  private readonly requests = new Map<string, number>();
  readonly pushSeconds = new Histogram();
  readonly pullSeconds = new Histogram();

  /** Counts one answered request; `route` is the matched template (`/v1/push`), never the raw URL. */
  countRequest(method: string, route: string, status: number): void {
    const key = `method="${method}",route="${route}",status="${status}"`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
  }

  /** The text of `/metrics`, with the scrape-time gauges given by the caller. */
  render(gauges: Readonly<Record<string, { help: string; value: number }>>): string {
    const lines = ['# HELP cpa_sync_requests_total Requests answered, by route template and status.', '# TYPE cpa_sync_requests_total counter'];
    for (const [labels, value] of this.requests) lines.push(`cpa_sync_requests_total{${labels}} ${value}`);
    lines.push(...this.pushSeconds.render('cpa_sync_push_duration_seconds', 'Time to answer a push.'));
    lines.push(...this.pullSeconds.render('cpa_sync_pull_duration_seconds', 'Time to answer a pull.'));
    for (const [name, gauge] of Object.entries(gauges)) lines.push(`# HELP ${name} ${gauge.help}`, `# TYPE ${name} gauge`, `${name} ${gauge.value}`);
    return `${lines.join('\n')}\n`;
  }
}
