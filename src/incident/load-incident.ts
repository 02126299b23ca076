import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, pathToString, YamlSource, type Diagnostic } from '../config/diagnostics.ts';
import { loadEnvironmentFile } from '../config/load.ts';
import { parseProblems } from '../config/parse-stage.ts';
import type { Problem } from '../config/problems.ts';
import type { Environment } from '../config/types.ts';
import { emptyCollected, validateNode } from '../config/validate-schema.ts';
import { AgentupError } from '../errors.ts';
import { buildIncident } from './build-incident.ts';
import { environmentRules } from './environment-rules.ts';
import { incidentRules } from './incident-rules.ts';
import { INCIDENT_SCHEMA } from './schema.ts';
import type { Incident } from './types.ts';

export const DEFAULT_INCIDENT_ENVIRONMENT = '../support-agent.yaml';

export interface LoadIncidentOptions {
  /** Replay against this environment file instead of the one the incident names (relative to the cwd). */
  environment?: string;
  /** Multiplies every duration of the timeline (0.2 = five times faster). Default 1. */
  timeScale?: number;
  /** Replaces the file's seed. */
  seed?: number;
  /** Process env the environment file's `${env:...}` reads; default process.env. The incident's `env:` goes over it. */
  env?: NodeJS.ProcessEnv;
}

/** One message per path, in file order, rendered like environment file errors. */
function fail(source: YamlSource, problems: Problem[]): never {
  const byPath = new Map<string, Diagnostic>();
  for (const p of problems) {
    const pos = p.pos ?? (p.at === 'parent' ? source.locate(p.path.slice(0, -1), 'key') : source.locate(p.path, p.at === 'key' ? 'key' : 'value'));
    const d: Diagnostic = { file: source.file, ...pos, path: pathToString(p.path), message: p.message, ...(p.hint ? { hint: p.hint } : {}) };
    const key = d.path === '' ? `@${d.line}:${d.col}` : d.path;
    if (!byPath.has(key)) byPath.set(key, d);
  }
  throw new ConfigError([...byPath.values()].sort((a, b) => a.line - b.line || a.col - b.col), source.lines);
}

/**
 * Reads and checks an incident file and the environment it replays against.
 * Throws ConfigError with every problem at file:line:col (an unknown
 * dependency or replica included) before anything starts.
 */
export async function loadIncidentFile(file: string, options: LoadIncidentOptions = {}): Promise<{ incident: Incident; environment: Environment }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new AgentupError(code === 'ENOENT' ? `incident file ${file} does not exist` : `incident file ${file} cannot be read (${code ?? String(err)})`, {
      hint: 'the shipped incidents are in environments/incidents/',
      cause: err,
      exitCode: 2,
    });
  }
  return loadIncidentFromText(file, text, options);
}

export async function loadIncidentFromText(file: string, text: string, options: LoadIncidentOptions = {}): Promise<{ incident: Incident; environment: Environment }> {
  const source = new YamlSource(file, text);
  const parsed = parseProblems(source);
  const problems = parsed.problems.map((p) => (p.message === 'the file is empty' ? { ...p, hint: 'an incident needs at least: name: x, timeline: [{ at: 0s, load: { name: steady, rate: 10, duration: 30s } }]' } : p));
  if (parsed.fatal) fail(source, problems);
  const raw = source.doc.toJS() as unknown;
  validateNode(INCIDENT_SCHEMA, raw, [], problems, emptyCollected());
  const doc = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : undefined;
  if (!doc) fail(source, problems);
  problems.push(...incidentRules(doc));

  const fromFile = typeof doc.environment === 'string' ? doc.environment : DEFAULT_INCIDENT_ENVIRONMENT;
  const envFile = options.environment ? path.resolve(options.environment) : path.resolve(path.dirname(path.resolve(file)), fromFile);
  const incidentEnv = Object.fromEntries(Object.entries((doc.env as Record<string, unknown> | undefined) ?? {}).map(([k, v]) => [k, String(v)]));
  const processEnv = { ...(options.env ?? process.env), ...incidentEnv };
  if (!existsSync(envFile)) {
    problems.push({
      path: options.environment ? [] : ['environment'],
      message: `the environment file ${path.relative(process.cwd(), envFile) || envFile} does not exist`,
      hint: options.environment ? 'check the --environment path' : 'environment: is relative to the incident file, e.g. ../support-agent.yaml',
    });
    fail(source, problems);
  }
  // The environment's own errors point into the environment file, so they are thrown as they are.
  const environment = await loadEnvironmentFile(envFile, { env: processEnv });
  problems.push(...environmentRules(doc, environment));
  if (problems.length) fail(source, problems);
  const incident = buildIncident(doc, {
    file,
    environmentFile: envFile,
    timeScale: options.timeScale ?? 1,
    seed: options.seed,
    env: incidentEnv,
  });
  return { incident, environment };
}
