/**
 * Production failure: a release leaks memory on every request. Under
 * sustained load each replica grows until it passes its memory limit and is
 * OOMKilled (exit 137), like a container past its cgroup limit.
 * Resilient configuration: `restart: always`, so the supervisor restarts each
 * killed replica and the service recovers. Naive: `restart: never`, as a bare
 * process without a supervisor; the killed replicas stay dead.
 *
 * The leak is 4 MB a request against a 160 MB limit (idle RSS is ~85 MB), so
 * a replica dies after ~20 of its requests: a few seconds at 15 requests/s.
 */
import { describe, expect, simulationTest } from '../../src/vitest/index.ts';
import { ENVIRONMENTS, supportAgentWith } from './support/environment.ts';
import { tickets } from './support/ticket-load.ts';

function leakyRelease(name: string, restartPolicy: 'always' | 'never') {
  return supportAgentWith(name, (env) => {
    env.services.triage.env.LEAK_KB_PER_REQUEST = 4096;
    env.services.triage.memory_limit_mb = 160;
    env.services.triage.restart = { ...env.services.triage.restart, policy: restartPolicy };
  });
}

const unsupervised = simulationTest(leakyRelease('leak-restart-never', 'never'), { dir: ENVIRONMENTS });
const supervised = simulationTest(leakyRelease('leak-restart-always', 'always'), { dir: ENVIRONMENTS });

const LOAD = tickets(15, '6s');

describe('a memory leak under sustained load', { timeout: 90_000 }, () => {
  unsupervised('restart: never: OOMKilled replicas stay dead and the service does not recover', async ({ sim }) => {
    await sim.api('sentiment').rateLimit('undocumented_burst', { limit: 1_000_000 }); // only the leak under test
    await sim.load(LOAD);
    await expect.poll(() => sim, { timeout: 5000 }).toHaveEvent('replica_oom_killed');
    expect(sim).not.toHaveRestarted();
    await expect(sim).not.toRecoverWithin('3s');
    expect(sim.replicas().filter((r) => r.status === 'oom_killed').length).toBeGreaterThan(0);
  });

  supervised('restart: always: each OOMKilled replica is restarted and the service recovers', async ({ sim }) => {
    await sim.api('sentiment').rateLimit('undocumented_burst', { limit: 1_000_000 });
    await sim.load(LOAD);
    await expect.poll(() => sim, { timeout: 5000 }).toHaveEvent('replica_oom_killed');
    // Killed for the right reason: resident memory over the 160 MB limit.
    expect(sim).toHaveEvent('replica_oom_killed', (e) => e.rssBytes > e.limitBytes && e.limitBytes === 160 * 1024 * 1024);
    await expect(sim).toRecoverWithin('20s');
    for (const { replica } of sim.events().filter((e) => e.type === 'replica_oom_killed')) {
      expect(sim).toHaveRestarted(replica);
    }
  });
});
