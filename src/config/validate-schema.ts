import type { KeyPath } from './diagnostics.ts';
import { didYouMean } from './did-you-mean.ts';
import { describeValue, inlineYaml, lastKey, subject, type Problem } from './problems.ts';
import { exampleOf, label, shapeOfNode, shapeOfValue, type NodeOf, type SchemaNode } from './schema-nodes.ts';
import { tryParseBytes, tryParseDurationMs } from './units.ts';

/** Values the semantic checks need, gathered while walking valid nodes. */
export interface Collected {
  templates: Array<{ path: KeyPath; value: string; refs: 'all' | 'env' }>;
  ports: Array<{ path: KeyPath; port: number }>;
  paths: Array<{ path: KeyPath; value: string; expect: 'file' | 'dir' }>;
}

export function emptyCollected(): Collected {
  return { templates: [], ports: [], paths: [] };
}

/** Checks `value` against `node`, pushing one most-specific problem per path. */
export function validateNode(node: SchemaNode, value: unknown, path: KeyPath, out: Problem[], seen: Collected): void {
  const mismatch = (extra = ''): void => {
    const got = value === null || value === undefined ? ', but it is empty' : `, got ${describeValue(value)}`;
    out.push({ path, message: `${subject(path)} must be ${label(node)}${got}${extra}`, ...hintFor(node, path) });
  };
  const fail = (message: string): void => void out.push({ path, message: `${subject(path)} ${message}`, ...hintFor(node, path) });

  switch (node.kind) {
    case 'string':
      if (typeof value !== 'string') return mismatch();
      if (node.minLength && value.length < node.minLength) return fail('must not be empty');
      if (node.pattern && !node.pattern.test(value)) return fail(`${node.patternMessage ?? `must match ${node.pattern}`}, got ${JSON.stringify(value)}`);
      if (node.refs) seen.templates.push({ path, value, refs: node.refs });
      if (node.path) seen.paths.push({ path, value, expect: node.path });
      return;
    case 'scalar':
      if (!['string', 'number', 'boolean'].includes(typeof value)) return mismatch();
      if (node.refs) seen.templates.push({ path, value: String(value), refs: node.refs });
      return;
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value) || (node.integer && !Number.isInteger(value))) return mismatch();
      const tooLow = (node.min !== undefined && value < node.min) || (node.exclusiveMin !== undefined && value <= node.exclusiveMin);
      if (node.port && (tooLow || value > 65535)) return mismatch();
      if (node.min !== undefined && value < node.min) return fail(`must be at least ${node.min}, got ${value}`);
      if (node.exclusiveMin !== undefined && value <= node.exclusiveMin) return fail(`must be more than ${node.exclusiveMin}, got ${value}`);
      if (node.max !== undefined && value > node.max) return fail(`must be at most ${node.max}, got ${value}`);
      if (node.port) seen.ports.push({ path, port: value });
      return;
    }
    case 'boolean':
      if (typeof value !== 'boolean') mismatch();
      return;
    case 'const':
      if (value !== node.value) mismatch();
      return;
    case 'enum': {
      if (typeof value === 'string' && node.values.includes(value)) return;
      const guess = typeof value === 'string' ? didYouMean(value, node.values) : undefined;
      return mismatch(guess ? `; did you mean ${guess}?` : '');
    }
    case 'duration': {
      const ms = tryParseDurationMs(value);
      if (ms === null) return mismatch();
      if (node.positive && ms <= 0) fail(`must be longer than 0ms, got ${describeValue(value)}`);
      return;
    }
    case 'bytes':
      if (tryParseBytes(value) === null) mismatch();
      return;
    case 'mapping':
      return validateMapping(node, value === null && node.nullable ? {} : value, path, out, seen, mismatch);
    case 'record':
      return validateRecord(node, value, path, out, seen, mismatch);
    case 'list':
      return validateList(node, value, path, out, seen, mismatch);
    case 'union': {
      const shape = shapeOfValue(value);
      const options = node.options.filter((o) => shapeOfNode(o) === shape);
      // The branch's own errors are the most specific; the union's hint still applies to them.
      if (options.length === 1) return validateNode({ ...options[0]!, hint: options[0]!.hint ?? node.hint } as SchemaNode, value, path, out, seen);
      // Several scalar branches (false | empty): accept the first that fits.
      for (const option of options) {
        const trial: Problem[] = [];
        const trialSeen = emptyCollected();
        validateNode(option, value, path, trial, trialSeen);
        if (trial.length === 0) return mergeCollected(seen, trialSeen);
      }
      return mismatch();
    }
  }
}

function isPlainMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function validateMapping(node: NodeOf<'mapping'>, value: unknown, path: KeyPath, out: Problem[], seen: Collected, mismatch: () => void): void {
  if (!isPlainMapping(value)) return mismatch();
  const known = Object.keys(node.fields);
  // A misspelt required key gets one message (the did-you-mean), not a second "is required".
  const suggested = new Set<string>();
  for (const [key, child] of Object.entries(value)) {
    const field = node.fields[key];
    if (field) {
      validateNode(field, child, [...path, key], out, seen);
      continue;
    }
    const guess = didYouMean(key, known);
    if (guess) suggested.add(guess);
    out.push({
      path: [...path, key],
      at: 'key',
      message: `${subject([...path, key])} is not a known key${guess ? `; did you mean ${guess}?` : ''}`,
      hint: `known keys${path.length ? ` in ${subject(path)}` : ' at the top level'}: ${known.join(', ')}`,
    });
  }
  for (const key of node.required ?? []) {
    if (key in value || suggested.has(key)) continue;
    const field = node.fields[key];
    const example = field ? exampleOf(field) : undefined;
    out.push({
      path: [...path, key],
      at: 'parent',
      message: `${subject([...path, key])} is required`,
      ...(example !== undefined ? { hint: `add ${key}: ${inlineYaml(example)}` } : {}),
    });
  }
}

function validateRecord(node: NodeOf<'record'>, value: unknown, path: KeyPath, out: Problem[], seen: Collected, mismatch: () => void): void {
  if (!isPlainMapping(value)) return mismatch();
  const entries = Object.entries(value);
  if (entries.length < (node.minEntries ?? 0)) {
    out.push({ path, message: `${subject(path)} must name at least one ${node.keyNoun}`, ...hintFor(node, path) });
  }
  for (const [key, child] of entries) {
    if (!node.keyPattern.test(key)) {
      out.push({ path: [...path, key], at: 'key', message: `${JSON.stringify(key)} is not a valid ${node.keyNoun} name`, hint: node.keyRule });
      continue;
    }
    validateNode(node.values, child, [...path, key], out, seen);
  }
}

function validateList(node: NodeOf<'list'>, value: unknown, path: KeyPath, out: Problem[], seen: Collected, mismatch: () => void): void {
  if (!Array.isArray(value)) return mismatch();
  if (value.length < (node.minItems ?? 0)) {
    out.push({ path, message: `${subject(path)} must not be empty`, ...hintFor(node, path) });
  }
  const firstIndex = new Map<string, number>();
  value.forEach((item, index) => {
    validateNode(node.items, item, [...path, index], out, seen);
    if (!node.unique || typeof item !== 'string') return;
    const first = firstIndex.get(item);
    if (first === undefined) firstIndex.set(item, index);
    else out.push({ path: [...path, index], message: `${subject(path)} lists ${JSON.stringify(item)} twice`, hint: 'list each name once' });
  });
}

function hintFor(node: SchemaNode, path: KeyPath): { hint?: string } {
  if (node.hint) return { hint: node.hint };
  const example = exampleOf(node);
  const key = lastKey(path);
  if (example === undefined || key === undefined) return {};
  // A list item's example stands alone; a key's example reads as `key: value`.
  if (typeof path[path.length - 1] === 'number') return { hint: `for example: ${inlineYaml(example)}` };
  return { hint: `for example: ${key}: ${inlineYaml(example)}` };
}

function mergeCollected(into: Collected, from: Collected): void {
  into.templates.push(...from.templates);
  into.ports.push(...from.ports);
  into.paths.push(...from.paths);
}
