import { describe, expect, test } from 'vitest';
import type { SimEvent } from '../../../src/sim/events.ts';
import type { MetricsSecond } from '../../../src/sim/metrics.ts';
import { tuiReducer, type TuiAction } from '../../../src/cli/tui/reducer.ts';
import { removableFaults } from '../../../src/cli/tui/selectors.ts';
import { CHART_SECONDS, LOG_LINES, initialState, type TuiState } from '../../../src/cli/tui/state.ts';

const base = { service: 'triage', index: 1 };
const ev = (event: SimEvent): TuiAction => ({ type: 'event', event });
const run = (actions: TuiAction[], from: TuiState = initialState()): TuiState => actions.reduce(tuiReducer, from);

function second(ts: number, rps: number, replicas: Record<string, { rps: number; status: string; restarts: number }>): MetricsSecond {
  return {
    ts,
    overall: { rps, errorRate: 0.1, p50Ms: 5, p99Ms: 50 },
    replicas: Object.fromEntries(Object.entries(replicas).map(([id, r]) => [id, { ...r, errorRate: 0, p50Ms: 4, p99Ms: 40, rssBytes: 0, cpuPercent: 0 }])),
    dependencies: {},
    apis: { sentiment: { rps: 3, rateLimitedPerSec: 1, faultsPerSec: 0 } },
  };
}

const startUp: TuiAction[] = [
  ev({ type: 'simulation_starting', ts: 1, name: 'support-agent', runtime: 'process', file: 'e.yaml' }),
  ev({ type: 'component_starting', ts: 2, component: 'redis', kind: 'redis' }),
  ev({ type: 'component_starting', ts: 2, component: 'triage', kind: 'service' }),
  ev({ type: 'replica_starting', ts: 3, replica: 'triage-2', pid: 10, port: 1, attempt: 1, ...base }),
  ev({ type: 'component_ready', ts: 4, component: 'redis', kind: 'redis', startupMs: 2 }),
  ev({ type: 'replica_healthy', ts: 5, replica: 'triage-2', pid: 10, port: 1, startupMs: 2, ...base }),
  ev({ type: 'component_starting', ts: 5, component: 'load_balancer', kind: 'load_balancer' }),
  ev({ type: 'simulation_ready', ts: 6, startupMs: 5 }),
];

