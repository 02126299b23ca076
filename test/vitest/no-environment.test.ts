import { describe, expect, startSimulationFromSetup, test } from '../../src/vitest/index.ts';
import { AgentupError } from '../../src/errors.ts';

describe('the plain test without an environment', () => {
  test('a test that does not ask for sim starts nothing', async ({ simulation }) => {
    expect(simulation).toBeNull();
  });

  test('asking for sim without an environment is a user error that says what to do', async () => {
    const err = await startSimulationFromSetup(null).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AgentupError);
    expect((err as AgentupError).message).toBe('the sim fixture has no environment to start');
    expect((err as AgentupError).hint).toBe("use simulationTest('environments/my-env.yaml') or call test.override('simulation', { environment: ... }) at the top of the file");
  });
});
