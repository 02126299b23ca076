import { afterEach, describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/proxy/random.ts';
import { sliceOffsets } from '../../src/proxy/toxics/slicer.ts';
import { roundTripMs, startRig, type Rig } from './support/setup.ts';

/**
 * --seed makes toxicity rolls, jitter and slicer sizes repeat. Rolls are
 * observed end to end (which connections a 50% latency toxic hits); the
 * streams behind jitter and slicer are checked where they are drawn.
 */
async function rollPattern(seed: number, connections: number): Promise<string> {
  const rig: Rig = await startRig({ seed });
  try {
    rig.server.engine.addToxic('echo', { type: 'latency', toxicity: 0.5, attributes: { latency: 150 } });
    const sockets = [];
    for (let i = 0; i < connections; i++) sockets.push(await rig.connect()); // accept order = index
    const times = await Promise.all(sockets.map((socket) => roundTripMs(socket)));
    // 150 ms toxic vs loopback: a 75 ms threshold leaves 75 ms of margin both ways.
    return times.map((ms) => (ms >= 75 ? 'L' : '.')).join('');
  } finally {
    await rig.close();
  }
}

describe('seeded randomness', { timeout: 30_000 }, () => {
  let pending: Rig | undefined;
  afterEach(() => pending?.close());

  it('repeats toxicity rolls per connection with the same seed', async () => {
    const first = await rollPattern(42, 16);
    const second = await rollPattern(42, 16);
    expect(second).toBe(first);
    expect(first).toMatch(/L/);
    expect(first).toMatch(/\./);
    const other = await rollPattern(4242, 16);
    const third = await rollPattern(4242, 16);
    expect(third).toBe(other);
  });

  it('gives each connection, direction and toxic its own stream', () => {
    const seeded = new SeededRandom(42);
    const draw = (...key: Array<string | number>) => {
      const next = seeded.stream(...key);
      return [next(), next(), next()];
    };
    expect(draw('p', 0, 'downstream', 'latency_downstream', 0)).toEqual(draw('p', 0, 'downstream', 'latency_downstream', 0));
    expect(draw('p', 0, 'downstream', 'latency_downstream', 0)).not.toEqual(draw('p', 1, 'downstream', 'latency_downstream', 0));
    expect(draw('p', 0, 'upstream', 'x', 0)).not.toEqual(new SeededRandom(43).stream('p', 0, 'upstream', 'x', 0)());
  });

  it('cuts the same slicer pieces from the same stream', () => {
    const cut = (seed: number) => sliceOffsets(0, 10_000, 64, 32, new SeededRandom(seed).stream('s'));
    expect(cut(1)).toEqual(cut(1));
    expect(cut(1)).not.toEqual(cut(2));
    const pieces = cut(1);
    for (let i = 1; i < pieces.length; i += 2) {
      expect(pieces[i]! - pieces[i - 1]!).toBeGreaterThan(0);
      expect(pieces[i]! - pieces[i - 1]!).toBeLessThanOrEqual(64 + 32);
    }
    expect(pieces.at(-1)).toBe(10_000);
  });
});
