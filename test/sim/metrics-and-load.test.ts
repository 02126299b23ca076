import { describe, expect, test } from 'vitest';
import { startSimulation } from '../../src/sim/simulation.ts';
import type { MetricsSecond } from '../../src/sim/metrics.ts';
import { REPO_ROOT } from '../support/agentup-cli.ts';

describe('load and metrics through a simulation', { timeout: 60_000 }, () => {
  test('sim.load drives the load balancer; per-second metrics see it per replica; Prometheus text counts it', async () => {
    await using sim = await startSimulation(
      { name: 'metrics', services: { web: { command: ['node', 'fixtures/services/hello.js'], replicas: 2 } } },
      { dir: REPO_ROOT, faultProxyPort: 0, seed: 3 },
    );
    const seconds: MetricsSecond[] = [];
    sim.on('metrics', (m) => seconds.push(m));
    const result = await sim.load({ path: '/healthz', rate: 200, duration: '3s' });
    // Open model at 200/s for 3 s: 600 arrivals; allow 2% for the schedule's edges.
    expect(result.sent).toBeGreaterThanOrEqual(588);
    expect(result.failed).toBe(0);
    await expect.poll(() => seconds.length, { timeout: 5_000 }).toBeGreaterThanOrEqual(3);
    const busiest = [...seconds].sort((a, b) => b.overall.rps - a.overall.rps)[0]!;
    // Round robin over 2 replicas: each sees about half of ~200/s (margin: a second boundary can split unevenly).
    expect(busiest.overall.rps).toBeGreaterThan(120);
    expect(busiest.replicas['web-1']!.rps).toBeGreaterThan(50);
    expect(busiest.replicas['web-2']!.rps).toBeGreaterThan(50);
    expect(busiest.overall.errorRate).toBe(0);
    expect(busiest.overall.p99Ms).toBeGreaterThan(0);
    expect(busiest.replicas['web-1']!.rssBytes).toBeGreaterThan(10 * 1024 * 1024);
    const text = sim.metricsText();
    const served = [...text.matchAll(/^agentup_lb_responses_total\{replica="web-\d",status="200"\} (\d+)$/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
    expect(served).toBeGreaterThanOrEqual(result.ok);
    expect(text).toMatch(/^agentup_replica_up\{replica="web-1",service="web"\} 1$/m);
    const types = sim.events().map((e) => e.type);
    expect(types).toContain('load_started');
    expect(types).toContain('load_finished');
  });
});
