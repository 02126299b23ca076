import { describe, expect, test } from 'vitest';
import { startSimulation } from '../../../src/sim/simulation.ts';
import { REPO_ROOT } from '../../support/agentup-cli.ts';

describe('mock APIs in a simulation', { timeout: 60_000 }, () => {
  test('each mock sits behind its own proxy; outage, error rate and rate limits apply to the next request and come off cleanly', async () => {
    await using sim = await startSimulation(
      {
        name: 'apis',
        services: { app: { command: ['node', 'fixtures/services/hello.js'], env: { TICKETS_URL: '${apis.tickets.url}' } } },
        apis: { tickets: { fixture: 'fixtures/apis/tickets.yaml' } },
      },
      { dir: REPO_ROOT, faultProxyPort: 0, seed: 1 },
    );
    const [api] = sim.endpoints().apis;
    expect(api?.name).toBe('tickets');
    expect(api?.proxiedUrl).not.toBe(api?.url);
    const get = async () => {
      const res = await fetch(`${api!.proxiedUrl}/tickets/T-1`, { headers: { 'x-api-key': 'tk_test_alpha' } });
      await res.body?.cancel();
      return res.status;
    };
    expect(await get()).toBe(200);

    const outage = await sim.api('tickets').outage();
    expect(await get()).toBe(503);
    await outage.remove();
    expect(await get()).toBe(200);

    await sim.withFault(sim.api('tickets').errorRate(1, 502), async () => {
      expect(await get()).toBe(502);
    });
    expect(await get()).toBe(200);

    await sim.withFault(sim.api('tickets').rateLimit('per_key', { limit: 1 }), async () => {
      expect(await get()).toBe(200);
      expect(await get()).toBe(429);
    });
    // Removing the handle puts back the fixture's own limit (100 a minute).
    expect(await get()).toBe(200);
    await expect.poll(() => sim.events().some((e) => e.type === 'rate_limited' && e.api === 'tickets' && e.limit === 'per_key')).toBe(true);

    // The TCP link of the same API can be faulted too, through its proxy.
    await sim.withFault(sim.dependency('tickets').down(), async () => {
      await expect(fetch(`${api!.proxiedUrl}/tickets/T-1`)).rejects.toThrow();
    });
    expect(await get()).toBe(200);

    const counters = sim.api('tickets').counters();
    expect(counters.requests).toBeGreaterThanOrEqual(6);
    expect(sim.api('tickets').journal({ limit: 1 })[0]?.headers['x-api-key']).toBe('***');
    const faults = sim.events().filter((e) => e.type === 'fault_added').map((e) => (e.type === 'fault_added' ? e.fault : ''));
    expect(faults).toEqual(['outage', 'error_rate', 'rate_limit_per_key', 'down']);
    expect(() => sim.api('nope')).toThrow(/no mock API named "nope"/);
  });
});
