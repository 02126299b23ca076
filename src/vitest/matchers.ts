import type { Matcher as RawMatcherFn, MatcherState } from 'vitest';
import { parseDurationMs } from '../config/units.ts';
import type { LoadSnapshot } from '../sim/load/index.ts';
import type { SimEventType } from '../sim/events.ts';
import { errorFigures, fmtMs, fmtPercent, latencyChecks, latencySummary, type LatencyLimits } from './load-figures.ts';
import { describeRecoveryProblem, waitForRecovery, type RecoveryOptions } from './recovery.ts';
import { describeEvent } from '../sim/events.ts';
import { assertSimulation, describeFilter, findEvents, recentEvents, restartFigures, type EventFilter } from './sim-matchers.ts';

function assertLoad(received: unknown, matcher: string): LoadSnapshot {
  const r = received as Partial<LoadSnapshot> | null;
  if (r && typeof r === 'object' && typeof r.sent === 'number' && r.latency && r.byStatus) return r as LoadSnapshot;
  throw new TypeError(`${matcher} expects a LoadResult (from sim.load()) or a LoadSnapshot, got ${received === null ? 'null' : typeof received}`);
}

const durationText = (d: string | number): string => (typeof d === 'number' ? fmtMs(d) : d);

/** The matchers, for `expect.extend(agentupMatchers)`; `installMatchers` does that. */
export const agentupMatchers = {
  async toRecoverWithin(this: MatcherState, received: unknown, within: string | number, options: RecoveryOptions = {}) {
    const sim = assertSimulation(received, 'toRecoverWithin');
    const withinMs = parseDurationMs(within);
    const state = await waitForRecovery(sim, withinMs, options);
    const took = `${(state.elapsedMs / 1000).toFixed(1)}s`;
    return {
      pass: state.recovered,
      message: () =>
        state.recovered
          ? `expected ${sim.name} not to recover within ${durationText(within)}, but it recovered after ${took}`
          : `expected ${sim.name} to recover within ${durationText(within)}, but after ${took}: ${describeRecoveryProblem(state)}\nrecent events:\n${recentEvents(sim)}`,
    };
  },

  toHaveErrorRateBelow(this: MatcherState, received: unknown, fraction: number) {
    const result = assertLoad(received, 'toHaveErrorRateBelow');
    const f = errorFigures(result);
    if (f.attempts === 0) return { pass: false, message: () => 'expected an error rate, but the load sent no requests' };
    const pass = f.rate < fraction;
    return {
      pass,
      message: () => `expected an error rate ${pass ? 'of at least' : 'below'} ${fmtPercent(fraction)}, measured ${fmtPercent(f.rate)}: ${f.detail}`,
      actual: f.rate,
      expected: fraction,
    };
  },

  toHaveLatencyBelow(this: MatcherState, received: unknown, limits: LatencyLimits) {
    const result = assertLoad(received, 'toHaveLatencyBelow');
    const checks = latencyChecks(result, limits);
    if (checks.length === 0) throw new TypeError('toHaveLatencyBelow needs at least one of p50, p90, p99, max');
    if (result.latency.count === 0 && !result.byError.timeout) return { pass: false, message: () => 'expected latency figures, but no request got an answer' };
    const pass = checks.every((c) => c.pass);
    const shown = (this.isNot ? checks : checks.filter((c) => !c.pass))
      .map((c) => `${c.name} ${Number.isFinite(c.measuredMs) ? fmtMs(c.measuredMs) : 'over the request timeout'} (limit ${fmtMs(c.limitMs)})`);
    return {
      pass,
      message: () => `expected latency ${pass ? 'not ' : ''}below ${checks.map((c) => `${c.name} ${fmtMs(c.limitMs)}`).join(', ')}, measured ${shown.join(', ')}; ${latencySummary(result)}`,
    };
  },

  toHaveRestarted(this: MatcherState, received: unknown, replica?: string | number, options: { times?: number } = {}) {
    const sim = assertSimulation(received, 'toHaveRestarted');
    const { restarts, text } = restartFigures(sim, replica);
    const times = options.times ?? 1;
    const pass = restarts >= times;
    const who = replica === undefined ? 'a replica' : String(typeof replica === 'number' ? `replica ${replica}` : replica);
    return {
      pass,
      message: () => `expected ${who} ${pass ? 'not ' : ''}to have restarted${times > 1 ? ` at least ${times} times` : ''}, but: ${text}`,
    };
  },

  toHaveEvent<T extends SimEventType>(this: MatcherState, received: unknown, type: T, filter?: EventFilter<T>) {
    const sim = assertSimulation(received, 'toHaveEvent');
    const matching = findEvents(sim, type, filter);
    const ofType = findEvents(sim, type);
    const pass = matching.length > 0;
    return {
      pass,
      message: () =>
        pass
          ? `expected no ${type} event${describeFilter(filter)}, but saw ${matching.length}: ${describeEvent(matching[0]!)}`
          : `expected a ${type} event${describeFilter(filter)}, but saw ${ofType.length === 0 ? 'none' : `${ofType.length} that did not match`}; recent events:\n${recentEvents(sim)}`,
    };
  },
} satisfies Record<string, RawMatcherFn>;

/** Registers the matchers on an `expect` (vitest's, or one from `test.extend`'s context). */
export function installMatchers(expect: { extend: (matchers: Record<string, RawMatcherFn>) => void }): void {
  expect.extend(agentupMatchers as unknown as Record<string, RawMatcherFn>);
}
