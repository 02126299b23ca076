/** What `sim.rollout()` takes and gives back; YAML (incident steps) uses the snake_case twins. */

export type RolloutStrategy = 'canary' | 'blue_green';

export interface RolloutOptions {
  strategy: RolloutStrategy;
  /** Canary: percent of requests for the new version at each step; default [5, 25, 50, 100]. */
  steps?: number[];
  /** How long each step runs before its analysis (`30s`, or ms); default 30s. Blue/green analyses one interval after the switch. */
  interval?: string | number;
  /** Bounds the new version must meet over each interval: `error_rate: '< 1%'`, `p99: '< 800ms'` (also p50, p90, max). */
  analysis?: Partial<Record<AnalysisMetric, string>>;
  /** Fewer requests to the new version in an interval than this is not enough to judge: the step fails. Default 1. */
  minRequests?: number;
  /** How long the new version may take to start and be healthy before it gets traffic; default 30s. */
  healthTimeout?: string | number;
}

export type AnalysisMetric = 'error_rate' | 'p50' | 'p90' | 'p99' | 'max';

/** One version's figures over one interval. */
export interface VersionFigures {
  requests: number;
  failed: number;
  errorRate: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface AnalysisCheck {
  metric: AnalysisMetric;
  /** As written: `< 1%`. */
  bound: string;
  /** The new version's value: a fraction for error_rate, ms for latency. */
  value: number;
  /** The old version's value over the same interval, for comparison; null when it took no requests. */
  baseline: number | null;
  passed: boolean;
}

export interface AnalysisResult {
  passed: boolean;
  /** Why it failed, in one line; undefined when it passed. */
  reason?: string;
  checks: AnalysisCheck[];
  /** By version name. */
  versions: Record<string, VersionFigures>;
}

export interface RolloutStepRecord {
  /** 1-based. */
  index: number;
  /** Percent of requests for the new version. */
  weight: number;
  /** Offsets from the start of the rollout. */
  startMs: number;
  endMs: number | null;
  analysis: AnalysisResult | null;
}

export type RolloutOutcome = 'promoted' | 'rolled_back';

export interface RolloutResult {
  service: string;
  strategy: RolloutStrategy;
  from: string;
  to: string;
  outcome: RolloutOutcome;
  /** Why it ended: every step passed, `promoted by hand`, or the failing check. */
  reason: string;
  /** True when promote() or abort() ended it. */
  manual: boolean;
  steps: RolloutStepRecord[];
  startedAt: number;
  durationMs: number;
  /** Weights when it ended (percent by version). */
  weights: Record<string, number>;
}

/** One second of per-version traffic during a rollout, for charts. */
export interface RolloutSecond {
  ts: number;
  weights: Record<string, number>;
  versions: Record<string, { rps: number; errorRate: number; p99Ms: number }>;
}

export interface RolloutStatus {
  service: string;
  strategy: RolloutStrategy;
  from: string;
  to: string;
  phase: 'health_check' | 'step' | 'done';
  /** 1-based step running now (0 before the first). */
  step: number;
  steps: number[];
  weights: Record<string, number>;
  /** Last 120 seconds. */
  series: RolloutSecond[];
  result: RolloutResult | null;
}

/**
 * Starting and stopping a version's replicas, offered by the runtime next to
 * the load balancer's routing: a rollout starts the new version, and stops it
 * again after a rollback.
 */
export interface VersionLifecycle {
  /** Resolves once every replica of `version` is healthy; a no-op when it runs already. Rejects with the start-up error. */
  startVersion(version: string): Promise<void>;
  stopVersion(version: string): Promise<void>;
}
