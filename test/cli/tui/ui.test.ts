import { describe, expect, test } from 'vitest';
import { FAULTS, faultsFor, type FaultTarget } from '../../../src/cli/tui/fault-catalog.ts';
import type { KeyPress } from '../../../src/cli/tui/form.ts';
import { NO_OVERLAY, uiKey, type Overlay, type UiCommand, type UiContext } from '../../../src/cli/tui/ui.ts';

const targets: FaultTarget[] = [
  { name: 'triage-1', kind: 'replica' }, { name: 'redis', kind: 'dependency' }, { name: 'sentiment', kind: 'api' },
];
const ctx: UiContext = {
  targets,
  faults: [{ key: 'redis/latency_downstream', target: 'redis', name: 'latency_downstream', description: 'latency 500ms', since: 1 }, { key: 'sentiment/outage', target: 'sentiment', name: 'outage', description: 'outage', since: 2 }],
  load: { path: '/triage', rate: 50, method: 'POST' },
  filter: '',
  rateLimitName: () => 'undocumented_burst',
};

const k = (input: string, extra: Partial<KeyPress> = {}): KeyPress => ({ input, ...extra });
const DOWN = k('', { downArrow: true });
const ENTER = k('', { return: true });
const ESC = k('', { escape: true });
const BACKSPACE = k('', { backspace: true });
const RIGHT = k('', { rightArrow: true });

/** Presses keys in order; returns the final overlay and every command on the way. */
function press(keys: KeyPress[], from: Overlay = NO_OVERLAY): { overlay: Overlay; commands: UiCommand[] } {
  let overlay = from;
  const commands: UiCommand[] = [];
  for (const key of keys) {
    const r = uiKey(overlay, key, ctx);
    overlay = r.overlay;
    if (r.command) commands.push(r.command);
  }
  return { overlay, commands };
}

describe('the keyboard as a pure function', () => {
  test('f, a target, a fault, Enter: applies a Redis latency with its defaults', () => {
    const { overlay, commands } = press([k('f'), DOWN, ENTER, ENTER, ENTER]);
    expect(overlay).toEqual(NO_OVERLAY);
    expect(commands).toEqual([{ type: 'apply_fault', target: targets[1], spec: FAULTS[0], values: { latency: 500, jitter: 0, stream: 'downstream', toxicity: 1 } }]);
  });

  test('parameters are edited by typing, cycling choices and moving between fields; a bad number is refused', () => {
    // Typing retypes a number; Backspace edits the value shown (500 -> 5 -> 59).
    let r = press([k('f'), DOWN, ENTER, ENTER, k('1'), k('2'), k('0'), k('0'), DOWN, BACKSPACE, BACKSPACE, k('9'), DOWN, RIGHT]);
    expect(r.overlay.kind).toBe('params');
    r = press([ENTER], r.overlay);
    expect(r.commands[0]).toMatchObject({ type: 'apply_fault', values: { latency: 1200, jitter: 9, stream: 'upstream' } });
    const bad = press([k('f'), DOWN, ENTER, ENTER, k('-'), k('.'), ENTER]);
    expect(bad.commands).toEqual([]);
    expect(bad.overlay.kind === 'params' && bad.overlay.form.error).toMatch(/latency must be a number, got "-\."/);
  });

  test('Esc walks back one step at a time: form, fault list, target list, dashboard', () => {
    const steps = [k('f'), DOWN, ENTER, ENTER];
    const kinds = [ESC, ESC, ESC].reduce<string[]>((acc, _, i) => [...acc, press([...steps, ...Array(i + 1).fill(ESC)]).overlay.kind], []);
    expect(kinds).toEqual(['faults', 'targets', 'none']);
  });

  test('every toxic, proxy down, API faults and replica actions are offered for the right targets', () => {
    const kinds = (t: FaultTarget) => faultsFor(t).map((f) => f.kind);
    expect(kinds(targets[1]!)).toEqual(['latency', 'bandwidth', 'slow_close', 'timeout', 'reset_peer', 'slicer', 'limit_data', 'down']);
    expect(kinds(targets[2]!)).toEqual([...kinds(targets[1]!), 'outage', 'error_rate', 'rate_limit']);
    expect(kinds(targets[0]!)).toEqual(['kill', 'pause', 'resume', 'restart']);
  });

  test('the rate-limit form opens with a limit name of that API', () => {
    const { overlay } = press([k('f'), DOWN, DOWN, ENTER, ...Array(10).fill(DOWN), ENTER]);
    expect(overlay.kind === 'params' && overlay.form.values).toMatchObject({ name: 'undocumented_burst', limit: 5, window: 1000 });
  });

  test('x lists active faults and removes the selected one; R resets all', () => {
    expect(press([k('x'), DOWN, ENTER]).commands).toEqual([{ type: 'remove_fault', key: 'sentiment/outage' }]);
    expect(press([k('x'), k('d')]).commands).toEqual([{ type: 'remove_fault', key: 'redis/latency_downstream' }]);
    expect(press([k('R')]).commands).toEqual([{ type: 'reset_faults' }]);
  });

  test('load: l opens the last values, typing changes the rate; + / - / s change and stop it', () => {
    expect(press([k('l'), k('2'), k('0'), k('0'), ENTER]).commands).toEqual([{ type: 'start_load', rate: 200, path: '/triage', method: 'POST' }]);
    expect(press([k('l'), DOWN, k('x'), ENTER]).commands).toEqual([{ type: 'start_load', rate: 50, path: '/triagex', method: 'POST' }]);
    expect(press([k('+'), k('-'), k('s')]).commands).toEqual([{ type: 'change_rate', factor: 2 }, { type: 'change_rate', factor: 0.5 }, { type: 'stop_load' }]);
  });

  test('filter, help, incident and quit', () => {
    expect(press([k('/'), k('t'), k('2'), ENTER]).commands).toEqual([{ type: 'set_filter', text: 't2' }]);
    expect(press([k('?')]).overlay.kind).toBe('help');
    expect(press([k('?'), k('z')]).overlay).toEqual(NO_OVERLAY);
    expect(press([k('i'), ENTER]).commands).toEqual([{ type: 'run_incident', file: 'incidents/redis-latency.yaml' }]);
    expect(press([k('q')]).commands).toEqual([{ type: 'quit' }]);
    // Ctrl-C quits from anywhere, even while typing into a form; q there is just a letter.
    expect(press([k('l'), k('c', { ctrl: true })]).commands).toEqual([{ type: 'quit' }]);
    expect(press([k('/'), k('q')]).commands).toEqual([]);
  });
});
