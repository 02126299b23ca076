import { randomBytes } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import Docker from 'dockerode';
import type { Environment } from '../../config/types.ts';
import { AgentupError, BugError } from '../../errors.ts';
import { plan as makePlan, portSlots } from '../../plan/plan.ts';
import type { Plan, PlannedComponent, PlannedService } from '../../plan/types.ts';
import { loadMockApiFile, startMockApi, type RunningMockApi } from '../../services/mock-api/index.ts';
import type { LoadBalancer } from '../../services/load-balancer.ts';
import { ToxiproxyClient } from '../../proxy/client.ts';
import type { ComponentKind } from '../../sim/events.ts';
import { allocatePorts } from '../process/allocate-ports.ts';
import { findReplica, listReplicas, sampleTopology, type ListedReplica } from '../topology-sample.ts';
import { StopSteps } from '../stop-steps.ts';
import { startFrontingLoadBalancer, timedComponent } from '../component-start.ts';
import type { Endpoints, ReplicaControl, RunningTopology, Runtime, RuntimeEvents, RuntimeStartOptions, TopologySample } from '../types.ts';
import { requireDockerEngine, type DetectedEngine } from './detect.ts';
import { removeRunResources, startContainerReaper, type ContainerReaper } from './container-reaper.ts';
import { containerAddressBook, containerEnv, hostPortsToExpose, proxyUpstream } from './container-env.ts';
import { ContainerSupervisor } from './container-supervisor.ts';
import { createContainer } from './containers.ts';
import { podPorts, startFaultProxyContainer, startPostgresContainer, startRedisContainer, type RunContext } from './dependency-containers.ts';
import { defaultImages, labels, type DockerImages } from './docker-names.ts';
import { dockerEndpoints } from './docker-endpoints.ts';
import { sshdImage, startPortForwarder, type HostPortForwarder } from './host-ports.ts';
import { getFreePort } from '../../util/ports.ts';
import { ensureAgentupProxyImage } from './proxy-image.ts';
import { ensureServiceImage } from './service-image.ts';
import { ensurePostgresTemplateImage } from './postgres-image.ts';
import { PHASES_LOG_MESSAGE, StartupPhases } from './startup-phases.ts';
import { ContainerStats } from './container-stats.ts';

const DEFAULT_FAULT_PROXY_PORT = 8474;

