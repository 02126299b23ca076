import type { ParamSpec, ParamValue } from './fault-catalog.ts';

/** The keys a form or list reacts to; the subset of Ink's Key they use. */
export interface KeyPress {
  input: string;
  upArrow?: boolean;
  downArrow?: boolean;
  leftArrow?: boolean;
  rightArrow?: boolean;
  return?: boolean;
  escape?: boolean;
  backspace?: boolean;
  delete?: boolean;
  tab?: boolean;
  ctrl?: boolean;
}

/** A small parameter form: one field selected, typed text replaces a number and extends a text. */
export interface FormState {
  params: ParamSpec[];
  values: Record<string, ParamValue>;
  cursor: number;
  /** What is being typed into the selected field; null when not editing. */
  buffer: string | null;
  error: string | null;
}

export type FormResult = { form: FormState; submit?: Record<string, ParamValue>; cancel?: true };

export function openForm(params: ParamSpec[], values?: Record<string, ParamValue>): FormState {
  return { params, values: values ?? Object.fromEntries(params.map((p) => [p.key, p.default])), cursor: 0, buffer: null, error: null };
}

/** Puts the typed text into the selected field, or explains why it cannot be. */
function commit(form: FormState): FormState {
  if (form.buffer === null) return form;
  const param = form.params[form.cursor]!;
  if (param.text) return { ...form, values: { ...form.values, [param.key]: form.buffer }, buffer: null, error: null };
  const n = Number(form.buffer);
  if (form.buffer.trim() === '' || !Number.isFinite(n)) return { ...form, error: `${param.label} must be a number, got ${JSON.stringify(form.buffer)}` };
  return { ...form, values: { ...form.values, [param.key]: n }, buffer: null, error: null };
}

function cycle(form: FormState, step: number): FormState {
  const param = form.params[form.cursor];
  if (!param?.choices) return form;
  const i = param.choices.indexOf(String(form.values[param.key]));
  const next = param.choices[(i + step + param.choices.length) % param.choices.length]!;
  return { ...form, values: { ...form.values, [param.key]: next } };
}

export function formKey(form: FormState, key: KeyPress): FormResult {
  if (key.escape) return form.buffer !== null ? { form: { ...form, buffer: null, error: null } } : { form, cancel: true };
  if (key.return) {
    const done = commit(form);
    return done.error ? { form: done } : { form: done, submit: done.values };
  }
  if (key.upArrow || key.downArrow || key.tab) {
    const done = commit(form);
    if (done.error || form.params.length === 0) return { form: done };
    const step = key.upArrow ? -1 : 1;
    return { form: { ...done, cursor: (done.cursor + step + done.params.length) % done.params.length } };
  }
  if (key.leftArrow) return { form: cycle(form, -1) };
  if (key.rightArrow) return { form: cycle(form, 1) };
  const param = form.params[form.cursor];
  if (!param || param.choices) return { form };
  if (key.backspace || key.delete) {
    const current = form.buffer ?? String(form.values[param.key]);
    return { form: { ...form, buffer: current.slice(0, -1), error: null } };
  }
  if (key.ctrl || key.input === '') return { form };
  const allowed = param.text ? /^[\x20-\x7e]+$/ : /^[0-9.eE+-]+$/;
  if (!allowed.test(key.input)) return { form };
  // A number is retyped from scratch; a text is extended, so a path can be edited.
  const start = form.buffer ?? (param.text ? String(form.values[param.key]) : '');
  return { form: { ...form, buffer: start + key.input, error: null } };
}

/** The text shown for a field: what is being typed, or its value. */
export function fieldText(form: FormState, index: number): string {
  const param = form.params[index]!;
  if (index === form.cursor && form.buffer !== null) return `${form.buffer}_`;
  return String(form.values[param.key]);
}

/** Up/down in a list of `length` items, wrapping. */
export function moveCursor(cursor: number, length: number, key: KeyPress): number {
  if (length === 0) return 0;
  if (key.upArrow || key.input === 'k') return (cursor - 1 + length) % length;
  if (key.downArrow || key.input === 'j' || key.tab) return (cursor + 1) % length;
  return cursor;
}
