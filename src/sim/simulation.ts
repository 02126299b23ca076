import { EventEmitter } from 'node:events';
import path from 'node:path';
import { loadEnvironmentFile, loadEnvironmentFromObject } from '../config/load.ts';
import type { Environment } from '../config/types.ts';
import { ProcessRuntime } from '../runtime/process/process-runtime.ts';
import { chooseRuntime, type RuntimeChoice } from '../runtime/docker/choose-runtime.ts';
import type { RuntimeName } from '../config/types.ts';
import type { Endpoints, ReplicaControl, RunningTopology, Runtime, RuntimeEvents } from '../runtime/types.ts';
import type { LogLine } from '../services/log-lines.ts';
import type { ReplicaSnapshot } from '../services/supervisor-events.ts';
import { createRedactor, type Redactor } from '../util/redact.ts';
import { AgentupError } from '../errors.ts';
import { ToxiproxyClient } from '../proxy/client.ts';
import type { ToxicityRoll } from '../proxy/types.ts';
import { ApiControl } from './api-control.ts';
import { DependencyFaults, withFault, type FaultHandle } from './dependency-faults.ts';
import type { SimEvent } from './events.ts';
import { startLoad } from './load/index.ts';
import type { LoadHandle, LoadOptions, LoadResult, LoadSecond } from './load/index.ts';
import { MetricsCollector, type MetricsSecond } from './metrics.ts';
import { startControlServer, type ControlServer, type ControlServerOptions } from './control/server.ts';
import type { SimulationApi } from './simulation-api.ts';
import { filterLogs } from './log-filter.ts';
import { RolloutController, type RolloutHandle, type RolloutOptions } from './rollout/index.ts';
import type { VersionRouting } from '../services/lb-versions.ts';

export interface StartSimulationOptions {
  /** Only `process` so far. */
  /** Wins over `runtime:` in the file and $AGENTUP_RUNTIME; default auto (Docker when an engine works and every service has build:/image:). */
  runtime?: RuntimeName;
  /** Preferred fault proxy API port (default 8474, a free one when taken). */
  faultProxyPort?: number;
  /** Seed for every random choice the simulation makes. */
  seed?: number;
  /** The environment `${env:...}` reads and replicas inherit from; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Directory an inline environment's relative paths resolve against; default the cwd. */
  dir?: string;
  /** Called for every event, including those emitted during start-up. */
  onEvent?: (event: SimEvent) => void;
  /** Called for every log line of every replica (already redacted). */
  onLog?: (line: LogLine) => void;
  /** How many log lines to keep for `logs()`. Default 5000. */
  logBufferLines?: number;
  /** Serve the control API on 127.0.0.1 once healthy, for connectSimulation(url); stopped by stop(). */
  control?: boolean | ControlServerOptions;
}

export type SimulationEvents = { event: [SimEvent]; log: [LogLine]; metrics: [MetricsSecond]; load: [LoadSecond] };

/**
 * A running simulation: what every front-end (CLI, terminal UI, vitest
 * fixtures, incident replay) drives. It never exposes the runtime directly.
 */
export class Simulation extends EventEmitter<SimulationEvents> implements SimulationApi {
  readonly #history: SimEvent[] = [];
  readonly #logs: LogLine[] = [];
  readonly #logLimit: number;
  #topology: RunningTopology | null = null;
  #faultClient: ToxiproxyClient | null = null;
  readonly #dependencies = new Map<string, DependencyFaults>();
  readonly #apis = new Map<string, ApiControl>();
  #metrics: MetricsCollector | null = null;
  readonly #loads = new Set<LoadHandle>();
  readonly #seed: number | undefined;
  #stopped: Promise<void> | null = null;
  #control: ControlServer | null = null;
  #rollout: RolloutController | null = null;
  /** Masks secret values in anything printed. */
  redact: Redactor = createRedactor([]);
  readonly startedAt = Date.now();

  constructor(readonly environment: Environment, options: StartSimulationOptions) {
    super();
    this.#logLimit = options.logBufferLines ?? 5000;
    this.#seed = options.seed;
  }

