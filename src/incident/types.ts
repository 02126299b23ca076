import type { Objective } from './objective.ts';

/**
 * An incident file after loading: every duration in milliseconds (already
 * multiplied by the time scale), every step at an absolute offset from the
 * start of the timeline, every objective parsed.
 */
export interface Incident {
  file: string;
  name: string;
  description: string;
  /** Absolute path of the environment file to start. */
  environment: string;
  seed: number;
  /** Process env for the environment's `${env:...}` (e.g. TRIAGE_RESILIENCE). */
  env: Record<string, string>;
  /** Per service: env vars and replica count that replace the environment file's. */
  overrides: Record<string, { env: Record<string, string>; replicas?: number }>;
  timeScale: number;
  steadyState: { objectives: Objective[]; probes: Probe[]; probeIntervalMs: number };
  steps: Step[];
  rollbacks: Action[];
  /** When the last step, load or fault ends. */
  totalMs: number;
}

export interface Probe {
  name: string;
  path: string;
  method: string;
  status: number;
  /** Dotted path into the JSON answer, and the value it must equal. */
  json?: { path: string; equals: unknown };
  timeoutMs: number;
  /** Failed checks allowed while the timeline runs (before and after allow none). */
  maxFailuresDuring: number;
}

export interface LoadPhase {
  name: string;
  path: string;
  method: string;
  /** `tickets`: a fresh support ticket per request (so caches miss); else a fixed JSON body. */
  body: 'tickets' | 'none' | object;
  /** With tickets: the fraction of requests that resend a popular ticket. */
  repeat: number;
  stages: Array<{ rate: number; for: number } | { rampTo: number; for: number }>;
  durationMs: number;
  timeoutMs: number;
  maxInFlight: number;
  objectives: Objective[];
}

export type FaultKind =
  | { kind: 'toxic'; type: string; attributes: Record<string, number>; toxicity: number; stream: 'upstream' | 'downstream' }
  | { kind: 'down' }
  | { kind: 'outage'; status: number }
  | { kind: 'error_rate'; fraction: number; status: number }
  | { kind: 'rate_limit'; limit: string; update: Record<string, unknown> };

export interface FaultAction {
  type: 'fault';
  name: string;
  target: string;
  fault: FaultKind;
  /** Removed by itself after this long; undefined: until `remove` or the rollbacks. */
  durationMs?: number;
}

export type Action =
  | { type: 'load'; load: LoadPhase }
  | FaultAction
  | { type: 'remove'; name: string }
  | { type: 'replica'; id: string; action: 'kill' | 'pause' | 'resume' | 'restart'; signal?: string; durationMs?: number }
  | { type: 'expect'; name: string; objective: Objective; withinMs?: number; forMs?: number; windowMs: number }
  | { type: 'probe'; probe: Probe }
  | { type: 'wait'; durationMs: number }
  | { type: 'reset_faults' }
  | RolloutAction;

/** Moves traffic to the other version of the load-balanced service (src/incident/rollout-step.ts). */
export interface RolloutAction {
  type: 'rollout';
  strategy: 'canary' | 'blue_green';
  /** Percent for the new version per step; ends with 100. */
  steps: number[];
  intervalMs: number;
  analysis: Record<string, string>;
  minRequests?: number;
  healthTimeoutMs?: number;
  /** The outcome the incident expects; judged as an objective. */
  expect?: 'promoted' | 'rolled_back';
}

export interface Step {
  index: number;
  atMs: number;
  action: Action;
  /** One line for the journal and the report's timeline. */
  description: string;
}
