import { EventEmitter } from 'node:events';
import { AgentupError } from '../../errors.ts';
import type { Endpoints } from '../../runtime/types.ts';
import type { LogLine } from '../../services/log-lines.ts';
import type { LoadBusEvents } from '../control/context.ts';
import type { ControlInfo } from '../control/wire.ts';
import { withFault, type FaultHandle } from '../dependency-faults.ts';
import type { SimEvent } from '../events.ts';
import type { LoadHandle, LoadOptions, LoadResult, LoadSecond } from '../load/index.ts';
import type { MetricsSecond } from '../metrics.ts';
import type { ReplicaControlApi, ReplicaInfo, SimulationApi, SimulationEventMap } from '../simulation-api.ts';
import type { ControlClient } from './control-client.ts';
import { RemoteApiControl, RemoteDependencyFaults, remoteReplica, type Rpc } from './remote-controls.ts';
import { loadRequestBody, RemoteLoad } from './remote-load.ts';
import { followStream, type SseMessage } from './sse-client.ts';
import { filterLogs } from '../log-filter.ts';

/** How long a changing call waits for its own events to come back on the stream before it returns anyway. */
const MIRROR_WAIT_MS = 5_000;

/**
 * A simulation another process runs, driven over its control API. Faults,
 * kills and load happen in that process (so its event log and terminal UI
 * show them); events, logs and metrics are mirrored here by three streams.
 * `stop()` only detaches.
 */
export class RemoteSimulation extends EventEmitter<SimulationEventMap> implements SimulationApi, Rpc {
  readonly #events: SimEvent[] = [];
  readonly #logs: LogLine[] = [];
  readonly #metrics: MetricsSecond[] = [];
  readonly #waiters = new Set<{ seq: number; resolve: () => void }>();
  readonly #abort = new AbortController();
  readonly #loads = new Map<string, RemoteLoad>();
  readonly #early = new Map<string, LoadBusEvents['load_done'][0]>();
  readonly #synced = { events: false, logs: false, metrics: false };
  #detached: Promise<void> | null = null;
  #ended = false;

  /** @internal: use connectSimulation(). */
  constructor(readonly client: ControlClient, private readonly info: ControlInfo, private readonly logLimit: number) {
    super();
  }

  get name(): string {
    return this.info.name;
  }
  get startedAt(): number {
    return this.info.startedAt;
  }
  /** Pid of the process running the simulation. */
  get pid(): number {
    return this.info.pid;
  }