  get name(): string {
    return this.environment.name;
  }

  /** @internal: called by startSimulation. */
  attach(topology: RunningTopology): void {
    this.#topology = topology;
    this.redact = createRedactor(topology.plan.secrets);
    this.#faultClient = new ToxiproxyClient(topology.endpoints().faultProxy.url);
    this.#metrics = new MetricsCollector((options) => topology.sample(options));
    this.#metrics.start((second) => this.emit('metrics', second));
    // Created now so rate-limit hits are events from the first request on.
    for (const api of topology.endpoints().apis) {
      const mock = topology.mockApi(api.name);
      if (mock) this.#apis.set(api.name, new ApiControl(api.name, mock, (e) => this.record(e)));
    }
  }

  /** The control API URL with its token (`http://127.0.0.1:PORT/?token=...`), when started with `control`. */
  get controlUrl(): string | null {
    return this.#control?.url ?? null;
  }

  /** The file holding the control API token (mode 0600), when started with `control`. */
  get controlTokenFile(): string | null {
    return this.#control?.tokenFile ?? null;
  }

  /** @internal: called by startSimulation. */
  async startControl(options: ControlServerOptions): Promise<void> {
    this.#control = await startControlServer(this, options);
  }

  /** @internal */
  record(event: SimEvent): void {
    this.#history.push(event);
    this.emit('event', event);
  }

