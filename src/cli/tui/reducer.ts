import type { LogLine } from '../../services/log-lines.ts';
import { describeEvent, type SimEvent } from '../../sim/events.ts';
import type { LoadSecond } from '../../sim/load/types.ts';
import type { MetricsSecond, TrafficSecond } from '../../sim/metrics.ts';
import type { RolloutSecond } from '../../sim/rollout/types.ts';
import { rolloutFromEvent, rolloutSeconds } from './rollout-view.ts';
import {
  CHART_SECONDS, LOG_LINES, TIMELINE_ENTRIES, emptySeries, pushLimited,
  type Part, type PartKind, type TimelineEntry, type TrafficSeries, type TuiState,
} from './state.ts';

/** Everything that changes the screen's data; produced from Simulation emissions by SimSession. */
export type TuiAction =
  | { type: 'event'; event: SimEvent }
  | { type: 'metrics'; second: MetricsSecond }
  | { type: 'logs'; lines: LogLine[] }
  | { type: 'load'; second: LoadSecond }
  | { type: 'rollout'; seconds: RolloutSecond[] }
  | { type: 'topology'; name: string; endpoints: TuiState['endpoints']; parts: Part[] }
  | { type: 'batch'; actions: TuiAction[] };

const KIND_ORDER: PartKind[] = ['load_balancer', 'replica', 'redis', 'postgres', 'api', 'upstream', 'fault_proxy'];

/** Supervisor statuses as the topology panel names them. */
export function displayStatus(status: string): string {
  return status === 'oom_killed' ? 'OOMKilled' : status;
}

function upsertPart(parts: Part[], name: string, kind: PartKind, change: Partial<Part>): Part[] {
  const i = parts.findIndex((p) => p.name === name);
  if (i >= 0) return parts.map((p, k) => (k === i ? { ...p, ...change } : p));
  const added = [...parts, { name, kind, state: 'starting', restarts: 0, ...change }];
  // Stable sort: by kind, then in the order parts appeared.
  return added.map((p, idx) => ({ p, idx })).sort((a, b) => KIND_ORDER.indexOf(a.p.kind) - KIND_ORDER.indexOf(b.p.kind) || a.idx - b.idx).map((x) => x.p);
}

function componentKind(kind: string): PartKind | null {
  return kind === 'service' ? null : (kind as PartKind);
}

function timelineKind(e: SimEvent): TimelineEntry['kind'] | null {
  switch (e.type) {
    case 'fault_added': case 'fault_removed': case 'faults_reset': case 'replica_paused': case 'replica_resumed':
      return 'fault';
    case 'replica_crashed': case 'replica_oom_killed': case 'replica_crash_loop': case 'replica_unhealthy': case 'dependency_exited': case 'backend_down':
      return 'crash';
    case 'replica_restarting':
      return 'restart';
    case 'rate_limited':
      return 'rate_limit';
    case 'load_started': case 'load_finished':
      return 'load';
    case 'simulation_ready': case 'simulation_stopping':
    case 'rollout_started': case 'rollout_step': case 'rollout_analysis': case 'rollout_promoted': case 'rollout_rolled_back':
      return 'info';
    default:
      return null;
  }
}

function pushTraffic(series: TrafficSeries, s: TrafficSecond): TrafficSeries {
  return {
    rps: pushLimited(series.rps, [s.rps], CHART_SECONDS),
    p50Ms: pushLimited(series.p50Ms, [s.p50Ms], CHART_SECONDS),
    p99Ms: pushLimited(series.p99Ms, [s.p99Ms], CHART_SECONDS),
    errorRate: pushLimited(series.errorRate, [s.errorRate], CHART_SECONDS),
  };
}

