import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLoad } from '../../../src/sim/load/start-load.ts';
import type { LoadSecond } from '../../../src/sim/load/types.ts';
import { startTargetServer, type TargetServer } from './helpers/target-server.ts';

const waitFor = (check: () => boolean) =>
  new Promise<void>((resolve) => {
    const timer = setInterval(() => check() && (clearInterval(timer), resolve()), 5);
  });

describe('live control of a run: setRate, stop, abort, snapshot', { timeout: 60_000 }, () => {
  let server: TargetServer;
  beforeAll(async () => {
    server = await startTargetServer();
  });
  afterAll(() => server.close());

  for (const thread of ['worker', 'inline'] as const) {
    it(`setRate changes the rate from now until the planned end (${thread})`, async () => {
      const ticks: LoadSecond[] = [];
      const handle = startLoad({ url: server.url, rate: 100, duration: '3s', thread, onTick: (s) => ticks.push(s) });
      await waitFor(() => ticks.length >= 1);
      handle.setRate(400);
      const r = await handle.done;
      expect(ticks[0]!.sent).toBeGreaterThanOrEqual(95); // second 0 at 100/s; 5% for a late tick
      expect(ticks[0]!.sent).toBeLessThanOrEqual(110);
      // Second 2 is wholly at the new rate; 10% margin for boundary jitter.
      expect(ticks[2]!.targetRate).toBe(400);
      expect(Math.abs(ticks[2]!.sent - 400)).toBeLessThan(40);
      // 100 + ~800: the switch lands 0-200 ms after second 1 starts (tick delivery), so 720-920.
      expect(r.sent).toBeGreaterThan(720);
      expect(r.sent).toBeLessThan(920);
      expect(r.plannedDurationMs).toBe(3000);
    });
  }

  it('stop() ends sending at once, lets in-flight requests finish, and says it stopped early', async () => {
    const handle = startLoad({ url: server.url, path: '/?delay=200', rate: 100, duration: '30s' });
    await waitFor(() => handle.snapshot().sent >= 30);
    const t0 = performance.now();
    handle.stop();
    const r = await handle.done;
    expect(r.stoppedEarly).toBe(true);
    expect(r.sent).toBeLessThan(100); // stopped well before 30 s x 100/s
    expect(r.ok).toBe(r.sent); // in-flight ones were answered, not cut off
    expect(r.byStatus).toEqual({ 200: r.sent });
    // 200 ms for the last answers; 2 s margin for a busy machine.
    expect(performance.now() - t0).toBeLessThan(2200);
  });

  it('an AbortSignal stops it like stop(), and snapshot() reports running totals', async () => {
    const controller = new AbortController();
    const handle = startLoad({ url: server.url, rate: 200, duration: '30s', signal: controller.signal });
    await waitFor(() => handle.snapshot().sent >= 50);
    const snap = handle.snapshot();
    expect(snap.currentRate).toBe(200);
    expect(snap.ok).toBeLessThanOrEqual(snap.sent);
    expect(snap.elapsedMs).toBeGreaterThan(0);
    controller.abort();
    const r = await handle.done;
    expect(r.stoppedEarly).toBe(true);
    expect(r.sent).toBeGreaterThanOrEqual(snap.sent);
    expect(r.sent).toBeLessThan(1000);
  });

  it('a body module runs its generator inside the worker', async () => {
    const local = await startTargetServer({ recordBodies: true });
    try {
      const bodyModule = new URL('./helpers/body-module.ts', import.meta.url).href;
      const r = await startLoad({ url: local.url, rate: 50, duration: '1s', seed: 3, bodyModule, method: 'POST' }).done;
      expect(r).toMatchObject({ thread: 'worker', sent: 50, ok: 50 });
      const indexes = local.bodies.map((b) => JSON.parse(b).i as number).sort((a, b) => a - b);
      expect(indexes).toEqual(Array.from({ length: 50 }, (_, i) => i));
      expect(JSON.parse(local.bodies[0]!).ticket).toMatch(/^T-\d+$/);
    } finally {
      await local.close();
    }
  });
});
