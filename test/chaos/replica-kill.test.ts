/**
 * Production failure: a replica dies under load (SIGKILL: a lost node, the
 * OOM killer, a bad deploy). With one replica the service is down until the
 * supervisor has restarted it. With three behind the load balancer the dead
 * one is taken out of rotation at once and the supervisor brings it back.
 *
 * What no balancer can save is a request that was inside the replica when it
 * died: a POST is not replayed (it may have taken effect). Those are the only
 * failures allowed at the kill; from the next second on, the budget is 1%.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, simulationTest, sliceLoad } from '../../src/vitest/index.ts';
import type { Simulation } from '../../src/vitest/index.ts';
import { ENVIRONMENTS, SUPPORT_AGENT, supportAgentWith } from './support/environment.ts';
import { tickets } from './support/ticket-load.ts';

const single = simulationTest(supportAgentWith('support-agent-single', (env) => (env.services.triage.replicas = 1)), { dir: ENVIRONMENTS });
const replicated = simulationTest(SUPPORT_AGENT);

const KILL_AT_SECOND = 1;

/** 15 tickets/s for 6 s, with triage-1 killed halfway through second 1. */
async function killUnderLoad(sim: Simulation) {
  // This test is about replicas, not the sentiment API's limit (sentiment-rate-limit.test.ts): lift it.
  await sim.api('sentiment').rateLimit('undocumented_burst', { limit: 1_000_000 });
  // Inline, so snapshot() is exact at the moment of the kill.
  const load = sim.startLoad(tickets(15, '6s', { thread: 'inline' }));
  await sleep(KILL_AT_SECOND * 1000 + 500);
  const inFlightAtKill = load.snapshot().inFlight;
  await sim.replica('triage-1').kill('SIGKILL');
  const result = await load.done;
  return { result, inFlightAtKill, afterKill: sliceLoad(result, { from: KILL_AT_SECOND + 1 }) };
}

describe('a replica is killed under load', { timeout: 90_000 }, () => {
  single('one replica: every request fails until the supervisor has restarted it', async ({ sim }) => {
    const { result } = await killUnderLoad(sim);
    expect(result).not.toHaveErrorRateBelow(0.01);
    // "No healthy replica": the restart takes a backoff and a start-up, and requests keep coming.
    expect(result.byStatus['503'] ?? 0).toBeGreaterThan(0);
    expect(sim).toHaveRestarted('triage-1');
  });

  replicated('three replicas: only requests inside the dead replica fail, then under 1%, and it comes back', async ({ sim }) => {
    const { result, inFlightAtKill, afterKill } = await killUnderLoad(sim);
    expect(result.byStatus['503'] ?? 0).toBe(0); // there was always a replica to send to
    expect(result.failed).toBeLessThanOrEqual(inFlightAtKill);
    expect(afterKill.sent).toBeGreaterThan(50); // ~4 s at 15/s: enough for a 1% budget to mean something
    expect(afterKill).toHaveErrorRateBelow(0.01);
    await expect(sim).toRecoverWithin('20s');
    expect(sim).toHaveRestarted('triage-1');
    expect(sim).not.toHaveRestarted('triage-2');
  });
});
