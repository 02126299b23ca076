import type { TopologySample } from '../runtime/types.ts';

/** Request figures over one second, overall or for one replica. */
export interface TrafficSecond {
  rps: number;
  /** Failed / all, 0..1: 5xx answers, broken connections and 503s for lack of a replica. */
  errorRate: number;
  p50Ms: number;
  p99Ms: number;
}

export interface ReplicaSecond extends TrafficSecond {
  status: string;
  restarts: number;
  rssBytes: number;
  /** Percent of one core over the second. */
  cpuPercent: number;
}

export interface MetricsSecond {
  /** End of the second (epoch ms). */
  ts: number;
  overall: TrafficSecond;
  replicas: Record<string, ReplicaSecond>;
  /** Per fault-proxy link: bytes per second each way and open connections. */
  dependencies: Record<string, { bytesInPerSec: number; bytesOutPerSec: number; connections: number }>;
  apis: Record<string, { rps: number; rateLimitedPerSec: number; faultsPerSec: number }>;
}

const perSec = (delta: number, ms: number): number => (ms > 0 ? (delta * 1000) / ms : 0);
const ratio = (bad: number, all: number): number => (all > 0 ? bad / all : 0);

function retriesOf(s: TopologySample): number {
  const r = s.loadBalancer?.stats.retries;
  return r ? r.refused + r.reset + r.bad_response : 0;
}

function failures(b: { byClass: Record<string, number>; errors: number }): number {
  return (b.byClass['5xx'] ?? 0) + b.errors;
}

/**
 * Turns raw counter samples into per-second time series (the terminal UI's
 * charts, reports, matchers) and Prometheus text.
 */
