import { normalSample } from './prng.ts';
import type { LatencySpec } from './types.ts';

/** One latency draw in milliseconds, never negative, capped where the spec says. */
export function sampleLatencyMs(spec: LatencySpec, random: () => number): number {
  switch (spec.distribution) {
    case 'fixed':
      return spec.ms;
    case 'uniform':
      return spec.minMs + random() * (spec.maxMs - spec.minMs);
    case 'normal':
      return cap(spec.meanMs + spec.stddevMs * normalSample(random), spec.capMs);
    case 'lognormal':
      // median = e^mu, so mu = ln(median); sigma is the spread of ln(latency).
      return cap(spec.medianMs * Math.exp(spec.sigma * normalSample(random)), spec.capMs);
  }
}

function cap(ms: number, capMs: number | null): number {
  const floored = Math.max(0, ms);
  return capMs === null ? floored : Math.min(floored, capMs);
}
