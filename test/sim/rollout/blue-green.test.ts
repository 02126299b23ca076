import { describe, expect, test } from 'vitest';
import { startSimulation } from '../../../src/sim/simulation.ts';
import type { SimEvent } from '../../../src/sim/events.ts';
import { blueGreenEnvironment } from './support/environment.ts';
import { steadyLoad } from './support/steady-load.ts';

const status = (sim: { replicas(service: string): Array<{ id: string; status: string }> }) => Object.fromEntries(sim.replicas('web').map((r) => [r.id, r.status]));
const startsOf = (events: readonly SimEvent[], prefix: string) => events.filter((e) => e.type === 'replica_starting' && e.replica.startsWith(prefix)).length;

describe('blue/green rollout with the process runtime', { timeout: 120_000 }, () => {
  test('starts green only for the rollout, then switches every request at once with zero failed requests, blue kept warm', async () => {
    await using sim = await startSimulation(blueGreenEnvironment(), { faultProxyPort: 0 });
    // Green is planned (ids, ports) but not started with the environment.
    expect(status(sim)).toEqual({ 'web-blue-1': 'healthy', 'web-blue-2': 'healthy', 'web-green-1': 'stopped', 'web-green-2': 'stopped' });
    expect(startsOf(sim.events(), 'web-green')).toBe(0);
    // 20ms per request keeps a few requests in flight at the moment of the switch.
    const load = steadyLoad(`${sim.endpoints().loadBalancer}/?ms=20`, 150, 20_000);
    await new Promise((r) => setTimeout(r, 1000));
    const rollout = sim.rollout({ strategy: 'blue_green', interval: '1500ms', analysis: { error_rate: '< 1%', p99: '< 800ms' } });
    expect(rollout.status().phase).toBe('health_check');
    const result = await rollout.done;
    await new Promise((r) => setTimeout(r, 500));
    const tally = await load.stop();
    expect(result).toMatchObject({ outcome: 'promoted', from: 'blue', to: 'green', weights: { blue: 0, green: 100 } });
    expect(result.steps).toHaveLength(1);
    // Green started after the rollout did and was healthy before it took any traffic.
    const events = sim.events();
    const started = events.findIndex((e) => e.type === 'rollout_started');
    const lastGreenHealthy = events.findLastIndex((e) => e.type === 'replica_healthy' && e.replica.startsWith('web-green'));
    const firstStep = events.findIndex((e) => e.type === 'rollout_step');
    expect(events.findIndex((e) => e.type === 'replica_starting' && e.replica.startsWith('web-green'))).toBeGreaterThan(started);
    expect(lastGreenHealthy).toBeGreaterThan(started);
    expect(lastGreenHealthy).toBeLessThan(firstStep);
    // Only the requests already in flight at the switch finish on blue: about 150/s x 20ms = 3.
    expect(result.steps[0]!.analysis!.versions.blue!.requests).toBeLessThanOrEqual(15);
    expect(result.steps[0]!.analysis!.versions.green!.requests).toBeGreaterThan(100);
    expect(tally.errors).toEqual([]);
    expect(tally.failed).toBe(0);
    expect(tally.answered).toBe(tally.sent);
    expect(tally.byVersion.blue).toBeGreaterThan(0);
    expect(tally.byVersion.green).toBeGreaterThan(0);
    // Blue stays up for an instant switch back, which starts nothing.
    expect(Object.values(status(sim))).toEqual(['healthy', 'healthy', 'healthy', 'healthy']);
    const blueStarts = startsOf(sim.events(), 'web-blue');
    const back = await sim.rollout({ strategy: 'blue_green', interval: '500ms', analysis: { error_rate: '< 1%' }, minRequests: 0 }).done;
    expect(back).toMatchObject({ outcome: 'promoted', from: 'green', to: 'blue', weights: { blue: 100, green: 0 } });
    expect(startsOf(sim.events(), 'web-blue')).toBe(blueStarts);
  });

  test('green that fails to start is rolled back with its start-up error while blue keeps serving with zero failed requests', async () => {
    const boom = 'console.error("green: missing DATABASE_URL"); process.exit(1)';
    await using sim = await startSimulation(blueGreenEnvironment({ command: [process.execPath, '-e', boom] }), { faultProxyPort: 0 });
    const load = steadyLoad(`${sim.endpoints().loadBalancer}/`, 100, 20_000);
    await new Promise((r) => setTimeout(r, 500));
    const result = await sim.rollout({ strategy: 'blue_green', interval: '1s' }).done;
    await new Promise((r) => setTimeout(r, 500));
    const tally = await load.stop();
    expect(result).toMatchObject({ outcome: 'rolled_back', manual: false, steps: [], weights: { blue: 100, green: 0 } });
    expect(result.reason).toMatch(/^green did not start: replica web-green-\d exited with code 1 during start-up\nlast output:\n.*green: missing DATABASE_URL/);
    expect(sim.events().find((e) => e.type === 'rollout_rolled_back')).toMatchObject({ version: 'blue', from: 'green', reason: result.reason });
    expect(tally.errors).toEqual([]);
    expect(tally.failed).toBe(0);
    expect(tally.answered).toBe(tally.sent);
    expect(Object.keys(tally.byVersion)).toEqual(['blue']);
    expect(status(sim)).toMatchObject({ 'web-blue-1': 'healthy', 'web-blue-2': 'healthy' });
    await expect.poll(() => sim.replicas('web').filter((r) => r.id.startsWith('web-green')).map((r) => r.pid)).toEqual([null, null]);
  });

  test('green that is not healthy in time is never switched to, and is stopped again', async () => {
    // Green takes 20s to listen; the rollout allows 1s.
    await using sim = await startSimulation(blueGreenEnvironment({ env: { READY_DELAY_MS: '20000' } }), { faultProxyPort: 0 });
    const result = await sim.rollout({ strategy: 'blue_green', healthTimeout: '1s' }).done;
    expect(result.outcome).toBe('rolled_back');
    expect(result.reason).toBe('green not healthy after 1000ms (0 of 2 replicas healthy)');
    expect(result.steps).toEqual([]);
    expect(result.weights).toEqual({ blue: 100, green: 0 });
    expect(status(sim)).toEqual({ 'web-blue-1': 'healthy', 'web-blue-2': 'healthy', 'web-green-1': 'stopped', 'web-green-2': 'stopped' });
    // A second try starts green afresh (a new supervisor behind the same load balancer) and is cut short by hand.
    const again = sim.rollout({ strategy: 'blue_green', healthTimeout: '30s' });
    await expect.poll(() => sim.replicas('web').filter((r) => r.id.startsWith('web-green') && r.status === 'starting').length).toBe(2);
    again.abort('not today');
    expect(await again.done).toMatchObject({ outcome: 'rolled_back', manual: true, reason: 'not today' });
    expect(status(sim)).toMatchObject({ 'web-green-1': 'stopped', 'web-green-2': 'stopped' });
  });

  test('an environment without a second version says how to add one', async () => {
    await using sim = await startSimulation({ name: 'plain', services: { web: { command: 'node -e "require(\'http\').createServer((q,s)=>s.end()).listen(process.env.PORT)"', health_check: false } } }, { faultProxyPort: 0 });
    expect(() => sim.rollout({ strategy: 'canary' })).toThrow(/plain has no second version to roll out/);
  });
});
