/**
 * Latency distribution with fixed relative precision (HdrHistogram, 3
 * significant digits), recorded in microseconds and reported in milliseconds.
 */
import { build } from 'hdr-histogram-js';

export interface LatencySummary {
  count: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
}

export class LatencyHistogram {
  // One hour in µs is far beyond any request we proxy; autoResize covers the rest.
  #h = build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3, autoResize: true, useWebAssembly: false });

  recordMs(ms: number): void {
    this.#h.recordValue(Math.max(1, Math.round(ms * 1000)));
  }

  get count(): number {
    return this.#h.totalCount;
  }

  percentileMs(p: number): number {
    return this.#h.totalCount === 0 ? 0 : this.#h.getValueAtPercentile(p) / 1000;
  }

  summary(): LatencySummary {
    const empty = this.#h.totalCount === 0;
    return {
      count: this.#h.totalCount,
      p50Ms: this.percentileMs(50),
      p90Ms: this.percentileMs(90),
      p99Ms: this.percentileMs(99),
      maxMs: empty ? 0 : this.#h.maxValue / 1000,
      meanMs: empty ? 0 : this.#h.mean / 1000,
    };
  }

  reset(): void {
    this.#h.reset();
  }
}
