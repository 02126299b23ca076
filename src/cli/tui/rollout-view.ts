import { describeRolloutEvent, type RolloutEvent } from '../../sim/rollout/events.ts';
import type { RolloutSecond } from '../../sim/rollout/types.ts';
import { CHART_SECONDS, pushLimited } from './state.ts';

/** The running (or last) rollout as the screen shows it: weights, step, decision and per-version charts. */
export interface RolloutView {
  service: string;
  strategy: string;
  from: string;
  to: string;
  step: number;
  of: number;
  weights: Record<string, number>;
  state: 'running' | 'promoted' | 'rolled_back';
  /** The last analysis or the end, in one line. */
  decision: string | null;
  versions: Record<string, { rps: number[]; errorRate: number[]; p99Ms: number[] }>;
  /** The newest chart second folded in, so a re-read series is not counted twice. */
  lastTs: number;
}

export function rolloutFromEvent(view: RolloutView | null, e: RolloutEvent): RolloutView | null {
  if (e.type === 'rollout_started') {
    const versions = { [e.from]: { rps: [], errorRate: [], p99Ms: [] }, [e.to]: { rps: [], errorRate: [], p99Ms: [] } };
    return { service: e.service, strategy: e.strategy, from: e.from, to: e.to, step: 0, of: e.steps.length, weights: { [e.from]: 100, [e.to]: 0 }, state: 'running', decision: null, versions, lastTs: e.ts };
  }
  if (!view) return view;
  switch (e.type) {
    case 'rollout_step':
      return { ...view, step: e.step, of: e.of, weights: e.weights };
    case 'rollout_analysis':
      return { ...view, decision: describeRolloutEvent(e).replace(/^rollout \S+: /, '') };
    case 'rollout_promoted':
      return { ...view, state: 'promoted', weights: { [view.from]: 0, [view.to]: 100 }, decision: `${e.version} promoted: ${e.reason}` };
    case 'rollout_rolled_back':
      return { ...view, state: 'rolled_back', weights: { [view.from]: 100, [view.to]: 0 }, decision: `rolled back to ${e.version}: ${e.reason}` };
  }
}

export function rolloutSeconds(view: RolloutView | null, seconds: readonly RolloutSecond[]): RolloutView | null {
  if (!view) return view;
  const fresh = seconds.filter((s) => s.ts > view.lastTs);
  if (fresh.length === 0) return view;
  const versions = { ...view.versions };
  for (const [name, series] of Object.entries(versions)) {
    const points = fresh.map((s) => s.versions[name] ?? { rps: 0, errorRate: 0, p99Ms: 0 });
    versions[name] = {
      rps: pushLimited(series.rps, points.map((p) => p.rps), CHART_SECONDS),
      errorRate: pushLimited(series.errorRate, points.map((p) => p.errorRate), CHART_SECONDS),
      p99Ms: pushLimited(series.p99Ms, points.map((p) => p.p99Ms), CHART_SECONDS),
    };
  }
  return { ...view, versions, weights: view.state === 'running' ? fresh.at(-1)!.weights : view.weights, lastTs: fresh.at(-1)!.ts };
}
