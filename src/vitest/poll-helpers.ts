import { parseDurationMs } from '../config/units.ts';
import type { ReplicaStatus } from '../services/supervisor-events.ts';
import type { Simulation } from '../sim/simulation.ts';

/**
 * Functions to hand to `expect.poll`: each reads the simulation afresh on
 * every call. `await expect.poll(errorRateOver(sim, '5s')).toBeLessThan(0.01)`.
 */

/**
 * The error rate through the load balancer over the last `window` of
 * sim.metrics() (one entry a second), weighted by requests; 0 with no traffic.
 */
export function errorRateOver(sim: Simulation, window: string | number): () => number {
  const seconds = Math.max(1, Math.round(parseDurationMs(window) / 1000));
  return () => {
    const recent = sim.metrics().slice(-seconds);
    const requests = recent.reduce((n, m) => n + m.overall.rps, 0);
    const errors = recent.reduce((n, m) => n + m.overall.rps * m.overall.errorRate, 0);
    return requests > 0 ? errors / requests : 0;
  };
}

/** Requests per second through the load balancer over the last `window`. */
export function throughputOver(sim: Simulation, window: string | number): () => number {
  const seconds = Math.max(1, Math.round(parseDurationMs(window) / 1000));
  return () => {
    const recent = sim.metrics().slice(-seconds);
    return recent.length ? recent.reduce((n, m) => n + m.overall.rps, 0) / recent.length : 0;
  };
}

/** The status of one replica: `await expect.poll(replicaStatus(sim, 'triage-2')).toBe('healthy')`. */
export function replicaStatus(sim: Simulation, id: string): () => ReplicaStatus | 'unknown' {
  return () => sim.replicas().find((r) => r.id === id)?.status ?? 'unknown';
}

/** How many replicas (of `service`, or all) are healthy now. */
export function healthyReplicas(sim: Simulation, service?: string): () => number {
  return () => sim.replicas(service).filter((r) => r.status === 'healthy').length;
}

/** Restarts of one replica so far. */
export function restartsOf(sim: Simulation, id: string): () => number {
  return () => sim.replicas().find((r) => r.id === id)?.restarts ?? 0;
}

/** Resident memory of one replica as last sampled (bytes). */
export function rssOf(sim: Simulation, id: string): () => number {
  return () => sim.replicas().find((r) => r.id === id)?.rssBytes ?? 0;
}

/** The status code of one GET through the load balancer (0 when no answer): a probe for expect.poll. */
export function statusOf(sim: Simulation, path: string, timeoutMs = 2000): () => Promise<number> {
  return async () => {
    const base = sim.endpoints().loadBalancer ?? sim.endpoints().replicas[0]?.url;
    try {
      const res = await fetch(new URL(path, base), { signal: AbortSignal.timeout(timeoutMs) });
      await res.arrayBuffer();
      return res.status;
    } catch {
      return 0;
    }
  };
}
