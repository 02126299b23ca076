import { BugError } from '../errors.ts';
import type { Address, PlannedApi, PlannedLoadBalancer, PlannedPostgres, PlannedRedis, PlannedUpstream } from './types.ts';

/**
 * The one place where a dependency's address is resolved for the service.
 * Services always get the fault proxy's listen address, never the real
 * server's, so every byte they exchange with a dependency can be faulted.
 */
export interface AddressBook {
  redis?: PlannedRedis;
  postgres?: PlannedPostgres;
  loadBalancer?: PlannedLoadBalancer;
  apis: Map<string, PlannedApi>;
  upstreams: Map<string, PlannedUpstream>;
}

const hostPort = (a: Address): string => `${a.host}:${a.port}`;

export function redisUrl(redis: PlannedRedis): string {
  return `redis://${hostPort(redis.proxy.listen)}`;
}

export function postgresUrl(pg: PlannedPostgres, via: 'proxy' | 'direct' = 'proxy'): string {
  const address = via === 'proxy' ? pg.proxy.listen : pg.address;
  const user = encodeURIComponent(pg.user.name);
  const password = encodeURIComponent(pg.user.password);
  return `postgres://${user}:${password}@${hostPort(address)}/${encodeURIComponent(pg.database)}`;
}

/** Value of `${ref}` (without the braces), e.g. `redis.url`. */
export function resolveReference(ref: string, book: AddressBook): string {
  const [section, field] = ref.split('.') as [string, string | undefined];
  if (section === 'redis' && book.redis) {
    const listen = book.redis.proxy.listen;
    if (field === 'url') return redisUrl(book.redis);
    if (field === 'host') return listen.host;
    if (field === 'port') return String(listen.port);
  }
  if (section === 'postgres' && book.postgres) {
    const pg = book.postgres;
    if (field === 'url') return postgresUrl(pg);
    if (field === 'host') return pg.proxy.listen.host;
    if (field === 'port') return String(pg.proxy.listen.port);
    if (field === 'user') return pg.user.name;
    if (field === 'password') return pg.user.password;
    if (field === 'database') return pg.database;
  }
  if (section === 'load_balancer' && book.loadBalancer) {
    const a = book.loadBalancer.address;
    if (field === 'url') return `http://${hostPort(a)}`;
    if (field === 'host') return a.host;
    if (field === 'port') return String(a.port);
  }
  if (section === 'apis' || section === 'upstreams') {
    // `apis.<name>.<field>`: the name sits between section and field.
    const [, name, f] = ref.split('.') as [string, string, string];
    const proxied = (section === 'apis' ? book.apis.get(name) : book.upstreams.get(name))?.proxy.listen;
    if (proxied) {
      if (f === 'host') return proxied.host;
      if (f === 'port') return String(proxied.port);
      if (f === 'address') return hostPort(proxied);
      if (f === 'url') return section === 'apis' ? `http://${hostPort(proxied)}` : `tcp://${hostPort(proxied)}`;
    }
  }
  // The loader rejects unknown references, so reaching here is our bug.
  throw new BugError(`reference \${${ref}} passed validation but cannot be resolved`);
}
