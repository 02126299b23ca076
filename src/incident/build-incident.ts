import path from 'node:path';
import { asMapping } from '../config/semantic-context.ts';
import { parseDurationMs } from '../config/units.ts';
import { faultNameOf } from './incident-rules.ts';
import { parseObjective, type Objective } from './objective.ts';
import type { Action, FaultAction, FaultKind, Incident, LoadPhase, Probe, Step } from './types.ts';
import { buildRollout, describeRollout, rolloutDurationMs } from './rollout-step.ts';

/**
 * Turns a checked incident document into the runner's plain data. The time
 * scale shortens every duration of the timeline alike; a checkpoint's window
 * keeps at least one metrics second and its deadline room for two more,
 * because the service's own recovery (restart backoff, timeouts) does not scale.
 */

type Raw = Record<string, unknown>;
const MIN_WINDOW_MS = 1000;

function objectives(list: unknown): Objective[] {
  return (Array.isArray(list) ? list : []).map((text) => parseObjective(String(text)) as Objective);
}

function probe(p: Raw): Probe {
  const json = asMapping(p.json);
  return {
    name: String(p.name),
    path: String(p.path),
    method: String(p.method ?? 'GET'),
    status: Number(p.status ?? 200),
    ...(json ? { json: { path: String(json.path), equals: json.equals } } : {}),
    timeoutMs: p.timeout === undefined ? 2000 : parseDurationMs(p.timeout as string),
    maxFailuresDuring: Number(p.max_failures_during ?? 0),
  };
}

export function buildIncident(doc: Raw, o: { file: string; environmentFile: string; timeScale: number; seed?: number; env: Record<string, string> }): Incident {
  const scale = (value: unknown): number => Math.round(parseDurationMs(value as string | number) * o.timeScale);

  const load = (l: Raw): LoadPhase => {
    const stages: LoadPhase['stages'] = Array.isArray(l.stages)
      ? (l.stages as Raw[]).map((s) => (s.ramp_to !== undefined ? { rampTo: Number(s.ramp_to), for: scale(s.for) } : { rate: Number(s.rate), for: scale(s.for) }))
      : [{ rate: Number(l.rate), for: scale(l.duration) }];
    const body = l.body === undefined ? (l.path === undefined || l.path === '/triage' ? 'tickets' : 'none') : (l.body as LoadPhase['body']);
    return {
      name: String(l.name),
      path: String(l.path ?? '/triage'),
      method: String(l.method ?? (body === 'none' ? 'GET' : 'POST')),
      body,
      repeat: Number(l.repeat ?? 0),
      stages,
      durationMs: stages.reduce((sum, s) => sum + s.for, 0),
      timeoutMs: l.timeout === undefined ? 10_000 : parseDurationMs(l.timeout as string),
      maxInFlight: Number(l.max_in_flight ?? 1000),
      objectives: objectives(l.objectives),
    };
  };

  const fault = (f: Raw): FaultAction => {
    let kind: FaultKind;
    if (f.toxic !== undefined) {
      const attributes = Object.fromEntries(Object.entries(asMapping(f.attributes) ?? {}).map(([k, v]) => [k, Number(v)]));
      kind = { kind: 'toxic', type: String(f.toxic), attributes, toxicity: Number(f.toxicity ?? 1), stream: f.stream === 'upstream' ? 'upstream' : 'downstream' };
    } else if (f.down !== undefined) kind = { kind: 'down' };
    else if (f.error_rate !== undefined) {
      const e = asMapping(f.error_rate)!;
      kind = { kind: 'error_rate', fraction: Number(e.fraction), status: Number(e.status ?? 500) };
    } else if (f.rate_limit !== undefined) {
      const r = asMapping(f.rate_limit)!;
      const update = {
        ...(r.limit !== undefined ? { limit: Number(r.limit) } : {}),
        ...(r.refill_per_second !== undefined ? { refillPerSecond: Number(r.refill_per_second) } : {}),
        ...(r.window !== undefined ? { windowMs: parseDurationMs(r.window as string) } : {}),
      };
      kind = { kind: 'rate_limit', limit: String(r.name), update };
    } else kind = { kind: 'outage', status: Number(asMapping(f.outage)?.status ?? 503) };
    return { type: 'fault', name: faultNameOf(f), target: String(f.target), fault: kind, ...(f.duration !== undefined ? { durationMs: scale(f.duration) } : {}) };
  };

  const action = (s: Raw): Action => {
    if (s.load !== undefined) return { type: 'load', load: load(asMapping(s.load)!) };
    if (s.fault !== undefined) return fault(asMapping(s.fault)!);
    if (s.remove !== undefined) return { type: 'remove', name: String(s.remove) };
    if (s.replica !== undefined) {
      const r = asMapping(s.replica)!;
      return { type: 'replica', id: String(r.id), action: r.action as 'kill', ...(r.signal ? { signal: String(r.signal) } : {}), ...(r.duration !== undefined ? { durationMs: scale(r.duration) } : {}) };
    }
    if (s.expect !== undefined) {
      const e = asMapping(s.expect)!;
      const windowMs = Math.max(MIN_WINDOW_MS, Math.round((e.window === undefined ? 3000 : scale(e.window)) / 1000) * 1000);
      const floor = (ms: number) => Math.max(ms, windowMs + 2000);
      const timing = e.for !== undefined ? { forMs: floor(scale(e.for)) } : { withinMs: floor(e.within === undefined ? scale('10s') : scale(e.within)) };
      return { type: 'expect', name: String(e.name), objective: parseObjective(String(e.objective)) as Objective, windowMs, ...timing };
    }
    if (s.probe !== undefined) return { type: 'probe', probe: probe(asMapping(s.probe)!) };
    if (s.rollout !== undefined) return buildRollout(asMapping(s.rollout)!, scale);
    return { type: 'wait', durationMs: scale(s.wait) };
  };

  const steps: Step[] = [];
  let cursor = 0;
  (doc.timeline as Raw[]).forEach((s, index) => {
    const atMs = s.at !== undefined ? scale(s.at) : s.after !== undefined ? cursor + scale(s.after) : cursor;
    const a = action(s);
    steps.push({ index, atMs, action: a, description: describeAction(a) });
    cursor = a.type === 'wait' ? atMs + a.durationMs : atMs;
  });
  steps.sort((a, b) => a.atMs - b.atMs || a.index - b.index);
  const steady = asMapping(doc.steady_state) ?? {};
  return {
    file: o.file,
    name: String(doc.name),
    description: String(doc.description ?? ''),
    environment: path.resolve(o.environmentFile),
    seed: o.seed ?? (doc.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(doc.seed)),
    env: o.env,
    overrides: Object.fromEntries(
      Object.entries(asMapping(doc.overrides) ?? {}).map(([service, v]) => {
        const m = asMapping(v) ?? {};
        const env = Object.fromEntries(Object.entries(asMapping(m.env) ?? {}).map(([k, x]) => [k, String(x)]));
        return [service, { env, ...(m.replicas !== undefined ? { replicas: Number(m.replicas) } : {}) }];
      }),
    ),
    timeScale: o.timeScale,
    steadyState: {
      objectives: objectives(steady.objectives),
      probes: (Array.isArray(steady.probes) ? (steady.probes as Raw[]) : []).map(probe),
      probeIntervalMs: Math.max(500, steady.probe_interval === undefined ? scale('2s') : scale(steady.probe_interval)),
    },
    steps,
    rollbacks: (Array.isArray(doc.rollbacks) ? (doc.rollbacks as Raw[]) : []).map(action),
    totalMs: Math.max(0, ...steps.map(endOf)),
  };
}

