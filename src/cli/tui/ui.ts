import { faultsFor, type FaultSpec, type FaultTarget, type ParamSpec, type ParamValue } from './fault-catalog.ts';
import { formKey, moveCursor, openForm, type FormState, type KeyPress } from './form.ts';
import type { ActiveFault } from './state.ts';

/** What is drawn over the dashboard, and where the keyboard goes. */
export type Overlay =
  | { kind: 'none' }
  | { kind: 'help' }
  | { kind: 'targets'; cursor: number }
  | { kind: 'faults'; target: FaultTarget; cursor: number }
  | { kind: 'params'; target: FaultTarget; spec: FaultSpec; form: FormState }
  | { kind: 'active'; cursor: number }
  | { kind: 'load'; form: FormState }
  | { kind: 'filter'; form: FormState }
  | { kind: 'incident'; form: FormState }
  | { kind: 'rollout'; form: FormState };

/** What the keyboard asks the simulation to do; the controller carries it out. */
export type UiCommand =
  | { type: 'apply_fault'; target: FaultTarget; spec: FaultSpec; values: Record<string, ParamValue> }
  | { type: 'remove_fault'; key: string }
  | { type: 'reset_faults' }
  | { type: 'start_load'; path: string; rate: number; method: string }
  | { type: 'change_rate'; factor: number }
  | { type: 'stop_load' }
  | { type: 'set_filter'; text: string }
  | { type: 'run_incident'; file: string }
  | { type: 'start_rollout'; strategy: string; steps: string; interval: string; errorRate: string; p99: string }
  | { type: 'abort_rollout' }
  | { type: 'promote_rollout' }
  | { type: 'quit' };

export interface UiContext {
  targets: FaultTarget[];
  faults: ActiveFault[];
  /** Values the load form opens with (the last ones used). */
  load: { path: string; rate: number; method: string };
  filter: string;
  /** Default for the rate-limit fault's name, per API (a limit or route it has). */
  rateLimitName?: (api: string) => string;
}

export const NO_OVERLAY: Overlay = { kind: 'none' };

export const LOAD_PARAMS: ParamSpec[] = [
  { key: 'rate', label: 'rate', default: 50, unit: 'req/s' },
  { key: 'path', label: 'path', default: '/triage', text: true },
  { key: 'method', label: 'method', default: 'POST', choices: ['POST', 'GET'] },
];
const FILTER_PARAMS: ParamSpec[] = [{ key: 'text', label: 'show lines containing (empty: all)', default: '', text: true }];
export const ROLLOUT_PARAMS: ParamSpec[] = [
  { key: 'strategy', label: 'strategy', default: 'canary', choices: ['canary', 'blue_green'] },
  { key: 'steps', label: 'canary steps (% to the new version)', default: '5,25,50,100', text: true },
  { key: 'interval', label: 'interval per step', default: '30s', text: true },
  { key: 'error_rate', label: 'analysis: error_rate', default: '< 1%', text: true },
  { key: 'p99', label: 'analysis: p99', default: '< 800ms', text: true },
];
const INCIDENT_PARAMS: ParamSpec[] = [{ key: 'file', label: 'incident file', default: 'incidents/redis-latency.yaml', text: true }];

type Result = { overlay: Overlay; command?: UiCommand };

function mainKey(key: KeyPress, ctx: UiContext): Result {
  const none = NO_OVERLAY;
  switch (key.input) {
    case 'q': return { overlay: none, command: { type: 'quit' } };
    case '?': case 'h': return { overlay: { kind: 'help' } };
    case 'f': return { overlay: { kind: 'targets', cursor: 0 } };
    case 'x': return { overlay: { kind: 'active', cursor: 0 } };
    case 'R': return { overlay: none, command: { type: 'reset_faults' } };
    case 'l': return { overlay: { kind: 'load', form: openForm(LOAD_PARAMS, { ...ctx.load }) } };
    case 's': return { overlay: none, command: { type: 'stop_load' } };
    case '+': case '=': return { overlay: none, command: { type: 'change_rate', factor: 2 } };
    case '-': return { overlay: none, command: { type: 'change_rate', factor: 0.5 } };
    case '/': return { overlay: { kind: 'filter', form: { ...openForm(FILTER_PARAMS, { text: ctx.filter }), buffer: ctx.filter } } };
    case 'i': return { overlay: { kind: 'incident', form: openForm(INCIDENT_PARAMS) } };
    case 'o': return { overlay: { kind: 'rollout', form: openForm(ROLLOUT_PARAMS) } };
    case 'a': return { overlay: none, command: { type: 'abort_rollout' } };
    case 'P': return { overlay: none, command: { type: 'promote_rollout' } };
    default: return { overlay: none };
  }
}

