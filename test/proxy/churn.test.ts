import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ToxiproxyClient } from '../../src/proxy/index.ts';
import type { ToxicInput } from '../../src/proxy/types.ts';
import { readBytes } from './support/echo-server.ts';
import { startRig, type Rig } from './support/setup.ts';

/**
 * Thousands of toxic add/update/remove cycles while data streams through an echo
 * server in both directions: every byte must come back, in order, and the API
 * must keep answering. Bounded: a fixed byte count and cycle count.
 */
const TOXICS: ToxicInput[] = [
  { type: 'latency', attributes: { latency: 1, jitter: 1 } },
  { type: 'slicer', attributes: { average_size: 512, size_variation: 256, delay: 0 } },
  { type: 'bandwidth', attributes: { rate: 100_000 } },
  { type: 'noop' },
  { type: 'latency', stream: 'upstream', attributes: { latency: 2 } },
  { type: 'slow_close', stream: 'upstream', attributes: { delay: 1 } },
];

describe('toxic churn under streaming load', { timeout: 60_000 }, () => {
  let rig: Rig;
  beforeEach(async () => {
    rig = await startRig({ seed: 7 });
  });
  afterEach(() => rig.close());

  it('loses and reorders no byte over 5,000 in-process add/update/remove cycles', async () => {
    const socket = await rig.connect();
    const total = 24 * 1024 * 1024;
    const payload = Buffer.alloc(total);
    for (let i = 0; i < total; i += 4) payload.writeUInt32LE(i, i);
    const received = readBytes(socket, total, 50_000);
    let offset = 0;
    const writer = (async () => {
      while (offset < total) {
        const end = Math.min(total, offset + 64 * 1024);
        if (!socket.write(payload.subarray(offset, end))) await new Promise((r) => socket.once('drain', r));
        offset = end;
      }
    })();
    const engine = rig.server.engine;
    let cycles = 0;
    while (cycles < 5_000) {
      const toxic = TOXICS[cycles % TOXICS.length]!;
      const added = engine.addToxic('echo', toxic);
      if (cycles % 3 === 0) engine.updateToxic('echo', added.name, { toxicity: 0.5 });
      // Yield so data flows while toxics are present; remove some right away.
      if (cycles % 2 === 0) await new Promise((r) => setImmediate(r));
      engine.removeToxic('echo', added.name);
      cycles++;
    }
    // The cycles ran while data was flowing, not before or after it.
    const flowedDuringCycles = engine.stats('echo').downstreamBytes.receivedBytes;
    await writer;
    const data = await received;
    expect(cycles).toBe(5_000);
    expect(flowedDuringCycles).toBeGreaterThan(0);
    expect(data.length).toBe(total);
    expect(data.equals(payload)).toBe(true);
  });

  it('keeps the HTTP API answering while 500 add/remove cycles run over HTTP under load', async () => {
    const client = new ToxiproxyClient(rig.server.url);
    try {
      const socket = await rig.connect();
      const total = 8 * 1024 * 1024;
      const payload = Buffer.alloc(total);
      for (let i = 0; i < total; i++) payload[i] = (i * 31 + (i >> 11)) & 0xff;
      const received = readBytes(socket, total, 50_000);
      socket.write(payload);
      for (let cycle = 0; cycle < 500; cycle++) {
        const toxic = await client.addToxic('echo', { ...TOXICS[cycle % 4]!, name: `t${cycle}` });
        await client.updateToxic('echo', toxic.name, { attributes: { latency: 0 } });
        await client.removeToxic('echo', toxic.name);
      }
      const data = await received;
      expect(data.equals(payload)).toBe(true);
      expect(await client.listToxics('echo')).toEqual([]);
    } finally {
      client.close();
    }
  });

  it('removing a toxic that holds data delivers what it held at once', async () => {
    const socket = await rig.connect();
    rig.server.engine.addToxic('echo', { type: 'latency', attributes: { latency: 5_000 } });
    const started = performance.now();
    const received = readBytes(socket, 3);
    socket.write('abc');
    await new Promise((r) => setTimeout(r, 50));
    rig.server.engine.removeToxic('echo', 'latency_downstream');
    expect((await received).toString()).toBe('abc');
    expect(performance.now() - started).toBeLessThan(2_000); // margin: far below the 5 s latency
  });
});
