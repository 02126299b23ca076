/**
 * HTTP reverse proxy on loopback that spreads requests over healthy replicas
 * (round_robin or least_connections). A connection error before any response
 * byte marks the replica down and retries the request on another replica:
 * by default only a request without a body, once; with `retries` as
 * configured (lb-retry.ts). Every request carries an X-Request-Id to the
 * replica. Supervisors drive rotation through `attach()`.
 */
import net from 'node:net';
import { EventEmitter } from 'node:events';
import type { LoadBalancerRetries, LoadBalancerStrategy } from '../config/types.ts';
import { AgentupError } from '../errors.ts';
import { LbBackend, type BackendAddress, type BackendStats } from './lb-backend.ts';
import { LatencyHistogram, type LatencySummary } from './latency-histogram.ts';
import { probeTcp } from './health-check.ts';
import { pickBackend } from './lb-pick.ts';
import { ClientConn, type LbContext } from './lb-connection.ts';
import type { ReplicaSnapshot, SupervisorEvent } from './supervisor-events.ts';
import { emptyRetryCounts, retryPolicy, type RetryCounts, type RetryReason } from './lb-retry.ts';
import { pickVersioned, VersionGroup, type VersionRouting, type VersionStats, type VersionWindowStats } from './lb-versions.ts';

export type { BackendAddress, BackendStats } from './lb-backend.ts';
export type { VersionRouting, VersionStats, VersionWindowStats } from './lb-versions.ts';
export type { RetryCounts, RetryReason } from './lb-retry.ts';

export interface LoadBalancerOptions {
  host?: '127.0.0.1';
  /** 0 or omitted: a free port. */
  port?: number;
  strategy?: LoadBalancerStrategy;
  /** Named in 503 bodies. */
  service?: string;
  /** How often a replica marked down by a connection error is re-tried with a TCP connect. Default 500. */
  downProbeMs?: number;
  /**
   * Retries of requests that failed before any response byte (`load_balancer.retries`).
   * Omitted or null: only requests without a body are retried, once.
   */
  retries?: Partial<LoadBalancerRetries> | null;
}

export interface LoadBalancerStats {
  /** Requests answered 503 because no replica was healthy. */
  rejected: number;
  /** Requests sent to another replica after a failure, by why the first attempt failed. */
  retries: RetryCounts;
  backends: BackendStats[];
  /** Per version, when the service has two (current first). */
  versions?: VersionStats[];
}

export type LoadBalancerEventMap = {
  backend_down: [{ ts: number; replica: string; reason: string }];
  backend_up: [{ ts: number; replica: string }];
  /** A request that failed on `replica` was sent to `to`. */
  retry: [{ ts: number; replica: string; to: string; reason: RetryReason; method: string }];
};

/** What `attach()` needs from a supervisor. */
export interface ReplicaEventSource {
  on(event: 'event', listener: (e: SupervisorEvent) => void): unknown;
  off(event: 'event', listener: (e: SupervisorEvent) => void): unknown;
  replicas(): ReplicaSnapshot[];
}

const OUT_OF_ROTATION = new Set<SupervisorEvent['type']>(['replica_starting', 'replica_unhealthy', 'replica_crashed', 'replica_oom_killed', 'replica_restarting', 'replica_stopped']);

export class LoadBalancer extends EventEmitter<LoadBalancerEventMap> {
  readonly host = '127.0.0.1';
  readonly strategy: LoadBalancerStrategy;
  #server: net.Server;
  #clients = new Set<net.Socket>();
  #ctx: LbContext;
  #backends: LbBackend[] = [];
  #next = { value: 0 };
  /** Null for a service with one version: requests then take the plain pick, as before versions existed. */
  #groups: VersionGroup[] | null = null;
  #rejected = 0;
  readonly #retries = emptyRetryCounts();
  readonly #window = new LatencyHistogram();
  #opts: LoadBalancerOptions;

