import { randomBytes } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import Docker from 'dockerode';
import { DEFAULTS } from '../../config/defaults.ts';
import type { Environment } from '../../config/types.ts';
import { AgentupError, BugError } from '../../errors.ts';
import { plan as makePlan, portSlots } from '../../plan/plan.ts';
import type { Plan, PlannedComponent, PlannedService } from '../../plan/types.ts';
import { loadMockApiFile, startMockApi, type RunningMockApi } from '../../services/mock-api/index.ts';
import type { LoadBalancer } from '../../services/load-balancer.ts';
import type { ComponentKind } from '../../sim/events.ts';
import { allocatePorts } from '../process/allocate-ports.ts';
import { findReplica, listReplicas, sampleTopology, type ListedReplica } from '../topology-sample.ts';
import { StopSteps } from '../stop-steps.ts';
import { startFrontingLoadBalancer, timedComponent } from '../component-start.ts';
import type { Endpoints, ReplicaControl, RunningTopology, Runtime, RuntimeEvents, RuntimeStartOptions, TopologySample } from '../types.ts';
import { requireDockerEngine, type DetectedEngine } from './detect.ts';
import { removeRunResources, startContainerReaper, type ContainerReaper } from './container-reaper.ts';
import { hostPortsToExpose } from './container-env.ts';
import type { ContainerSupervisor } from './container-supervisor.ts';
import { containerReplicaControl, serviceSupervisors } from './replica-containers.ts';
import { podPorts, populateProxy, startFaultProxyContainer, startPostgresContainer, startRedisContainer, type RunContext } from './dependency-containers.ts';
import { labels, type DockerImages } from './docker-names.ts';
import { dockerEndpoints } from './docker-endpoints.ts';
import { sshdImage, startPortForwarder, type HostPortForwarder } from './host-ports.ts';
import { getFreePort } from '../../util/ports.ts';
import { prepareImages, runImages } from './run-images.ts';
import { PHASES_LOG_MESSAGE, StartupPhases } from './startup-phases.ts';
import { ContainerStats } from './container-stats.ts';


/** What the parts of a start wait on, started once at the top of start(). */
interface StartDeps {
  postgresImage: Promise<string>;
  hostPorts: Promise<unknown>;
  /** The proxy container, started: the pod Redis and Postgres join. */
  pod: Promise<string>;
  proxyReady: Promise<void>;
  prepared: Map<string, Promise<void>>;
  serviceImages: Map<string, Promise<string>>;
}

/**
 * The environment as containers on a private network: the user's service
 * (built or given image) as N replicas, Redis, Postgres and a
 * Toxiproxy-compatible proxy; mock APIs and the load balancer stay on the
 * host. Everything created is labelled with the run, and a watchdog removes it
 * if agentup dies without doing so itself.
 */
export class DockerRuntime implements Runtime {
  readonly name = 'docker';
  constructor(private readonly engine?: DetectedEngine) {}

  async start(env: Environment, options: RuntimeStartOptions, events: EventEmitter<RuntimeEvents>): Promise<RunningTopology> {
    const engine = this.engine ?? (await requireDockerEngine({ env: options.processEnv ?? process.env }));
    const run = new DockerTopologyRun(events, new Docker(engine.dockerOptions));
    try {
      await run.start(env, options);
      return run;
    } catch (err) {
      await run.stop('start-up failed').catch(() => undefined);
      throw err;
    }
  }
}

class DockerTopologyRun implements RunningTopology {
  plan!: Plan;
  readonly runId = randomBytes(6).toString('hex');
  #ctx: RunContext;
  #reaper: ContainerReaper | null = null;
  #images!: DockerImages;
  #apis = new Map<string, RunningMockApi>();
  #supervisors = new Map<string, ContainerSupervisor>();
  #serviceOf = new Map<string, { service: string; version?: string }>();
  #loadBalancer: LoadBalancer | null = null;
  #hostPorts: HostPortForwarder | null = null;
  #stats: ContainerStats;
  #proxyEngine = 'toxiproxy';
  #stopping: Promise<void> | null = null;
  #phases = new StartupPhases();
  /** Per replica: when its container was started, in phase-clock ms (cleared once healthy). */
  #replicaStarts = new Map<string, number>();
  /** Postgres setup images being built beside this run; stop() awaits them before removing its containers. */
  #baking: Array<Promise<void>> = [];

