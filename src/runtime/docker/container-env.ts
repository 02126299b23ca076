/**
 * Replica env as seen from inside the simulation's network: the same
 * references as the plan, but the proxy's listen addresses become the proxy
 * container's alias (the ports stay), and the load balancer is reached
 * through the host port forwarder.
 */
import { renderTemplate } from '../../config/template.ts';
import { resolveReference, type AddressBook } from '../../plan/addresses.ts';
import type { Address, Plan, PlannedReplica, PlannedProxy } from '../../plan/types.ts';
import type { ServiceConfig } from '../../config/types.ts';
import { HOST_ALIAS, PROXY_ALIAS } from './docker-names.ts';
import { podPorts } from './dependency-containers.ts';

function viaProxy<T extends { proxy: PlannedProxy }>(c: T): T {
  return { ...c, proxy: { ...c.proxy, listen: { host: PROXY_ALIAS, port: c.proxy.listen.port } } };
}

export function containerAddressBook(plan: Plan): AddressBook {
  const book: AddressBook = { apis: new Map(), upstreams: new Map() };
  for (const c of plan.components) {
    if (c.kind === 'redis') book.redis = viaProxy(c);
    else if (c.kind === 'postgres') book.postgres = viaProxy(c);
    else if (c.kind === 'api') book.apis.set(c.id, viaProxy(c));
    else if (c.kind === 'upstream') book.upstreams.set(c.id, viaProxy(c));
    else if (c.kind === 'load_balancer') book.loadBalancer = { ...c, address: { host: HOST_ALIAS, port: c.address.port } };
  }
  return book;
}

/** The env a replica container gets: the service's env rendered for the network, plus the plan's own keys. */
export function containerEnv(config: ServiceConfig, replica: PlannedReplica, book: AddressBook): Record<string, string> {
  const env: Record<string, string> = { ...replica.env };
  for (const [key, { value }] of Object.entries(config.env)) env[key] = renderTemplate(value, (ref) => resolveReference(ref, book));
  return env;
}

/** Where the proxy container sends a proxy's bytes: all in its own pod (Redis, Postgres, the forwarder's tunnels to host ports). */
export function proxyUpstream(plan: Plan, proxy: PlannedProxy): Address {
  const owner = plan.components.find((c) => 'proxy' in c && c.proxy.name === proxy.name);
  if (owner?.kind === 'redis') return { host: '127.0.0.1', port: podPorts(plan).redis };
  if (owner?.kind === 'postgres') return { host: '127.0.0.1', port: podPorts(plan).postgres };
  return { host: '127.0.0.1', port: proxy.upstream.port };
}

/** Host ports containers must reach: mock APIs, user-run upstreams, the load balancer. */
export function hostPortsToExpose(plan: Plan): number[] {
  return plan.components.flatMap((c) => {
    if (c.kind === 'api') return [c.address.port];
    if (c.kind === 'upstream') return [c.proxy.upstream.port];
    if (c.kind === 'load_balancer') return [c.address.port];
    return [];
  });
}
