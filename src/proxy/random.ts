/**
 * Reproducible randomness. Toxiproxy's -seed flag is a no-op; ours works:
 * every (proxy, connection index, direction, toxic, toxic revision) gets its own
 * mulberry32 stream whose seed is an FNV-1a hash of those parts and the server
 * seed. A stream depends only on its own key, never on the order other
 * connections or toxics drew numbers, so concurrency does not change the outcome:
 * the same seed, the same API calls and the same connection order repeat exactly.
 */

import { mulberry32 } from '../util/prng.ts';
import type { ToxicityRoll } from './types.ts';

export { mulberry32 };

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Enough for every connection of a long session; the oldest rolls go first. */
const MAX_ROLLS = 10_000;

export class SeededRandom {
  /** Toxicity decisions drawn from these streams, in the order they were made. */
  readonly rolls: ToxicityRoll[] = [];

  constructor(readonly seed: number) {}

  recordRoll(roll: ToxicityRoll): void {
    if (this.rolls.length >= MAX_ROLLS) this.rolls.shift();
    this.rolls.push(roll);
  }

  /** A private stream for one purpose, named by its parts. */
  stream(...parts: Array<string | number>): () => number {
    return mulberry32(fnv1a(`${this.seed}\u0000${parts.join('\u0000')}`));
  }
}

/** A seed for runs without --seed: still printed so a run can be repeated. */
export function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 31);
}
