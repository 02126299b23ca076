import type { Environment } from '../config/types.ts';
import { parseTemplate, renderTemplate } from '../config/template.ts';
import { BugError } from '../errors.ts';
import { resolveReference, type AddressBook } from './addresses.ts';
import { startWaves } from './start-order.ts';
import type {
  Address,
  Plan,
  PlannedComponent,
  PlannedApi,
  PlannedLoadBalancer,
  PlannedPostgres,
  PlannedProxy,
  PlannedRedis,
  PlannedService,
  PlannedUpstream,
  PlannedVersion,
  PortSlot,
} from './types.ts';
import { versionLayouts } from './versions.ts';

const LOOPBACK = '127.0.0.1';

function addressOfUrl(url: string): Address {
  const u = new URL(url);
  return { host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port || 80) };
}

/** Every port the plan needs; the runtime fills the free ones (`fixed: null`) before calling plan(). */
export function portSlots(env: Environment): PortSlot[] {
  // With an external Toxiproxy there is no API of ours to place.
  const slots: PortSlot[] = env.faultProxy.url ? [] : [{ id: 'fault_proxy', fixed: env.faultProxy.port }];
  if (env.redis) slots.push({ id: 'redis', fixed: env.redis.port }, { id: 'redis.proxy', fixed: null });
  if (env.postgres) slots.push({ id: 'postgres', fixed: env.postgres.port }, { id: 'postgres.proxy', fixed: null });
  for (const api of Object.values(env.apis)) slots.push({ id: api.name, fixed: api.port }, { id: `${api.name}.proxy`, fixed: null });
  for (const upstream of Object.values(env.upstreams)) slots.push({ id: `${upstream.name}.proxy`, fixed: null });
  if (env.loadBalancer) slots.push({ id: 'load_balancer', fixed: env.loadBalancer.port });
  for (const service of Object.values(env.services)) {
    for (const layout of versionLayouts(service)) {
      for (let i = 1; i <= layout.config.replicas; i++) slots.push({ id: `${layout.slotPrefix}.${i}`, fixed: null });
    }
  }
  return slots;
}

/** Environment -> Plan. Pure and synchronous: it starts nothing and opens no socket. */
export function plan(env: Environment, ports: ReadonlyMap<string, number>): Plan {
  const at = (id: string): Address => {
    const port = ports.get(id);
    if (port === undefined) throw new BugError(`no port assigned for slot ${id}`);
    return { host: LOOPBACK, port };
  };
  const proxyFor = (name: string): PlannedProxy => ({ name, listen: at(`${name}.proxy`), upstream: at(name) });
  const secrets: string[] = [];
  const book: AddressBook = { apis: new Map(), upstreams: new Map() };
  const components: PlannedComponent[] = [];

  if (env.redis) {
    const redis: PlannedRedis = { kind: 'redis', id: 'redis', dependsOn: [], address: at('redis'), proxy: proxyFor('redis'), config: env.redis };
    book.redis = redis;
    components.push(redis);
  }
  if (env.postgres) {
    const pg = env.postgres;
    const appUser = pg.users[0];
    if (appUser?.password.secret) secrets.push(appUser.password.value);
    for (const u of pg.users) if (u.password.secret) secrets.push(u.password.value);
    const postgres: PlannedPostgres = {
      kind: 'postgres',
      id: 'postgres',
      dependsOn: [],
      address: at('postgres'),
      proxy: proxyFor('postgres'),
      config: pg,
      user: appUser ? { name: appUser.name, password: appUser.password.value } : { name: 'postgres', password: 'postgres' },
      database: pg.databases[0] ?? 'postgres',
    };
    book.postgres = postgres;
    components.push(postgres);
  }
  for (const config of Object.values(env.apis)) {
    const api: PlannedApi = { kind: 'api', id: config.name, dependsOn: [], address: at(config.name), proxy: proxyFor(config.name), config };
    book.apis.set(config.name, api);
    components.push(api);
  }
  for (const config of Object.values(env.upstreams)) {
    const proxy: PlannedProxy = { name: config.name, listen: at(`${config.name}.proxy`), upstream: { host: config.host, port: config.port } };
    const upstream: PlannedUpstream = { kind: 'upstream', id: config.name, dependsOn: [], proxy };
    book.upstreams.set(config.name, upstream);
    components.push(upstream);
  }
  if (env.loadBalancer) {
    const lb: PlannedLoadBalancer = {
      kind: 'load_balancer',
      id: 'load_balancer',
      dependsOn: [env.loadBalancer.service],
      address: at('load_balancer'),
      strategy: env.loadBalancer.strategy,
      service: env.loadBalancer.service,
      ...(env.loadBalancer.retries ? { retries: env.loadBalancer.retries } : {}),
    };
    book.loadBalancer = lb;
    components.push(lb);
  }

  for (const service of Object.values(env.services)) {
    const dependsOn = new Set(service.dependsOn);
    const layouts = versionLayouts(service);
    for (const { value } of layouts.flatMap((l) => Object.values(l.config.env))) {
      for (const part of parseTemplate(value)) {
        // A replica whose env names a dependency cannot work before it is up.
        if (part.kind !== 'ref') continue;
        const [section, name] = part.ref.split('.');
        if (section === 'redis' || section === 'postgres') dependsOn.add(section);
        if ((section === 'apis' || section === 'upstreams') && name) dependsOn.add(name);
      }
    }
    const planned: PlannedService = { kind: 'service', id: service.name, dependsOn: [...dependsOn].sort(), config: service, replicas: [] };
    for (const layout of layouts) {
      const version: PlannedVersion = { name: layout.name, role: layout.role, config: layout.config, replicas: [] };
      for (let index = 1; index <= layout.config.replicas; index++) {
        const address = at(`${layout.slotPrefix}.${index}`);
        const id = `${layout.config.name}-${index}`;
        const replicaEnv: Record<string, string> = {};
        for (const [key, { value, secret }] of Object.entries(layout.config.env)) {
          replicaEnv[key] = renderTemplate(value, (ref) => resolveReference(ref, book));
          if (secret) secrets.push(replicaEnv[key]);
        }
        replicaEnv[service.portEnv] = String(address.port);
        // Lets a replica name itself in logs and responses, like a pod name.
        replicaEnv.AGENTUP_REPLICA_ID = id;
        replicaEnv.AGENTUP_SERVICE = service.name;
        if (layout.name) replicaEnv.AGENTUP_VERSION = layout.name;
        const replica = { id, index, address, env: replicaEnv, ...(layout.name ? { version: layout.name } : {}) };
        version.replicas.push(replica);
        planned.replicas.push(replica);
      }
      if (service.versions) (planned.versions ??= []).push(version);
    }
    components.push(planned);
  }

  return {
    name: env.name,
    file: env.file,
    faultProxy: { api: env.faultProxy.url ? addressOfUrl(env.faultProxy.url) : at('fault_proxy'), engine: env.faultProxy.engine, url: env.faultProxy.url },
    faults: env.faults,
    components,
    proxies: components.flatMap((c) => ('proxy' in c ? [c.proxy] : [])),
    startOrder: startWaves(components),
    secrets: [...new Set(secrets)],
  };
}
