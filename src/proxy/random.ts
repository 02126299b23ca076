/**
 * Reproducible randomness. Toxiproxy's -seed flag is a no-op; ours works:
 * every (proxy, connection index, direction, toxic, toxic revision) gets its own
 * mulberry32 stream whose seed is an FNV-1a hash of those parts and the server
 * seed. A stream depends only on its own key, never on the order other
 * connections or toxics drew numbers, so concurrency does not change the outcome:
 * the same seed, the same API calls and the same connection order repeat exactly.
 */

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** mulberry32: a small, fast 32-bit generator with good statistical quality. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class SeededRandom {
  constructor(readonly seed: number) {}

  /** A private stream for one purpose, named by its parts. */
  stream(...parts: Array<string | number>): () => number {
    return mulberry32(fnv1a(`${this.seed}\u0000${parts.join('\u0000')}`));
  }
}

/** A seed for runs without --seed: still printed so a run can be repeated. */
export function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 31);
}
