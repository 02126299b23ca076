/**
 * Redis, Postgres and the fault proxy as containers, as one pod: the proxy
 * container owns the network namespace (its alias on the run's network, and
 * every published port: its API, each proxy's listen port, Redis's and
 * Postgres's direct ports) and Redis and Postgres join it, listening on ports
 * of the pod that the proxy dials on 127.0.0.1. Services reach dependencies
 * only through the proxy anyway; sharing its namespace saves Docker two
 * namespaces per run (measured: 4 containers started with a namespace each
 * 0.77-0.93 s and 1.2-1.45 s of CPU on 2 cores; one owner and 3 joiners
 * 0.49-0.55 s and 0.6-0.67 s). Host-side addresses are the plan's, as with
 * the process runtime.
 */
import type Docker from 'dockerode';
import type { Plan, PlannedPostgres, PlannedRedis } from '../../plan/types.ts';
import { containerTail, pollUntil, startContainer, tcpExchange } from './containers.ts';
import { applyContainerSetup, pgLogin, superuserPasswordAfter } from './postgres-container-setup.ts';
import { bakeSetupImage, setupImageTag, type SetupContent } from './postgres-setup-image.ts';
import { HOST_ALIAS, imageExists, PROXY_ALIAS } from './docker-names.ts';
import { hostPortsToExpose, proxyUpstream } from './container-env.ts';
import { ToxiproxyClient } from '../../proxy/client.ts';
import type { EventEmitter } from 'node:events';
import { populateFaultProxy } from '../component-start.ts';
import type { RuntimeEvents } from '../types.ts';
import { AgentupError } from '../../errors.ts';
import { TEMPLATE_SUPERUSER } from './postgres-image.ts';
import { PROXY_API_PORT } from './proxy-image.ts';
import type { StartupPhases } from './startup-phases.ts';

export interface RunContext {
  docker: Docker;
  runId: string;
  network: string;
}

/** The port forwarder's sshd inside the pod (PROXY_API_PORT: the proxy's API, Toxiproxy's default). */
const SSHD_PORT = 22;
const READY_TIMEOUT_MS = 60_000;

/**
 * Ports bound inside the pod besides Redis's and Postgres's: the proxy's API,
 * each proxy's listen port, and (with a port forwarder) sshd and each host
 * port tunnelled in. A clash among them is an error naming the port.
 */
function portsInPod(plan: Plan): Map<number, string> {
  const used = new Map<number, string>([[PROXY_API_PORT, "the fault proxy's API"]]);
  const claim = (port: number, what: string): void => {
    const other = used.get(port);
    if (other) throw new AgentupError(`port ${port} is needed twice inside the Docker dependency pod: ${other} and ${what}`, { hint: `pick another port for ${what} in the environment file` });
    used.set(port, what);
  };
  for (const p of plan.proxies) claim(p.listen.port, `proxy ${p.name}`);
  const tunnelled = hostPortsToExpose(plan);
  if (tunnelled.length > 0) claim(SSHD_PORT, "the port forwarder's sshd");
  for (const port of tunnelled) claim(port, `host port ${port} (reached through the port forwarder)`);
  return used;
}

/** Where Redis and Postgres listen inside the pod: their usual ports unless something else of the pod binds there. */
export function podPorts(plan: Plan): { redis: number; postgres: number } {
  const taken = new Set(portsInPod(plan).keys());
  const free = (from: number): number => {
    let port = from;
    while (taken.has(port)) port += 1;
    taken.add(port);
    return port;
  };
  return { redis: free(6379), postgres: free(5432) };
}

/** Redis in the proxy's pod (`pod`: the started proxy container's id), on `port` there. */
export async function startRedisContainer(ctx: RunContext, c: PlannedRedis, image: string, pod: string, port: number): Promise<Docker.Container> {
  const cmd = ['--port', String(port), '--save', '', '--appendonly', 'no', '--maxmemory-policy', c.config.maxmemoryPolicy];
  if (c.config.maxmemory) cmd.push('--maxmemory', c.config.maxmemory);
  const container = await startContainer(ctx.docker, {
    runId: ctx.runId, component: 'redis', name: `agentup-${ctx.runId}-redis`, image, network: ctx.network, podOf: pod, aliases: [], cmd,
  });
  await pollUntil(`redis on 127.0.0.1:${c.address.port}`, () => tcpExchange(c.address.port, 'PING\r\n', /\+PONG/), READY_TIMEOUT_MS, 25, () => containerTail(container));
  return container;
}

/**
 * Postgres from the run's template image (initdb done once per machine):
 * max_connections as a server flag. The databases, users and init_sql come
 * baked in an image of their own when this setup ran before on this machine
 * (postgres-setup-image.ts); otherwise they are applied over the published
 * port, as the process runtime does, and `baking` builds that image beside
 * the run (the run awaits it before it removes its containers).
 */
