/**
 * Seeded randomness: weights, error fractions and latency samples all draw
 * from one stream, so the same seed and request order repeat a run.
 */
export { mulberry32 as createPrng } from '../../util/prng.ts';

/** Standard normal sample (Box-Muller); 1 - u keeps log() away from 0. */
export function normalSample(random: () => number): number {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