/** What the parts of a start wait on, started once at the top of start(). */
interface StartDeps {
  network: Promise<unknown>;
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
    const images = defaultImages(processEnv);
    this.#images = {
      ...images,
      redis: env.redis?.image ?? images.redis,
      postgres: env.postgres?.image ?? images.postgres,
      faultProxy: env.faultProxy.image ?? images.faultProxy,
    };
    if (env.faultProxy.url) {
      throw new AgentupError(`fault_proxy.url ${env.faultProxy.url} cannot be used with the docker runtime`, { hint: 'leave url out (the run starts its own proxy container), or use --runtime process' });
    }
    // The watchdog first: nothing labelled with the run may exist before it watches.
    const [reaper, ports] = await Promise.all([
      phases.time('reaper', () => startContainerReaper(this.runId)),
      phases.time('ports', () => allocatePorts(portSlots(env), { fault_proxy: options.faultProxyPort ?? DEFAULT_FAULT_PROXY_PORT })),
    ]);
    this.#reaper = reaper;
    this.plan = makePlan(env, ports);
    const network = phases.time('network', () => this.docker.createNetwork({ Name: this.#ctx.network, Driver: 'bridge', Labels: labels(this.runId, 'network') }));

    // Everything independent starts now; each part awaits only what it needs.
    const serviceImages = new Map<string, Promise<string>>();
    for (const c of this.plan.components) {
      if (c.kind !== 'service') continue;
      const build = c.config.build;
      serviceImages.set(c.id, build
        ? phases.time(`image_${c.id}`, () => ensureServiceImage(this.docker, { service: c.id, build, nodeImage: this.#images.node, runId: this.runId })).then((i) => i.tag)
        : Promise.resolve(c.config.image ?? this.#missingImage(c.id)));
    }
    const proxyImage = this.#images.faultProxy === 'agentup'
      ? phases.time('proxy_image', () => ensureAgentupProxyImage({ nodeImage: this.#images.node ?? 'node:20-slim' }))
      : Promise.resolve(this.#images.faultProxy);
    this.#proxyEngine = this.#images.faultProxy === 'agentup' ? 'agentup' : 'toxiproxy';
    const postgresImage = this.plan.components.some((c) => c.kind === 'postgres')
      ? phases.time('postgres_template', () => ensurePostgresTemplateImage(this.docker, this.#images.postgres, this.runId)).then((t) => t.tag)
      : Promise.resolve('');

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
      await phases.time('fault_proxy_populate', () => this.#populateProxy());
      return `${this.#faultProxyUrl()} (${this.#proxyEngine} in a container)`;
    });

    // Replica containers are created while their dependencies start; started once those are ready.
    const prepared = new Map<string, Promise<void>>();
    for (const c of this.plan.components) {
      if (c.kind !== 'service') continue;
      const image = Promise.all([serviceImages.get(c.id)!, network]).then(([tag]) => tag);
      prepared.set(c.id, this.#prepareService(c, image));
    }
    const deps: StartDeps = { network, postgresImage, hostPorts, pod, proxyReady, prepared, serviceImages };
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

  async #populateProxy(): Promise<void> {
    const client = new ToxiproxyClient(this.#faultProxyUrl());
    try {
      await client.populate(this.plan.proxies.map((p) => {
        const up = proxyUpstream(this.plan, p);
        return { name: p.name, listen: `0.0.0.0:${p.listen.port}`, upstream: `${up.host}:${up.port}` };
      }));
      for (const [proxy, toxics] of Object.entries(this.plan.faults)) {
        for (const toxic of toxics) {
          const info = await client.addToxic(proxy, toxic);
          this.events.emit('event', { type: 'fault_added', ts: Date.now(), target: proxy, fault: info.name, kind: info.type, description: `${info.type} ${JSON.stringify(info.attributes)} (from the environment file)` });
        }
      }
    } finally {
      client.close();
    }
  }

  #missingImage(service: string): never {
    throw new AgentupError(`service ${service} has no build: or image:`, { hint: 'add one, or use --runtime process' });
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
    const book = containerAddressBook(this.plan);
    const groups = c.versions ?? [{ name: '', config: c.config, replicas: c.replicas }];
    await Promise.all(groups.map((group) => {
      const cfg = group.config;
      const supervisor = new ContainerSupervisor({
        service: cfg,
        replicas: group.replicas.map((r) => ({ id: r.id, port: r.address.port })),
        create: async (index) => {
          const r = group.replicas[index]!;
          const tag = await image;
          return this.#phases.time(`create_${r.id}`, () => createContainer(this.docker, {
            runId: this.runId,
            component: r.id,
            name: `agentup-${this.runId}-${r.id}`,
            image: tag,
            network: this.#ctx.network,
            aliases: [r.id],
            cmd: commandArgs(cfg.command),
            env: containerEnv(cfg, r, book),
            ports: [[r.address.port, r.address.port]],
            ...(cfg.memoryLimitMb ? { memoryBytes: Math.round(cfg.memoryLimitMb * 1024 * 1024) } : {}),
          }));
        },
      });
      const key = c.versions ? cfg.name : c.id;
      this.#supervisors.set(key, supervisor);
      this.#serviceOf.set(key, group.name ? { service: c.id, version: group.name } : { service: c.id });
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
    const { supervisor: s, index } = findReplica(this.#supervisors.values(), id, () => this.replicas().map((r) => r.id));
    const network = this.docker.getNetwork(this.#ctx.network);
    return {
      kill: (sig) => s.kill(index, sig),
      pause: () => void s.pause(index).catch((err) => this.#controlFailed(id, 'pause', err)),
      resume: () => void s.resume(index).catch((err) => this.#controlFailed(id, 'resume', err)),
      restart: () => s.restart(index),
      stop: () => s.stopReplica(index),
      start: () => s.startReplica(index),
      disconnect: async () => {
        const container = s.containerOf(index);
        if (container) await network.disconnect({ Container: container.id, Force: true });
      },
      connect: async () => {
        const container = s.containerOf(index);
        if (container) await network.connect({ Container: container.id, EndpointConfig: { Aliases: [id] } });
      },
    };
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

/** `command:` over the image's CMD: a simple string is split like exec form; anything with shell syntax runs under sh -c. */
export function commandArgs(command: string | string[]): string[] {
  if (Array.isArray(command)) return command;
  if (/^[\w./:=@%+,-]+( +[\w./:=@%+,-]+)*$/.test(command.trim())) return command.trim().split(/ +/);
  return ['/bin/sh', '-c', command];
}
