import { build, decodeFromCompressedBase64 } from 'hdr-histogram-js';
import type { LoadResult } from '../sim/load/types.ts';
import type { MetricsSecond } from '../sim/metrics.ts';
import type { Measured } from './objective.ts';

/** Failed plus dropped over everything the schedule asked for: a dropped arrival is a user who got nothing. */
function errorRate(r: { failed: number; dropped: number; sent: number }): number {
  const asked = r.sent + r.dropped;
  return asked > 0 ? (r.failed + r.dropped) / asked : 0;
}

/**
 * One load phase. `rate` is goodput (answers that counted as ok per second of
 * sending), so `rate > 95% of target` fails when requests fail or are dropped.
 */
export function measureLoad(r: LoadResult): Measured {
  const seconds = r.sendDurationMs / 1000;
  return {
    p50: r.latency.p50Ms,
    p90: r.latency.p90Ms,
    p99: r.latency.p99Ms,
    p999: r.latency.p999Ms,
    max: r.latency.maxMs,
    mean: r.latency.meanMs,
    error_rate: errorRate(r),
    rate: seconds > 0 ? r.ok / seconds : 0,
    targetRate: r.requestedRate,
    count: r.sent + r.dropped,
  };
}

/** Every phase together: latency from the merged histograms, rates over the summed sending time. */
export function measureOverall(results: readonly LoadResult[]): Measured {
  const merged = build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3, autoResize: true, useWebAssembly: false });
  for (const r of results) if (r.histogram) merged.add(decodeFromCompressedBase64(r.histogram, 32, false));
  const empty = merged.totalCount === 0;
  const at = (p: number) => (empty ? 0 : merged.getValueAtPercentile(p) / 1000);
  const totals = results.reduce((t, r) => ({ sent: t.sent + r.sent, ok: t.ok + r.ok, failed: t.failed + r.failed, dropped: t.dropped + r.dropped, seconds: t.seconds + r.sendDurationMs / 1000, asked: t.asked + r.requestedRate * (r.sendDurationMs / 1000) }), { sent: 0, ok: 0, failed: 0, dropped: 0, seconds: 0, asked: 0 });
  return {
    p50: at(50), p90: at(90), p99: at(99), p999: at(99.9),
    max: empty ? 0 : merged.maxValue / 1000,
    mean: empty ? 0 : merged.mean / 1000,
    error_rate: errorRate(totals),
    rate: totals.seconds > 0 ? totals.ok / totals.seconds : 0,
    targetRate: totals.seconds > 0 ? totals.asked / totals.seconds : 0,
    count: totals.sent + totals.dropped,
  };
}

/**
 * The last `seconds` metrics seconds as the load balancer saw them: error
 * rate weighted by traffic, the worst second's percentiles (a window's true
 * p99 is at most that), requests per second on average.
 */
export function measureWindow(window: readonly MetricsSecond[]): Measured {
  const total = window.reduce((sum, s) => sum + s.overall.rps, 0);
  const errors = window.reduce((sum, s) => sum + s.overall.rps * s.overall.errorRate, 0);
  const p50 = Math.max(0, ...window.map((s) => s.overall.p50Ms));
  const p99 = Math.max(0, ...window.map((s) => s.overall.p99Ms));
  return {
    p50, p90: p99, p99, p999: p99, max: p99, mean: p50,
    error_rate: total > 0 ? errors / total : 0,
    rate: window.length ? total / window.length : 0,
    targetRate: 0,
    count: Math.round(total),
  };
}
