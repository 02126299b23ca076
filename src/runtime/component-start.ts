/**
 * Starting pieces of a topology the same way in every runtime: the
 * component_starting/component_ready events around each component, the fault
 * proxy's proxies and the environment file's faults, and the load balancer in front of a service's supervisors (processes or containers
 * alike: it only follows their SupervisorEvents).
 */
import type { EventEmitter } from 'node:events';
import { BugError } from '../errors.ts';
import type { Plan, PlannedLoadBalancer, PlannedProxy, PlannedService } from '../plan/types.ts';
import type { ToxiproxyClient } from '../proxy/client.ts';
import { startLoadBalancer, type LoadBalancer, type ReplicaEventSource } from '../services/load-balancer.ts';
import type { ComponentKind } from '../sim/events.ts';
import type { RuntimeEvents } from './types.ts';

/** Runs `start` between component_starting and component_ready (with its address, when it returns one). */
export async function timedComponent(events: EventEmitter<RuntimeEvents>, component: string, kind: ComponentKind, start: () => Promise<string | undefined>): Promise<void> {
  const t0 = performance.now();
  events.emit('event', { type: 'component_starting', ts: Date.now(), component, kind });
  const address = await start();
  events.emit('event', { type: 'component_ready', ts: Date.now(), component, kind, startupMs: performance.now() - t0, ...(address ? { address } : {}) });
}

/**
 * The planned load balancer, attached to every supervisor of its service
 * (`supervisors` keyed by service or version prefix, `serviceOf` saying
 * which), its events forwarded as simulation events.
 */
export async function startFrontingLoadBalancer(
  plan: Plan,
  c: PlannedLoadBalancer,
  supervisors: Map<string, ReplicaEventSource>,
  serviceOf: Map<string, { service: string; version?: string }>,
  events: EventEmitter<RuntimeEvents>,
): Promise<LoadBalancer> {
  const fronted = [...supervisors].filter(([key]) => serviceOf.get(key)?.service === c.service);
  if (fronted.length === 0) throw new BugError(`load balancer for unknown service ${c.service}`);
  const lb = await startLoadBalancer({ host: '127.0.0.1', port: c.address.port, strategy: c.strategy, retries: c.retries });
  const versions = (plan.components.find((p) => p.kind === 'service' && p.id === c.service) as PlannedService).versions;
  // The current version takes every request until a rollout moves some.
  if (versions) lb.defineVersions(versions.map((v) => ({ name: v.name, weight: v.role === 'current' ? 100 : 0 })));
  for (const [key, supervisor] of fronted) lb.attach(supervisor, serviceOf.get(key)?.version);
  lb.on('backend_down', (e) => events.emit('event', { type: 'backend_down', ts: Date.now(), replica: e.replica, reason: e.reason }));
  lb.on('retry', (e) => events.emit('event', { type: 'request_retried', ...e }));
  return lb;
}

/**
 * The plan's proxies in a Toxiproxy-compatible proxy (`address`: where this
 * runtime's proxy listens and dials for each), then the environment file's
 * faults, each reported as fault_added. Proxies exist before their upstreams:
 * Toxiproxy dials per connection.
 */
export async function populateFaultProxy(client: ToxiproxyClient, plan: Plan, address: (p: PlannedProxy) => { listen: string; upstream: string }, events: EventEmitter<RuntimeEvents>): Promise<void> {
  await client.populate(plan.proxies.map((p) => ({ name: p.name, ...address(p) })));
  for (const [proxy, toxics] of Object.entries(plan.faults)) {
    for (const toxic of toxics) {
      const info = await client.addToxic(proxy, toxic);
      events.emit('event', { type: 'fault_added', ts: Date.now(), target: proxy, fault: info.name, kind: info.type, description: `${info.type} ${JSON.stringify(info.attributes)} (from the environment file)` });
    }
  }
}
