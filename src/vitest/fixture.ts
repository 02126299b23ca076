import { test as base } from 'vitest';
import { AgentupError } from '../errors.ts';
import { startSimulation, type Simulation, type StartSimulationOptions } from '../sim/simulation.ts';

/** What the `sim` fixture starts: an environment file (or inline object) and how. */
export interface SimulationSetup extends Omit<StartSimulationOptions, 'env'> {
  /** A path (relative to the vitest root) or an inline environment object. */
  environment: string | object;
  /**
   * Variables added to process.env for the environment's `${env:...}`
   * references, e.g. `{ TRIAGE_RESILIENCE: 'naive' }`. Replicas get only what
   * the environment passes them (plus PATH, HOME and the like), as in Compose.
   * Unlike StartSimulationOptions.env, this is merged over process.env.
   */
  env?: Record<string, string>;
}

/** Seeded by default so a failing chaos test fails the same way when re-run. */
export const DEFAULT_SEED = 1;

/**
 * What the `sim` fixture does: starts `setup` on a free fault-proxy port with
 * DEFAULT_SEED, env merged over process.env. Also for a simulation per test
 * or per describe: `await using sim = await startSimulationFromSetup({...})`.
 */
export async function startSimulationFromSetup(setup: SimulationSetup | null): Promise<Simulation> {
  if (!setup) {
    throw new AgentupError('the sim fixture has no environment to start', {
      hint: "use simulationTest('environments/my-env.yaml') or call test.override('simulation', { environment: ... }) at the top of the file",
    });
  }
  const { environment, env, ...options } = setup;
  return startSimulation(environment, {
    // A free port: vitest runs files in parallel, and each file has its own simulation.
    faultProxyPort: 0,
    seed: DEFAULT_SEED,
    ...options,
    env: { ...process.env, ...env },
  });
}

/**
 * vitest's `test` with two file-scoped fixtures: `simulation` (the setup,
 * set per file with `test.override`) and `sim` (the running Simulation,
 * started on first use and stopped after the file's last test).
 */
export const test = base
  .extend<'simulation', SimulationSetup | null>('simulation', { scope: 'file' }, null)
  .extend('sim', { scope: 'file' }, async ({ simulation }, { onCleanup }) => {
    const sim = await startSimulationFromSetup(simulation);
    onCleanup(() => sim.stop('test file finished'));
    return sim;
  });

export type SimulationTest = typeof test;

/**
 * A `test` whose `sim` fixture runs `environment`. Call it at the top level of
 * a file, once per environment: each returned test has its own simulation,
 * so one file can compare a naive and a resilient build side by side.
 */
export function simulationTest(environment: string | object, options: Omit<SimulationSetup, 'environment'> = {}): SimulationTest {
  return test
    .extend<'simulation', SimulationSetup | null>('simulation', { scope: 'file' }, { environment, ...options })
    // Registered again so this test's simulation is its own fixture, not shared in vitest's per-fixture promise cache.
    .extend('sim', { scope: 'file' }, async ({ simulation }, { onCleanup }) => {
      const sim = await startSimulationFromSetup(simulation);
      onCleanup(() => sim.stop('test file finished'));
      return sim;
    }) as SimulationTest;
}
