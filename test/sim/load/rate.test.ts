import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad } from '../../../src/sim/load/start-load.ts';
import type { LoadSecond } from '../../../src/sim/load/types.ts';
import { startTargetServer, type TargetServer } from './helpers/target-server.ts';

describe('open-model rate accuracy against a real HTTP server', { timeout: 60_000 }, () => {
  let server: TargetServer;
  beforeAll(async () => {
    server = await startTargetServer();
  });
  afterAll(() => server.close());

  for (const rate of [200, 1000]) {
    it(`sends exactly ${rate}/s for 2 s, spread evenly (worker thread)`, async () => {
      server.arrivals.length = 0;
      const ticks: LoadSecond[] = [];
      const r = await runLoad({ url: server.url, rate, duration: '2s', seed: 1, onTick: (s) => ticks.push(s) });
      expect(r.thread).toBe('worker');
      // The schedule is a cumulative count, so a late timer catches up instead of losing requests: exact.
      expect(r.sent).toBe(2 * rate);
      expect(r.ok).toBe(2 * rate);
      expect(server.arrivals.length).toBe(2 * rate);
      expect(r.byStatus).toEqual({ 200: 2 * rate });
      expect(r.requestedRate).toBe(rate);
      // Margin 10% (200 ms of 2 s): the last send trails the end when the thread is descheduled,
      // which a shared 2-core machine at load 10 does for 100 ms and more. The 2% figure is
      // bench/loadgen.ts's job; a test only bounds it.
      expect(Math.abs(r.achievedRate - rate) / rate).toBeLessThan(0.1);
      // Server side: first to last arrival spans (n-1)/rate, within 10% for the same reason.
      const spanMs = server.arrivals.at(-1)! - server.arrivals[0]!;
      expect(Math.abs(spanMs - ((2 * rate - 1) * 1000) / rate) / 2000).toBeLessThan(0.1);
      // Per second (by actual send time): within 15% of the rate each; a stall at a boundary moves some across.
      const full = ticks.filter((s) => s.t < 2);
      expect(full).toHaveLength(2);
      for (const s of full) expect(Math.abs(s.sent - rate) / rate).toBeLessThan(0.15);
      expect(ticks.reduce((sum, s) => sum + s.sent, 0)).toBe(2 * rate);
      expect(r.seconds).toEqual(ticks);
      expect(r.latency.count).toBe(2 * rate);
      expect(r.latency.p50Ms).toBeGreaterThan(0);
      expect(r.latency.p50Ms).toBeLessThanOrEqual(r.latency.p99Ms);
      expect(r.latency.p99Ms).toBeLessThanOrEqual(r.latency.maxMs);
    });
  }

  it('inline on the calling thread keeps the rate too, and a seeded body generator repeats', async () => {
    const runBodies = async () => {
      const local = await startTargetServer({ recordBodies: true });
      try {
        const r = await runLoad({ url: local.url, path: '/triage', rate: 100, duration: '1s', seed: 42, body: (i, random) => ({ i, pick: Math.floor(random() * 1000) }) });
        expect(r).toMatchObject({ thread: 'inline', method: 'POST', sent: 100, ok: 100 });
        // Requests on different connections may reach the server in any order: compare by index.
        return local.bodies.sort((a, b) => JSON.parse(a).i - JSON.parse(b).i);
      } finally {
        await local.close();
      }
    };
    const first = await runBodies();
    expect(first).toHaveLength(100);
    expect(JSON.parse(first[7]!)).toMatchObject({ i: 7 });
    expect(new Set(first.map((b) => JSON.parse(b).pick)).size).toBeGreaterThan(50);
    expect(await runBodies()).toEqual(first);
  });

  it('poisson arrivals average the rate and repeat with the same seed', async () => {
    const counts = [];
    for (let i = 0; i < 2; i++) {
      const r = await runLoad({ url: server.url, rate: 500, duration: '1s', arrival: 'poisson', seed: 7 });
      counts.push(r.sent);
    }
    // 500 expected, sd ≈ 22: 4 sd margin.
    expect(Math.abs(counts[0]! - 500)).toBeLessThan(90);
    expect(counts[1]).toBe(counts[0]);
  });
});
