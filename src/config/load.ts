import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { AgentupError } from '../errors.ts';
import { ConfigError, pathToString, YamlSource, type Diagnostic, type KeyPath } from './diagnostics.ts';
import { normalise } from './normalise.ts';
import { parseProblems } from './parse-stage.ts';
import type { Problem } from './problems.ts';
import { ENVIRONMENT_SCHEMA } from './schema.ts';
import { runSemanticRules } from './semantic-rules.ts';
import { displayPath, type LoadContext } from './semantic-context.ts';
import type { Environment, SourcePosition } from './types.ts';
import { emptyCollected, validateNode } from './validate-schema.ts';

export const INLINE_FILE = '<inline>';

/** Where problems and positions point: a YAML file, or nowhere for inline objects. */
interface Locator {
  file: string;
  lines: readonly string[];
  locate(path: KeyPath, which: 'key' | 'value'): { line: number; col: number };
}

function toDiagnostic(locator: Locator, problem: Problem): Diagnostic {
  const { path: keyPath, at = 'value' } = problem;
  const pos =
    problem.pos ?? (at === 'parent' ? locator.locate(keyPath.slice(0, -1), 'key') : locator.locate(keyPath, at));
  return { file: locator.file, ...pos, path: pathToString(keyPath), message: problem.message, ...(problem.hint ? { hint: problem.hint } : {}) };
}

/** One message per path (the first, most specific one), in file order. */
function finish(locator: Locator, problems: Problem[]): never {
  const byPath = new Map<string, Diagnostic>();
  for (const problem of problems) {
    const d = toDiagnostic(locator, problem);
    // Parse-stage problems at the root may be several (two syntax errors).
    const key = d.path === '' ? `${d.path}@${d.line}:${d.col}` : d.path;
    if (!byPath.has(key)) byPath.set(key, d);
  }
  const diagnostics = [...byPath.values()].sort((a, b) => a.line - b.line || a.col - b.col);
  throw new ConfigError(diagnostics, locator.lines);
}

function allPositions(locator: Locator, value: unknown, keyPath: KeyPath, out: Map<string, SourcePosition>): void {
  if (keyPath.length) out.set(pathToString(keyPath), { file: locator.file, ...locator.locate(keyPath, 'value') });
  if (Array.isArray(value)) value.forEach((item, i) => allPositions(locator, item, [...keyPath, i], out));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) allPositions(locator, v, [...keyPath, k], out);
  }
}

function check(raw: unknown, locator: Locator, dir: string, env: NodeJS.ProcessEnv, absFile: string, fallbackName: string, earlier: Problem[]): Environment {
  const problems = [...earlier];
  const collected = emptyCollected();
  validateNode(ENVIRONMENT_SCHEMA, raw, [], problems, collected);
  const doc = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : undefined;
  if (!doc) finish(locator, problems);
  const ctx: LoadContext = {
    raw: doc,
    collected,
    dir,
    env,
    where: (p) => {
      const { line, col } = locator.locate(p, 'value');
      return `${locator.file}:${line}:${col}`;
    },
    envFiles: new Map(),
  };
  problems.push(...runSemanticRules(ctx));
  if (problems.length) finish(locator, problems);
  const positions = new Map<string, SourcePosition>();
  allPositions(locator, doc, [], positions);
  return { ...normalise(ctx, absFile, fallbackName), positions };
}

/** Loads YAML text as if read from `file` (shown in errors as given). */
export function loadEnvironmentFromText(file: string, text: string, options: { env?: NodeJS.ProcessEnv } = {}): Environment {
  const source = new YamlSource(file, text);
  const locator: Locator = { file, lines: source.lines, locate: (p, which) => source.locate(p, which) };
  const { problems, fatal } = parseProblems(source);
  if (fatal) finish(locator, problems);
  const absFile = path.resolve(file);
  const fallbackName = path.basename(file, path.extname(file));
  return check(source.doc.toJS(), locator, path.dirname(absFile), options.env ?? process.env, absFile, fallbackName, problems);
}

/**
 * Reads, checks and normalises an environment file. Throws ConfigError with
 * every problem found, each at file:line:col.
 */
export async function loadEnvironmentFile(file: string, options: { env?: NodeJS.ProcessEnv } = {}): Promise<Environment> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new AgentupError(
      code === 'ENOENT' ? `environment file ${file} does not exist` : `environment file ${file} cannot be read (${code ?? String(err)})`,
      { hint: `paths are relative to the current directory, ${displayPath(process.cwd()) || process.cwd()}`, cause: err },
    );
  }
  return loadEnvironmentFromText(file, text, options);
}

/**
 * For environments given to the library as objects: the same checks, with
 * errors at `<inline>:1:1` and the exact key path. Relative paths resolve against `dir`.
 */
export function loadEnvironmentFromObject(obj: unknown, options: { dir?: string; env?: NodeJS.ProcessEnv } = {}): Environment {
  const locator: Locator = { file: INLINE_FILE, lines: [], locate: () => ({ line: 1, col: 1 }) };
  const dir = path.resolve(options.dir ?? process.cwd());
  return check(obj, locator, dir, options.env ?? process.env, INLINE_FILE, 'inline', []);
}
