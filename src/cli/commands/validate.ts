import { ConfigError } from '../../config/diagnostics.ts';
import { summariseEnvironment, summaryFacts } from '../../config/summary.ts';
import type { Environment } from '../../config/types.ts';
import { AgentupError } from '../../errors.ts';
import type { Command } from '../main.ts';

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
    ...summaryFacts(env),
  };
}

export const validateCommand: Command = {
  name: 'validate',
  summary: 'check an environment file and report every problem; starts nothing',
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
      // Loaded here so --help does not pay for the mock API loader.
      const { checkEnvironmentFile } = await import('../../sim/check-environment.ts');
      const env = await checkEnvironmentFile(file);
      process.stdout.write(json ? `${JSON.stringify(jsonSummary(file, env))}\n` : `✔ ${file} is valid: ${summariseEnvironment(env)}\n`);
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
