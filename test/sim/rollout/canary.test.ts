import { describe, expect, test } from 'vitest';
import { startSimulation } from '../../../src/sim/simulation.ts';
import type { SimEvent } from '../../../src/sim/events.ts';
import { canaryEnvironment } from './support/environment.ts';
import { request, steadyLoad } from './support/steady-load.ts';
import http from 'node:http';

const ofType = <T extends SimEvent['type']>(events: readonly SimEvent[], type: T) => events.filter((e): e is Extract<SimEvent, { type: T }> => e.type === type);

describe('canary rollout with the process runtime', { timeout: 120_000 }, () => {
  test('a good release goes 10 -> 50 -> 100% with every analysis passing and no failed request', async () => {
    await using sim = await startSimulation(canaryEnvironment(), { faultProxyPort: 0 });
    const load = steadyLoad(`${sim.endpoints().loadBalancer}/`, 100, 20_000);
    const rollout = sim.rollout({ strategy: 'canary', steps: [10, 50, 100], interval: '1s', analysis: { error_rate: '< 1%', p99: '< 800ms' } });
    expect(rollout.from).toBe('stable');
    expect(rollout.to).toBe('canary');
    const result = await rollout.done;
    const tally = await load.stop();
    expect(result.outcome).toBe('promoted');
    expect(result.steps.map((s) => [s.weight, s.analysis?.passed])).toEqual([[10, true], [50, true], [100, true]]);
    expect(result.steps[0]!.analysis!.versions.canary!.requests).toBeGreaterThan(0);
    expect(result.weights).toEqual({ stable: 0, canary: 100 });
    expect(tally.failed).toBe(0);
    expect(tally.byVersion.canary).toBeGreaterThan(0);
    const types = sim.events().map((e) => e.type).filter((t) => t.startsWith('rollout_'));
    expect(types).toEqual(['rollout_started', 'rollout_step', 'rollout_analysis', 'rollout_step', 'rollout_analysis', 'rollout_step', 'rollout_analysis', 'rollout_promoted']);
    // Promoted means the canary now serves everything.
    const agent = new http.Agent({ keepAlive: true });
    expect((await request(`${sim.endpoints().loadBalancer}/`, agent)).version).toBe('canary');
    agent.destroy();
  });

  test('a release failing 10% of requests is caught at the first step and rolled back, with under 1% failed overall', async () => {
    await using sim = await startSimulation(canaryEnvironment({ FAIL_RATE: '0.1' }), { faultProxyPort: 0 });
    expect(sim.replicas('web').map((r) => [r.id, r.status])).toEqual([['web-1', 'healthy'], ['web-2', 'healthy'], ['web-canary-1', 'stopped']]);
    const load = steadyLoad(`${sim.endpoints().loadBalancer}/`, 100, 20_000);
    const result = await sim.rollout({ strategy: 'canary', steps: [5, 25, 50, 100], interval: '2s', analysis: { error_rate: '< 1%' } }).done;
    await new Promise((r) => setTimeout(r, 500));
    const tally = await load.stop();
    expect(result.outcome).toBe('rolled_back');
    expect(result.steps).toHaveLength(1);
    expect(result.reason).toMatch(/^error_rate of canary \d+\.\d% \(\d+ of \d+\) breaks < 1% \(stable: 0\.0%\)$/);
    expect(result.weights).toEqual({ stable: 100, canary: 0 });
    expect(tally.failed / tally.answered).toBeLessThan(0.01);
    expect(ofType(sim.events(), 'rollout_rolled_back')[0]).toMatchObject({ version: 'stable', from: 'canary', manual: false });
    // The canary started with the rollout and is torn down after the rollback.
    const canaryEvents = sim.events().filter((e) => 'replica' in e && e.replica === 'web-canary-1').map((e) => e.type);
    expect(canaryEvents).toEqual(['replica_starting', 'replica_healthy', 'replica_stopped']);
    expect(sim.replicas('web').find((r) => r.id === 'web-canary-1')).toMatchObject({ status: 'stopped', pid: null });
  });

  test('a breach mid-rollout is rolled back within one analysis interval', async () => {
    await using sim = await startSimulation(canaryEnvironment(), { faultProxyPort: 0 });
    const lb = sim.endpoints().loadBalancer!;
    const canaryUrl = sim.endpoints().replicas.find((r) => r.id === 'web-canary-1')!.url;
    const load = steadyLoad(`${lb}/`, 100, 30_000);
    const intervalMs = 2000;
    const rollout = sim.rollout({ strategy: 'canary', steps: [10, 50, 100], interval: intervalMs });
    // Break the canary 500ms into step 2: the breach starts then.
    const step2 = await new Promise<number>((resolve) => sim.on('event', (e) => e.type === 'rollout_step' && e.step === 2 && resolve(e.ts)));
    await new Promise((r) => setTimeout(r, 500));
    const agent = new http.Agent();
    await request(`${canaryUrl}/admin/fail?rate=1`, agent);
    const breachAt = Date.now();
    const result = await rollout.done;
    const tally = await load.stop();
    agent.destroy();
    const rolledBack = ofType(sim.events(), 'rollout_rolled_back')[0]!;
    expect(result.outcome).toBe('rolled_back');
    expect(result.steps.map((s) => s.analysis?.passed)).toEqual([true, false]);
    expect(step2).toBeLessThan(breachAt);
    // Analysis closes the interval the breach started in: at most one interval later, plus
    // 500ms for timers on a busy 2-core machine.
    expect(rolledBack.ts - breachAt).toBeLessThanOrEqual(intervalMs + 500);
    expect(rolledBack.reason).toMatch(/error_rate of canary/);
    expect(tally.errors).toEqual([]);
  });

  test('abort() sends everything back at once; promote() skips the remaining steps', async () => {
    await using sim = await startSimulation(canaryEnvironment(), { faultProxyPort: 0 });
    const first = sim.rollout({ strategy: 'canary', steps: [20, 100], interval: '30s' });
    // The canary is started first; its traffic waits until it is healthy.
    expect(first.status()).toMatchObject({ phase: 'health_check', step: 0, weights: { stable: 100, canary: 0 } });
    await expect.poll(() => first.status().phase, { timeout: 15_000 }).toBe('step');
    expect(first.status()).toMatchObject({ step: 1, weights: { stable: 80, canary: 20 } });
    expect(() => sim.rollout({ strategy: 'canary' })).toThrow(/already running \(stable -> canary\)/);
    first.abort('operator saw something odd');
    const aborted = await first.done;
    expect(aborted).toMatchObject({ outcome: 'rolled_back', manual: true, reason: 'operator saw something odd', weights: { stable: 100, canary: 0 } });
    expect(aborted.durationMs).toBeLessThan(5000);
    expect(sim.replicas('web').find((r) => r.id === 'web-canary-1')!.status).toBe('stopped');
    // Promoting by hand still waits for the restarted canary to be healthy.
    const second = sim.rollout({ strategy: 'canary', steps: [20, 100], interval: '30s' });
    second.promote();
    expect(await second.done).toMatchObject({ outcome: 'promoted', manual: true, reason: 'promoted by hand', weights: { stable: 0, canary: 100 } });
    expect(sim.replicas('web').map((r) => r.status)).toEqual(['healthy', 'healthy', 'healthy']);
    // After a promotion the next rollout goes back the other way.
    const back = sim.rollout({ strategy: 'canary', interval: '30s' });
    expect([back.from, back.to]).toEqual(['canary', 'stable']);
    back.abort();
    await back.done;
    // Rolling back that one stops stable, the version it would have moved to; the canary serves.
    expect(sim.replicas('web').map((r) => r.status)).toEqual(['stopped', 'stopped', 'healthy']);
  });
});
