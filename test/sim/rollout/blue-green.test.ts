import { describe, expect, test } from 'vitest';
import { startSimulation } from '../../../src/sim/simulation.ts';
import { blueGreenEnvironment } from './support/environment.ts';
import { steadyLoad } from './support/steady-load.ts';

describe('blue/green rollout with the process runtime', { timeout: 120_000 }, () => {
  test('switches every request to green at once with zero failed requests, blue kept warm', async () => {
    await using sim = await startSimulation(blueGreenEnvironment(), { faultProxyPort: 0 });
    expect(sim.replicas('web').map((r) => r.id)).toEqual(['web-blue-1', 'web-blue-2', 'web-green-1', 'web-green-2']);
    // 20ms per request keeps a few requests in flight at the moment of the switch.
    const load = steadyLoad(`${sim.endpoints().loadBalancer}/?ms=20`, 150, 20_000);
    await new Promise((r) => setTimeout(r, 1000));
    const result = await sim.rollout({ strategy: 'blue_green', interval: '1500ms', analysis: { error_rate: '< 1%', p99: '< 800ms' } }).done;
    await new Promise((r) => setTimeout(r, 500));
    const tally = await load.stop();
    expect(result).toMatchObject({ outcome: 'promoted', from: 'blue', to: 'green', weights: { blue: 0, green: 100 } });
    expect(result.steps).toHaveLength(1);
    // Only the requests already in flight at the switch finish on blue: about 150/s x 20ms = 3.
    expect(result.steps[0]!.analysis!.versions.blue!.requests).toBeLessThanOrEqual(15);
    expect(result.steps[0]!.analysis!.versions.green!.requests).toBeGreaterThan(100);
    expect(tally.errors).toEqual([]);
    expect(tally.failed).toBe(0);
    expect(tally.answered).toBe(tally.sent);
    expect(tally.byVersion.blue).toBeGreaterThan(0);
    expect(tally.byVersion.green).toBeGreaterThan(0);
    // Blue stays up for an instant switch back.
    expect(sim.replicas('web').filter((r) => r.status === 'healthy')).toHaveLength(4);
    const back = await sim.rollout({ strategy: 'blue_green', interval: '500ms', analysis: { error_rate: '< 1%' }, minRequests: 0 }).done;
    expect(back).toMatchObject({ outcome: 'promoted', from: 'green', to: 'blue', weights: { blue: 100, green: 0 } });
  });

  test('green that is not healthy in time is never switched to', async () => {
    // Not restarted, so green stays one replica short.
    await using sim = await startSimulation(blueGreenEnvironment({ restart: 'never' }), { faultProxyPort: 0 });
    sim.replica('web-green-2').kill();
    await expect.poll(() => sim.events().some((e) => e.type === 'replica_crashed' && e.replica === 'web-green-2'), { timeout: 10_000 }).toBe(true);
    const result = await sim.rollout({ strategy: 'blue_green', healthTimeout: '1s' }).done;
    expect(result.outcome).toBe('rolled_back');
    expect(result.reason).toBe('green not healthy after 1000ms (1 of 2 replicas healthy)');
    expect(result.steps).toEqual([]);
    expect(result.weights).toEqual({ blue: 100, green: 0 });
  });

  test('an environment without a second version says how to add one', async () => {
    await using sim = await startSimulation({ name: 'plain', services: { web: { command: 'node -e "require(\'http\').createServer((q,s)=>s.end()).listen(process.env.PORT)"', health_check: false } } }, { faultProxyPort: 0 });
    expect(() => sim.rollout({ strategy: 'canary' })).toThrow(/plain has no second version to roll out/);
  });
});