export async function startPostgresContainer(ctx: RunContext, c: PlannedPostgres, templateImage: string, pod: { id: string; port: number }, phases?: StartupPhases): Promise<{ container: Docker.Container; baking: Promise<void> | null }> {
  const cfg = c.config;
  const time = <T>(name: string, work: () => Promise<T>): Promise<T> => (phases ? phases.time(name, work) : work());
  const setup: SetupContent = {
    superuser: { name: TEMPLATE_SUPERUSER.user, password: TEMPLATE_SUPERUSER.password },
    databases: cfg.databases,
    users: cfg.users.map((u) => ({ name: u.name, password: u.password.value })),
    initSqlFile: cfg.initSql ?? null,
  };
  const bakedTag = await time('postgres_baked_lookup', () => setupImageTag(templateImage, setup));
  const baked = bakedTag !== null && (await imageExists(ctx.docker, bakedTag));
  const container = await time('postgres_create_start', () => startContainer(ctx.docker, {
    runId: ctx.runId, component: 'postgres', name: `agentup-${ctx.runId}-postgres`, image: baked ? bakedTag : templateImage, network: ctx.network, podOf: pod.id, aliases: [],
    // A throwaway cluster: durability buys nothing and costs start-up and write latency.
    cmd: ['-c', `port=${pod.port}`, '-c', `max_connections=${cfg.maxConnections}`, '-c', 'superuser_reserved_connections=0', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
  }));
  const password = baked ? superuserPasswordAfter(setup) : setup.superuser.password;
  await time('postgres_ready', () => pollUntil(`postgres on 127.0.0.1:${c.address.port}`, () => pgLogin(c.address.port, setup.superuser.name, password), READY_TIMEOUT_MS, 25, () => containerTail(container)));
  if (baked) return { container, baking: null };
  await time('postgres_setup', () => applyContainerSetup({ ...setup, port: c.address.port }));
  // Only once the run's own setup succeeded: a setup that fails is reported by it, not baked.
  const baking = bakedTag === null ? null : bakeSetupImage(ctx.docker, templateImage, bakedTag, setup, ctx.runId);
  return { container, baking };
}

/**
 * The Toxiproxy-compatible proxy container, owner of the dependency pod:
 * its API, every proxy's listen port and the direct ports of Redis and
 * Postgres are published on loopback. Returns once Docker started it (the pod
 * exists); `ready` resolves when its API answers.
 */
export async function startFaultProxyContainer(ctx: RunContext, plan: Plan, image: string, forwarderSshPort: number | null): Promise<{ container: Docker.Container; ready: Promise<void> }> {
  const apiPort = plan.faultProxy.api.port;
  const inPod = podPorts(plan);
  const direct = plan.components.flatMap((c): Array<[number, number]> => (c.kind === 'redis' ? [[inPod.redis, c.address.port]] : c.kind === 'postgres' ? [[inPod.postgres, c.address.port]] : []));
  if (forwarderSshPort !== null) direct.push([SSHD_PORT, forwarderSshPort]);
  const container = await startContainer(ctx.docker, {
    runId: ctx.runId, component: 'fault_proxy', name: `agentup-${ctx.runId}-fault-proxy`, image, network: ctx.network,
    // Services reach host ports at host.testcontainers.internal, as with testcontainers: the forwarder is in this pod.
    aliases: forwarderSshPort !== null ? [PROXY_ALIAS, HOST_ALIAS] : [PROXY_ALIAS],
    // Toxiproxy's image takes its flags as the command; agentup's image ignores them.
    cmd: image.startsWith('agentup-proxy') ? [] : ['-host=0.0.0.0', `-port=${PROXY_API_PORT}`],
    ports: [[PROXY_API_PORT, apiPort], ...plan.proxies.map((p) => [p.listen.port, p.listen.port] as [number, number]), ...direct],
  });
  return { container, ready: waitForProxyApi(container, apiPort) };
}

async function waitForProxyApi(container: Docker.Container, apiPort: number): Promise<void> {
  await pollUntil(`fault proxy API on 127.0.0.1:${apiPort}`, () => httpOk(`http://127.0.0.1:${apiPort}/version`), READY_TIMEOUT_MS, 25, () => containerTail(container));
}

/** One GET, bounded: Docker's port proxy accepts before the server listens and may hold the connection. */
async function httpOk(url: string, timeoutMs = 1000): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  await res.body?.cancel();
  return res.ok;
}

/** The plan's proxies in the proxy container, listening on every address of the pod and dialing their upstreams in it; then the file's faults. */
export async function populateProxy(apiUrl: string, plan: Plan, events: EventEmitter<RuntimeEvents>): Promise<void> {
  const client = new ToxiproxyClient(apiUrl);
  try {
    await populateFaultProxy(client, plan, (p) => {
      const up = proxyUpstream(plan, p);
      return { listen: `0.0.0.0:${p.listen.port}`, upstream: `${up.host}:${up.port}` };
    }, events);
  } finally {
    client.close();
  }
}
