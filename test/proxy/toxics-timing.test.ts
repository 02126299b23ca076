import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readBytes } from './support/echo-server.ts';
import { roundTripMs, startRig, type Rig } from './support/setup.ts';

/**
 * Latency, bandwidth, slicer and slow_close through real sockets and an echo
 * server. Lower bounds are exact (a toxic never makes things faster); upper
 * bounds carry a margin for a busy 2-core machine, stated at each assertion.
 */
describe('timing toxics', { timeout: 30_000 }, () => {
  let rig: Rig;
  beforeEach(async () => {
    rig = await startRig();
  });
  afterEach(() => rig.close());

  it('latency delays each chunk by its setting, and two latency toxics add up', async () => {
    const socket = await rig.connect();
    const base = await roundTripMs(socket);
    rig.server.engine.addToxic('echo', { type: 'latency', attributes: { latency: 100 } });
    const one = await roundTripMs(socket);
    expect(one).toBeGreaterThanOrEqual(99.5); // timer resolution: 0.5 ms
    expect(one).toBeLessThan(100 + base + 60); // margin: 60 ms of scheduling noise
    rig.server.engine.addToxic('echo', { type: 'latency', name: 'more', stream: 'upstream', attributes: { latency: 50 } });
    const two = await roundTripMs(socket);
    expect(two).toBeGreaterThanOrEqual(149.5);
    expect(two).toBeLessThan(150 + base + 60); // margin: 60 ms
  });

  it('latency does not cut throughput: 20 chunks sent 10 ms apart all arrive about 100 ms later', async () => {
    const socket = await rig.connect();
    rig.server.engine.addToxic('echo', { type: 'latency', attributes: { latency: 100 } });
    const started = performance.now();
    const received = readBytes(socket, 20 * 100);
    for (let i = 0; i < 20; i++) {
      socket.write(Buffer.alloc(100, i));
      await new Promise((r) => setTimeout(r, 10));
    }
    await received;
    const elapsed = performance.now() - started;
    // Serialised delays would take 20 x 100 ms; overlapping ones take ~200 + 100 ms.
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(700); // margin: 400 ms, still far below 2000 ms
  });

  it('bandwidth: 480,000 bytes at 1000 KB/s take 480 ms +/- 10 percent', async () => {
    const socket = await rig.connect();
    await roundTripMs(socket); // connection fully set up before timing
    rig.server.engine.addToxic('echo', { type: 'bandwidth', attributes: { rate: 1000 } });
    const payload = Buffer.alloc(480_000, 7);
    const started = performance.now();
    const received = readBytes(socket, payload.length);
    socket.write(payload);
    const data = await received;
    const elapsed = performance.now() - started;
    expect(data.equals(payload)).toBe(true);
    expect(elapsed).toBeGreaterThanOrEqual(432); // -10 percent
    expect(elapsed).toBeLessThanOrEqual(528); // +10 percent
  });

  it('slicer keeps data intact and in order while cutting it into pieces', async () => {
    const socket = await rig.connect();
    rig.server.engine.addToxic('echo', {
      type: 'slicer',
      attributes: { average_size: 64, size_variation: 32, delay: 200 },
    });
    const payload = Buffer.from(Array.from({ length: 20_000 }, (_, i) => i % 251));
    const pieces: number[] = [];
    socket.on('data', (chunk: Buffer) => pieces.push(chunk.length));
    const received = readBytes(socket, payload.length);
    socket.write(payload);
    expect((await received).equals(payload)).toBe(true);
    // 20,000 bytes in ~64-byte slices 0.2 ms apart: the client sees many reads.
    expect(pieces.length).toBeGreaterThan(10);
  });

  it('slow_close passes data and delays the end of stream', async () => {
    await rig.close();
    rig = await startRig({ onConnection: (socket) => socket.end('bye') });
    rig.server.engine.addToxic('echo', { type: 'slow_close', attributes: { delay: 300 } });
    const started = performance.now();
    const socket = await rig.connect();
    const data = await readBytes(socket, 1_000); // resolves on end
    expect(data.toString()).toBe('bye');
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(299);
    expect(elapsed).toBeLessThan(300 + 300); // margin: 300 ms
  });
});
