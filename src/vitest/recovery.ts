import type { Simulation } from '../sim/simulation.ts';

/** The request that proves users are served again. */
export interface RecoveryProbe {
  /** Default: the health-check path of the service behind the load balancer, or '/'. */
  path?: string;
  method?: string;
  headers?: Record<string, string>;
  /** An object is sent as JSON. */
  body?: string | object;
  /** Statuses that count as served; default 200-399. */
  expectStatus?: number[];
  /** Per probe; default 2000 ms. */
  timeoutMs?: number;
}

export interface RecoveryOptions {
  probe?: RecoveryProbe;
  /**
   * Successful probes in a row required. Default: the replica count of the
   * load-balanced service (at least 2), so a round-robin balancer sends one to
   * every replica and one lucky answer is not mistaken for recovery.
   */
  consecutive?: number;
  /** Pause between checks; default 100 ms. */
  intervalMs?: number;
  /** Services whose replicas must all be healthy; default every service. */
  services?: string[];
}

export interface RecoveryState {
  recovered: boolean;
  elapsedMs: number;
  /** Replicas not `healthy`, as `triage-2 is restarting (1 restart)`. */
  notHealthy: string[];
  /** `POST /triage through the load balancer`. */
  probeTarget: string;
  /** `503`, `connection refused`, or null before the first probe. */
  lastProbe: string | null;
  streak: number;
  needed: number;
}

type Snapshot = ReturnType<Simulation['replicas']>[number];

function describeReplica(r: Snapshot): string {
  const extra = [`${r.restarts} restart${r.restarts === 1 ? '' : 's'}`, ...(r.inCrashLoop ? ['crash loop'] : [])];
  return `${r.id} is ${r.status} (${extra.join(', ')})`;
}

function probeDefaults(sim: Simulation, options: RecoveryOptions): { urls: string[]; path: string; consecutive: number; target: string } {
  const env = sim.environment;
  const lb = sim.endpoints().loadBalancer;
  const fronted = env.loadBalancer ? env.services[env.loadBalancer.service] : Object.values(env.services)[0];
  const path = options.probe?.path ?? fronted?.healthCheck?.path ?? '/';
  // Without a load balancer each replica is probed in turn: recovered means every one serves.
  const urls = lb ? [lb] : sim.endpoints().replicas.map((r) => r.url);
  const consecutive = options.consecutive ?? Math.max(2, fronted?.replicas ?? 1, urls.length);
  const method = options.probe?.method ?? (options.probe?.body === undefined ? 'GET' : 'POST');
  return { urls, path, consecutive, target: `${method} ${path} ${lb ? 'through the load balancer' : 'on each replica'}` };
}

async function probeOnce(url: string, probe: RecoveryProbe): Promise<{ ok: boolean; text: string }> {
  const body = probe.body === undefined || typeof probe.body === 'string' ? probe.body : JSON.stringify(probe.body);
  const headers = { ...(typeof probe.body === 'object' ? { 'content-type': 'application/json' } : {}), ...probe.headers };
  try {
    const res = await fetch(new URL(probe.path ?? '/', url), {
      method: probe.method ?? (body === undefined ? 'GET' : 'POST'),
      headers,
      body,
      signal: AbortSignal.timeout(probe.timeoutMs ?? 2000),
    });
    await res.arrayBuffer();
    const ok = probe.expectStatus ? probe.expectStatus.includes(res.status) : res.status >= 200 && res.status < 400;
    return { ok, text: String(res.status) };
  } catch (err) {
    const e = err as { name?: string; cause?: { code?: string } };
    const text = e.name === 'TimeoutError' ? `no answer within ${probe.timeoutMs ?? 2000}ms` : (e.cause?.code ?? String(err));
    return { ok: false, text };
  }
}

/**
 * Waits until the simulation has recovered, or `withinMs` passes. Recovered
 * means what a user of the service would call it: every replica is healthy
 * again (full capacity, not one survivor) AND real requests through the front
 * door succeed `consecutive` times in a row. It does not remove faults.
 */
export async function waitForRecovery(sim: Simulation, withinMs: number, options: RecoveryOptions = {}): Promise<RecoveryState> {
  const t0 = performance.now();
  const { urls, path, consecutive, target } = probeDefaults(sim, options);
  const probe = { ...options.probe, path };
  const services = options.services;
  let streak = 0;
  let lastProbe: string | null = null;
  let turn = 0;
  for (;;) {
    const notHealthy = sim.replicas().filter((r) => (!services || services.includes(r.service)) && r.status !== 'healthy').map(describeReplica);
    if (notHealthy.length > 0) {
      streak = 0;
    } else {
      const result = await probeOnce(urls[turn++ % urls.length]!, probe);
      lastProbe = result.text;
      streak = result.ok ? streak + 1 : 0;
    }
    const elapsedMs = performance.now() - t0;
    const recovered = notHealthy.length === 0 && streak >= consecutive;
    if (recovered || elapsedMs >= withinMs) {
      return { recovered, elapsedMs, notHealthy, probeTarget: target, lastProbe, streak, needed: consecutive };
    }
    await new Promise((r) => setTimeout(r, Math.min(options.intervalMs ?? 100, Math.max(0, withinMs - elapsedMs))));
  }
}

/** The matcher's explanation of a state that is not (yet) recovered. */
export function describeRecoveryProblem(state: RecoveryState): string {
  const parts: string[] = [];
  if (state.notHealthy.length > 0) parts.push(state.notHealthy.join('; '));
  if (state.lastProbe === null) parts.push(`no probe ${state.probeTarget} was sent (replicas not healthy)`);
  else parts.push(`last probe ${state.probeTarget} answered ${state.lastProbe} (${state.streak} of ${state.needed} successes in a row)`);
  return parts.join('; ');
}
