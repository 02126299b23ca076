import { asMapping } from '../config/semantic-context.ts';
import { didYouMean } from '../config/did-you-mean.ts';
import { joinOr } from '../config/schema-nodes.ts';
import type { Problem } from '../config/problems.ts';
import { findToxicKind } from '../proxy/toxics/index.ts';
import { parseObjective } from './objective.ts';
import { ACTION_KEYS } from './schema.ts';

/**
 * Checks of an incident file that need more than one value, run after the
 * schema accepted its shape. Checks against the environment (names that must
 * exist there) are in environment-rules.ts.
 */

const FAULT_KINDS = ['toxic', 'down', 'outage', 'error_rate', 'rate_limit'] as const;
const TOXIC_ONLY = ['attributes', 'toxicity', 'stream'] as const;

type Raw = Record<string, unknown>;
const list = (value: unknown): Raw[] => (Array.isArray(value) ? value.map((v) => asMapping(v) ?? {}) : []);

export function objectiveProblems(text: unknown, path: Array<string | number>): Problem[] {
  if (typeof text !== 'string') return [];
  const parsed = parseObjective(text);
  return 'error' in parsed ? [{ path, message: `${path.join('.')}: ${parsed.error}`, hint: parsed.hint }] : [];
}

function faultProblems(f: Raw, path: Array<string | number>): Problem[] {
  const kinds = FAULT_KINDS.filter((k) => k in f);
  const problems: Problem[] = [];
  if (kinds.length !== 1) {
    problems.push({
      path: kinds.length ? [...path, kinds[1]!] : path,
      at: kinds.length ? 'key' : 'value',
      message: kinds.length ? `${path.join('.')} has both ${kinds[0]} and ${kinds[1]}; a fault step does one thing` : `${path.join('.')} must say which fault: ${joinOr(FAULT_KINDS)}`,
      hint: 'for example: fault: { target: redis, toxic: latency, attributes: { latency: 2000 } }; write two steps for two faults',
    });
  }
  if (f.toxic === undefined) {
    for (const key of TOXIC_ONLY.filter((k) => k in f)) {
      problems.push({ path: [...path, key], at: 'key', message: `${path.join('.')}.${key} only applies to toxic faults`, hint: 'remove it, or add toxic: latency (or another toxic type)' });
    }
  }
  const kind = typeof f.toxic === 'string' ? findToxicKind(f.toxic) : undefined;
  const attributes = asMapping(f.attributes);
  if (kind && attributes) {
    const known = kind.attributes.map((a) => a.name);
    for (const name of Object.keys(attributes).filter((n) => !known.includes(n))) {
      const guess = didYouMean(name, known);
      problems.push({
        path: [...path, 'attributes', name],
        at: 'key',
        message: `${path.join('.')}.attributes.${name} is not an attribute of ${kind.type}${guess ? `; did you mean ${guess}?` : ''}`,
        hint: known.length ? `${kind.type} takes ${joinOr(known)}` : `${kind.type} takes no attributes`,
      });
    }
  }
  return problems;
}

function loadProblems(l: Raw, path: Array<string | number>): Problem[] {
  const problems: Problem[] = [];
  const hasRate = l.rate !== undefined || l.duration !== undefined;
  if (hasRate === (l.stages !== undefined)) {
    problems.push({ path, message: `${path.join('.')} needs either rate and duration, or stages`, hint: 'for example: load: { name: steady, rate: 20, duration: 60s }' });
  } else if (hasRate && (l.rate === undefined || l.duration === undefined)) {
    problems.push({ path: [...path, l.rate === undefined ? 'duration' : 'rate'], message: `${path.join('.')} needs both rate and duration`, hint: 'for example: rate: 20, duration: 60s' });
  }
  list(l.stages).forEach((s, i) => {
    if (('rate' in s) === ('ramp_to' in s)) {
      problems.push({ path: [...path, 'stages', i], message: `${path.join('.')}.stages.${i} needs exactly one of rate or ramp_to`, hint: 'write { rate: 20, for: 10s } or { ramp_to: 60, for: 20s }' });
    }
  });
  (Array.isArray(l.objectives) ? l.objectives : []).forEach((o, i) => problems.push(...objectiveProblems(o, [...path, 'objectives', i])));
  return problems;
}

