/**
 * agentup in vitest: a `sim` fixture that starts a simulation once per test
 * file, matchers for it and for load results, and helpers for `expect.poll`.
 * Works without vitest `globals`.
 *
 * ```ts
 * import { describe, expect, simulationTest } from 'agentup/vitest';
 *
 * // One simulation for the file, started on first use, stopped after the last test.
 * const test = simulationTest('environments/support-agent.yaml', { env: { TRIAGE_RESILIENCE: 'resilient' } });
 *
 * describe('replica loss', { timeout: 60_000 }, () => {
 *   test('keeps serving', async ({ sim }) => {
 *     const load = sim.startLoad({ path: '/triage', body: { ... }, rate: 20, duration: '5s' });
 *     await sim.replica('triage-2').kill();
 *     const result = await load.done;
 *     expect(result).toHaveErrorRateBelow(0.01);
 *     expect(result).toHaveLatencyBelow({ p99: 800 });
 *     await expect(sim).toRecoverWithin('10s');
 *     await expect.poll(errorRateOver(sim, '3s')).toBeLessThan(0.01);
 *   });
 * });
 * ```
 *
 * Or, vitest-style, the plain `test` and `test.override` at the top of a file:
 * `test.override('simulation', { environment: 'environments/x.yaml' })`.
 * Each `simulationTest(...)` has its own simulation, so one file can compare
 * a naive and a resilient build. With plain vitest `expect`, importing this
 * module is enough (matchers are registered globally), or call
 * `installMatchers(expect)` yourself.
 */
import { expect } from 'vitest';
import { installMatchers } from './matchers.ts';
import './types.ts';

installMatchers(expect);

export { expect };
export { describe, beforeAll, afterAll, beforeEach, afterEach, onTestFailed, onTestFinished } from 'vitest';
export { test, test as it, simulationTest, startSimulationFromSetup, DEFAULT_SEED, type SimulationSetup, type SimulationTest } from './fixture.ts';
export { agentupMatchers, installMatchers } from './matchers.ts';
export { waitForRecovery, type RecoveryOptions, type RecoveryProbe, type RecoveryState } from './recovery.ts';
export { errorFigures, latencyChecks, type LatencyLimits } from './load-figures.ts';
export { sliceLoad } from './slice-load.ts';
export { errorRateOver, throughputOver, replicaStatus, healthyReplicas, restartsOf, rssOf, statusOf } from './poll-helpers.ts';
export type { AgentupMatchers, AgentupAsyncMatchers } from './types.ts';
export type { Simulation } from '../sim/simulation.ts';
export type { LoadResult } from '../sim/load/index.ts';