  /** @internal: opens the three streams and resolves once each has replayed what the simulation holds. */
  async follow(syncTimeoutMs: number): Promise<void> {
    const signal = this.#abort.signal;
    const streams = await Promise.all([
      followStream(this.client, '/events', (m) => this.#onEvents(m), signal),
      followStream(this.client, '/logs', (m) => this.#onLog(m), signal),
      followStream(this.client, '/metrics/stream', (m) => this.#onMetrics(m), signal),
    ]);
    void Promise.allSettled(streams.map((s) => s.ended)).then(() => this.#onEnded());
    const deadline = Date.now() + syncTimeoutMs;
    while (!(this.#synced.events && this.#synced.logs && this.#synced.metrics)) {
      if (this.#ended) throw new AgentupError(`the simulation at ${this.client.base} ended its streams while attaching`, { hint: 'it is probably stopping; start it again' });
      if (Date.now() > deadline) throw new AgentupError(`the simulation at ${this.client.base} did not replay its history within ${syncTimeoutMs}ms`, { hint: 'it may be overloaded; try again' });
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  #onEvents(m: SseMessage): void {
    const data = JSON.parse(m.data) as unknown;
    if (m.event === 'event') {
      this.#events.push(data as SimEvent);
      if (this.#synced.events) this.emit('event', data as SimEvent);
      for (const w of this.#waiters) if (this.#events.length >= w.seq) w.resolve();
    } else if (m.event === 'synced') this.#synced.events = true;
    else if (m.event === 'load') this.emit('load', data as LoadSecond);
    else if (m.event === 'load_progress') {
      const p = data as LoadBusEvents['load_progress'][0];
      this.#loads.get(p.id)?.progress(p.snapshot);
    } else if (m.event === 'load_done') {
      const d = data as LoadBusEvents['load_done'][0];
      const load = this.#loads.get(d.id);
      if (load) {
        this.#loads.delete(d.id);
        load.finish(d);
      } else this.#early.set(d.id, d);
    }
  }

  #onLog(m: SseMessage): void {
    if (m.event === 'synced') this.#synced.logs = true;
    if (m.event !== 'log') return;
    const line = JSON.parse(m.data) as LogLine;
    this.#logs.push(line);
    if (this.#logs.length > this.logLimit) this.#logs.splice(0, this.#logs.length - this.logLimit);
    if (this.#synced.logs) this.emit('log', line);
  }

  #onMetrics(m: SseMessage): void {
    if (m.event === 'synced') this.#synced.metrics = true;
    if (m.event !== 'metrics') return;
    const second = JSON.parse(m.data) as MetricsSecond;
    this.#metrics.push(second);
    if (this.#synced.metrics) this.emit('metrics', second);
  }

  #onEnded(): void {
    this.#ended = true;
    for (const w of this.#waiters) w.resolve();
    const why = this.#detached ? 'detached before the load finished' : `the simulation at ${this.client.base} stopped before the load finished`;
    for (const load of this.#loads.values()) load.fail(new AgentupError(why));
    this.#loads.clear();
  }

  /** @internal (Rpc) */
  async change<T extends { seq: number }>(method: string, path: string, body?: unknown): Promise<T> {
    const answer = await this.client.json<T>(method, path, body);
    if (this.#events.length < answer.seq && !this.#ended) {
      await new Promise<void>((resolve) => {
        const w = { seq: answer.seq, resolve: () => { clearTimeout(timer); this.#waiters.delete(w); resolve(); } };
        const timer = setTimeout(w.resolve, MIRROR_WAIT_MS);
        this.#waiters.add(w);
      });
    }
    return answer;
  }

  endpoints(): Endpoints {
    return this.info.endpoints;
  }

  replicas(service?: string): Promise<ReplicaInfo[]> {
    return this.client.json('GET', `/replicas${service === undefined ? '' : `?service=${encodeURIComponent(service)}`}`);
  }

  replica(idOrIndex: string | number): ReplicaControlApi {
    return remoteReplica(this, typeof idOrIndex === 'number' ? `${this.info.services[0]}-${idOrIndex}` : idOrIndex);
  }

  dependency(name: string): RemoteDependencyFaults {
    if (!this.info.dependencies.includes(name)) {
      throw new AgentupError(`no dependency named ${JSON.stringify(name)} in ${this.name}`, { hint: `dependencies behind the fault proxy: ${this.info.dependencies.join(', ') || '(none)'}` });
    }
    return new RemoteDependencyFaults(name, this);
  }

  api(name: string): RemoteApiControl {
    if (!this.info.apis.includes(name)) {
      throw new AgentupError(`no mock API named ${JSON.stringify(name)} in ${this.name}`, { hint: `mock APIs: ${this.info.apis.join(', ') || '(none; add an apis: section)'}` });
    }
    return new RemoteApiControl(name, this);
  }

  async resetFaults(): Promise<void> {
    await this.change('POST', '/faults/reset');
  }

  async withFault<T>(fault: Promise<FaultHandle> | (() => Promise<FaultHandle>), body: () => Promise<T>): Promise<T> {
    return withFault(fault, body);
  }

  /** Every event of the simulation so far (mirrored), oldest first. */
  events(): readonly SimEvent[] {
    return this.#events;
  }

  logs(filter: { replica?: string; level?: string; text?: string } = {}): LogLine[] {
    return filterLogs(this.#logs, filter);
  }

  metrics(): readonly MetricsSecond[] {
    return this.#metrics;
  }

  metricsText(): Promise<string> {
    return this.client.text('/metrics');
  }

  load(options: LoadOptions & { url?: string }): Promise<LoadResult> {
    return this.startLoad(options).done;
  }

  /** Runs in the simulation's process, so its load events and figures show there too. */
  startLoad(options: LoadOptions & { url?: string }): LoadHandle {
    if (this.#detached || this.#ended) throw new AgentupError(`detached from ${this.name}`, { hint: 'connect again with connectSimulation(url)' });
    const load = new RemoteLoad(this, loadRequestBody(options, this.info.endpoints.loadBalancer, this.name));
    void load.id.then((id) => {
      const early = this.#early.get(id);
      this.#early.delete(id);
      if (early) load.finish(early);
      else if (this.#ended) load.fail(new AgentupError(`the simulation at ${this.client.base} stopped before the load finished`));
      else this.#loads.set(id, load);
    }, () => {});
    return load;
  }

  /** Detaches: stops the load this client started, closes the streams; the simulation keeps running. */
  stop(_reason?: string): Promise<void> {
    this.#detached ??= (async () => {
      const loads = [...this.#loads.values()];
      await Promise.allSettled(loads.map(async (l) => this.change('POST', `/loads/${await l.id}/stop`)));
      this.#abort.abort();
      this.#onEnded();
    })();
    return this.#detached;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}
