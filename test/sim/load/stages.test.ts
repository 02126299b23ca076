import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad } from '../../../src/sim/load/start-load.ts';
import { startTargetServer, type TargetServer } from './helpers/target-server.ts';

describe('stages and ramps against a real HTTP server', { timeout: 60_000 }, () => {
  let server: TargetServer;
  beforeAll(async () => {
    server = await startTargetServer();
  });
  afterAll(() => server.close());

  it('a hold then a linear ramp send the area under the rate line, second by second', async () => {
    // 100/s for 1 s, then 100 -> 300/s over 2 s: 100, then 150 (100->200), then 250 (200->300).
    const r = await runLoad({ url: server.url, stages: [{ rate: 100, for: '1s' }, { rampTo: 300, for: '2s' }] });
    expect(r.sent).toBe(500);
    expect(r.requestedRate).toBeCloseTo(500 / 3, 2);
    expect(r.seconds.slice(0, 3).map((s) => s.targetRate)).toEqual([100, 100, 200]);
    // Per second by actual send time: 8% + 3 margin for requests a late timer moves across a boundary.
    for (const [t, expected] of [[0, 100], [1, 150], [2, 250]] as const) {
      expect(Math.abs(r.seconds[t]!.sent - expected)).toBeLessThanOrEqual(expected * 0.08 + 3);
    }
    expect(r.seconds.reduce((sum, s) => sum + s.sent, 0)).toBe(500);
  });

  it('a ramp up from 0 and back down to 0 sends two triangles of 100 each', async () => {
    const r = await runLoad({ url: server.url, stages: [{ rampTo: 200, for: '1s' }, { rampTo: 0, for: '1s' }] });
    expect(r.sent).toBe(200); // two triangles of 100 each
    const [up, down] = r.seconds;
    expect(Math.abs(up!.sent - 100)).toBeLessThanOrEqual(11);
    expect(Math.abs(down!.sent - 100)).toBeLessThanOrEqual(11);
    expect(server.arrivals.length).toBeGreaterThanOrEqual(200);
  });
});