  /** @internal */
  recordLog(line: LogLine): void {
    const clean: LogLine = { ...line, msg: this.redact(line.msg), raw: this.redact(line.raw) };
    if (line.fields) clean.fields = JSON.parse(this.redact(JSON.stringify(line.fields))) as Record<string, unknown>;
    this.#logs.push(clean);
    if (this.#logs.length > this.#logLimit) this.#logs.splice(0, this.#logs.length - this.#logLimit);
    this.emit('log', clean);
  }

  /** Every event so far, oldest first. */
  events(): readonly SimEvent[] {
    return this.#history;
  }

  /** Buffered log lines, filtered by replica, level or text. */
  logs(filter: { replica?: string; level?: string; text?: string } = {}): LogLine[] {
    return filterLogs(this.#logs, filter);
  }

  endpoints(): Endpoints {
    return this.#running().endpoints();
  }

  replicas(service?: string): Array<ReplicaSnapshot & { service: string }> {
    return this.#running().replicas(service);
  }

  /** Fault injection on one replica, by id (`triage-2`) or 1-based index of the first service. */
  replica(idOrIndex: string | number): Required<ReplicaControl> {
    const id = typeof idOrIndex === 'number' ? this.#replicaIdAt(idOrIndex) : idOrIndex;
    const control = this.#running().replicaControl(id);
    const dockerOnly = (what: string) => (): Promise<void> =>
      Promise.reject(new AgentupError(`${what} of replica ${id} needs the docker runtime`, { hint: 'start the simulation with --runtime docker (or runtime: docker)' }));
    return {
      ...control,
      stop: control.stop ?? dockerOnly('stop'),
      start: control.start ?? dockerOnly('start'),
      disconnect: control.disconnect ?? dockerOnly('a network disconnect'),
      connect: control.connect ?? dockerOnly('a network connect'),
    };
  }

  /** Which runtime runs this simulation and why (`auto: Docker engine at unix:///var/run/docker.sock`). */
  runtimeChoice: RuntimeChoice | null = null;

  /**
   * Faults between the service and one dependency, by its proxy name
   * (`redis`, `postgres`, an upstream or a mock API).
   */
  dependency(name: string): DependencyFaults {
    let faults = this.#dependencies.get(name);
    if (!faults) {
      const known = this.#running().plan.proxies.map((p) => p.name);
      if (!known.includes(name)) {
        throw new AgentupError(`no dependency named ${JSON.stringify(name)} in ${this.name}`, { hint: `dependencies behind the fault proxy: ${known.join(', ') || '(none)'}` });
      }
      faults = new DependencyFaults(name, this.#faultClient!, (e) => this.record(e));
      this.#dependencies.set(name, faults);
    }
    return faults;
  }

  /**
   * HTTP-level faults of a mock third-party API (outage, error rate, rate
   * limits), its counters and request journal. Its TCP link is `dependency(name)`.
   */
  api(name: string): ApiControl {
    const api = this.#apis.get(name);
    if (!api) {
      throw new AgentupError(`no mock API named ${JSON.stringify(name)} in ${this.name}`, { hint: `mock APIs: ${[...this.#apis.keys()].join(', ') || '(none; add an apis: section)'}` });
    }
    return api;
  }

  /**
   * The fault proxy's toxicity decisions so far (toxics with toxicity < 1),
   * in an order fixed by the seed and the faults applied; [] from a proxy
   * that does not record them (a real toxiproxy-server).
   */
  async toxicityRolls(): Promise<ToxicityRoll[]> {
    return (await this.#faultClient?.toxicityRolls()) ?? [];
  }

  /** Removes every toxic, brings every dependency back up and clears every mock API fault. */
  async resetFaults(): Promise<void> {
    await this.#faultClient?.reset();
    for (const api of this.#apis.values()) api.clearFaults();
    this.record({ type: 'faults_reset', ts: Date.now() });
  }

  /**
   * Runs `body` with a fault in effect and always removes it afterwards, even
   * when `body` throws: `await sim.withFault(() => sim.dependency('redis').latency(500), async () => {...})`.
   */
  async withFault<T>(fault: Promise<FaultHandle> | (() => Promise<FaultHandle>), body: () => Promise<T>): Promise<T> {
    return withFault(fault, body);
  }

  /** Per-second time series (requests, errors, latency, per replica, per dependency, per API). */
  metrics(): readonly MetricsSecond[] {
    return this.#metrics?.series() ?? [];
  }

  /** Every counter in Prometheus text format. */
  metricsText(): string {
    return this.#metrics?.prometheus() ?? '';
  }

  /**
   * Drives open-model load at the load balancer (or `url`) and resolves with
   * the result when it ends. See startLoad() to control it while it runs.
   */
  load(options: LoadOptions & { url?: string }): Promise<LoadResult> {
    return this.startLoad(options).done;
  }

  /** Starts load and returns at once with a handle: `setRate()`, `stop()`, `snapshot()`, `done`. */
  startLoad(options: LoadOptions & { url?: string }): LoadHandle {
    const url = options.url ?? this.endpoints().loadBalancer;
    if (!url) throw new AgentupError(`${this.name} has no load balancer to send load to`, { hint: 'add a load_balancer: section, or pass url' });
    const describe = options.stages ? `${options.stages.length} stages` : `${options.rate}/s for ${options.duration}`;
    this.record({ type: 'load_started', ts: Date.now(), url, path: options.path ?? '/', description: describe });
    const handle = startLoad({ ...options, url, seed: this.#seed, onTick: (second) => this.emit('load', second) });
    this.#loads.add(handle);
    void handle.done.then(
      (r) => {
        this.#loads.delete(handle);
        this.record({ type: 'load_finished', ts: Date.now(), sent: r.sent, ok: r.ok, failed: r.failed, dropped: r.dropped, p99Ms: r.latency.p99Ms, achievedRate: r.achievedRate });
      },
      () => this.#loads.delete(handle),
    );
    return handle;
  }

  /**
   * Moves traffic of the load-balanced service from the version serving now
   * to the other one (`canary:` or `versions:` in the environment), step by
   * step with analysis, rolling back on the first failing interval. Returns
   * at once; `await handle.done` for the result.
   */
  rollout(options: RolloutOptions): RolloutHandle {
    const routing = (this.#running() as RunningTopology & { versionRouting?(): VersionRouting | null }).versionRouting?.() ?? null;
    if (!routing) {
      const versioned = Object.values(this.environment.services).some((s) => s.versions);
      if (versioned) throw new AgentupError(`rollouts of ${this.name} need the process runtime; this simulation runs on ${this.runtimeChoice?.name ?? 'another runtime'}`, { hint: 'start it with runtime: process (or AGENTUP_RUNTIME=process)' });
      throw new AgentupError(`${this.name} has no second version to roll out`, { hint: 'give the load-balanced service a canary: block or versions: { blue: {...}, green: {...} } in the environment file' });
    }
    if (this.#rollout && !this.#rollout.status().result) {
      throw new AgentupError(`a rollout of ${routing.service} is already running (${this.#rollout.from} -> ${this.#rollout.to})`, { hint: 'wait for it, or promote() / abort() it first' });
    }
    this.#rollout = new RolloutController(routing, options, (e) => this.record(e));
    return this.#rollout;
  }

  /** The running rollout, or the last one (its status has the result); null before the first. */
  currentRollout(): RolloutHandle | null {
    return this.#rollout;
  }

  #replicaIdAt(index: number): string {
    const service = Object.keys(this.environment.services)[0]!;
    return `${service}-${index}`;
  }

  #running(): RunningTopology {
    if (!this.#topology) throw new Error('the simulation is not running');
    return this.#topology;
  }

  /** Stops everything it started; safe to call more than once. */
  stop(reason = 'stopped'): Promise<void> {
    this.#stopped ??= (async () => {
      this.record({ type: 'simulation_stopping', ts: Date.now(), reason });
      this.#metrics?.stop();
      this.#rollout?.abort('simulation stopping');
      await this.#rollout?.done.catch(() => undefined);
      for (const load of this.#loads) load.stop();
      await Promise.allSettled([...this.#loads].map((l) => l.done));
      this.#faultClient?.close();
      for (const api of this.#apis.values()) api.dispose();
      await this.#topology?.stop(reason);
      this.record({ type: 'simulation_stopped', ts: Date.now() });
      // Last, so attached clients see the stop events before their streams end.
      await this.#control?.close();
    })();
    return this.#stopped;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}

/** The Docker runtime (dockerode, ssh2) is loaded only when chosen: a process run stays lean. */
async function runtimeFor(choice: RuntimeChoice): Promise<Runtime> {
  if (choice.name !== 'docker') return new ProcessRuntime();
  const { DockerRuntime } = await import('../runtime/docker/docker-runtime.ts');
  return new DockerRuntime(choice.engine);
}

/**
 * Loads an environment (a file path or an inline object), starts it, and
 * resolves once every part is healthy. On failure nothing is left running.
 */
export async function startSimulation(source: string | object, options: StartSimulationOptions = {}): Promise<Simulation> {
  const env = typeof source === 'string'
    ? await loadEnvironmentFile(path.resolve(source), { env: options.env })
    : loadEnvironmentFromObject(source, { dir: options.dir ?? process.cwd(), env: options.env });
  const sim = new Simulation(env, options);
  if (options.onEvent) sim.on('event', options.onEvent);
  if (options.onLog) sim.on('log', options.onLog);
  const t0 = performance.now();
  // AGENTUP_RUNTIME and DOCKER_HOST are agentup's own settings: a given `env` (what replicas see) only adds to them.
  const choice = await chooseRuntime(env, options.runtime, { ...process.env, ...options.env });
  sim.runtimeChoice = choice;
  const runtime = await runtimeFor(choice);
  const events = new EventEmitter<RuntimeEvents>();
  events.on('event', (e) => sim.record(e));
  events.on('log', (l) => sim.recordLog(l));
  sim.record({ type: 'simulation_starting', ts: Date.now(), name: env.name, runtime: runtime.name, file: env.file, reason: choice.reason });
  const why = `runtime: ${choice.name} (${choice.reason})`;
  sim.recordLog({ ts: Date.now(), replica: 'agentup', stream: 'stdout', level: 'info', msg: why, raw: why });
  const topology = await runtime.start(env, { faultProxyPort: options.faultProxyPort, seed: options.seed, processEnv: options.env }, events);
  sim.attach(topology);
  if (options.control) {
    try {
      await sim.startControl(options.control === true ? {} : options.control);
    } catch (err) {
      await sim.stop('error');
      throw err;
    }
  }
  sim.record({ type: 'simulation_ready', ts: Date.now(), startupMs: performance.now() - t0 });
  return sim;
}
