import type { FaultHandle } from '../../sim/dependency-faults.ts';
import type { Simulation } from '../../sim/simulation.ts';
import type { FaultSpec, FaultTarget, ParamValue } from './fault-catalog.ts';

type Values = Record<string, ParamValue>;

const num = (v: Values, key: string): number => Number(v[key]);

function toxicOptions(v: Values) {
  return { stream: v.stream === 'upstream' ? ('upstream' as const) : ('downstream' as const), toxicity: v.toxicity === undefined ? 1 : num(v, 'toxicity') };
}

/**
 * Carries out one fault menu choice through the Simulation. Returns the
 * handle that removes it, or null for one-shot actions (kill, restart, resume).
 */
export async function applyFault(sim: Simulation, target: FaultTarget, spec: FaultSpec, v: Values): Promise<FaultHandle | null> {
  if (target.kind === 'replica') {
    const replica = sim.replica(target.name);
    switch (spec.kind) {
      case 'kill':
        replica.kill(String(v.signal ?? 'SIGKILL') as NodeJS.Signals);
        return null;
      case 'restart':
        await replica.restart();
        return null;
      case 'resume':
        replica.resume();
        return null;
      case 'pause':
        replica.pause();
        return pauseHandle(sim, target.name);
    }
  }
  if (target.kind === 'api') {
    const api = sim.api(target.name);
    switch (spec.kind) {
      case 'outage':
        return api.outage({ status: num(v, 'status') });
      case 'error_rate':
        return api.errorRate(num(v, 'fraction'), num(v, 'status'));
      case 'rate_limit':
        return api.rateLimit(String(v.name), { algorithm: 'fixed_window', limit: num(v, 'limit'), windowMs: num(v, 'window') });
    }
  }
  const link = sim.dependency(target.name);
  const o = toxicOptions(v);
  switch (spec.kind) {
    case 'latency':
      return link.latency(num(v, 'latency'), { ...o, jitter: num(v, 'jitter') });
    case 'bandwidth':
      return link.bandwidth(num(v, 'rate'), o);
    case 'slow_close':
      return link.slowClose(num(v, 'delay'), o);
    case 'timeout':
      return link.timeout(num(v, 'timeout'), o);
    case 'reset_peer':
      return link.resetPeer({ ...o, afterMs: num(v, 'timeout') });
    case 'slicer':
      return link.slicer(num(v, 'average_size'), { ...o, sizeVariation: num(v, 'size_variation'), delayUs: num(v, 'delay') });
    case 'limit_data':
      return link.limitData(num(v, 'bytes'), o);
    case 'down':
      return link.down();
  }
  throw new Error(`the fault menu offered ${spec.kind} for ${target.kind} ${target.name}, which nothing applies`);
}

/** A paused replica is a fault like any other: removing it resumes the replica. */
export function pauseHandle(sim: Simulation, replica: string): FaultHandle {
  let removed = false;
  return {
    target: replica,
    name: 'pause',
    description: 'paused (SIGSTOP)',
    remove: async () => {
      if (removed) return;
      removed = true;
      sim.replica(replica).resume();
    },
  };
}