function listKey(key: KeyPress): 'back' | 'pick' | null {
  if (key.escape || key.input === 'q' || key.leftArrow) return 'back';
  if (key.return || key.rightArrow) return 'pick';
  return null;
}

/** The keyboard as a pure function: the overlay and the key give the next overlay and maybe a command. */
export function uiKey(overlay: Overlay, key: KeyPress, ctx: UiContext): Result {
  if (key.ctrl && key.input === 'c') return { overlay, command: { type: 'quit' } };
  switch (overlay.kind) {
    case 'none':
      return mainKey(key, ctx);
    case 'help':
      return { overlay: NO_OVERLAY };
    case 'targets': {
      const act = listKey(key);
      if (act === 'back') return { overlay: NO_OVERLAY };
      const target = ctx.targets[overlay.cursor];
      if (act === 'pick' && target) return { overlay: { kind: 'faults', target, cursor: 0 } };
      return { overlay: { ...overlay, cursor: moveCursor(overlay.cursor, ctx.targets.length, key) } };
    }
    case 'faults': {
      const specs = faultsFor(overlay.target);
      const act = listKey(key);
      if (act === 'back') return { overlay: { kind: 'targets', cursor: Math.max(0, ctx.targets.findIndex((t) => t.name === overlay.target.name)) } };
      const spec = specs[overlay.cursor];
      if (act === 'pick' && spec) {
        const form = openForm(spec.params);
        if (spec.kind === 'rate_limit' && ctx.rateLimitName) form.values.name = ctx.rateLimitName(overlay.target.name);
        return { overlay: { kind: 'params', target: overlay.target, spec, form } };
      }
      return { overlay: { ...overlay, cursor: moveCursor(overlay.cursor, specs.length, key) } };
    }
    case 'params': {
      const r = formKey(overlay.form, key);
      if (r.cancel) return { overlay: { kind: 'faults', target: overlay.target, cursor: Math.max(0, faultsFor(overlay.target).indexOf(overlay.spec)) } };
      if (r.submit) return { overlay: NO_OVERLAY, command: { type: 'apply_fault', target: overlay.target, spec: overlay.spec, values: r.submit } };
      return { overlay: { ...overlay, form: r.form } };
    }
    case 'active': {
      if (key.escape || key.input === 'q') return { overlay: NO_OVERLAY };
      if (key.input === 'R') return { overlay: NO_OVERLAY, command: { type: 'reset_faults' } };
      const fault = ctx.faults[overlay.cursor];
      if ((key.return || key.backspace || key.delete || key.input === 'd') && fault) {
        return { overlay: { kind: 'active', cursor: Math.max(0, Math.min(overlay.cursor, ctx.faults.length - 2)) }, command: { type: 'remove_fault', key: fault.key } };
      }
      return { overlay: { ...overlay, cursor: moveCursor(overlay.cursor, ctx.faults.length, key) } };
    }
    case 'load': {
      const r = formKey(overlay.form, key);
      if (r.cancel) return { overlay: NO_OVERLAY };
      if (r.submit) return { overlay: NO_OVERLAY, command: { type: 'start_load', rate: Number(r.submit.rate), path: String(r.submit.path), method: String(r.submit.method) } };
      return { overlay: { ...overlay, form: r.form } };
    }
    case 'filter': {
      const r = formKey(overlay.form, key);
      if (r.cancel) return { overlay: NO_OVERLAY };
      if (r.submit) return { overlay: NO_OVERLAY, command: { type: 'set_filter', text: String(r.submit.text) } };
      return { overlay: { ...overlay, form: r.form } };
    }
    case 'incident': {
      const r = formKey(overlay.form, key);
      if (r.cancel) return { overlay: NO_OVERLAY };
      if (r.submit) return { overlay: NO_OVERLAY, command: { type: 'run_incident', file: String(r.submit.file) } };
      return { overlay: { ...overlay, form: r.form } };
    }
    case 'rollout': {
      const r = formKey(overlay.form, key);
      if (r.cancel) return { overlay: NO_OVERLAY };
      if (r.submit) {
        const v = r.submit;
        return { overlay: NO_OVERLAY, command: { type: 'start_rollout', strategy: String(v.strategy), steps: String(v.steps), interval: String(v.interval), errorRate: String(v.error_rate), p99: String(v.p99) } };
      }
      return { overlay: { ...overlay, form: r.form } };
    }
  }
}