  constructor(options: LoadBalancerOptions = {}) {
    super();
    this.#opts = options;
    this.strategy = options.strategy ?? 'round_robin';
    this.#ctx = {
      pick: (exclude) => (this.#groups === null ? pickBackend(this.#backends, this.strategy, this.#next, exclude) : pickVersioned(this.#groups, this.strategy, exclude)),
      markDown: (b, reason) => this.#markDown(b, reason),
      countRejected: () => (this.#rejected += 1),
      countRetry: (reason, from, to, method) => {
        this.#retries[reason] += 1;
        this.emit('retry', { ts: Date.now(), replica: from.address.id, to: to.address.id, reason, method });
      },
      retry: retryPolicy(options.retries),
      service: options.service,
    };
    this.#server = net.createServer((socket) => {
      this.#clients.add(socket);
      socket.once('close', () => this.#clients.delete(socket));
      new ClientConn(socket, this.#ctx);
    });
  }

  get port(): number {
    return (this.#server.address() as net.AddressInfo).port;
  }
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async listen(): Promise<void> {
    const port = this.#opts.port ?? 0;
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', (err: NodeJS.ErrnoException) =>
        reject(err.code === 'EADDRINUSE'
          ? new AgentupError(`load balancer port ${port} is in use`, { hint: 'set load_balancer.port to a free port or leave it out for a free one', cause: err })
          : err),
      );
      this.#server.listen(port, '127.0.0.1', () => resolve());
    });
  }

  /** Replaces the backend set; counters survive for ids that stay. */
  setBackends(list: BackendAddress[]): void {
    const keep = new Set(list.map((b) => b.id));
    for (const b of this.#backends) if (!keep.has(b.address.id)) b.close();
    this.#backends = this.#backends.filter((b) => keep.has(b.address.id));
    for (const b of list) this.addBackend(b);
  }

  addBackend(address: BackendAddress): void {
    const existing = this.#backends.find((b) => b.address.id === address.id);
    if (existing && existing.address.port === address.port && existing.address.host === address.host) return;
    if (existing) this.removeBackend(address.id);
    const backend = new LbBackend({ ...address }, this.#window);
    if (address.version !== undefined) {
      backend.group = this.#group(address.version);
      backend.group.backends.push(backend);
    }
    this.#backends.push(backend);
  }

  removeBackend(id: string): void {
    const found = this.#backends.find((b) => b.address.id === id);
    found?.close();
    this.#backends = this.#backends.filter((b) => b !== found);
    const members = found?.group?.backends;
    if (members) members.splice(members.indexOf(found!), 1);
  }

  /**
   * Declares the versions in order (current first) with their starting
   * weights in percent; replicas join a version through `attach(source, version)`.
   */
  defineVersions(versions: Array<{ name: string; weight: number }>): void {
    for (const v of versions) this.#group(v.name);
    this.setWeights(Object.fromEntries(versions.map((v) => [v.name, v.weight])));
  }

  /** Percent per version (summing to 100); takes effect from the next request, in-flight ones finish where they are. */
  setWeights(weights: Record<string, number>): void {
    const groups = this.#groups ?? [];
    const unknown = Object.keys(weights).filter((name) => !groups.some((g) => g.name === name));
    const total = Object.values(weights).reduce((a, b) => a + b, 0);
    const hint = 'give each version a percentage from 0 to 100, summing to 100';
    if (unknown.length > 0) {
      throw new AgentupError(`version weights ${JSON.stringify(weights)} name ${unknown.join(', ')}, not one of the versions ${groups.map((g) => g.name).join(', ') || '(none)'}`, { hint });
    }
    if (Object.values(weights).some((w) => !(w >= 0)) || Math.abs(total - 100) > 1e-9) {
      throw new AgentupError(`version weights ${JSON.stringify(weights)} must be 0 or more and add up to 100, not ${total}`, { hint });
    }
    for (const g of groups) {
      g.weight = weights[g.name] ?? 0;
      g.current = 0;
    }
  }

  /** The rollout's view of this load balancer; null when the service has one version. */
  versionRouting(service: string): VersionRouting | null {
    if (this.#groups === null) return null;
    const groups = this.#groups;
    return {
      service,
      versions: () => groups.map((g) => g.stats()),
      setWeights: (weights) => this.setWeights(weights),
      takeWindow: (window) => {
        const out: Record<string, VersionWindowStats> = {};
        for (const g of groups) out[g.name] = g.windows[window].take();
        return out;
      },
    };
  }

  #group(name: string): VersionGroup {
    this.#groups ??= [];
    let g = this.#groups.find((x) => x.name === name);
    if (!g) this.#groups.push((g = new VersionGroup(name)));
    return g;
  }

  /** Takes a backend in or out of rotation (supervisor health); enabling also clears a passive `down`. */
  setEnabled(id: string, enabled: boolean): void {
    const b = this.#backends.find((x) => x.address.id === id);
    if (!b) return;
    b.enabled = enabled;
    if (enabled) this.#markUp(b);
  }

  /** Follows a supervisor: healthy replicas join, failing ones leave. Returns a detach function. */
  attach(source: ReplicaEventSource, version?: string): () => void {
    const tag = version === undefined ? {} : { version };
    for (const r of source.replicas()) {
      this.addBackend({ id: r.id, host: '127.0.0.1', port: r.port, ...tag });
      this.setEnabled(r.id, r.status === 'healthy' || r.status === 'paused');
    }
    const onEvent = (e: SupervisorEvent): void => {
      if (e.type === 'replica_healthy') {
        this.addBackend({ id: e.replica, host: '127.0.0.1', port: e.port, ...tag });
        this.setEnabled(e.replica, true);
      } else if (OUT_OF_ROTATION.has(e.type)) {
        this.setEnabled(e.replica, false);
      }
    };
    source.on('event', onEvent);
    return () => source.off('event', onEvent);
  }

  /**
   * Latency since the previous call, overall and per replica, then starts a
   * new window: what per-second charts and percentiles need (cumulative
   * histograms cannot give the p99 of the last second).
   */
  takeLatencyWindow(): { overall: LatencySummary; backends: Record<string, LatencySummary> } {
    const backends: Record<string, LatencySummary> = {};
    for (const b of this.#backends) {
      backends[b.address.id] = b.windowLatency.summary();
      b.windowLatency.reset();
    }
    const overall = this.#window.summary();
    this.#window.reset();
    return { overall, backends };
  }

  stats(): LoadBalancerStats {
    const stats: LoadBalancerStats = { rejected: this.#rejected, retries: { ...this.#retries }, backends: this.#backends.map((b) => b.stats()) };
    if (this.#groups) stats.versions = this.#groups.map((g) => g.stats());
    return stats;
  }

  async close(): Promise<void> {
    for (const b of this.#backends) b.close();
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const socket of this.#clients) socket.destroy();
    await closed;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #markDown(b: LbBackend, reason: string): void {
    if (b.down) return;
    b.down = true;
    this.emit('backend_down', { ts: Date.now(), replica: b.address.id, reason });
    // Without a supervisor to say otherwise, a replica comes back when it accepts connections.
    b.probeTimer = setInterval(() => {
      void probeTcp(b.address.port, 1000, b.address.host).then((r) => {
        if (r.ok && b.down && b.probeTimer) this.#markUp(b);
      });
    }, this.#opts.downProbeMs ?? 500);
    b.probeTimer.unref();
  }

  #markUp(b: LbBackend): void {
    if (b.probeTimer) clearInterval(b.probeTimer);
    b.probeTimer = null;
    if (!b.down) return;
    b.down = false;
    this.emit('backend_up', { ts: Date.now(), replica: b.address.id });
  }
}

export async function startLoadBalancer(options: LoadBalancerOptions = {}): Promise<LoadBalancer> {
  const lb = new LoadBalancer(options);
  await lb.listen();
  return lb;
}
