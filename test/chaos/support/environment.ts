import fs from 'node:fs';
import { parse } from 'yaml';
import { REPO_ROOT } from '../../support/agentup-cli.ts';

export const ENVIRONMENTS = `${REPO_ROOT}/environments`;
export const SUPPORT_AGENT = `${ENVIRONMENTS}/support-agent.yaml`;

// The parts of support-agent.yaml a scenario changes, typed loosely: the file is the source of truth.
type TriageService = { replicas: number; env: Record<string, unknown>; restart: Record<string, unknown>; memory_limit_mb: number };
export type SupportAgentEnvironment = { name: string; services: { triage: TriageService } } & Record<string, unknown>;

/**
 * The default environment as an inline object with `change` applied, for a
 * scenario that needs one setting the file does not take from ${env:...}.
 * Start it with `{ dir: ENVIRONMENTS }` so its relative paths still resolve.
 */
export function supportAgentWith(name: string, change: (env: SupportAgentEnvironment) => void): SupportAgentEnvironment {
  const env = parse(fs.readFileSync(SUPPORT_AGENT, 'utf8')) as SupportAgentEnvironment;
  env.name = name;
  change(env);
  return env;
}