/** One step: exactly one action, at most one of at/after, and the action's own rules. */
function stepProblems(s: Raw, path: Array<string | number>, faultNames: Set<string>): Problem[] {
  const actions = ACTION_KEYS.filter((k) => k in s);
  const problems: Problem[] = [];
  // A step whose only other key is unknown already has a did-you-mean for it.
  const unknownKeys = Object.keys(s).some((k) => !['at', 'after', ...ACTION_KEYS].includes(k));
  if (actions.length > 1) {
    problems.push({ path: [...path, actions[1]!], at: 'key', message: `${path.join('.')} has both ${actions[0]} and ${actions[1]}; each step does one thing`, hint: 'split it into two steps with the same at:' });
  } else if (actions.length === 0 && !unknownKeys) {
    problems.push({ path, message: `${path.join('.')} has no action; give it one of ${joinOr(ACTION_KEYS)}`, hint: 'for example: - at: 10s\n    fault: { target: redis, down: true }' });
  }
  if ('at' in s && 'after' in s) problems.push({ path: [...path, 'after'], at: 'key', message: `${path.join('.')} has both at and after`, hint: 'at: is from the start of the timeline, after: from the previous step; keep one' });
  const load = asMapping(s.load);
  if (load) problems.push(...loadProblems(load, [...path, 'load']));
  const fault = asMapping(s.fault);
  if (fault) problems.push(...faultProblems(fault, [...path, 'fault']));
  const expect = asMapping(s.expect);
  if (expect) {
    problems.push(...objectiveProblems(expect.objective, [...path, 'expect', 'objective']));
    if (typeof expect.objective === 'string' && /of\s+target/.test(expect.objective)) {
      problems.push({ path: [...path, 'expect', 'objective'], message: `${path.join('.')}.expect.objective cannot use "of target" (a checkpoint sees all traffic, not one load)`, hint: 'write an absolute rate such as "rate >= 15/s"' });
    }
    const parsed = typeof expect.objective === 'string' ? parseObjective(expect.objective) : undefined;
    if (parsed && 'metric' in parsed && !['p50', 'p99', 'error_rate', 'rate'].includes(parsed.metric)) {
      problems.push({ path: [...path, 'expect', 'objective'], message: `${path.join('.')}.expect.objective uses ${parsed.metric}, but a checkpoint only sees p50, p99, error_rate and rate per second`, hint: 'use p99, or put the objective on a load phase' });
    }
    if ('within' in expect && 'for' in expect) problems.push({ path: [...path, 'expect', 'for'], at: 'key', message: `${path.join('.')}.expect has both within and for`, hint: 'within: holds at some point; for: holds throughout; keep one' });
  }
  const replica = asMapping(s.replica);
  if (replica && replica.duration !== undefined && replica.action !== 'pause') {
    problems.push({ path: [...path, 'replica', 'duration'], at: 'key', message: `${path.join('.')}.replica.duration only applies to pause`, hint: 'remove it, or use action: pause' });
  }
  if (typeof s.remove === 'string' && s.remove !== 'all' && !faultNames.has(s.remove)) {
    const guess = didYouMean(s.remove, [...faultNames]);
    problems.push({
      path: [...path, 'remove'],
      message: `${path.join('.')}.remove names ${JSON.stringify(s.remove)}, which no earlier fault step is called${guess ? `; did you mean ${guess}?` : ''}`,
      hint: `faults named so far: ${[...faultNames].join(', ') || '(none)'}; or write remove: all`,
    });
  }
  return problems;
}

export function faultNameOf(f: Raw): string {
  if (typeof f.name === 'string') return f.name;
  const kind = FAULT_KINDS.find((k) => k in f) ?? 'fault';
  return `${String(f.target)}-${kind === 'toxic' ? String(f.toxic) : kind}`;
}

export function incidentRules(doc: Raw): Problem[] {
  const problems: Problem[] = [];
  const steady = asMapping(doc.steady_state);
  (Array.isArray(steady?.objectives) ? steady.objectives : []).forEach((o, i) => problems.push(...objectiveProblems(o, ['steady_state', 'objectives', i])));
  const faultNames = new Set<string>();
  const loadNames = new Map<string, number>();
  list(doc.timeline).forEach((s, i) => {
    problems.push(...stepProblems(s, ['timeline', i], faultNames));
    const fault = asMapping(s.fault);
    if (fault) {
      const name = faultNameOf(fault);
      if (faultNames.has(name) && typeof fault.name === 'string') {
        problems.push({ path: ['timeline', i, 'fault', 'name'], message: `timeline.${i}.fault.name ${JSON.stringify(name)} is used by an earlier fault`, hint: 'give each fault its own name' });
      }
      faultNames.add(name);
    }
    const load = asMapping(s.load);
    if (load && typeof load.name === 'string') {
      const first = loadNames.get(load.name);
      if (first !== undefined) problems.push({ path: ['timeline', i, 'load', 'name'], message: `timeline.${i}.load.name ${JSON.stringify(load.name)} is already the name of timeline.${first}`, hint: 'give each load phase its own name' });
      else loadNames.set(load.name, i);
    }
  });
  list(doc.rollbacks).forEach((r, i) => {
    const actions = ['remove', 'replica', 'fault'].filter((k) => k in r);
    if (actions.length !== 1) problems.push({ path: ['rollbacks', i], message: `rollbacks.${i} must do exactly one of remove, replica or fault`, hint: 'for example: - remove: all' });
    const fault = asMapping(r.fault);
    if (fault) problems.push(...faultProblems(fault, ['rollbacks', i, 'fault']));
  });
  return problems;
}