export function endOf(step: Step): number {
  const a = step.action;
  switch (a.type) {
    case 'load':
      return step.atMs + a.load.durationMs;
    case 'fault':
      return step.atMs + (a.durationMs ?? 0);
    case 'replica':
      return step.atMs + (a.durationMs ?? 0);
    case 'expect':
      return step.atMs + (a.withinMs ?? a.forMs ?? 0);
    case 'wait':
      return step.atMs + a.durationMs;
    case 'rollout':
      return step.atMs + rolloutDurationMs(a);
    default:
      return step.atMs;
  }
}

export function describeAction(a: Action): string {
  switch (a.type) {
    case 'load': {
      const rates = a.load.stages.map((s) => ('rate' in s ? `${s.rate}/s` : `ramp to ${s.rampTo}/s`)).join(', then ');
      return `load ${a.load.name}: ${rates} on ${a.load.method} ${a.load.path} for ${a.load.durationMs / 1000}s`;
    }
    case 'fault': {
      const f = a.fault;
      const what =
        f.kind === 'toxic' ? `${f.type} ${JSON.stringify(f.attributes)}${f.toxicity < 1 ? ` on ${f.toxicity * 100}% of connections` : ''}`
        : f.kind === 'down' ? 'down'
        : f.kind === 'outage' ? `outage (${f.status})`
        : f.kind === 'error_rate' ? `${f.fraction * 100}% answer ${f.status}`
        : `rate limit ${f.limit} ${JSON.stringify(f.update)}`;
      return `fault ${a.name}: ${a.target} ${what}${a.durationMs !== undefined ? ` for ${a.durationMs / 1000}s` : ''}`;
    }
    case 'remove':
      return a.name === 'all' ? 'remove every fault' : `remove fault ${a.name}`;
    case 'replica':
      return `${a.action} ${a.id}${a.signal ? ` with ${a.signal}` : ''}${a.durationMs !== undefined ? ` for ${a.durationMs / 1000}s` : ''}`;
    case 'expect':
      return `expect ${a.name}: ${a.objective.text} ${a.withinMs !== undefined ? `within ${a.withinMs / 1000}s` : `for ${a.forMs! / 1000}s`} (${a.windowMs / 1000}s windows)`;
    case 'probe':
      return `probe ${a.probe.name}: ${a.probe.method} ${a.probe.path}`;
    case 'wait':
      return `wait ${a.durationMs / 1000}s`;
    case 'reset_faults':
      return 'remove every fault';
    case 'rollout':
      return describeRollout(a);
  }
}
