import { formatValue } from './analysis.ts';
import type { AnalysisCheck, RolloutStrategy, VersionFigures } from './types.ts';

/** Rollout events, part of the simulation's one event stream (src/sim/events.ts). */
export type RolloutEvent =
  | { type: 'rollout_started'; ts: number; service: string; strategy: RolloutStrategy; from: string; to: string; steps: number[]; intervalMs: number }
  | { type: 'rollout_step'; ts: number; service: string; step: number; of: number; weights: Record<string, number> }
  | {
      type: 'rollout_analysis';
      ts: number;
      service: string;
      step: number;
      /** The new version, judged. */
      version: string;
      weight: number;
      passed: boolean;
      reason?: string;
      checks: AnalysisCheck[];
      versions: Record<string, VersionFigures>;
    }
  | { type: 'rollout_promoted'; ts: number; service: string; version: string; reason: string; manual: boolean }
  | { type: 'rollout_rolled_back'; ts: number; service: string; version: string; from: string; reason: string; manual: boolean };

const weightsText = (w: Record<string, number>): string => Object.entries(w).map(([name, pct]) => `${name} ${pct}%`).join(' / ');

/** One line per version: requests, error rate and p99 over the interval. */
export function versionsText(versions: Record<string, VersionFigures>): string {
  return Object.entries(versions)
    .map(([name, f]) => `${name} ${f.requests} req ${formatValue('error_rate', f.errorRate)} err p99 ${Math.round(f.p99Ms)}ms`)
    .join('; ');
}

export function describeRolloutEvent(e: RolloutEvent): string {
  switch (e.type) {
    case 'rollout_started':
      return `rollout ${e.service}: ${e.strategy} from ${e.from} to ${e.to}, steps ${e.steps.join(', ')}%, ${Math.round(e.intervalMs / 100) / 10}s per step`;
    case 'rollout_step':
      return `rollout ${e.service}: step ${e.step}/${e.of}, ${weightsText(e.weights)}`;
    case 'rollout_analysis':
      return `rollout ${e.service}: step ${e.step} analysis ${e.passed ? 'passed' : `FAILED (${e.reason})`} at ${e.weight}%: ${versionsText(e.versions)}`;
    case 'rollout_promoted':
      return `rollout ${e.service}: ${e.version} promoted, 100% of traffic (${e.reason})`;
    case 'rollout_rolled_back':
      return `rollout ${e.service}: rolled back to ${e.version}, ${e.from} gets 0% (${e.reason})`;
  }
}
