/**
 * mulberry32: a small, fast 32-bit generator with good statistical quality.
 * Everything seeded in agentup (toxicity rolls, jitter, mock API choices)
 * draws from streams made by this one function, so a seed repeats a run.
 */
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
