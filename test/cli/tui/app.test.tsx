import { render } from 'ink-testing-library';
import { afterEach, describe, expect, test } from 'vitest';
import { App } from '../../../src/cli/tui/components/App.tsx';
import { Overlay } from '../../../src/cli/tui/components/Overlay.tsx';
import { TrafficPanel } from '../../../src/cli/tui/components/TrafficPanel.tsx';
import { tuiReducer } from '../../../src/cli/tui/reducer.ts';
import { openForm } from '../../../src/cli/tui/form.ts';
import { FAULTS } from '../../../src/cli/tui/fault-catalog.ts';
import { SimSession } from '../../../src/cli/tui/sim-session.ts';
import type { SimEvent } from '../../../src/sim/events.ts';
import { plain, sendInputAndWaitForContent, waitForContent } from './helpers/frames.ts';

const T0 = Date.now();
const base = { service: 'triage' };

/** A session fed what a started 3-replica simulation emits, with one Redis fault and some traffic. */
function runningSession(): SimSession {
  const s = new SimSession('', 5);
  const events: SimEvent[] = [
    { type: 'simulation_starting', ts: T0, name: 'support-agent', runtime: 'process', file: 'e.yaml' },
    { type: 'component_ready', ts: T0, component: 'fault_proxy', kind: 'fault_proxy', startupMs: 1 },
    { type: 'component_ready', ts: T0, component: 'redis', kind: 'redis', startupMs: 1 },
    { type: 'component_ready', ts: T0, component: 'postgres', kind: 'postgres', startupMs: 1 },
    { type: 'component_ready', ts: T0, component: 'sentiment', kind: 'api', startupMs: 1 },
    ...[1, 2, 3].map((i): SimEvent => ({ type: 'replica_healthy', ts: T0, replica: `triage-${i}`, index: i - 1, pid: 100 + i, port: 9000 + i, startupMs: 5, ...base })),
    { type: 'component_ready', ts: T0, component: 'load_balancer', kind: 'load_balancer', startupMs: 1 },
    { type: 'simulation_ready', ts: T0, startupMs: 900 },
    { type: 'fault_added', ts: T0 + 1, target: 'redis', fault: 'latency_downstream', kind: 'latency', description: 'latency 500ms' },
    { type: 'replica_crashed', ts: T0 + 2, replica: 'triage-2', index: 1, code: null, signal: 'SIGKILL', exitCode: 137, reason: 'signal' as never, lastLines: [], ...base },
    { type: 'replica_restarting', ts: T0 + 3, replica: 'triage-2', index: 1, attempt: 1, delayMs: 100, manual: false, ...base },
  ];
  for (const e of events) s.event(e);
  s.log({ ts: T0, replica: 'triage-1', stream: 'stdout', level: 'info', msg: 'request', fields: { path: '/triage', status: 200 }, raw: '{}' });
  s.log({ ts: T0, replica: 'triage-3', stream: 'stdout', level: 'error', msg: 'redis: timeout', raw: '{}' });
  s.flush();
  return s;
}

const mounted: Array<{ unmount: () => void }> = [];
afterEach(() => {
  for (const m of mounted.splice(0)) m.unmount();
});

function mount(session: SimSession, size = { columns: 80, rows: 24 }) {
  const app = render(<App session={session} control={null} onQuit={() => {}} size={size} />);
  mounted.push(app);
  return app;
}

describe('the App, rendered by Ink (frames stripped of ANSI codes)', () => {
  test('at 80x24 every panel fits: 23 lines, none wider than 80 columns', async () => {
    const app = mount(runningSession());
    const frame = await waitForContent(app, 'Topology');
    const lines = frame.split('\n');
    expect(lines.length).toBe(23);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(80);
    expect(frame).toMatch(/support-agent · running \d+s · 2\/3 replicas healthy · 1 fault/);
    expect(frame).toMatch(/triage-2\s+restarting\s+↻1/);
    expect(frame).toMatch(/redis\s+healthy\s+! latency 50/);
    expect(frame).toContain('x triage-2: crashed (signal');
    expect(frame).toMatch(/triage-3 ERR redis: timeout/);
    expect(frame).toContain('f fault  x remove  R reset  l load  s stop  / filter  ? help  q quit');
  });

  test('a bigger terminal gets bigger panels', async () => {
    const app = mount(runningSession(), { columns: 120, rows: 40 });
    const frame = await waitForContent(app, 'Topology');
    expect(frame.split('\n').length).toBe(39);
    expect(Math.max(...frame.split('\n').map((l) => l.length))).toBe(120);
  });

  test('metrics become sparklines with their latest figure, per replica and per API', () => {
    let state = runningSession().getState();
    const second = (rps: number) => ({
      ts: Date.now(), overall: { rps, errorRate: 0, p50Ms: 3, p99Ms: 30 },
      replicas: { 'triage-1': { rps: rps / 2, errorRate: 0.5, p50Ms: 2, p99Ms: 20, status: 'healthy', restarts: 0, rssBytes: 0, cpuPercent: 0 } },
      dependencies: {}, apis: { sentiment: { rps: 4, rateLimitedPerSec: 2, faultsPerSec: 0 } },
    });
    for (const rps of [0, 10, 20, 40]) state = tuiReducer(state, { type: 'metrics', second: second(rps) });
    const panel = render(<TrafficPanel state={state} width={40} height={11} />);
    const frame = plain(panel);
    panel.unmount();
    expect(frame).toMatch(/req\/s\s+▁▃▅█ 40/);
    expect(frame).toMatch(/triage-1\s+▁▃▅█ 20\/s p99 20 50%/);
    expect(frame).toMatch(/sentiment\s+████ 4\/s 429 2\/s/);
  });

  test('? opens the help overlay even while starting, and any key closes it', async () => {
    const app = mount(runningSession());
    await waitForContent(app, 'Topology');
    const help = await sendInputAndWaitForContent(app, '?', 'Help: any key closes');
    expect(help).toContain('fault menu: pick a target, a fault, edit its parameters');
    expect(help).toContain('reset: remove every fault');
    await sendInputAndWaitForContent(app, 'z', 'Topology');
  });

  test('keys other than q and ? wait until the simulation is up, and say so', async () => {
    const app = mount(runningSession());
    await waitForContent(app, 'Topology');
    await sendInputAndWaitForContent(app, 'f', 'still starting: only q and ? work');
  });

  test('menus and forms draw the target list, the fault list and the parameters', () => {
    const size = { width: 43, height: 20 };
    const targets = [{ name: 'triage-1', kind: 'replica' as const }, { name: 'redis', kind: 'dependency' as const }];
    const list = render(<Overlay overlay={{ kind: 'targets', cursor: 1 }} ctx={{ targets, faults: [] }} {...size} />);
    expect(plain(list)).toMatch(/› redis\s+dependency/);
    list.unmount();
    const form = render(<Overlay overlay={{ kind: 'params', target: targets[1]!, spec: FAULTS[0]!, form: openForm(FAULTS[0]!.params) }} ctx={{ targets, faults: [] }} {...size} />);
    expect(plain(form)).toMatch(/latency on redis/);
    expect(plain(form)).toMatch(/› latency\s+500 ms/);
    expect(plain(form)).toMatch(/stream\s+downstream {2}\(←\/→\)/);
    form.unmount();
  });
});
