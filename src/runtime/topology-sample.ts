/**
 * What both runtimes' RunningTopology share around the supervisors: reading a
 * TopologySample, listing replicas per service and version, and finding the
 * supervisor behind a replica id. Only where the figures come from differs
 * (CPU and RSS from /proc for processes, from `docker stats` for containers).
 */
import { AgentupError } from '../errors.ts';
import type { LoadBalancer } from '../services/load-balancer.ts';
import type { RunningMockApi } from '../services/mock-api/index.ts';
import type { ReplicaSnapshot } from '../services/supervisor-events.ts';
import type { ProxyStats } from '../proxy/types.ts';
import type { TopologySample } from './types.ts';

export type ListedReplica = ReplicaSnapshot & { service: string; version?: string };

export interface SampleSources {
  loadBalancer: LoadBalancer | null;
  replicas: ListedReplica[];
  cpuSeconds: (replica: ListedReplica) => number;
  proxies: ProxyStats[];
  apis: Map<string, RunningMockApi>;
}

export function sampleTopology(sources: SampleSources, options: { latencyWindow?: boolean } = {}): TopologySample {
  const lb = sources.loadBalancer;
  return {
    ts: Date.now(),
    loadBalancer: lb ? { stats: lb.stats(), window: options.latencyWindow === false ? null : lb.takeLatencyWindow() } : null,
    replicas: sources.replicas.map((r) => ({ ...r, cpuSeconds: sources.cpuSeconds(r) })),
    proxies: sources.proxies,
    apis: Object.fromEntries([...sources.apis].map(([name, api]) => [name, api.counters()])),
  };
}

interface Supervised {
  replicas(): ReplicaSnapshot[];
}

/**
 * Every replica of `service` (all when undefined), tagged with its service and
 * version; `supervisors` is keyed by service, or per version by its prefix.
 */
export function listReplicas(
  supervisors: Map<string, Supervised>,
  serviceOf: Map<string, { service: string; version?: string }>,
  service: string | undefined,
  rssBytes: (replica: ReplicaSnapshot) => number,
): ListedReplica[] {
  return [...supervisors]
    .map(([key, s]) => ({ s, of: serviceOf.get(key) ?? { service: key } }))
    .filter(({ of }) => service === undefined || of.service === service)
    .flatMap(({ s, of }) => s.replicas().map((r) => ({ ...r, rssBytes: rssBytes(r), service: of.service, ...(of.version ? { version: of.version } : {}) })));
}

/** The supervisor running replica `id` and its index there; an AgentupError listing `known` ids when none does. */
export function findReplica<S extends Supervised>(supervisors: Iterable<S>, id: string, known: () => string[]): { supervisor: S; index: number } {
  for (const supervisor of supervisors) {
    const index = supervisor.replicas().findIndex((r) => r.id === id);
    if (index >= 0) return { supervisor, index };
  }
  throw new AgentupError(`no replica named ${id}`, { hint: `replicas: ${known().join(', ')}` });
}
