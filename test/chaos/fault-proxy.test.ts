import { describe, expect, test } from 'vitest';
import { startSimulation } from '../../src/sim/simulation.ts';
import { REPO_ROOT } from '../support/agentup-cli.ts';
import { median, sendTicket } from '../support/triage-client.ts';

const ENV = `${REPO_ROOT}/environments/support-agent.yaml`;

async function medianMs(url: string, n: number): Promise<{ ms: number; statuses: number[] }> {
  const replies = [];
  for (let i = 0; i < n; i++) replies.push(await sendTicket(url));
  return { ms: median(replies.map((r) => r.ms)), statuses: replies.map((r) => r.status) };
}

describe('faults through the proxy, against the sample support-triage service', { timeout: 120_000 }, () => {
  test('naive service: 500 ms of Redis latency makes every answer at least that much slower; Postgres down fails it, up heals it without a restart', async () => {
    await using sim = await startSimulation(ENV, { faultProxyPort: 0, env: { ...process.env, TRIAGE_RESILIENCE: 'naive' } });
    const lb = sim.endpoints().loadBalancer!;
    const before = await medianMs(lb, 9);
    expect(before.statuses.every((s) => s === 200)).toBe(true);

    await sim.withFault(sim.dependency('redis').latency(500), async () => {
      const slow = await medianMs(lb, 9);
      expect(slow.statuses.every((s) => s === 200)).toBe(true);
      // A cache miss costs a GET and a SET, each delayed 500 ms on the way back;
      // margin: at least one full delay on top of the baseline.
      expect(slow.ms).toBeGreaterThan(before.ms + 500);
    });
    const after = await medianMs(lb, 9);
    expect(after.ms).toBeLessThan(before.ms + 250); // healed: back near the baseline (250 ms slack for a busy machine)

    const restartsBefore = sim.replicas().map((r) => r.restarts);
    const down = await sim.dependency('postgres').down();
    const failing = await sendTicket(lb);
    expect(failing.status).toBe(500);
    await down.remove();
    await expect.poll(async () => (await sendTicket(lb)).status, { timeout: 15_000, interval: 200 }).toBe(200);
    expect(sim.replicas().map((r) => r.restarts)).toEqual(restartsBefore);
    const kinds = sim.events().filter((e) => e.type === 'fault_added' || e.type === 'fault_removed').map((e) => `${e.type}:${e.target}`);
    expect(kinds).toEqual(['fault_added:redis', 'fault_removed:redis', 'fault_added:postgres', 'fault_removed:postgres']);
  });

  test('resilient service: a slow Redis is skipped after its cache timeout; with Postgres down it answers degraded', async () => {
    await using sim = await startSimulation(ENV, { faultProxyPort: 0, env: { ...process.env, TRIAGE_RESILIENCE: 'resilient' } });
    const lb = sim.endpoints().loadBalancer!;
    const before = await medianMs(lb, 9);
    await sim.withFault(sim.dependency('redis').latency(500), async () => {
      const slow = await medianMs(lb, 9);
      expect(slow.statuses.every((s) => s === 200)).toBe(true);
      // CACHE_TIMEOUT_MS is 200 for GET and SET: bounded well below one full 500 ms delay.
      expect(slow.ms).toBeLessThan(before.ms + 500);
    });
    await sim.withFault(sim.dependency('postgres').down(), async () => {
      const reply = await sendTicket(lb);
      expect(reply.status).toBeLessThan(300);
      expect(reply.body?.degraded).toBe(true);
    });
    await expect.poll(async () => (await sendTicket(lb)).body?.degraded, { timeout: 15_000, interval: 200 }).toBe(false);
  });
});
