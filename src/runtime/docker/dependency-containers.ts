/**
 * Redis, Postgres and the fault proxy as containers. Each publishes on
 * 127.0.0.1 at the port the plan gave it, so host-side addresses are the
 * same as with the process runtime.
 */
import type Docker from 'dockerode';
import type { Plan, PlannedPostgres, PlannedRedis } from '../../plan/types.ts';
import { containerTail, pollUntil, startContainer, tcpExchange } from './containers.ts';
import { applyContainerSetup, pgLogin, superuserPasswordAfter } from './postgres-container-setup.ts';
import { bakeSetupImage, setupImageTag, type SetupContent } from './postgres-setup-image.ts';
import { imageExists, PROXY_ALIAS } from './docker-names.ts';
import { TEMPLATE_SUPERUSER } from './postgres-image.ts';
import type { StartupPhases } from './startup-phases.ts';

export interface RunContext {
  docker: Docker;
  runId: string;
  network: string;
}

const READY_TIMEOUT_MS = 60_000;

export async function startRedisContainer(ctx: RunContext, c: PlannedRedis, image: string): Promise<Docker.Container> {
  const cmd = ['--port', '6379', '--save', '', '--appendonly', 'no', '--maxmemory-policy', c.config.maxmemoryPolicy];
  if (c.config.maxmemory) cmd.push('--maxmemory', c.config.maxmemory);
  const container = await startContainer(ctx.docker, {
    runId: ctx.runId, component: 'redis', name: `agentup-${ctx.runId}-redis`, image, network: ctx.network, aliases: ['redis'], cmd, ports: [[6379, c.address.port]],
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
export async function startPostgresContainer(ctx: RunContext, c: PlannedPostgres, templateImage: string, phases?: StartupPhases): Promise<{ container: Docker.Container; baking: Promise<void> | null }> {
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
    runId: ctx.runId, component: 'postgres', name: `agentup-${ctx.runId}-postgres`, image: baked ? bakedTag : templateImage, network: ctx.network, aliases: ['postgres'],
    // A throwaway cluster: durability buys nothing and costs start-up and write latency.
    cmd: ['-c', `max_connections=${cfg.maxConnections}`, '-c', 'superuser_reserved_connections=0', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
    ports: [[5432, c.address.port]],
  }));
  const password = baked ? superuserPasswordAfter(setup) : setup.superuser.password;
  await time('postgres_ready', () => pollUntil(`postgres on 127.0.0.1:${c.address.port}`, () => pgLogin(c.address.port, setup.superuser.name, password), READY_TIMEOUT_MS, 25, () => containerTail(container)));
  if (baked) return { container, baking: null };
  await time('postgres_setup', () => applyContainerSetup({ ...setup, port: c.address.port }));
  // Only once the run's own setup succeeded: a setup that fails is reported by it, not baked.
  const baking = bakedTag === null ? null : bakeSetupImage(ctx.docker, templateImage, bakedTag, setup, ctx.runId);
  return { container, baking };
}

/** The Toxiproxy-compatible proxy container: API and every proxy's listen port published on loopback. */
export async function startFaultProxyContainer(ctx: RunContext, plan: Plan, image: string): Promise<Docker.Container> {
  const apiPort = plan.faultProxy.api.port;
  const container = await startContainer(ctx.docker, {
    runId: ctx.runId, component: 'fault_proxy', name: `agentup-${ctx.runId}-fault-proxy`, image, network: ctx.network, aliases: [PROXY_ALIAS],
    // Toxiproxy's image takes its flags as the command; agentup's image ignores them.
    cmd: image.startsWith('agentup-proxy') ? [] : ['-host=0.0.0.0', '-port=8474'],
    ports: [[8474, apiPort], ...plan.proxies.map((p) => [p.listen.port, p.listen.port] as [number, number])],
  });
  await pollUntil(`fault proxy API on 127.0.0.1:${apiPort}`, () => httpOk(`http://127.0.0.1:${apiPort}/version`), READY_TIMEOUT_MS, 25, () => containerTail(container));
  return container;
}

/** One GET, bounded: Docker's port proxy accepts before the server listens and may hold the connection. */
async function httpOk(url: string, timeoutMs = 1000): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  await res.body?.cancel();
  return res.ok;
}
