import type { EventEmitter } from 'node:events';
import { DEFAULTS } from '../../config/defaults.ts';
import type { Environment } from '../../config/types.ts';
import { AgentupError, BugError } from '../../errors.ts';
import { postgresUrl } from '../../plan/addresses.ts';
import { plan as makePlan, portSlots } from '../../plan/plan.ts';
import type { Plan, PlannedApi, PlannedComponent, PlannedPostgres, PlannedRedis, PlannedService, PlannedVersion } from '../../plan/types.ts';
import { loadMockApiFile, startMockApi, type RunningMockApi } from '../../services/mock-api/index.ts';
import type { LoadBalancer, VersionRouting } from '../../services/load-balancer.ts';
import { startPostgres, type RunningPostgres } from '../../services/postgres.ts';
import { startRedis, type RunningRedis } from '../../services/redis.ts';
import { ServiceSupervisor } from '../../services/supervisor.ts';
import type { ComponentKind } from '../../sim/events.ts';
import type { VersionLifecycle } from '../../sim/rollout/types.ts';
import { makeTempDir, ramTempBase, type TempDir } from '../../util/tempdir.ts';
import { treeCpuSeconds } from '../../util/proc-cpu.ts';
import { treeRssBytes } from '../../services/oom-watch.ts';
import type { DependencyEndpoint, Endpoints, TopologySample, ReplicaControl, RunningTopology, Runtime, RuntimeEvents, RuntimeStartOptions } from '../types.ts';
import { findReplica, listReplicas, sampleTopology, type ListedReplica } from '../topology-sample.ts';
import { StopSteps } from '../stop-steps.ts';
import { populateFaultProxy, startFrontingLoadBalancer, timedComponent } from '../component-start.ts';
import { allocatePorts } from './allocate-ports.ts';
import { startFaultProxyEngine, type RunningFaultProxy } from './fault-proxy-engine.ts';
import { inheritedEnv } from './inherited-env.ts';
import { startReaper, type Reaper } from './reaper.ts';


/**
 * The embedded default: real redis-server and Postgres, the user's service as
 * child processes, and the fault proxy in this process. Everything started is
 * registered with a parent-death reaper, so even `kill -9` of agentup leaves
 * nothing behind.
 */
export class ProcessRuntime implements Runtime {
  readonly name = 'process';

  async start(env: Environment, options: RuntimeStartOptions, events: EventEmitter<RuntimeEvents>): Promise<RunningTopology> {
    const run = new ProcessTopologyRun(events);
    try {
      await run.start(env, options);
      return run;
    } catch (err) {
      await run.stop('start-up failed');
      throw err;
    }
  }
}

class ProcessTopologyRun implements RunningTopology {
  plan!: Plan;
  #reaper: Reaper | null = null;
  #workDir: TempDir | null = null;
  #faultProxy: RunningFaultProxy | null = null;
  #apis = new Map<string, RunningMockApi>();
  #redis: RunningRedis | null = null;
  #postgres: RunningPostgres | null = null;
  /** Keyed by service name, or per version by the version's replica prefix (`triage-canary`). */
  #supervisors = new Map<string, ServiceSupervisor>();
  /** Which service (and version) each supervisor key runs. */
  #serviceOf = new Map<string, { service: string; version?: string }>();
  #loadBalancer: LoadBalancer | null = null;
  #baseEnv: Record<string, string> = {};
  /** Versions started (or starting), by supervisor key; a rejected start removes itself. */
  #versionStarts = new Map<string, Promise<void>>();
  #versionStops = new Map<string, Promise<void>>();
  /** Supervisor keys whose supervisor has been started once (a stopped one cannot start again). */
  #spent = new Set<string>();
  #stopping: Promise<void> | null = null;

  constructor(readonly events: EventEmitter<RuntimeEvents>) {}

  async start(env: Environment, options: RuntimeStartOptions): Promise<void> {
    this.#reaper = await startReaper();
    this.#workDir = await makeTempDir(`agentup-${env.name.replace(/[^a-z0-9_-]/gi, '')}-`, ramTempBase());
    this.#reaper.trackDir(this.#workDir.path);

    const ports = await allocatePorts(portSlots(env), { fault_proxy: options.faultProxyPort ?? DEFAULTS.faultProxy.apiPort });
    this.plan = makePlan(env, ports);

    await this.#timed('fault_proxy', 'fault_proxy', async () => {
      this.#faultProxy = await startFaultProxyEngine(this.plan, { seed: options.seed, env: options.processEnv ?? process.env, reaper: this.#reaper! });
      await populateFaultProxy(this.#faultProxy.client, this.plan, (p) => ({ listen: `${p.listen.host}:${p.listen.port}`, upstream: `${p.upstream.host}:${p.upstream.port}` }), this.events);
      return `${this.#faultProxy.url} (${this.#faultProxy.engine})`;
    });

