import type { EventFilter } from './sim-matchers.ts';
import type { SimEventType } from '../sim/events.ts';
import type { LatencyLimits } from './load-figures.ts';
import type { RecoveryOptions } from './recovery.ts';

/** Matchers that also work as asymmetric matchers (`expect.toHaveErrorRateBelow(0.01)`). */
export interface AgentupMatchers<R = unknown> {
  /** Failed plus dropped over sent plus dropped, strictly below `fraction` (0..1). On a LoadResult. */
  toHaveErrorRateBelow(fraction: number): R;
  /** Each given percentile strictly below its limit (ms or `'800ms'`); timeouts count as slowest. On a LoadResult. */
  toHaveLatencyBelow(limits: LatencyLimits): R;
  /** On a Simulation: the replica (id or 1-based index), or any replica, restarted at least `times` (1). */
  toHaveRestarted(replica?: string | number, options?: { times?: number }): R;
  /**
   * On a Simulation: some event of `type` happened, with the given fields
   * (`{ replica: 'triage-2' }`) or matching a predicate. Works with
   * `expect.poll(() => sim)`; there, a predicate's parameter needs a type (SimEvent).
   */
  toHaveEvent<T extends SimEventType>(type: T, filter?: EventFilter<T>): R;
}

/** Assertion-only matchers: they wait, so they return a promise to await. */
export interface AgentupAsyncMatchers {
  /**
   * On a Simulation: every replica healthy and `consecutive` probes through
   * the load balancer succeed, within `duration` (`'10s'` or ms).
   */
  toRecoverWithin(duration: string | number, options?: RecoveryOptions): Promise<void>;
}

declare module 'vitest' {
  // vitest 4 merges `Matchers` into both Assertion and ExpectStatic (asymmetric use).
  interface Matchers<T = any> extends AgentupMatchers<T> {}
  interface Assertion<T = any> extends AgentupAsyncMatchers {}
}
