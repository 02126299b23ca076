/**
 * HTTP reverse proxy on loopback that spreads requests over healthy replicas
 * (round_robin or least_connections). A connection error before any response
 * byte marks the replica down and, when the request had no body, retries it
 * once on another replica. Supervisors drive rotation through `attach()`.
 */
import net from 'node:net';
import { EventEmitter } from 'node:events';
import type { LoadBalancerStrategy } from '../config/types.ts';
import { AgentupError } from '../errors.ts';
import { LbBackend, type BackendAddress, type BackendStats } from './lb-backend.ts';
import { LatencyHistogram, type LatencySummary } from './latency-histogram.ts';
import { probeTcp } from './health-check.ts';
import { pickBackend } from './lb-pick.ts';
import { ClientConn, type LbContext } from './lb-connection.ts';
import type { ReplicaSnapshot, SupervisorEvent } from './supervisor-events.ts';

export type { BackendAddress, BackendStats } from './lb-backend.ts';

export interface LoadBalancerOptions {
  host?: '127.0.0.1';
  /** 0 or omitted: a free port. */
  port?: number;
  strategy?: LoadBalancerStrategy;
  /** Named in 503 bodies. */
  service?: string;
  /** How often a replica marked down by a connection error is re-tried with a TCP connect. Default 500. */
  downProbeMs?: number;
}

export interface LoadBalancerStats {
  /** Requests answered 503 because no replica was healthy. */
  rejected: number;
  backends: BackendStats[];
}

export type LoadBalancerEventMap = {
  backend_down: [{ ts: number; replica: string; reason: string }];
  backend_up: [{ ts: number; replica: string }];
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
  #rejected = 0;
  readonly #window = new LatencyHistogram();
  #opts: LoadBalancerOptions;

  constructor(options: LoadBalancerOptions = {}) {
    super();
    this.#opts = options;
    this.strategy = options.strategy ?? 'round_robin';
    this.#ctx = {
      pick: (exclude) => pickBackend(this.#backends, this.strategy, this.#next, exclude),
      markDown: (b, reason) => this.#markDown(b, reason),
      countRejected: () => (this.#rejected += 1),
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
    this.#backends.push(new LbBackend({ ...address }, this.#window));
  }

  removeBackend(id: string): void {
    const found = this.#backends.find((b) => b.address.id === id);
    found?.close();
    this.#backends = this.#backends.filter((b) => b !== found);
  }

  /** Takes a backend in or out of rotation (supervisor health); enabling also clears a passive `down`. */
  setEnabled(id: string, enabled: boolean): void {
    const b = this.#backends.find((x) => x.address.id === id);
    if (!b) return;
    b.enabled = enabled;
    if (enabled) this.#markUp(b);
  }

  /** Follows a supervisor: healthy replicas join, failing ones leave. Returns a detach function. */
  attach(source: ReplicaEventSource): () => void {
    for (const r of source.replicas()) {
      this.addBackend({ id: r.id, host: '127.0.0.1', port: r.port });
      this.setEnabled(r.id, r.status === 'healthy' || r.status === 'paused');
    }
    const onEvent = (e: SupervisorEvent): void => {
      if (e.type === 'replica_healthy') {
        this.addBackend({ id: e.replica, host: '127.0.0.1', port: e.port });
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
    return { rejected: this.#rejected, backends: this.#backends.map((b) => b.stats()) };
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
