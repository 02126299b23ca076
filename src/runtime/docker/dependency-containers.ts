/**
 * Redis, Postgres and the fault proxy as containers. Each publishes on
 * 127.0.0.1 at the port the plan gave it, so host-side addresses are the
 * same as with the process runtime.
 */
import { readFile } from 'node:fs/promises';
import type Docker from 'dockerode';
import pg from 'pg';
import type { Plan, PlannedPostgres, PlannedRedis } from '../../plan/types.ts';
import { containerTail, pollUntil, startContainer, tcpExchange } from './containers.ts';
import { PROXY_ALIAS, tarOf } from './docker-names.ts';

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

const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;
const literal = (value: string): string => `'${value.replace(/'/g, "''")}'`;

/** The official image's interface: POSTGRES_* env, /docker-entrypoint-initdb.d/*.sql, `-c name=value`. */
export async function startPostgresContainer(ctx: RunContext, c: PlannedPostgres, image: string): Promise<Docker.Container> {
  const cfg = c.config;
  const [first, ...others] = cfg.databases;
  const users = cfg.users.map((u) => ({ name: u.name, password: u.password.value }));
  const owner = users[0]?.name ?? 'postgres';
  const setup = [
    ...users.map((u) => `CREATE ROLE ${ident(u.name)} LOGIN PASSWORD ${literal(u.password)};`),
    ...others.map((d) => `CREATE DATABASE ${ident(d)} OWNER ${ident(owner)};`),
    `ALTER DATABASE ${ident(first ?? 'postgres')} OWNER TO ${ident(owner)};`,
    ...cfg.databases.flatMap((d) => users.map((u) => `GRANT ALL PRIVILEGES ON DATABASE ${ident(d)} TO ${ident(u.name)};`)),
  ].join('\n');
  const grants = users.map((u) => `GRANT ALL ON SCHEMA public TO ${ident(u.name)}; GRANT ALL ON ALL TABLES IN SCHEMA public TO ${ident(u.name)}; GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO ${ident(u.name)};`).join('\n');
  const files = [{ name: '00-agentup-roles.sql', content: setup }];
  if (cfg.initSql) files.push({ name: '10-init.sql', content: await readFile(cfg.initSql, 'utf8') });
  files.push({ name: '90-agentup-grants.sql', content: grants });

  const container = await ctx.docker.createContainer({
    name: `agentup-${ctx.runId}-postgres`,
    Image: image,
    Cmd: ['-c', `max_connections=${cfg.maxConnections}`, '-c', 'superuser_reserved_connections=0', '-c', 'fsync=off'],
    Env: ['POSTGRES_USER=postgres', 'POSTGRES_PASSWORD=postgres', `POSTGRES_DB=${first ?? 'postgres'}`],
    Labels: { 'agentup.run': ctx.runId, 'agentup.component': 'postgres' },
    ExposedPorts: { '5432/tcp': {} },
    HostConfig: { NetworkMode: ctx.network, PortBindings: { '5432/tcp': [{ HostIp: '127.0.0.1', HostPort: String(c.address.port) }] } },
    NetworkingConfig: { EndpointsConfig: { [ctx.network]: { Aliases: ['postgres'] } } },
  });
  await container.putArchive(tarOf(files), { path: '/docker-entrypoint-initdb.d' });
  await container.start();
  // The entrypoint's init server listens on no TCP port, so a login over TCP means the real one is up.
  await pollUntil(`postgres on 127.0.0.1:${c.address.port}`, async () => {
    const client = new pg.Client({ host: '127.0.0.1', port: c.address.port, user: c.user.name, password: c.user.password, database: c.database, connectionTimeoutMillis: 1000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return true;
    } finally {
      await client.end().catch(() => undefined);
    }
  }, READY_TIMEOUT_MS, 50, () => containerTail(container));
  return container;
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
  await pollUntil(`fault proxy API on 127.0.0.1:${apiPort}`, async () => (await fetch(`http://127.0.0.1:${apiPort}/version`)).ok, READY_TIMEOUT_MS, 25, () => containerTail(container));
  return container;
}
