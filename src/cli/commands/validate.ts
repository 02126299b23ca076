import { ConfigError } from '../../config/diagnostics.ts';
import { loadEnvironmentFile } from '../../config/load.ts';
import type { Environment } from '../../config/types.ts';
import { AgentupError } from '../../errors.ts';
import type { Command } from '../main.ts';

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** One line that says what would run, without any value (secret or not). */
export function summarise(env: Environment): string {
  const services = Object.values(env.services);
  const replicas = services.reduce((sum, s) => sum + s.replicas, 0);
  const parts = [`${plural(services.length, 'service')} (${plural(replicas, 'replica')})`];
  if (env.redis) parts.push('redis');
  if (env.postgres) parts.push('postgres');
  if (env.loadBalancer) parts.push(`load balancer on ${env.loadBalancer.strategy}`);
  return parts.join(', ');
}

function jsonSummary(file: string, env: Environment): object {
  return {
    valid: true,
    file,
    name: env.name,
    services: Object.fromEntries(
      Object.values(env.services).map((s) => [s.name, { replicas: s.replicas, dependsOn: s.dependsOn, env: Object.keys(s.env) }]),
    ),
    redis: env.redis !== null,
    postgres: env.postgres !== null,
    loadBalancer: env.loadBalancer && { strategy: env.loadBalancer.strategy, service: env.loadBalancer.service, port: env.loadBalancer.port },
  };
}

export const validateCommand: Command = {
  name: 'validate',
  summary: 'Check an environment file and report every problem; starts nothing',
  usage: [
    'Usage: agentup validate <file> [--json]',
    '',
    'Loads the environment file and prints a summary, or every error with its',
    'file:line:col and a hint (exit code 1). Never starts anything.',
    '',
    'Options:',
    '  --json   print {"valid":true,...} or {"valid":false,"errors":[...]} on stdout',
  ].join('\n'),
  options: { json: { type: 'boolean' } },
  async run({ values, positionals }) {
    const [file, ...extra] = positionals;
    if (!file || extra.length) {
      throw new AgentupError(file ? `validate takes one file, got ${positionals.length}` : 'validate needs an environment file', {
        hint: 'agentup validate environments/support-agent.yaml',
        exitCode: 2,
      });
    }
    const json = values.json === true;
    try {
      const env = await loadEnvironmentFile(file);
      process.stdout.write(json ? `${JSON.stringify(jsonSummary(file, env))}\n` : `✔ ${file} is valid: ${summarise(env)}\n`);
      return 0;
    } catch (err) {
      if (!json || !(err instanceof AgentupError)) {
        if (err instanceof ConfigError) {
          process.stderr.write(`${err.message}\n`);
          return 1;
        }
        throw err;
      }
      const errors =
        err instanceof ConfigError
          ? err.diagnostics.map((d) => ({ file: d.file, line: d.line, col: d.col, path: d.path, message: d.message, hint: d.hint ?? null }))
          : [{ file, line: 0, col: 0, path: '', message: err.message, hint: err.hint ?? null }];
      process.stdout.write(`${JSON.stringify({ valid: false, errors })}\n`);
      return 1;
    }
  },
};
