import type { SchemaNode } from '../config/schema-nodes.ts';
import { asMapping } from '../config/semantic-context.ts';
import { parseDurationMs } from '../config/units.ts';
import type { RolloutResult } from '../sim/rollout/types.ts';
import type { Simulation } from '../sim/simulation.ts';
import type { Journal, ObjectiveResult } from './journal.ts';
import type { RolloutAction } from './types.ts';

/**
 * The `rollout` step of an incident: starts `sim.rollout()` at its time and
 * lets the timeline go on (load keeps running); its result lands in the
 * journal, and `expect: rolled_back | promoted` makes the outcome an
 * objective, so "the canary is caught" can be a passing regression test.
 */

const METRIC_BOUND = (example: string): SchemaNode => ({ kind: 'string', minLength: 1, example, description: 'A bound the new version must meet over each interval.' });

export const ROLLOUT_SCHEMA: SchemaNode = {
  kind: 'mapping',
  required: ['strategy'],
  example: { strategy: 'canary', steps: [5, 25, 50, 100], interval: '30s', analysis: { error_rate: '< 1%', p99: '< 800ms' }, expect: 'promoted' },
  description: "Moves traffic to the load-balanced service's other version (canary: or versions: in the environment).",
  fields: {
    strategy: { kind: 'enum', values: ['canary', 'blue_green'], example: 'canary' },
    steps: { kind: 'list', items: { kind: 'number', min: 1, max: 100, example: 5 }, minItems: 1, label: 'a list of percentages', example: [5, 25, 50, 100], description: 'Canary: percent of requests for the new version at each step.' },
    interval: { kind: 'duration', positive: true, example: '30s', description: 'How long each step runs before its analysis; default 30s.' },
    analysis: {
      kind: 'mapping',
      example: { error_rate: '< 1%', p99: '< 800ms' },
      fields: { error_rate: METRIC_BOUND('< 1%'), p50: METRIC_BOUND('< 300ms'), p90: METRIC_BOUND('< 500ms'), p99: METRIC_BOUND('< 800ms'), max: METRIC_BOUND('< 2s') },
    },
    min_requests: { kind: 'number', integer: true, min: 0, example: 20, description: 'Fewer requests to the new version in an interval fail the step; default 1.' },
    health_timeout: { kind: 'duration', positive: true, example: '30s', description: 'Blue/green: how long the new version may take to be healthy.' },
    expect: { kind: 'enum', values: ['promoted', 'rolled_back'], example: 'rolled_back', description: 'The outcome this incident expects: an objective in the verdict.' },
  },
};

export function buildRollout(r: Record<string, unknown>, scale: (value: unknown) => number): RolloutAction {
  const analysis = Object.fromEntries(Object.entries(asMapping(r.analysis) ?? { error_rate: '< 1%' }).map(([k, v]) => [k, String(v)]));
  const strategy = r.strategy === 'blue_green' ? 'blue_green' : 'canary';
  const steps = strategy === 'blue_green' ? [100] : Array.isArray(r.steps) ? r.steps.map(Number) : [5, 25, 50, 100];
  return {
    type: 'rollout',
    strategy,
    steps: steps.at(-1) === 100 ? steps : [...steps, 100],
    intervalMs: scale(r.interval ?? '30s'),
    analysis,
    ...(r.min_requests !== undefined ? { minRequests: Number(r.min_requests) } : {}),
    ...(r.health_timeout !== undefined ? { healthTimeoutMs: parseDurationMs(r.health_timeout as string) } : {}),
    ...(r.expect !== undefined ? { expect: r.expect as 'promoted' | 'rolled_back' } : {}),
  };
}

export function describeRollout(a: RolloutAction): string {
  const bounds = Object.entries(a.analysis).map(([k, v]) => `${k} ${v}`).join(', ');
  const steps = a.strategy === 'canary' ? ` steps ${a.steps.join(', ')}%,` : '';
  return `rollout ${a.strategy}:${steps} ${a.intervalMs / 1000}s per step, analysis ${bounds}${a.expect ? `; expect ${a.expect}` : ''}`;
}

/** When the rollout ends at the latest: every step runs one interval. */
export function rolloutDurationMs(a: RolloutAction): number {
  return a.steps.length * a.intervalMs;
}

export interface RunningRollout {
  action: RolloutAction;
  done: Promise<RolloutResult>;
  abort: () => void;
}

/** Never throws: a rollout that cannot start (no second version) becomes a failed objective, not a skipped one. */
export function startRolloutStep(sim: Simulation, a: RolloutAction): RunningRollout {
  try {
    return startRollout(sim, a);
  } catch (err) {
    const done = Promise.reject(err as Error);
    done.catch(() => undefined);
    return { action: a, done, abort: () => {} };
  }
}

function startRollout(sim: Simulation, a: RolloutAction): RunningRollout {
  const handle = sim.rollout({
    strategy: a.strategy,
    steps: a.steps,
    interval: a.intervalMs,
    analysis: a.analysis,
    ...(a.minRequests !== undefined ? { minRequests: a.minRequests } : {}),
    ...(a.healthTimeoutMs !== undefined ? { healthTimeout: a.healthTimeoutMs } : {}),
  });
  return { action: a, done: handle.done, abort: () => handle.abort('the incident timeline ended') };
}

/** Waits for each rollout, puts its result in the journal, and judges `expect:`. */
export async function finishRollouts(rollouts: RunningRollout[], journal: Journal): Promise<ObjectiveResult[]> {
  const verdicts: ObjectiveResult[] = [];
  for (const [i, r] of rollouts.entries()) {
    const name = `rollout ${i + 1}`;
    let result: RolloutResult;
    try {
      result = await r.done;
    } catch (err) {
      verdicts.push({ id: `${name}: ran`, scope: 'expect', name, text: 'rollout ran', passed: false, detail: `${(err as Error).message}${(err as { hint?: string }).hint ? ` (${(err as { hint?: string }).hint})` : ''}` });
      continue;
    }
    (journal.rollouts ??= []).push(result);
    if (!r.action.expect) continue;
    verdicts.push({
      id: `${name}: ${r.action.expect}`,
      scope: 'expect',
      name,
      text: `rollout ${result.from} -> ${result.to} is ${r.action.expect}`,
      passed: result.outcome === r.action.expect,
      detail: `${result.outcome} after ${result.steps.length} step${result.steps.length === 1 ? '' : 's'}: ${result.reason}`,
    });
  }
  return verdicts;
}
