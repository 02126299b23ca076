import type { LogLine } from '../../services/log-lines.ts';
import type { RolloutView } from './rollout-view.ts';

/** How many seconds of history the charts keep (the widest chart shows this many). */
export const CHART_SECONDS = 120;
/** Log lines kept for the pane; older ones are still in sim.logs(). */
export const LOG_LINES = 400;
export const TIMELINE_ENTRIES = 200;

export type PartKind = 'fault_proxy' | 'load_balancer' | 'replica' | 'redis' | 'postgres' | 'api' | 'upstream';

/** One box of the topology panel. */
export interface Part {
  name: string;
  kind: PartKind;
  /** starting, healthy, unhealthy, crashed, restarting, OOMKilled, paused, down, stopped. */
  state: string;
  restarts: number;
}

export interface ActiveFault {
  /** `<target>/<fault name>`: unique among active faults. */
  key: string;
  target: string;
  name: string;
  description: string;
  since: number;
}

export interface TrafficSeries {
  rps: number[];
  p50Ms: number[];
  p99Ms: number[];
  errorRate: number[];
}

export interface ApiSeries {
  rps: number[];
  rateLimitedPerSec: number[];
}

export interface LoadState {
  running: boolean;
  path: string;
  description: string;
  targetRate: number;
  achievedRate: number;
  sent: number;
  ok: number;
  errors: number;
  dropped: number;
  p99Ms: number;
}

export interface TimelineEntry {
  ts: number;
  /** fault, crash, restart, rate_limit, load, info: picks the colour and the marker. */
  kind: 'fault' | 'crash' | 'restart' | 'rate_limit' | 'load' | 'info';
  text: string;
}

export interface TuiState {
  name: string;
  phase: 'starting' | 'running' | 'stopping' | 'stopped';
  readyAt: number | null;
  endpoints: { loadBalancer: string | null; faultProxy: string | null; control: string | null };
  parts: Part[];
  faults: ActiveFault[];
  overall: TrafficSeries;
  replicas: Record<string, TrafficSeries>;
  apis: Record<string, ApiSeries>;
  load: LoadState | null;
  logs: LogLine[];
  /** Log lines seen in total, so the pane can say how many it dropped. */
  logCount: number;
  timeline: TimelineEntry[];
  /** The running or last rollout; null before the first. */
  rollout: RolloutView | null;
}

export function emptySeries(): TrafficSeries {
  return { rps: [], p50Ms: [], p99Ms: [], errorRate: [] };
}

export function initialState(name = ''): TuiState {
  return {
    name,
    phase: 'starting',
    readyAt: null,
    endpoints: { loadBalancer: null, faultProxy: null, control: null },
    parts: [],
    faults: [],
    overall: emptySeries(),
    replicas: {},
    apis: {},
    load: null,
    logs: [],
    logCount: 0,
    timeline: [],
    rollout: null,
  };
}

/** A new array with `value` appended, cut to the last `limit` items (state stays immutable). */
export function pushLimited<T>(list: readonly T[], values: readonly T[], limit: number): T[] {
  const joined = list.length + values.length > limit ? [...list, ...values].slice(-limit) : [...list, ...values];
  return joined;
}
