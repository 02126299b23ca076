import http from 'node:http';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startLoadBalancer, type LoadBalancer } from '../../src/services/load-balancer.ts';
import { ServiceSupervisor } from '../../src/services/supervisor.ts';
import { request, steadyLoad } from '../sim/rollout/support/steady-load.ts';
import { baseEnv, freePorts, service } from './service-fixtures.ts';

const SERVER = path.resolve(import.meta.dirname, '../sim/rollout/support/versioned-server.mjs');
const cleanups: (() => Promise<void>)[] = [];

/** Two versions of one service behind a load balancer: `stable` (2 replicas) and `canary` (1), real processes. */
async function versioned(): Promise<LoadBalancer> {
  const lb = await startLoadBalancer({ service: 'svc' });
  cleanups.push(() => lb.close());
  lb.defineVersions([{ name: 'stable', weight: 100 }, { name: 'canary', weight: 0 }]);
  for (const [version, replicas] of [['stable', 2], ['canary', 1]] as const) {
    const ports = await freePorts(replicas);
    const sup = new ServiceSupervisor({
      service: service({ name: version === 'stable' ? 'svc' : 'svc-canary', command: [process.execPath, SERVER] }),
      ports,
      env: () => baseEnv({ AGENTUP_VERSION: version }),
    });
    cleanups.push(() => sup.stop());
    await sup.start();
    lb.attach(sup, version);
  }
  return lb;
}

/** `total` GETs with `concurrency` in flight; counts by the version that answered. */
async function countVersions(url: string, total: number, concurrency: number): Promise<Record<string, number>> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const seen: Record<string, number> = {};
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < total) {
      next += 1;
      const r = await request(url, agent);
      expect(r.status).toBe(200);
      seen[r.version] = (seen[r.version] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  agent.destroy();
  return seen;
}

describe('load balancer: weighted routing between versions', { timeout: 120_000 }, () => {
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('matches 95/5 and 70/30 within 0.5 percentage points over 10,000 requests each', async () => {
    const lb = await versioned();
    // Smooth weighted round robin is deterministic: with healthy replicas the split is exact
    // (to one request). A per-request coin flip would give a standard deviation of
    // sqrt(0.05 * 0.95 / 10000) = 0.22 points at 5%; 0.5 points is the margin either way.
    for (const canary of [5, 30]) {
      lb.setWeights({ stable: 100 - canary, canary });
      const seen = await countVersions(`${lb.url}/`, 10_000, 32);
      expect(seen.stable! + seen.canary!).toBe(10_000);
      expect(Math.abs((seen.canary! / 10_000) * 100 - canary)).toBeLessThanOrEqual(0.5);
    }
    const versions = lb.stats().versions!;
    expect(versions.map((v) => [v.name, v.weight, v.replicas.length, v.failed])).toEqual([['stable', 70, 2, 0], ['canary', 30, 1, 0]]);
    expect(versions[0]!.requests + versions[1]!.requests).toBe(20_000);
  });

  it('sends nothing to a version at weight 0 and everything to one at 100', async () => {
    const lb = await versioned();
    expect(await countVersions(`${lb.url}/`, 300, 8)).toEqual({ stable: 300 });
    lb.setWeights({ stable: 0, canary: 100 });
    expect(await countVersions(`${lb.url}/`, 300, 8)).toEqual({ canary: 300 });
    expect(() => lb.setWeights({ stable: 50, canary: 40 })).toThrow(/add up to 100, not 90/);
    expect(() => lb.setWeights({ stable: 50, green: 50 })).toThrow(/name green, not one of the versions stable, canary/);
  });

  it('drops no in-flight request while weights flip every 25ms under load', async () => {
    const lb = await versioned();
    // 100ms per request at 200/s keeps about 20 requests in flight at every flip.
    const load = steadyLoad(`${lb.url}/?ms=100`, 200, 10_000);
    const splits = [[0, 100], [100, 0], [50, 50], [95, 5]] as const;
    let flips = 0;
    const flipper = setInterval(() => {
      const [stable, canary] = splits[flips++ % splits.length]!;
      lb.setWeights({ stable, canary });
    }, 25);
    await new Promise((r) => setTimeout(r, 3000));
    clearInterval(flipper);
    const tally = await load.stop();
    expect(flips).toBeGreaterThan(40);
    expect(tally.errors).toEqual([]);
    expect(tally.failed).toBe(0);
    expect(tally.answered).toBe(tally.sent);
    expect(tally.sent).toBeGreaterThan(300);
    expect(tally.byVersion.stable).toBeGreaterThan(0);
    expect(tally.byVersion.canary).toBeGreaterThan(0);
    expect(lb.stats().backends.every((b) => b.errors === 0 && b.inflight === 0)).toBe(true);
  });
});
