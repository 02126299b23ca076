import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad } from '../../../src/sim/load/start-load.ts';
import type { LoadSecond } from '../../../src/sim/load/types.ts';
import { getFreePort } from '../../../src/util/ports.ts';
import { startTargetServer, type TargetServer } from './helpers/target-server.ts';

describe('load errors by kind, and the concurrency cap', { timeout: 60_000 }, () => {
  let server: TargetServer;
  beforeAll(async () => {
    server = await startTargetServer();
  });
  afterAll(() => server.close());

  it('counts a refused port as econnrefused, every request', async () => {
    const port = await getFreePort(); // nothing listens there
    const r = await runLoad({ url: `http://127.0.0.1:${port}`, rate: 50, duration: '1s' });
    expect(r).toMatchObject({ sent: 50, ok: 0, failed: 50, dropped: 0, byStatus: {}, byError: { econnrefused: 50 } });
    expect(r.latency.count).toBe(0); // no response, so no latency
  });

  it('times a request out after timeoutMs and says timeout', async () => {
    const t0 = performance.now();
    const r = await runLoad({ url: server.url, path: '/hang', rate: 20, duration: '1s', timeoutMs: 300 });
    expect(r).toMatchObject({ sent: 20, ok: 0, failed: 20, byError: { timeout: 20 } });
    // Last send ~950 ms + 300 ms timeout + sweep period (30 ms); 4 s covers worker start-up on a busy machine.
    expect(performance.now() - t0).toBeLessThan(4000);
  });

  it('counts 500s by status as failures, with their latency; expectStatus changes what is ok', async () => {
    const r = await runLoad({ url: server.url, path: '/fail', rate: 50, duration: '1s' });
    expect(r).toMatchObject({ sent: 50, ok: 0, failed: 50, byStatus: { 500: 50 }, byError: {} });
    expect(r.latency.count).toBe(50);
    const expected = await runLoad({ url: server.url, path: '/?status=503', rate: 20, duration: '1s', expectStatus: [503] });
    expect(expected).toMatchObject({ ok: 20, failed: 0, byStatus: { 503: 20 } });
    const predicate = await runLoad({ url: server.url, path: '/?status=404', rate: 20, duration: '1s', expectStatus: (s) => s === 404 });
    expect(predicate).toMatchObject({ thread: 'inline', ok: 20, byStatus: { 404: 20 } });
  });

  it('counts a connection the server destroys as econnreset', async () => {
    const r = await runLoad({ url: server.url, path: '/reset', rate: 20, duration: '1s' });
    expect(r).toMatchObject({ sent: 20, ok: 0, failed: 20, byError: { econnreset: 20 } });
  });

  it('drops arrivals over maxInFlight instead of delaying them (open model)', async () => {
    const ticks: LoadSecond[] = [];
    // Each answer takes 1.5 s, longer than the 1 s of sending: the first 5 fill the cap, the other 95 find it full.
    const r = await runLoad({ url: server.url, path: '/?delay=1500', rate: 100, duration: '1s', maxInFlight: 5, onTick: (s) => ticks.push(s) });
    expect(r).toMatchObject({ sent: 5, dropped: 95, ok: 5, failed: 0 });
    expect(ticks[0]).toMatchObject({ sent: 5, dropped: 95, ok: 0 });
    expect(r.latency.p50Ms).toBeGreaterThanOrEqual(1500);
  });
});
