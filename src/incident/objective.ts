import { tryParseDurationMs } from '../config/units.ts';

/**
 * Service-level objectives written like k6 thresholds: `p99 < 800ms`,
 * `error_rate < 1%`, `rate > 95% of target`. Parsed once at load, so a typo
 * is a file:line:col error before anything starts.
 */

export const LATENCY_METRICS = ['p50', 'p90', 'p99', 'p999', 'max', 'mean'] as const;
export const METRICS = [...LATENCY_METRICS, 'error_rate', 'rate'] as const;
export type Metric = (typeof METRICS)[number];
export type Operator = '<' | '<=' | '>' | '>=';

export interface Objective {
  /** As written. */
  text: string;
  metric: Metric;
  op: Operator;
  /** ms for latency, a fraction 0..1 for error_rate, requests/s for rate (or a fraction of the target with ofTarget). */
  value: number;
  ofTarget: boolean;
}

/** What one window, phase or run measured; the fields an objective can read. */
export interface Measured {
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
  error_rate: number;
  rate: number;
  /** The rate asked for, for `% of target`. */
  targetRate: number;
  /** Requests the figures rest on; 0 means nothing to judge. */
  count: number;
}

const SHAPE = /^\s*([a-z_0-9.]+)\s*(<=|>=|<|>)\s*(.+?)\s*$/;

/** The objective, or a message saying what is wrong with the text. */
export function parseObjective(text: string): Objective | { error: string; hint: string } {
  const match = SHAPE.exec(text);
  if (!match) return { error: `${JSON.stringify(text)} is not an objective`, hint: 'write METRIC OP VALUE, e.g. "p99 < 800ms", "error_rate < 1%" or "rate > 95% of target"' };
  const [, rawMetric, op, rawValue] = match as unknown as [string, string, Operator, string];
  const metric = (rawMetric === 'p99.9' ? 'p999' : rawMetric === 'avg' ? 'mean' : rawMetric) as Metric;
  if (!METRICS.includes(metric)) {
    return { error: `${JSON.stringify(rawMetric)} is not a metric an objective can use`, hint: `metrics: ${METRICS.join(', ')}` };
  }
  if ((LATENCY_METRICS as readonly string[]).includes(metric)) {
    const ms = tryParseDurationMs(rawValue);
    if (ms === null) return { error: `${metric} needs a duration, got ${JSON.stringify(rawValue)}`, hint: `for example "${metric} ${op} 800ms"` };
    return { text, metric, op, value: ms, ofTarget: false };
  }
  if (metric === 'error_rate') {
    const value = fraction(rawValue);
    if (value === null) return { error: `error_rate needs a percentage or a fraction from 0 to 1, got ${JSON.stringify(rawValue)}`, hint: 'for example "error_rate < 1%" or "error_rate < 0.01"' };
    return { text, metric, op, value, ofTarget: false };
  }
  const ofTarget = /^(\d+(?:\.\d+)?)\s*%\s+of\s+target$/.exec(rawValue);
  if (ofTarget) return { text, metric, op, value: Number(ofTarget[1]) / 100, ofTarget: true };
  const perSecond = /^(\d+(?:\.\d+)?)\s*(?:\/s|rps)?$/.exec(rawValue);
  if (!perSecond) return { error: `rate needs requests per second or "N% of target", got ${JSON.stringify(rawValue)}`, hint: 'for example "rate > 95% of target" or "rate >= 20/s"' };
  return { text, metric, op, value: Number(perSecond[1]), ofTarget: false };
}

function fraction(text: string): number | null {
  const percent = /^(\d+(?:\.\d+)?)\s*%$/.exec(text);
  if (percent) return Number(percent[1]) / 100;
  if (/^\d+(?:\.\d+)?$/.test(text) && Number(text) <= 1) return Number(text);
  return null;
}

export interface Verdict {
  passed: boolean;
  /** The measured value in the objective's unit (ms, fraction, /s). */
  measured: number;
  /** The bound it was compared with, in the same unit (a target-relative bound resolved). */
  threshold: number;
}

export function evaluate(objective: Objective, measured: Measured): Verdict {
  const value = measured[objective.metric];
  const threshold = objective.ofTarget ? objective.value * measured.targetRate : objective.value;
  const passed =
    objective.op === '<' ? value < threshold : objective.op === '<=' ? value <= threshold : objective.op === '>' ? value > threshold : value >= threshold;
  return { passed, measured: value, threshold };
}

/** `312ms`, `0.4%`, `19.8/s`: a measured value as a person reads it. */
export function formatValue(metric: Metric, value: number): string {
  if (metric === 'error_rate') return `${(value * 100).toFixed(value < 0.01 ? 2 : 1)}%`;
  if (metric === 'rate') return `${value.toFixed(1)}/s`;
  return value >= 10_000 ? `${(value / 1000).toFixed(1)}s` : `${Math.round(value)}ms`;
}
