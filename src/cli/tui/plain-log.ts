import { describeEvent, type SimEvent } from '../../sim/events.ts';
import type { MetricsSecond } from '../../sim/metrics.ts';
import type { Simulation, StartSimulationOptions } from '../../sim/simulation.ts';
import { runUntilSignal } from '../run-until-signal.ts';
import { compact, percent } from './sparkline.ts';

/** A traffic summary line this often while requests flow; an idle simulation prints nothing. */
const SUMMARY_EVERY_S = 10;

export function timestamped(e: SimEvent): string {
  return `[${new Date(e.ts).toISOString().slice(11, 23)}] ${describeEvent(e)}`;
}

/**
 * `agentup sim` without a terminal (CI, pipes): the same simulation, reported
 * as one line per event, until Ctrl-C or SIGTERM stops everything.
 */
export async function runPlainLog(file: string, options: StartSimulationOptions, why: string, out: (line: string) => void): Promise<number> {
  out(`agentup sim: ${why}, so this is a plain event log instead of the interactive screen (run it in a terminal for the UI; Ctrl-C stops)`);
  const { startSimulation } = await import('../../sim/simulation.ts');
  let seconds = 0;
  const onMetrics = (m: MetricsSecond) => {
    if (++seconds % SUMMARY_EVERY_S !== 0 || m.overall.rps === 0) return;
    out(`[${new Date(m.ts).toISOString().slice(11, 23)}] traffic: ${compact(m.overall.rps)} req/s, p50 ${compact(m.overall.p50Ms)}ms, p99 ${compact(m.overall.p99Ms)}ms, errors ${percent(m.overall.errorRate)}`);
  };
  return runUntilSignal<Simulation>({
    start: async () => {
      const sim = await startSimulation(file, { ...options, onEvent: (e) => out(timestamped(e)) });
      sim.on('metrics', onMetrics);
      return sim;
    },
    ready: (sim) => {
      const ep = sim.endpoints();
      out(`load balancer ${ep.loadBalancer ?? '-'}  fault proxy API ${ep.faultProxy.url}  replicas ${ep.replicas.map((r) => r.id).join(', ')}`);
      if (sim.controlUrl) out(`control API ${sim.controlUrl} (attach with connectSimulation(url))`);
    },
  });
}