    // Start each component as soon as everything it depends on is ready.
    const started = new Map<string, Promise<void>>();
    const byId = new Map(this.plan.components.map((c) => [c.id, c]));
    const launch = (c: PlannedComponent): Promise<void> => {
      let p = started.get(c.id);
      if (!p) {
        p = Promise.all(c.dependsOn.map((d) => launch(byId.get(d) ?? this.#missing(d)))).then(() => this.#startComponent(c, options));
        started.set(c.id, p);
      }
      return p;
    };
    const all = this.plan.components.map(launch);
    // Wait for every branch to settle before reporting, so nothing is half-started when we clean up.
    const results = await Promise.allSettled(all);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  #missing(id: string): never {
    throw new BugError(`component ${id} is depended on but not planned`);
  }

  #timed(component: string, kind: ComponentKind, start: () => Promise<string | undefined>): Promise<void> {
    return timedComponent(this.events, component, kind, start);
  }

  #startComponent(c: PlannedComponent, options: RuntimeStartOptions): Promise<void> {
    if (this.#stopping) return Promise.resolve();
    switch (c.kind) {
      case 'redis':
        return this.#timed(c.id, 'redis', () => this.#startRedis(c, options));
      case 'postgres':
        return this.#timed(c.id, 'postgres', () => this.#startPostgres(c));
      case 'api':
        return this.#timed(c.id, 'api', () => this.#startApi(c, options));
      case 'upstream':
        // Run by the user; its proxy already exists, so there is nothing to start.
        return Promise.resolve();
      case 'service':
        return this.#timed(c.id, 'service', () => this.#startService(c, options));
      case 'load_balancer':
        return this.#timed(c.id, 'load_balancer', async () => {
          this.#loadBalancer = await startFrontingLoadBalancer(this.plan, c, this.#supervisors, this.#serviceOf, this.events);
          return this.#loadBalancer.url;
        });
    }
  }

  async #startRedis(c: PlannedRedis, options: RuntimeStartOptions): Promise<string> {
    const redis = await startRedis({
      env: options.processEnv ?? process.env,
      port: c.address.port,
      maxmemory: c.config.maxmemory,
      maxmemoryPolicy: c.config.maxmemoryPolicy,
      workDir: this.#workDir!.path,
    });
    this.#redis = redis;
    this.#reaper!.trackGroup(redis.pid);
    redis.onExit((exit) => {
      if (!exit.expected) this.events.emit('event', { type: 'dependency_exited', ts: Date.now(), component: 'redis', code: exit.code, signal: exit.signal });
    });
    return redis.url;
  }

  async #startPostgres(c: PlannedPostgres): Promise<string> {
    const pg = await startPostgres({
      port: c.address.port,
      maxConnections: c.config.maxConnections,
      databases: c.config.databases,
      users: c.config.users.map((u) => ({ name: u.name, password: u.password.value })),
      initSqlFile: c.config.initSql,
      workDir: this.#workDir!.path,
    });
    this.#postgres = pg;
    this.#reaper!.trackGroup(pg.pid);
    pg.onExit((exit) => {
      if (!exit.expected) this.events.emit('event', { type: 'dependency_exited', ts: Date.now(), component: 'postgres', code: exit.code, signal: exit.signal });
    });
    return `127.0.0.1:${pg.port}`;
  }

  async #startApi(c: PlannedApi, options: RuntimeStartOptions): Promise<string> {
    const definition = await loadMockApiFile(c.config.fixture);
    const api = await startMockApi(definition, { host: '127.0.0.1', port: c.address.port, seed: options.seed, name: c.id });
    this.#apis.set(c.id, api);
    return api.url;
  }

  /** The running mock API named `name`, for live control from the simulation. */
  mockApi(name: string): RunningMockApi | undefined {
    return this.#apis.get(name);
  }

  async #startService(c: PlannedService, options: RuntimeStartOptions): Promise<string> {
    this.#baseEnv = inheritedEnv(options.processEnv ?? process.env);
    if (!c.versions) {
      await this.#supervisorFor(c.id, { service: c.id }, c.config, c.replicas).start();
      const only = `${c.replicas.length} replica${c.replicas.length === 1 ? '' : 's'}`;
      return only;
    }
    // One supervisor per version, each with its own command, env and replica ids. Only the
    // serving version starts now; the next one is planned (ids, ports) and started by a rollout.
    const current = c.versions.filter((v) => v.role === 'current');
    for (const v of c.versions) this.#supervisorFor(v.config.name, { service: c.id, version: v.name }, v.config, v.replicas);
    await Promise.all(current.map((v) => this.startVersion(c.id, v.name)));
    const count = current.reduce((n, v) => n + v.replicas.length, 0);
    return `${count} replica${count === 1 ? '' : 's'} of ${current.map((v) => v.name).join(', ')} (${c.versions.map((v) => `${v.name} ${v.replicas.length}${v.role === 'current' ? '' : ', not started'}`).join('; ')})`;
  }

  /** A supervisor for `key`, registered for listing and events; not started. */
  #supervisorFor(key: string, of: { service: string; version?: string }, config: PlannedService['config'], replicas: PlannedService['replicas']): ServiceSupervisor {
    const base = this.#baseEnv;
    const supervisor = new ServiceSupervisor({
      service: config,
      ports: replicas.map((r) => r.address.port),
      env: (index) => ({ ...base, ...replicas[index]!.env }),
      tracker: this.#reaper!,
    });
    this.#supervisors.set(key, supervisor);
    this.#serviceOf.set(key, of);
    supervisor.on('event', (e) => this.events.emit('event', e));
    supervisor.on('log', (line) => this.events.emit('log', line));
    return supervisor;
  }

  #version(service: string, version: string): PlannedVersion {
    const c = this.plan.components.find((x): x is PlannedService => x.kind === 'service' && x.id === service);
    const v = c?.versions?.find((x) => x.name === version);
    if (!v) {
      const known = c?.versions?.map((x) => x.name).join(', ');
      throw new AgentupError(`service ${JSON.stringify(service)} has no version ${JSON.stringify(version)}`, { hint: known ? `its versions are ${known}` : 'give the service a canary: block or versions: in the environment file' });
    }
    return v;
  }

  /**
   * Starts the replicas of one version and resolves once all are healthy; a
   * version already running (or starting) is not started again. On a start-up
   * failure the supervisor has stopped what it started and the error quotes
   * the replica's last output.
   */
  async startVersion(service: string, version: string): Promise<void> {
    const v = this.#version(service, version);
    const key = v.config.name;
    const running = this.#versionStarts.get(key);
    if (running) return running;
    // Stopped versions have a spent supervisor: a fresh one takes its place behind the load balancer.
    const stopping = this.#versionStops.get(key);
    let start: Promise<void> | undefined;
    start = (async () => {
      await stopping;
      // Stopped again (or the topology is stopping) before it began: start nothing.
      if (this.#stopping || this.#versionStarts.get(key) !== start) return;
      let supervisor = this.#supervisors.get(key)!;
      if (this.#spent.has(key)) {
        supervisor = this.#supervisorFor(key, { service, version }, v.config, v.replicas);
        this.#loadBalancer?.attach(supervisor, version);
      }
      this.#spent.add(key);
      await supervisor.start();
    })();
    this.#versionStarts.set(key, start);
    start.catch(() => {
      if (this.#versionStarts.get(key) === start) this.#versionStarts.delete(key);
    });
    return start;
  }

  /** Stops every replica of one version (a rolled-back release); nothing to do when it is not running. */
  async stopVersion(service: string, version: string): Promise<void> {
    const key = this.#version(service, version).config.name;
    if (!this.#versionStarts.delete(key)) return this.#versionStops.get(key);
    const stop = this.#supervisors.get(key)!.stop();
    this.#versionStops.set(key, stop);
    try {
      await stop;
    } finally {
      if (this.#versionStops.get(key) === stop) this.#versionStops.delete(key);
    }
  }

  /** Weights and per-version counters of the load-balanced service, when it has two versions. */
  versionRouting(): (VersionRouting & VersionLifecycle) | null {
    const lb = this.plan.components.find((c) => c.kind === 'load_balancer');
    const routing = lb && this.#loadBalancer ? this.#loadBalancer.versionRouting(lb.service) : null;
    if (!lb || !routing) return null;
    return { ...routing, startVersion: (v) => this.startVersion(lb.service, v), stopVersion: (v) => this.stopVersion(lb.service, v) };
  }

  endpoints(): Endpoints {
    const dependencies: DependencyEndpoint[] = [];
    for (const c of this.plan.components) {
      if (c.kind === 'redis') {
        dependencies.push({ name: 'redis', kind: 'redis', url: `redis://${c.address.host}:${c.address.port}`, proxiedUrl: `redis://${c.proxy.listen.host}:${c.proxy.listen.port}`, proxy: c.proxy.name });
      } else if (c.kind === 'postgres') {
        dependencies.push({ name: 'postgres', kind: 'postgres', url: postgresUrl(c, 'direct'), proxiedUrl: postgresUrl(c), proxy: c.proxy.name });
      }
    }
    const lb = this.plan.components.find((c) => c.kind === 'load_balancer');
    return {
      name: this.plan.name,
      runtime: 'process',
      workDir: this.#workDir!.path,
      loadBalancer: lb ? `http://${lb.address.host}:${lb.address.port}` : null,
      faultProxy: { url: this.#faultProxy?.url ?? `http://${this.plan.faultProxy.api.host}:${this.plan.faultProxy.api.port}`, engine: this.#faultProxy?.engine ?? 'agentup' },
      apis: this.plan.components.flatMap((c) =>
        c.kind === 'api' ? [{ name: c.id, url: `http://${c.address.host}:${c.address.port}`, proxiedUrl: `http://${c.proxy.listen.host}:${c.proxy.listen.port}`, proxy: c.proxy.name }] : [],
      ),
      upstreams: this.plan.components.flatMap((c) =>
        c.kind === 'upstream' ? [{ name: c.id, address: `${c.proxy.upstream.host}:${c.proxy.upstream.port}`, proxiedAddress: `${c.proxy.listen.host}:${c.proxy.listen.port}`, proxy: c.proxy.name }] : [],
      ),
      dependencies,
      replicas: this.plan.components.flatMap((c) =>
        c.kind === 'service' ? c.replicas.map((r) => ({ id: r.id, service: c.id, url: `http://${r.address.host}:${r.address.port}` })) : [],
      ),
    };
  }

  sample(options: { latencyWindow?: boolean } = {}): TopologySample {
    return sampleTopology({
      loadBalancer: this.#loadBalancer,
      replicas: this.replicas(),
      cpuSeconds: (r) => (r.pid ? treeCpuSeconds(r.pid) : 0),
      proxies: this.#faultProxy?.stats() ?? [],
      apis: this.#apis,
    }, options);
  }

  replicas(service?: string): ListedReplica[] {
    // The supervisor samples RSS only to enforce memory_limit_mb; read it here otherwise.
    return listReplicas(this.#supervisors, this.#serviceOf, service, (r) => r.rssBytes || (r.pid ? treeRssBytes(r.pid) : 0));
  }

  replicaControl(id: string): ReplicaControl {
    const { supervisor: s, index } = findReplica(this.#supervisors.values(), id, () => this.replicas().map((r) => r.id));
    return { kill: (sig) => s.kill(index, sig), pause: () => s.pause(index), resume: () => s.resume(index), restart: () => s.restart(index) };
  }

  stop(_reason = 'stopped'): Promise<void> {
    this.#stopping ??= this.#stopAll();
    return this.#stopping;
  }

  async #stopAll(): Promise<void> {
    // Front to back: no new traffic, then the services, then what they depend on.
    const steps = new StopSteps();
    const attempt = steps.attempt.bind(steps);
    await steps.stopFront(this.#loadBalancer, this.#supervisors.values());
    await Promise.all([attempt(this.#redis?.stop), attempt(this.#postgres?.stop), ...[...this.#apis.values()].map((a) => attempt(() => a.close()))]);
    await attempt(this.#faultProxy ? () => this.#faultProxy!.close() : undefined);
    await attempt(this.#workDir?.remove);
    await attempt(this.#reaper ? () => this.#reaper!.close() : undefined);
    steps.throwFirst();
  }
}
