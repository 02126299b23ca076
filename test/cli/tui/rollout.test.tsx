import { render } from 'ink-testing-library';
import { afterEach, describe, expect, test } from 'vitest';
import { App } from '../../../src/cli/tui/components/App.tsx';
import { SimController } from '../../../src/cli/tui/controller.ts';
import { tuiReducer } from '../../../src/cli/tui/reducer.ts';
import { SimSession } from '../../../src/cli/tui/sim-session.ts';
import { initialState } from '../../../src/cli/tui/state.ts';
import { NO_OVERLAY, uiKey, type UiContext } from '../../../src/cli/tui/ui.ts';
import { startSimulation } from '../../../src/sim/simulation.ts';
import type { SimEvent } from '../../../src/sim/events.ts';
import { canaryEnvironment } from '../../sim/rollout/support/environment.ts';
import { steadyLoad } from '../../sim/rollout/support/steady-load.ts';
import { waitForContent } from './helpers/frames.ts';

const T0 = 1_700_000_000_000;
const ctx: UiContext = { targets: [], faults: [], load: { path: '/', rate: 10, method: 'GET' }, filter: '' };

describe('rollout state for the terminal UI (pure reducer and keys)', () => {
  test('events and per-second figures become weights, step, decision and per-version charts', () => {
    const events: SimEvent[] = [
      { type: 'rollout_started', ts: T0, service: 'web', strategy: 'canary', from: 'stable', to: 'canary', steps: [5, 100], intervalMs: 1000 },
      { type: 'rollout_step', ts: T0 + 1, service: 'web', step: 1, of: 2, weights: { stable: 95, canary: 5 } },
    ];
    let s = events.reduce((st, event) => tuiReducer(st, { type: 'event', event }), initialState('x'));
    const second = (ts: number, canaryErr: number) => ({ ts, weights: { stable: 95, canary: 5 }, versions: { stable: { rps: 95, errorRate: 0, p99Ms: 40 }, canary: { rps: 5, errorRate: canaryErr, p99Ms: 45 } } });
    s = tuiReducer(s, { type: 'rollout', seconds: [second(T0 + 1000, 0), second(T0 + 2000, 0.2)] });
    // The same seconds again (the session re-reads the last few) add nothing.
    s = tuiReducer(s, { type: 'rollout', seconds: [second(T0 + 2000, 0.2)] });
    expect(s.rollout).toMatchObject({ step: 1, of: 2, state: 'running', weights: { stable: 95, canary: 5 } });
    expect(s.rollout!.versions.canary).toEqual({ rps: [5, 5], errorRate: [0, 0.2], p99Ms: [45, 45] });
    s = tuiReducer(s, { type: 'event', event: { type: 'rollout_rolled_back', ts: T0 + 2100, service: 'web', version: 'stable', from: 'canary', reason: 'error_rate of canary 20.0% (2 of 10) breaks < 1% (stable: 0.0%)', manual: false } });
    expect(s.rollout).toMatchObject({ state: 'rolled_back', weights: { stable: 100, canary: 0 }, decision: 'rolled back to stable: error_rate of canary 20.0% (2 of 10) breaks < 1% (stable: 0.0%)' });
    expect(s.timeline.at(-1)!.text).toBe('rollout web: rolled back to stable, canary gets 0% (error_rate of canary 20.0% (2 of 10) breaks < 1% (stable: 0.0%))');
  });

  test('o opens the rollout form and Enter starts it; a aborts, P promotes', () => {
    const opened = uiKey(NO_OVERLAY, { input: 'o' }, ctx);
    expect(opened.overlay.kind).toBe('rollout');
    expect(uiKey(opened.overlay, { input: '', return: true }, ctx).command).toEqual({ type: 'start_rollout', strategy: 'canary', steps: '5,25,50,100', interval: '30s', errorRate: '< 1%', p99: '< 800ms' });
    expect(uiKey(NO_OVERLAY, { input: 'a' }, ctx).command).toEqual({ type: 'abort_rollout' });
    expect(uiKey(NO_OVERLAY, { input: 'P' }, ctx).command).toEqual({ type: 'promote_rollout' });
  });
});

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('rollout from the terminal UI against a real simulation', { timeout: 90_000 }, () => {
  test('start a canary with o, watch weights and per-version charts, abort with a', async () => {
    const sim = await startSimulation(canaryEnvironment(), { faultProxyPort: 0 });
    cleanups.push(() => sim.stop());
    const session = new SimSession(sim.name, 5);
    sim.on('event', session.event);
    session.attach(sim);
    cleanups.push(() => session.close());
    const control = new SimController(sim, session.notify);
    const load = steadyLoad(`${sim.endpoints().loadBalancer}/`, 50, 30_000);
    cleanups.push(async () => void (await load.stop()));
    const app = render(<App session={session} control={control} onQuit={() => {}} size={{ columns: 100, rows: 32 }} />);
    cleanups.push(() => app.unmount());
    await waitForContent(app, 'Traffic');

    app.stdin.write('o');
    await waitForContent(app, 'Rollout to the other version');
    // Second field (steps): 20,100; third (interval): 20s.
    app.stdin.write('\u001B[B');
    for (const _ of '5,25,50,100') app.stdin.write('\u007F');
    app.stdin.write('20,100');
    app.stdin.write('\u001B[B');
    await new Promise((r) => setTimeout(r, 50));
    for (const _ of '30s') app.stdin.write('\u007F');
    app.stdin.write('20s');
    await new Promise((r) => setTimeout(r, 50));
    app.stdin.write('\r');
    const running = await waitForContent(app, /rollout canary step 1\/2: stable 80% · canary 20%/, 10_000);
    expect(running).toMatch(/v stable/);
    expect(running).toMatch(/v canary/);
    // The per-version chart shows traffic once a second has been sampled.
    await waitForContent(app, /v canary\s+\S*[▁-█]\S*\s+20% \d+(\.\d)?\/s 0(\.0)?% p99/, 10_000);
    expect(sim.currentRollout()!.status().weights).toEqual({ stable: 80, canary: 20 });

    app.stdin.write('a');
    const rolledBack = await waitForContent(app, /rollout canary ROLLED BACK: stable 100% · canary 0%/, 10_000);
    expect(rolledBack).toContain('rolled back to stable: aborted from the terminal UI');
    expect((await sim.currentRollout()!.done).outcome).toBe('rolled_back');
    const tally = await load.stop();
    expect(tally.failed).toBe(0);
  });
});
