import { spawn, type ChildProcess } from 'node:child_process';
import readline from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad, startLoad } from '../../../src/sim/load/start-load.ts';
import type { LoadSecond } from '../../../src/sim/load/types.ts';
import { startTargetServer, type TargetServer } from './helpers/target-server.ts';

const busyWait = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end);
};

describe('latency counts from the intended send time (no coordinated omission)', { timeout: 60_000 }, () => {
  let server: TargetServer;
  let child: ChildProcess;
  let childUrl: string;
  beforeAll(async () => {
    server = await startTargetServer();
    // A server outside this process, so blocking this thread does not block it.
    child = spawn(process.execPath, ['-e', "require('http').createServer((q, r) => r.end('ok')).listen(0, '127.0.0.1', function () { console.log(this.address().port) })"], { stdio: ['ignore', 'pipe', 'inherit'] });
    const port = await new Promise<string>((resolve) => readline.createInterface({ input: child.stdout! }).once('line', resolve));
    childUrl = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await server.close();
    child.kill();
  });

  it('a service that stalls 500 ms once shows the stall in p99, and the load does not slow down', async () => {
    const ticks: LoadSecond[] = [];
    const handle = startLoad({ url: server.url, rate: 200, duration: '2s', onTick: (s) => ticks.push(s) });
    // Once the first second is in, every answer for the next 500 ms waits until its end.
    const stall = new Promise<void>((resolve) => {
      const wait = setInterval(() => {
        if (handle.snapshot().sent >= 150) {
          clearInterval(wait);
          server.holdUntil = performance.now() + 500;
          resolve();
        }
      }, 5);
    });
    const r = await handle.done;
    await stall;
    server.holdUntil = 0;
    // The open model kept sending through the stall: all 400 went out.
    expect(r.sent).toBe(400);
    expect(r.ok).toBe(400);
    // ~100 requests were due in the stall and waited 0-500 ms: p99 near 500, margin 100 ms for timers.
    expect(r.latency.p99Ms).toBeGreaterThan(400);
    expect(r.latency.maxMs).toBeGreaterThan(450);
    expect(Math.max(...ticks.map((s) => s.p99Ms))).toBeGreaterThan(400);
    // Most requests were not in the stall; 100 ms is far above a loopback answer even on a busy machine.
    expect(r.latency.p50Ms).toBeLessThan(100);
  });

  it('inline, a 500 ms block of this thread delays sends, and their latency counts it', async () => {
    const handle = startLoad({ url: childUrl, rate: 200, duration: '2s', thread: 'inline' });
    setTimeout(() => busyWait(500), 500);
    const r = await handle.done;
    // Requests due during the block are sent late but still sent (the schedule catches up).
    expect(r.sent).toBe(400);
    // Measured from the send, they would be ~1 ms; from their due time the first waited ~500 ms.
    expect(r.latency.maxMs).toBeGreaterThan(450);
    expect(r.latency.p99Ms).toBeGreaterThan(400);
  });

  it('in a worker thread, the same block of the main thread does not touch the schedule', async () => {
    const handle = startLoad({ url: childUrl, rate: 200, duration: '2s' });
    // Block once the worker is sending (its progress messages say so), not during its start-up.
    await new Promise<void>((resolve) => {
      const wait = setInterval(() => handle.snapshot().sent > 0 && (clearInterval(wait), resolve()), 5);
    });
    busyWait(500);
    const r = await handle.done;
    expect(r).toMatchObject({ thread: 'worker', sent: 400, ok: 400 });
    // Far below the 500 ms block: margin of 250 ms for a busy 2-core machine (3 runnable threads).
    expect(r.latency.p99Ms).toBeLessThan(250);
  });
});
