import type { Metric } from './objective.ts';
import type { ToxicityRoll } from '../proxy/types.ts';
import type { RolloutResult } from '../sim/rollout/types.ts';

/**
 * Everything a replay did and measured, as plain JSON (journal.json). Times
 * are ms from the start of the timeline (negative: before it, e.g. the
 * "before" probes); `startedAt`/`endedAt` are epoch ms.
 */
export interface Journal {
  version: 1;
  incident: { name: string; file: string; description: string; environment: string; seed: number; timeScale: number; totalMs: number; overrides: Record<string, unknown> };
  startedAt: number;
  endedAt: number;
  /** passed: every objective held; failed: one did not; error: the replay itself could not run. */
  outcome: 'passed' | 'failed' | 'error';
  error?: string;
  /** The planned timeline: the same for the same file, seed and time scale. */
  schedule: Array<{ index: number; atMs: number; description: string }>;
  steps: Array<{ index: number; atMs: number; tMs: number; description: string; ok: boolean; error?: string }>;
  rollbacks: Array<{ description: string; tMs: number; ok: boolean; error?: string }>;
  objectives: ObjectiveResult[];
  probes: ProbeCheck[];
  phases: PhaseResult[];
  faults: Array<{ name: string; target: string; description: string; startMs: number; endMs: number | null }>;
  /** The fault proxy's toxicity decisions during the replay (toxics with toxicity < 1), in a seed-stable order. */
  toxicity?: ToxicityRoll[];
  series: Array<{ tMs: number; rps: number; errorRate: number; p50Ms: number; p99Ms: number }>;
  events: Array<{ tMs: number; type: string; text: string }>;
  /** Each `rollout` step's result: every step with per-version figures and the decision. */
  rollouts?: RolloutResult[];
}

export interface ObjectiveResult {
  /** Unique within the journal: `overall: p99 < 800ms`, `phase steady: ...`, `expect recovers`, `probe healthz (before)`. */
  id: string;
  scope: 'overall' | 'phase' | 'expect' | 'probe';
  /** The phase, checkpoint or probe name; the incident name for overall. */
  name: string;
  text: string;
  passed: boolean;
  metric?: Metric;
  measured?: number;
  threshold?: number;
  /** measured / threshold as a person reads them, or what the probe saw. */
  detail: string;
  /** For checkpoints: when it passed or failed (ms from start). */
  atMs?: number;
}

export interface ProbeCheck {
  name: string;
  when: 'before' | 'during' | 'after';
  tMs: number;
  ok: boolean;
  status: number;
  ms: number;
  detail: string;
}

export interface PhaseResult {
  name: string;
  startMs: number;
  endMs: number;
  sent: number;
  ok: number;
  failed: number;
  dropped: number;
  byStatus: Record<string, number>;
  requestedRate: number;
  achievedRate: number;
  goodputRate: number;
  latency: { p50Ms: number; p90Ms: number; p99Ms: number; p999Ms: number; maxMs: number; meanMs: number };
  seed: number;
}

/**
 * The parts of a journal that must repeat exactly for the same file, seed and
 * time scale: the plan, the fault schedule, the objectives, the load seeds,
 * the toxicity decisions.
 * Timings and measured values are left out (they depend on the machine).
 */
export function withoutTimings(journal: Journal) {
  return {
    incident: journal.incident,
    schedule: journal.schedule,
    steps: journal.steps.map(({ index, atMs, description, ok }) => ({ index, atMs, description, ok })),
    rollbacks: journal.rollbacks.map(({ description, ok }) => ({ description, ok })),
    objectives: journal.objectives.map(({ id, scope, name, text }) => ({ id, scope, name, text })),
    faults: journal.faults.map(({ name, target, description }) => ({ name, target, description })),
    phases: journal.phases.map(({ name, seed }) => ({ name, seed })),
    toxicity: journal.toxicity ?? [],
  };
}
