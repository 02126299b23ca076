import { tryParseDurationMs } from '../../config/units.ts';
import { AgentupError } from '../../errors.ts';
import type { VersionWindowStats } from '../../services/lb-versions.ts';
import type { AnalysisCheck, AnalysisMetric, AnalysisResult, VersionFigures } from './types.ts';

/**
 * Analysis of one interval: the new version's figures against the bounds,
 * with the old version's figures over the same interval beside them so the
 * reason says whether the release is worse than what it replaces.
 */

export interface Bound {
  metric: AnalysisMetric;
  text: string;
  op: '<' | '<=';
  /** Fraction for error_rate, ms for latency. */
  limit: number;
}

const METRICS: readonly AnalysisMetric[] = ['error_rate', 'p50', 'p90', 'p99', 'max'];

export function parseBounds(analysis: Partial<Record<string, string>>): Bound[] {
  return Object.entries(analysis).map(([metric, text]) => {
    if (!(METRICS as readonly string[]).includes(metric)) {
      throw new AgentupError(`rollout analysis names ${JSON.stringify(metric)}, which is not a metric`, { hint: `analysis metrics: ${METRICS.join(', ')}` });
    }
    const m = /^\s*(<=?)\s*(\S+)\s*$/.exec(String(text));
    const limit = m ? (metric === 'error_rate' ? parseRate(m[2]!) : tryParseDurationMs(m[2]!)) : null;
    if (!m || limit === null) {
      const example = metric === 'error_rate' ? "'< 1%'" : "'< 800ms'";
      throw new AgentupError(`rollout analysis ${metric}: ${JSON.stringify(text)} is not a bound`, { hint: `write it as ${metric}: ${example}` });
    }
    return { metric: metric as AnalysisMetric, text: `${m[1]} ${m[2]}`, op: m[1] as '<' | '<=', limit };
  });
}

function parseRate(text: string): number | null {
  const pct = /^(\d+(?:\.\d+)?)%$/.exec(text);
  if (pct) return Number(pct[1]) / 100;
  const n = Number(text);
  return Number.isFinite(n) && n >= 0 && n <= 1 ? n : null;
}

export function figures(w: VersionWindowStats): VersionFigures {
  return { requests: w.requests, failed: w.failed, errorRate: w.errorRate, p50Ms: w.latency.p50Ms, p90Ms: w.latency.p90Ms, p99Ms: w.latency.p99Ms, maxMs: w.latency.maxMs };
}

function valueOf(f: VersionFigures, metric: AnalysisMetric): number {
  if (metric === 'error_rate') return f.errorRate;
  return { p50: f.p50Ms, p90: f.p90Ms, p99: f.p99Ms, max: f.maxMs }[metric];
}

export function formatValue(metric: AnalysisMetric, value: number): string {
  return metric === 'error_rate' ? `${(value * 100).toFixed(1)}%` : `${Math.round(value)}ms`;
}

export function analyse(bounds: Bound[], next: { name: string; stats: VersionWindowStats }, current: { name: string; stats: VersionWindowStats }, minRequests: number): AnalysisResult {
  const n = figures(next.stats);
  const c = figures(current.stats);
  const versions = { [current.name]: c, [next.name]: n };
  const checks: AnalysisCheck[] = bounds.map((b) => {
    const value = valueOf(n, b.metric);
    return { metric: b.metric, bound: b.text, value, baseline: c.requests > 0 ? valueOf(c, b.metric) : null, passed: b.op === '<' ? value < b.limit : value <= b.limit };
  });
  if (n.requests < minRequests) {
    return { passed: false, reason: `${next.name} took ${n.requests} request${n.requests === 1 ? '' : 's'} in the interval (at least ${minRequests} needed to judge it); is load running?`, checks, versions };
  }
  const failed = checks.find((k) => !k.passed);
  if (!failed) return { passed: true, checks, versions };
  const counts = failed.metric === 'error_rate' ? ` (${n.failed} of ${n.requests})` : ` (${n.requests} requests)`;
  const baseline = failed.baseline === null ? `${current.name} took no requests` : `${current.name}: ${formatValue(failed.metric, failed.baseline)}`;
  return { passed: false, reason: `${failed.metric} of ${next.name} ${formatValue(failed.metric, failed.value)}${counts} breaks ${failed.bound} (${baseline})`, checks, versions };
}