function onEvent(state: TuiState, e: SimEvent): TuiState {
  let next = state;
  const kind = timelineKind(e);
  // A replica becoming healthy is news only after start-up (a restart finished).
  const healthyAgain = e.type === 'replica_healthy' && state.phase === 'running';
  if (kind || healthyAgain) next = { ...next, timeline: pushLimited(next.timeline, [{ ts: e.ts, kind: kind ?? 'restart', text: describeEvent(e) }], TIMELINE_ENTRIES) };
  switch (e.type) {
    case 'simulation_starting':
      return { ...next, name: e.name, phase: 'starting' };
    case 'simulation_ready':
      return { ...next, phase: 'running', readyAt: e.ts };
    case 'simulation_stopping':
      return { ...next, phase: 'stopping' };
    case 'simulation_stopped':
      return { ...next, phase: 'stopped' };
    case 'component_starting': case 'component_ready': {
      const pk = componentKind(e.kind);
      return pk ? { ...next, parts: upsertPart(next.parts, e.component, pk, { state: e.type === 'component_ready' ? 'healthy' : 'starting' }) } : next;
    }
    case 'dependency_exited':
      return { ...next, parts: next.parts.map((p) => (p.name === e.component ? { ...p, state: 'down' } : p)) };
    case 'replica_starting': case 'replica_healthy': case 'replica_unhealthy': case 'replica_crashed':
    case 'replica_oom_killed': case 'replica_paused': case 'replica_stopped': {
      const status = { replica_starting: 'starting', replica_healthy: 'healthy', replica_unhealthy: 'unhealthy', replica_crashed: 'crashed', replica_oom_killed: 'OOMKilled', replica_paused: 'paused', replica_stopped: 'stopped' }[e.type];
      return { ...next, parts: upsertPart(next.parts, e.replica, 'replica', { state: status }) };
    }
    case 'replica_resumed':
      return { ...next, parts: upsertPart(next.parts, e.replica, 'replica', { state: 'healthy' }) };
    case 'replica_restarting': {
      const restarts = (next.parts.find((p) => p.name === e.replica)?.restarts ?? 0) + 1;
      return { ...next, parts: upsertPart(next.parts, e.replica, 'replica', { state: 'restarting', restarts }) };
    }
    case 'fault_added': {
      const key = `${e.target}/${e.fault}`;
      const faults = [...next.faults.filter((f) => f.key !== key), { key, target: e.target, name: e.fault, description: e.description, since: e.ts }];
      return { ...next, faults };
    }
    case 'fault_removed':
      return { ...next, faults: next.faults.filter((f) => f.key !== `${e.target}/${e.fault}`) };
    case 'faults_reset':
      return { ...next, faults: [] };
    case 'load_started':
      return { ...next, load: { running: true, path: e.path, description: e.description, targetRate: 0, achievedRate: 0, sent: 0, ok: 0, errors: 0, dropped: 0, p99Ms: 0 } };
    case 'load_finished':
      return next.load ? { ...next, load: { ...next.load, running: false, sent: e.sent, ok: e.ok, errors: e.failed, dropped: e.dropped, p99Ms: e.p99Ms, achievedRate: e.achievedRate } } : next;
    case 'rollout_started': case 'rollout_step': case 'rollout_analysis': case 'rollout_promoted': case 'rollout_rolled_back':
      return { ...next, rollout: rolloutFromEvent(next.rollout, e) };
    default:
      return next;
  }
}

function onMetrics(state: TuiState, m: MetricsSecond): TuiState {
  const replicas: Record<string, TrafficSeries> = { ...state.replicas };
  let parts = state.parts;
  for (const [id, r] of Object.entries(m.replicas)) {
    replicas[id] = pushTraffic(replicas[id] ?? emptySeries(), r);
    const known = parts.find((p) => p.name === id);
    // The sampled status corrects a missed event; restarts only ever grow.
    parts = upsertPart(parts, id, 'replica', { state: displayStatus(r.status), restarts: Math.max(known?.restarts ?? 0, r.restarts) });
  }
  const apis = { ...state.apis };
  for (const [name, a] of Object.entries(m.apis)) {
    const old = apis[name] ?? { rps: [], rateLimitedPerSec: [] };
    apis[name] = { rps: pushLimited(old.rps, [a.rps], CHART_SECONDS), rateLimitedPerSec: pushLimited(old.rateLimitedPerSec, [a.rateLimitedPerSec], CHART_SECONDS) };
  }
  return { ...state, overall: pushTraffic(state.overall, m.overall), replicas, apis, parts };
}

function onLoad(state: TuiState, s: LoadSecond): TuiState {
  if (!state.load) return state;
  const l = state.load;
  return {
    ...state,
    load: { ...l, targetRate: s.targetRate, achievedRate: s.achievedRate, p99Ms: s.p99Ms, sent: l.sent + s.sent, ok: l.ok + s.ok, errors: l.errors + s.errors, dropped: l.dropped + s.dropped },
  };
}

/** The pure reducer from simulation emissions to screen data; tested without Ink. */
export function tuiReducer(state: TuiState, action: TuiAction): TuiState {
  switch (action.type) {
    case 'event':
      return onEvent(state, action.event);
    case 'metrics':
      return onMetrics(state, action.second);
    case 'logs':
      return { ...state, logs: pushLimited(state.logs, action.lines.slice(-LOG_LINES), LOG_LINES), logCount: state.logCount + action.lines.length };
    case 'load':
      return onLoad(state, action.second);
    case 'rollout':
      return { ...state, rollout: rolloutSeconds(state.rollout, action.seconds) };
    case 'topology': {
      let parts = state.parts;
      for (const p of action.parts) parts = upsertPart(parts, p.name, p.kind, parts.some((x) => x.name === p.name) ? {} : p);
      return { ...state, name: action.name, endpoints: action.endpoints, parts };
    }
    case 'batch':
      return action.actions.reduce(tuiReducer, state);
  }
}