  constructor(readonly events: EventEmitter<RuntimeEvents>, readonly docker: Docker) {
    this.#ctx = { docker, runId: this.runId, network: `agentup-${this.runId}` };
    this.#stats = new ContainerStats();
  }

  async start(env: Environment, options: RuntimeStartOptions): Promise<void> {
    const phases = this.#phases;
    const processEnv = options.processEnv ?? process.env;
    this.#images = runImages(env, processEnv);
    if (env.faultProxy.url) {
      throw new AgentupError(`fault_proxy.url ${env.faultProxy.url} cannot be used with the docker runtime`, { hint: 'leave url out (the run starts its own proxy container), or use --runtime process' });
    }
    // The watchdog first: nothing labelled with the run may exist before it watches.
    const [reaper, ports] = await Promise.all([
      phases.time('reaper', () => startContainerReaper(this.runId)),
      phases.time('ports', () => allocatePorts(portSlots(env), { fault_proxy: options.faultProxyPort ?? DEFAULTS.faultProxy.apiPort })),
    ]);
    this.#reaper = reaper;
    this.plan = makePlan(env, ports);
    const network = phases.time('network', () => this.docker.createNetwork({ Name: this.#ctx.network, Driver: 'bridge', Labels: labels(this.runId, 'network') }));

    // Everything independent starts now; each part awaits only what it needs.
    const { services: serviceImages, proxy: proxyImage, postgres: postgresImage } = prepareImages(this.docker, this.plan, this.#images, this.runId, phases);
    this.#proxyEngine = this.#images.faultProxy === 'agentup' ? 'agentup' : 'toxiproxy';

    // The proxy container first: it owns the pod Redis and Postgres join. It
    // dials per connection, so only the services wait for its API.
    const needsHost = hostPortsToExpose(this.plan);
    const sshPort = needsHost.length > 0 ? await getFreePort() : null;
    const proxyStarted = Promise.all([proxyImage, network]).then(([image]) => phases.time('fault_proxy_container', () => startFaultProxyContainer(this.#ctx, this.plan, image, sshPort)));
    const pod = proxyStarted.then((p) => p.container.id);
    const hostPorts = sshPort !== null
      ? pod.then((id) => phases.time('port_forwarder', () => startPortForwarder({
        docker: this.docker, runId: this.runId, network: this.#ctx.network, pod: id, sshPort, image: sshdImage(processEnv), ports: needsHost,
        onLost: (reason) => this.#error(reason), time: (name, work) => phases.time(name, work),
      }))).then((h) => {
        this.#hostPorts = h;
        if (this.#stopping) h.close();
      })
      : Promise.resolve();
    const proxyReady = this.#timed('fault_proxy', 'fault_proxy', async () => {
      const { ready } = await proxyStarted;
      await phases.time('fault_proxy_api', () => ready);
      await phases.time('fault_proxy_populate', () => populateProxy(this.#faultProxyUrl(), this.plan, this.events));
      return `${this.#faultProxyUrl()} (${this.#proxyEngine} in a container)`;
    });

    // Replica containers are created while their dependencies start; started once those are ready.
    const prepared = new Map<string, Promise<void>>();
    for (const c of this.plan.components) {
      if (c.kind !== 'service') continue;
      const image = Promise.all([serviceImages.get(c.id)!, network]).then(([tag]) => tag);
      prepared.set(c.id, this.#prepareService(c, image));
    }
    const deps: StartDeps = { postgresImage, hostPorts, pod, proxyReady, prepared, serviceImages };
    for (const p of [...serviceImages.values(), ...prepared.values(), proxyImage, postgresImage, hostPorts, pod, proxyReady]) p.catch(() => undefined);

    const started = new Map<string, Promise<void>>();
    const byId = new Map(this.plan.components.map((c) => [c.id, c]));
    const launch = (c: PlannedComponent): Promise<void> => {
      let p = started.get(c.id);
      if (!p) {
        p = Promise.all(c.dependsOn.map((d) => launch(byId.get(d) ?? this.#bug(d)))).then(() => this.#startComponent(c, options, deps));
        started.set(c.id, p);
      }
      return p;
    };
    // Every branch settles before we report, so nothing is half-started when stop() cleans up.
    const results = await Promise.allSettled([network, proxyReady, hostPorts, ...prepared.values(), ...this.plan.components.map(launch)]);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    this.#stats.start([...this.#supervisors.values()]);
    const summary = phases.summary();
    this.events.emit('log', { ts: Date.now(), replica: 'agentup', stream: 'stdout', level: 'debug', msg: `${PHASES_LOG_MESSAGE}: ${summary}`, raw: `${PHASES_LOG_MESSAGE}: ${summary}`, fields: { phases: phases.list() } });
  }

  #bug(id: string): never {
    throw new BugError(`component ${id} is depended on but not planned`);
  }

  #faultProxyUrl(): string {
    return `http://127.0.0.1:${this.plan.faultProxy.api.port}`;
  }

  #timed(component: string, kind: ComponentKind, start: () => Promise<string | undefined>): Promise<void> {
    return timedComponent(this.events, component, kind, start);
  }

  #startComponent(c: PlannedComponent, options: RuntimeStartOptions, deps: StartDeps): Promise<void> {
    if (this.#stopping) return Promise.resolve();
    const phases = this.#phases;
    switch (c.kind) {
      case 'redis':
        return this.#timed(c.id, 'redis', async () => {
          const pod = await deps.pod;
          await phases.time('redis', () => startRedisContainer(this.#ctx, c, this.#images.redis, pod, podPorts(this.plan).redis));
          return `redis://127.0.0.1:${c.address.port} (container ${this.#images.redis})`;
        });
      case 'postgres':
        return this.#timed(c.id, 'postgres', async () => {
          const [image, pod] = await Promise.all([deps.postgresImage, deps.pod]);
          const { baking } = await startPostgresContainer(this.#ctx, c, image, { id: pod, port: podPorts(this.plan).postgres }, phases);
          if (baking) this.#baking.push(baking.catch((err: Error) => this.#debug(`postgres setup image not baked: ${err.message}`)));
          return `127.0.0.1:${c.address.port} (container ${this.#images.postgres}, initdb cached in ${image})`;
        });
      case 'api':
        return this.#timed(c.id, 'api', async () => {
          const api = await startMockApi(await loadMockApiFile(c.config.fixture), { host: '127.0.0.1', port: c.address.port, seed: options.seed, name: c.id });
          this.#apis.set(c.id, api);
          return api.url;
        });
      case 'upstream':
        return Promise.resolve();
      case 'service':
        return this.#timed(c.id, 'service', async () => {
          const [image] = await Promise.all([deps.serviceImages.get(c.id)!, deps.prepared.get(c.id), deps.hostPorts, deps.proxyReady]);
          return this.#startService(c, image);
        });
      case 'load_balancer':
        return this.#timed(c.id, 'load_balancer', async () => {
          this.#loadBalancer = await startFrontingLoadBalancer(this.plan, c, this.#supervisors, this.#serviceOf, this.events);
          return this.#loadBalancer.url;
        });
    }
  }

  /** The service's supervisors, and every replica container created (not started). */
  async #prepareService(c: PlannedService, image: Promise<string>): Promise<void> {
    const groups = serviceSupervisors({ docker: this.docker, runId: this.runId, network: this.#ctx.network, plan: this.plan, phases: this.#phases }, c, image);
    await Promise.all(groups.map(({ key, owner, supervisor }) => {
      this.#supervisors.set(key, supervisor);
      this.#serviceOf.set(key, owner);
      supervisor.on('event', (e) => {
        if (e.type === 'replica_starting') this.#replicaStarts.set(e.replica, this.#phases.now());
        if (e.type === 'replica_healthy' && this.#replicaStarts.has(e.replica)) {
          this.#phases.record(`healthy_${e.replica}`, this.#replicaStarts.get(e.replica)!, this.#phases.now());
          this.#replicaStarts.delete(e.replica);
        }
        this.events.emit('event', e);
      });
      supervisor.on('log', (line) => this.events.emit('log', line));
      return supervisor.prepare();
    }));
  }

  async #startService(c: PlannedService, image: string): Promise<string> {
    const keys = (c.versions ?? [{ config: c.config }]).map((g) => (c.versions ? g.config.name : c.id));
    await Promise.all(keys.map((key) => this.#supervisors.get(key)!.start((id, work) => this.#phases.time(`start_${id}`, work))));
    return `${c.replicas.length} replica container${c.replicas.length === 1 ? '' : 's'} of ${image}`;
  }

  startVersion(service: string): Promise<void> {
    return Promise.reject(this.#noRollouts(service));
  }

  stopVersion(service: string): Promise<void> {
    return Promise.reject(this.#noRollouts(service));
  }

  #noRollouts(service: string): AgentupError {
    return new AgentupError(`rollouts of ${service} need the process runtime; this simulation runs on docker`, { hint: 'start it with runtime: process (or AGENTUP_RUNTIME=process)' });
  }

  mockApi(name: string): RunningMockApi | undefined {
    return this.#apis.get(name);
  }

  endpoints(): Endpoints {
    return dockerEndpoints(this.plan, { faultProxyUrl: this.#faultProxyUrl(), engine: this.#proxyEngine, network: this.#ctx.network });
  }

  sample(options: { latencyWindow?: boolean } = {}): TopologySample {
    return sampleTopology({
      loadBalancer: this.#loadBalancer,
      replicas: this.replicas(),
      cpuSeconds: (r) => this.#stats.cpuSeconds(r.id),
      // The proxy lives in a container; Toxiproxy's API has no byte counters to read.
      proxies: [],
      apis: this.#apis,
    }, options);
  }

  replicas(service?: string): ListedReplica[] {
    return listReplicas(this.#supervisors, this.#serviceOf, service, (r) => this.#stats.rssBytes(r.id));
  }

  replicaControl(id: string): ReplicaControl {
    const { supervisor, index } = findReplica(this.#supervisors.values(), id, () => this.replicas().map((r) => r.id));
    return containerReplicaControl(this.docker.getNetwork(this.#ctx.network), supervisor, index, id, (what, err) => this.#controlFailed(id, what, err));
  }

  #debug(msg: string): void {
    this.events.emit('log', { ts: Date.now(), replica: 'agentup', stream: 'stdout', level: 'debug', msg, raw: msg });
  }

  #error(msg: string): void {
    if (this.#stopping) return;
    this.events.emit('log', { ts: Date.now(), replica: 'agentup', stream: 'stderr', level: 'error', msg, raw: msg });
  }

  #controlFailed(id: string, what: string, err: unknown): void {
    this.events.emit('log', { ts: Date.now(), replica: id, stream: 'stderr', level: 'error', msg: `agentup: docker ${what} failed: ${(err as Error).message}`, raw: `agentup: docker ${what} failed: ${(err as Error).message}` });
  }

  stop(_reason = 'stopped'): Promise<void> {
    this.#stopping ??= this.#stopAll();
    return this.#stopping;
  }

  async #stopAll(): Promise<void> {
    const steps = new StopSteps();
    const attempt = steps.attempt.bind(steps);
    this.#stats.stop();
    await steps.stopFront(this.#loadBalancer, this.#supervisors.values());
    await Promise.all([...this.#apis.values()].map((a) => attempt(() => a.close())));
    this.#hostPorts?.close();
    await Promise.all(this.#baking);
    // Containers (forced), then the network, then the image tags this run built.
    await attempt(() => removeRunResources(this.runId));
    await attempt(this.#reaper ? () => this.#reaper!.stop() : undefined);
    steps.throwFirst();
  }
}