describe('tuiReducer: simulation emissions to screen data', () => {
  test('start-up builds the topology in kind order (the service itself is shown as its replicas) and ends running', () => {
    const s = run(startUp);
    expect(s.name).toBe('support-agent');
    expect(s.phase).toBe('running');
    expect(s.readyAt).toBe(6);
    expect(s.parts.map((p) => [p.name, p.state])).toEqual([['load_balancer', 'starting'], ['triage-2', 'healthy'], ['redis', 'healthy']]);
    // Start-up chatter stays out of the timeline; readiness is in it.
    expect(s.timeline.map((t) => t.text)).toEqual(['all healthy in 5ms']);
  });

  test('a crash, restart and recovery change the state, count the restart and land in the timeline', () => {
    const s = run([
      ...startUp,
      ev({ type: 'replica_crashed', ts: 7, replica: 'triage-2', code: null, signal: 'SIGKILL', exitCode: 137, reason: 'signal' as never, lastLines: [], ...base }),
      ev({ type: 'replica_restarting', ts: 8, replica: 'triage-2', attempt: 1, delayMs: 100, manual: false, ...base }),
    ]);
    expect(s.parts.find((p) => p.name === 'triage-2')).toMatchObject({ state: 'restarting', restarts: 1 });
    const healthy = tuiReducer(s, ev({ type: 'replica_healthy', ts: 9, replica: 'triage-2', pid: 11, port: 1, startupMs: 300, ...base }));
    expect(healthy.parts.find((p) => p.name === 'triage-2')!.state).toBe('healthy');
    expect(healthy.timeline.map((t) => [t.kind, t.text])).toEqual([
      ['info', 'all healthy in 5ms'],
      ['crash', 'triage-2: crashed (signal SIGKILL)'],
      ['restart', 'triage-2: restarting in 100ms (restart 1)'],
      ['restart', 'triage-2: healthy after 300ms'],
    ]);
  });

  test('OOMKilled and paused are shown by name; a paused replica counts as a removable fault', () => {
    const s = run([
      ...startUp,
      ev({ type: 'replica_paused', ts: 7, replica: 'triage-2', ...base }),
    ]);
    expect(removableFaults(s).map((f) => f.key)).toEqual(['triage-2/pause']);
    const oom = tuiReducer(s, ev({ type: 'replica_oom_killed', ts: 8, replica: 'triage-2', rssBytes: 3e8, limitBytes: 2.6e8, exitCode: 137, lastLines: [], ...base }));
    expect(oom.parts.find((p) => p.name === 'triage-2')!.state).toBe('OOMKilled');
    expect(removableFaults(oom)).toEqual([]);
  });

  test('faults are added, replaced by key, removed, and all cleared by a reset', () => {
    const added = run([
      ev({ type: 'fault_added', ts: 1, target: 'redis', fault: 'latency_downstream', kind: 'latency', description: 'latency 500ms' }),
      ev({ type: 'fault_added', ts: 2, target: 'redis', fault: 'latency_downstream', kind: 'latency', description: 'latency 900ms' }),
      ev({ type: 'fault_added', ts: 3, target: 'llm', fault: 'outage', kind: 'outage', description: 'outage (503)' }),
    ]);
    expect(added.faults.map((f) => [f.key, f.description])).toEqual([['redis/latency_downstream', 'latency 900ms'], ['llm/outage', 'outage (503)']]);
    const removed = tuiReducer(added, ev({ type: 'fault_removed', ts: 4, target: 'llm', fault: 'outage' }));
    expect(removed.faults.map((f) => f.key)).toEqual(['redis/latency_downstream']);
    expect(tuiReducer(removed, ev({ type: 'faults_reset', ts: 5 })).faults).toEqual([]);
  });

  test('metrics seconds extend the charts (capped), correct replica states and never lower restarts', () => {
    let s = run(startUp);
    s = tuiReducer(s, ev({ type: 'replica_restarting', ts: 7, replica: 'triage-2', attempt: 1, delayMs: 1, manual: true, ...base }));
    s = tuiReducer(s, { type: 'metrics', second: second(10, 100, { 'triage-2': { rps: 100, status: 'healthy', restarts: 0 } }) });
    expect(s.parts.find((p) => p.name === 'triage-2')).toMatchObject({ state: 'healthy', restarts: 1 });
    expect(s.overall.rps).toEqual([100]);
    expect(s.replicas['triage-2']!.p99Ms).toEqual([40]);
    expect(s.apis.sentiment).toEqual({ rps: [3], rateLimitedPerSec: [1] });
    const many = Array.from({ length: CHART_SECONDS + 5 }, (_, i): TuiAction => ({ type: 'metrics', second: second(11 + i, i, {}) }));
    const full = run(many, s);
    expect(full.overall.rps).toHaveLength(CHART_SECONDS);
    expect(full.overall.rps.at(-1)).toBe(CHART_SECONDS + 4);
  });

  test('load: started, per-second progress summed, finished', () => {
    const s = run([
      ev({ type: 'load_started', ts: 1, url: 'http://127.0.0.1:1', path: '/triage', description: '50/s for 1h' }),
      { type: 'load', second: { t: 0, targetRate: 50, sent: 50, ok: 48, errors: 2, dropped: 0, achievedRate: 50, p50Ms: 3, p99Ms: 30, byStatus: {}, byError: {} } },
      { type: 'load', second: { t: 1, targetRate: 50, sent: 49, ok: 49, errors: 0, dropped: 1, achievedRate: 49, p50Ms: 3, p99Ms: 20, byStatus: {}, byError: {} } },
    ]);
    expect(s.load).toMatchObject({ running: true, path: '/triage', targetRate: 50, sent: 99, ok: 97, errors: 2, dropped: 1, p99Ms: 20 });
    const done = tuiReducer(s, ev({ type: 'load_finished', ts: 3, sent: 120, ok: 118, failed: 2, dropped: 1, p99Ms: 25, achievedRate: 49.5 }));
    expect(done.load).toMatchObject({ running: false, sent: 120, errors: 2 });
  });

  test('log lines are kept up to the pane limit and counted, in one batch', () => {
    const lines = Array.from({ length: LOG_LINES + 50 }, (_, i) => ({ ts: i, replica: `triage-${(i % 3) + 1}`, stream: 'stdout' as const, msg: `line ${i}`, raw: `line ${i}` }));
    const s = tuiReducer(initialState(), { type: 'batch', actions: [{ type: 'logs', lines: lines.slice(0, 100) }, { type: 'logs', lines: lines.slice(100) }] });
    expect(s.logs).toHaveLength(LOG_LINES);
    expect(s.logs.at(-1)!.msg).toBe(`line ${LOG_LINES + 49}`);
    expect(s.logCount).toBe(LOG_LINES + 50);
  });

  test('the reducer never mutates the state it is given', () => {
    const s = run(startUp);
    const frozen = JSON.stringify(s);
    run([ev({ type: 'faults_reset', ts: 9 }), { type: 'metrics', second: second(10, 1, { 'triage-2': { rps: 1, status: 'paused', restarts: 2 } }) }], s);
    expect(JSON.stringify(s)).toBe(frozen);
  });
});
