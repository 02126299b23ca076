import type { EventEmitter } from 'node:events';
import type { Environment } from '../config/types.ts';
import type { Plan } from '../plan/types.ts';
import type { ReplicaSnapshot } from '../services/supervisor-events.ts';
import type { LogLine } from '../services/log-lines.ts';
import type { SimEvent } from '../sim/events.ts';
import type { MockApiCounters, RunningMockApi } from '../services/mock-api/index.ts';
import type { LoadBalancerStats } from '../services/load-balancer.ts';
import type { LatencySummary } from '../services/latency-histogram.ts';
import type { ProxyStats } from '../proxy/types.ts';

/** Where something running can be reached. Real = the server itself; proxied = through the fault proxy. */
export interface DependencyEndpoint {
  name: string;
  kind: 'redis' | 'postgres';
  /** URL of the real server, for tools that must bypass faults. */
  url: string;
  /** URL services use: through the fault proxy. */
  proxiedUrl: string;
  /** Toxiproxy proxy name in front of it. */
  proxy: string;
}

export interface Endpoints {
  name: string;
  runtime: string;
  /** This run's temp dir (data dirs of Redis and Postgres); removed on exit. */
  workDir: string;
  loadBalancer: string | null;
  faultProxy: { url: string; engine: string };
  dependencies: DependencyEndpoint[];
  /** Mock third-party APIs: `url` is the mock itself, `proxiedUrl` what services use. */
  apis: Array<{ name: string; url: string; proxiedUrl: string; proxy: string }>;
  /** TCP dependencies run by the user, behind a proxy. */
  upstreams: Array<{ name: string; address: string; proxiedAddress: string; proxy: string }>;
  replicas: Array<{ id: string; service: string; url: string }>;
}

/** Raw counters of everything running, read at one moment; src/sim/metrics.ts turns samples into rates. */
export interface TopologySample {
  ts: number;
  loadBalancer: {
    stats: LoadBalancerStats;
    /** Latency since the previous windowed sample; null when not asked for. */
    window: { overall: LatencySummary; backends: Record<string, LatencySummary> } | null;
  } | null;
  replicas: Array<ReplicaSnapshot & { service: string; cpuSeconds: number }>;
  proxies: ProxyStats[];
  apis: Record<string, MockApiCounters>;
}

export interface RuntimeEvents {
  event: [SimEvent];
  log: [LogLine];
}

/** A topology made real by a runtime. Only src/sim/ drives it. */
export interface RunningTopology {
  readonly plan: Plan;
  readonly events: EventEmitter<RuntimeEvents>;
  endpoints(): Endpoints;
  replicas(service?: string): Array<ReplicaSnapshot & { service: string }>;
  /** Fault injection on a replica process (kill, pause, resume, restart). */
  replicaControl(id: string): ReplicaControl;
  /** Reads every counter once; with `latencyWindow` (default) it also closes the current latency window. */
  sample(options?: { latencyWindow?: boolean }): TopologySample;
  /**
   * Starts the replicas of one version of `service` (`canary:` or `versions:`)
   * and resolves once all are healthy; a no-op for a version already running.
   * Rejects with the start-up error (last output quoted). Process runtime only.
   */
  startVersion(service: string, version: string): Promise<void>;
  /** Stops every replica of one version; a no-op when it is not running. */
  stopVersion(service: string, version: string): Promise<void>;
  /** Live control of a running mock API. */
  mockApi(name: string): RunningMockApi | undefined;
  stop(reason?: string): Promise<void>;
}

export interface ReplicaControl {
  kill(signal?: NodeJS.Signals): boolean;
  pause(): void;
  resume(): void;
  restart(): Promise<void>;
  /** Docker runtime only: docker stop of the replica; it stays down (no restart policy) until start(). */
  stop?(): Promise<void>;
  /** Docker runtime only: starts a replica stopped with stop(). */
  start?(): Promise<void>;
  /** Docker runtime only: takes the replica off the simulation's network (a partition). */
  disconnect?(): Promise<void>;
  /** Docker runtime only: puts it back on the network under its alias. */
  connect?(): Promise<void>;
}

export interface RuntimeStartOptions {
  /** Preferred port for the fault proxy's HTTP API (default 8474; a free one when taken). */
  faultProxyPort?: number;
  /** Seed for the fault proxy's randomness (toxicity, jitter). */
  seed?: number;
  /** The user's environment, for replicas' inherited variables. */
  processEnv?: NodeJS.ProcessEnv;
}

export interface Runtime {
  readonly name: string;
  start(env: Environment, options: RuntimeStartOptions, events: EventEmitter<RuntimeEvents>): Promise<RunningTopology>;
}
