import type { Endpoints } from '../runtime/types.ts';
import type { LogLine } from '../services/log-lines.ts';
import type { JournalEntry, MockApiCounters, RateLimitUpdate } from '../services/mock-api/index.ts';
import type { ReplicaSnapshot } from '../services/supervisor-events.ts';
import type { DependencyFaults, FaultHandle } from './dependency-faults.ts';
import type { SimEvent } from './events.ts';
import type { LoadHandle, LoadOptions, LoadResult, LoadSecond } from './load/index.ts';
import type { MetricsSecond } from './metrics.ts';

/**
 * A value a local simulation returns at once and an attached one fetches over
 * HTTP. Code written against SimulationApi `await`s these; awaiting a plain
 * value costs nothing.
 */
export type Awaitable<T> = T | Promise<T>;

export type SimulationEventMap = { event: [SimEvent]; log: [LogLine]; metrics: [MetricsSecond]; load: [LoadSecond] };

export type ReplicaInfo = ReplicaSnapshot & { service: string };

/** Faults on the link to one dependency; see DependencyFaults for units and semantics. */
export type DependencyFaultsApi = Pick<
  DependencyFaults,
  'name' | 'latency' | 'bandwidth' | 'timeout' | 'resetPeer' | 'slowClose' | 'slicer' | 'limitData' | 'toxic' | 'down' | 'up' | 'toxics'
>;

/** HTTP-level control of one mock API; see ApiControl. */
export interface ApiControlApi {
  readonly name: string;
  outage(options?: { status?: number; body?: unknown }): Promise<FaultHandle>;
  errorRate(fraction: number, status?: number): Promise<FaultHandle>;
  rateLimit(nameOrRoute: string, update: RateLimitUpdate): Promise<FaultHandle>;
  clearFaults(): Awaitable<void>;
  resetCounters(): Awaitable<void>;
  counters(): Awaitable<MockApiCounters>;
  journal(options?: { limit?: number }): Awaitable<JournalEntry[]>;
}

export interface ReplicaControlApi {
  /** False when there was no process to signal. */
  kill(signal?: NodeJS.Signals): Awaitable<boolean>;
  pause(): Awaitable<void>;
  resume(): Awaitable<void>;
  restart(): Promise<void>;
}

/**
 * What a test or a front-end needs from a simulation, whether this process
 * started it (`Simulation`) or attached to a running one over its control
 * API (`RemoteSimulation`, from connectSimulation). For an attached one,
 * `events()`, `logs()` and `metrics()` are mirrors kept current by streams,
 * every fault is applied (and recorded as an event) by the running
 * simulation, and `stop()` only detaches.
 */
export interface SimulationApi extends AsyncDisposable {
  readonly name: string;
  readonly startedAt: number;
  endpoints(): Endpoints;
  replicas(service?: string): Awaitable<ReplicaInfo[]>;
  replica(idOrIndex: string | number): ReplicaControlApi;
  dependency(name: string): DependencyFaultsApi;
  api(name: string): ApiControlApi;
  resetFaults(): Promise<void>;
  withFault<T>(fault: Promise<FaultHandle> | (() => Promise<FaultHandle>), body: () => Promise<T>): Promise<T>;
  events(): readonly SimEvent[];
  logs(filter?: { replica?: string; level?: string; text?: string }): LogLine[];
  metrics(): readonly MetricsSecond[];
  /** Prometheus text format 0.0.4. */
  metricsText(): Awaitable<string>;
  load(options: LoadOptions & { url?: string }): Promise<LoadResult>;
  startLoad(options: LoadOptions & { url?: string }): LoadHandle;
  on<K extends keyof SimulationEventMap>(event: K, listener: (...args: SimulationEventMap[K]) => void): this;
  off<K extends keyof SimulationEventMap>(event: K, listener: (...args: SimulationEventMap[K]) => void): this;
  /** Stops a simulation this process started; detaches from an attached one. */
  stop(reason?: string): Promise<void>;
}
