import type { LoadSnapshot } from '../sim/load/index.ts';
import { parseDurationMs } from '../config/units.ts';

export type LatencyLimits = { p50?: number | string; p90?: number | string; p99?: number | string; max?: number | string };

const QUANTILE: Record<keyof LatencyLimits, number> = { p50: 0.5, p90: 0.9, p99: 0.99, max: 1 };
const FIELD = { p50: 'p50Ms', p90: 'p90Ms', p99: 'p99Ms', max: 'maxMs' } as const;

export const fmtMs = (ms: number): string => `${ms >= 100 ? Math.round(ms) : Number(ms.toFixed(1))}ms`;
export const fmtPercent = (fraction: number): string => `${Number((fraction * 100).toFixed(2))}%`;

/**
 * Failed plus dropped over sent plus dropped. A dropped arrival found
 * maxInFlight requests already waiting: in an open model that is a user who
 * was not served, so it counts as an error, never as nothing.
 */
export function errorFigures(r: LoadSnapshot): { rate: number; errors: number; attempts: number; detail: string } {
  const errors = r.failed + r.dropped;
  const attempts = r.sent + r.dropped;
  const kinds = [
    ...Object.entries(r.byStatus).filter(([s]) => Number(s) >= 400 || Number(s) === 0).map(([s, n]) => `${n}x ${s === '0' ? 'no status' : s}`),
    ...Object.entries(r.byError).map(([k, n]) => `${n}x ${k}`),
    ...(r.dropped > 0 ? [`${r.dropped} dropped at maxInFlight`] : []),
  ];
  const detail = `${errors} of ${attempts} requests failed${kinds.length ? ` (${kinds.join(', ')})` : ''}`;
  return { rate: attempts > 0 ? errors / attempts : 0, errors, attempts, detail };
}

export interface LatencyCheck {
  name: keyof LatencyLimits;
  limitMs: number;
  /** Infinity when more requests timed out than the quantile leaves room for. */
  measuredMs: number;
  pass: boolean;
}

/**
 * Each limit against the measured figure. Timed-out requests have no latency
 * in the histogram; they are counted as slower than anything measured, so a
 * p99 limit fails when over 1% of requests timed out, and `max` fails on one.
 */
export function latencyChecks(r: LoadSnapshot, limits: LatencyLimits): LatencyCheck[] {
  const timeouts = r.byError.timeout ?? 0;
  const total = r.latency.count + timeouts;
  return (Object.keys(limits) as Array<keyof LatencyLimits>).filter((k) => limits[k] !== undefined).map((name) => {
    const limitMs = parseDurationMs(limits[name]!);
    const q = QUANTILE[name];
    const inTimeouts = timeouts > 0 && (name === 'max' || timeouts / total > 1 - q);
    const measuredMs = inTimeouts ? Infinity : r.latency[FIELD[name]];
    return { name, limitMs, measuredMs, pass: measuredMs < limitMs };
  });
}

export function latencySummary(r: LoadSnapshot): string {
  const l = r.latency;
  const timeouts = r.byError.timeout ?? 0;
  return `p50 ${fmtMs(l.p50Ms)}, p90 ${fmtMs(l.p90Ms)}, p99 ${fmtMs(l.p99Ms)}, max ${fmtMs(l.maxMs)} over ${l.count} responses${timeouts ? `, ${timeouts} timed out` : ''}`;
}
