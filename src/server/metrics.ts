/** Request counters and latency histogram, rendered in the Prometheus text format. */

const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

interface Hist {
  counts: number[];
  sum: number;
  count: number;
}

export class Metrics {
  private requests = new Map<string, number>();
  private durations = new Map<string, Hist>();
  reloads = { ok: 0, failed: 0 };
  /** The last reload's failure, while no later reload succeeded: /health reports it. */
  lastReloadError?: { message: string; at: string; commit?: string };
  readonly started = Date.now();

  observe(method: string, route: string, status: number, seconds: number): void {
    const key = `${method}\u0000${route}\u0000${status}`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    let h = this.durations.get(route);
    if (!h) this.durations.set(route, (h = { counts: new Array(BUCKETS.length).fill(0), sum: 0, count: 0 }));
    for (let i = 0; i < BUCKETS.length; i++) {
      if (seconds <= BUCKETS[i]) {
        h.counts[i]++;
        break;
      }
    }
    h.sum += seconds;
    h.count++;
  }

  render(gauges: Record<string, { help: string; value: number }>): string {
    const out: string[] = [];
    out.push('# HELP llm_schema_http_requests_total HTTP requests answered, by method, route and status.');
    out.push('# TYPE llm_schema_http_requests_total counter');
    for (const [key, n] of [...this.requests].sort()) {
      const [method, route, status] = key.split('\u0000');
      out.push(`llm_schema_http_requests_total{method="${esc(method)}",route="${esc(route)}",status="${status}"} ${n}`);
    }
    out.push('# HELP llm_schema_http_request_duration_seconds Time to answer a request, by route.');
    out.push('# TYPE llm_schema_http_request_duration_seconds histogram');
    for (const [route, h] of [...this.durations].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      let cum = 0;
      for (let i = 0; i < BUCKETS.length; i++) {
        cum += h.counts[i];
        out.push(`llm_schema_http_request_duration_seconds_bucket{route="${esc(route)}",le="${BUCKETS[i]}"} ${cum}`);
      }
      out.push(`llm_schema_http_request_duration_seconds_bucket{route="${esc(route)}",le="+Inf"} ${h.count}`);
      out.push(`llm_schema_http_request_duration_seconds_sum{route="${esc(route)}"} ${h.sum}`);
      out.push(`llm_schema_http_request_duration_seconds_count{route="${esc(route)}"} ${h.count}`);
    }
    out.push('# HELP llm_schema_snapshot_reloads_total Snapshot reloads, by result.');
    out.push('# TYPE llm_schema_snapshot_reloads_total counter');
    out.push(`llm_schema_snapshot_reloads_total{result="ok"} ${this.reloads.ok}`);
    out.push(`llm_schema_snapshot_reloads_total{result="failed"} ${this.reloads.failed}`);
    for (const [name, g] of Object.entries(gauges)) {
      out.push(`# HELP ${name} ${g.help}`);
      out.push(`# TYPE ${name} gauge`);
      out.push(`${name} ${g.value}`);
    }
    return out.join('\n') + '\n';
  }
}

function esc(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