export class MetricsCollector {
  readonly #series: MetricsSecond[] = [];
  #previous: TopologySample | null = null;
  #timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly sample: (options?: { latencyWindow?: boolean }) => TopologySample,
    private readonly options: { intervalMs?: number; keepSeconds?: number } = {},
  ) {}

  start(onSecond: (second: MetricsSecond) => void): void {
    this.#previous = this.sample();
    this.#timer = setInterval(() => onSecond(this.tick()), this.options.intervalMs ?? 1000);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** Takes a sample now and appends the second it closes. */
  tick(): MetricsSecond {
    const now = this.sample();
    const before = this.#previous ?? now;
    this.#previous = now;
    const second = diff(before, now);
    this.#series.push(second);
    const keep = this.options.keepSeconds ?? 3600;
    if (this.#series.length > keep) this.#series.splice(0, this.#series.length - keep);
    return second;
  }

  series(): readonly MetricsSecond[] {
    return this.#series;
  }

  /** Every counter as of now, in Prometheus text format 0.0.4 (leaves the per-second windows alone). */
  prometheus(): string {
    return prometheusText(this.sample({ latencyWindow: false }));
  }
}

function diff(a: TopologySample, b: TopologySample): MetricsSecond {
  const ms = Math.max(1, b.ts - a.ts);
  const replicas: Record<string, ReplicaSecond> = {};
  let allRequests = 0;
  let allFailures = 0;
  for (const backend of b.loadBalancer?.stats.backends ?? []) {
    const old = a.loadBalancer?.stats.backends.find((x) => x.id === backend.id);
    const requests = backend.requests + backend.errors - (old ? old.requests + old.errors : 0);
    const failed = failures(backend) - (old ? failures(old) : 0);
    allRequests += requests;
    allFailures += failed;
    const snap = b.replicas.find((r) => r.id === backend.id);
    const cpuBefore = a.replicas.find((r) => r.id === backend.id)?.cpuSeconds ?? snap?.cpuSeconds ?? 0;
    const window = b.loadBalancer?.window?.backends[backend.id];
    replicas[backend.id] = {
      rps: perSec(requests, ms),
      errorRate: ratio(failed, requests),
      p50Ms: window?.p50Ms ?? 0,
      p99Ms: window?.p99Ms ?? 0,
      status: snap?.status ?? 'unknown',
      restarts: snap?.restarts ?? 0,
      rssBytes: snap?.rssBytes ?? 0,
      cpuPercent: snap ? Math.max(0, ((snap.cpuSeconds - cpuBefore) * 100_000) / ms) : 0,
    };
  }
  // Replicas the load balancer does not front still get their process figures.
  for (const snap of b.replicas) {
    if (replicas[snap.id]) continue;
    const cpuBefore = a.replicas.find((r) => r.id === snap.id)?.cpuSeconds ?? snap.cpuSeconds;
    replicas[snap.id] = { rps: 0, errorRate: 0, p50Ms: 0, p99Ms: 0, status: snap.status, restarts: snap.restarts, rssBytes: snap.rssBytes, cpuPercent: Math.max(0, ((snap.cpuSeconds - cpuBefore) * 100_000) / ms) };
  }
  const rejected = (b.loadBalancer?.stats.rejected ?? 0) - (a.loadBalancer?.stats.rejected ?? 0);
  allRequests += rejected;
  allFailures += rejected;
  // A retried attempt is a replica's error but not a client's: the retry answered it.
  const retried = retriesOf(b) - retriesOf(a);
  allRequests -= retried;
  allFailures -= retried;
  const dependencies: MetricsSecond['dependencies'] = {};
  for (const p of b.proxies) {
    const old = a.proxies.find((x) => x.name === p.name);
    dependencies[p.name] = {
      bytesInPerSec: perSec(p.downstreamBytes.sentBytes - (old?.downstreamBytes.sentBytes ?? 0), ms),
      bytesOutPerSec: perSec(p.upstreamBytes.sentBytes - (old?.upstreamBytes.sentBytes ?? 0), ms),
      connections: p.connectionsOpen,
    };
  }
  const apis: MetricsSecond['apis'] = {};
  for (const [name, c] of Object.entries(b.apis)) {
    const old = a.apis[name];
    apis[name] = {
      rps: perSec(c.requests - (old?.requests ?? 0), ms),
      rateLimitedPerSec: perSec(c.rateLimited - (old?.rateLimited ?? 0), ms),
      faultsPerSec: perSec(c.faultsFired - (old?.faultsFired ?? 0), ms),
    };
  }
  const overallWindow = b.loadBalancer?.window?.overall;
  return {
    ts: b.ts,
    overall: { rps: perSec(allRequests, ms), errorRate: ratio(allFailures, allRequests), p50Ms: overallWindow?.p50Ms ?? 0, p99Ms: overallWindow?.p99Ms ?? 0 },
    replicas,
    dependencies,
    apis,
  };
}

const label = (v: string): string => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

function prometheusText(s: TopologySample): string {
  const out: string[] = [];
  const metric = (name: string, type: 'counter' | 'gauge', help: string, rows: Array<[Record<string, string>, number]>) => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of rows) {
      const l = Object.entries(labels).map(([k, v]) => `${k}="${label(v)}"`).join(',');
      out.push(`${name}${l ? `{${l}}` : ''} ${Number.isFinite(value) ? value : 0}`);
    }
  };
  const backends = s.loadBalancer?.stats.backends ?? [];
  metric('agentup_lb_responses_total', 'counter', 'Responses relayed by the load balancer, by replica and status.', backends.flatMap((b) => Object.entries(b.byStatus).map(([status, n]): [Record<string, string>, number] => [{ replica: b.id, status }, n])));
  metric('agentup_lb_errors_total', 'counter', 'Broken connections to a replica.', backends.map((b) => [{ replica: b.id }, b.errors]));
  metric('agentup_lb_inflight', 'gauge', 'Requests the load balancer has sent to the replica and not yet answered.', backends.map((b) => [{ replica: b.id }, b.inflight]));
  metric('agentup_lb_rejected_total', 'counter', 'Requests answered 503 because no replica was healthy.', [[{}, s.loadBalancer?.stats.rejected ?? 0]]);
  metric('agentup_lb_retries_total', 'counter', 'Requests sent to another replica after a failure, by why the first attempt failed.', Object.entries(s.loadBalancer?.stats.retries ?? {}).map(([reason, n]): [Record<string, string>, number] => [{ reason }, n]));
  metric('agentup_lb_latency_ms', 'gauge', 'Latency through the load balancer since start, by replica.', backends.flatMap((b) => [
    [{ replica: b.id, quantile: '0.5' }, b.latency.p50Ms] as [Record<string, string>, number],
    [{ replica: b.id, quantile: '0.99' }, b.latency.p99Ms] as [Record<string, string>, number],
  ]));
  metric('agentup_replica_up', 'gauge', '1 when the replica is healthy.', s.replicas.map((r) => [{ replica: r.id, service: r.service }, r.status === 'healthy' ? 1 : 0]));
  metric('agentup_replica_restarts_total', 'counter', 'Restarts of the replica.', s.replicas.map((r) => [{ replica: r.id, service: r.service }, r.restarts]));
  metric('agentup_replica_rss_bytes', 'gauge', 'Resident memory of the replica process tree.', s.replicas.map((r) => [{ replica: r.id, service: r.service }, r.rssBytes]));
  metric('agentup_replica_cpu_seconds_total', 'counter', 'CPU time of the replica process tree.', s.replicas.map((r) => [{ replica: r.id, service: r.service }, r.cpuSeconds]));
  metric('agentup_proxy_bytes_total', 'counter', 'Bytes through a fault-proxy link; direction upstream is service to dependency.', s.proxies.flatMap((p) => [
    [{ proxy: p.name, direction: 'upstream' }, p.upstreamBytes.sentBytes] as [Record<string, string>, number],
    [{ proxy: p.name, direction: 'downstream' }, p.downstreamBytes.sentBytes] as [Record<string, string>, number],
  ]));
  metric('agentup_proxy_connections', 'gauge', 'Open connections through a fault-proxy link.', s.proxies.map((p) => [{ proxy: p.name }, p.connectionsOpen]));
  const apis = Object.entries(s.apis);
  metric('agentup_api_requests_total', 'counter', 'Requests to a mock API.', apis.map(([api, c]) => [{ api }, c.requests]));
  metric('agentup_api_rate_limited_total', 'counter', 'Requests a mock API refused with 429.', apis.map(([api, c]) => [{ api }, c.rateLimited]));
  metric('agentup_api_faults_total', 'counter', 'HTTP faults a mock API fired.', apis.map(([api, c]) => [{ api }, c.faultsFired]));
  return `${out.join('\n')}\n`;
}
