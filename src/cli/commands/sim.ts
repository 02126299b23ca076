import type { Command } from '../main.ts';
import { DEFAULT_ENVIRONMENT } from '../defaults.ts';
import { RUNTIME_HELP, RUNTIME_OPTION, runtimeFlag } from './runtime-flag.ts';

export const simCommand: Command = {
  name: 'sim',
  summary: 'start an environment and open the interactive terminal UI to watch and break it',
  usage: [
    'Usage: agentup sim [environment.yaml] [--plain] [--seed N] [--fault-proxy-port N] [--runtime R]',
    '',
    `Starts every part of the environment (default ${DEFAULT_ENVIRONMENT}) and opens a full-screen`,
    'view: topology and states, live traffic charts, merged logs and an event timeline. From the',
    'keyboard: inject and remove faults (f, x, R), drive load (l, +, -, s), filter logs (/),',
    'help (?), quit (q or Ctrl-C; everything stops). Without a terminal (CI, pipes) it prints a',
    'plain event log instead.',
    '',
    '  --plain               print the plain event log even in a terminal',
    '  --seed N              seed for the fault proxy\'s randomness and the load',
    '  --fault-proxy-port N  preferred port of the fault proxy API (default 8474, a free one when taken)',
    RUNTIME_HELP,
  ].join('\n'),
  options: {
    plain: { type: 'boolean' },
    seed: { type: 'string' },
    'fault-proxy-port': { type: 'string' },
    ...RUNTIME_OPTION,
  },
  async run({ values, positionals }) {
    const file = positionals[0] ?? DEFAULT_ENVIRONMENT;
    const options = {
      // Attach mode: tests in another terminal drive this simulation with connectSimulation().
      control: true,
      seed: values.seed === undefined ? undefined : Number(values.seed),
      faultProxyPort: values['fault-proxy-port'] === undefined ? undefined : Number(values['fault-proxy-port']),
      runtime: runtimeFlag(values.runtime),
    };
    const why =
      values.plain === true ? '--plain was given'
      : !process.stdout.isTTY ? 'stdout is not a terminal'
      : !process.stdin.isTTY ? 'stdin is not a terminal (no keys to read)'
      // Ink draws nothing but the last frame when it believes it runs in CI.
      : inCi(process.env) ? 'CI is set in the environment'
      : null;
    if (why) {
      // Loaded lazily so `agentup --help` does not pay for Ink and React.
      const { runPlainLog } = await import('../tui/plain-log.ts');
      return runPlainLog(file, options, why, (line) => process.stdout.write(`${line}\n`));
    }
    // React's development build is several times slower; the replicas still get the user's env unchanged.
    const env = { ...process.env };
    process.env.NODE_ENV ??= 'production';
    const { runTui } = await import('../tui/run-tui.tsx');
    return runTui(file, { ...options, env });
  },
};

/** The same test Ink applies (is-in-ci), so the choice of view matches what Ink would draw. */
function inCi(env: NodeJS.ProcessEnv): boolean {
  const set = (key: string) => key in env && env[key] !== '0' && env[key] !== 'false';
  return set('CI') || set('CONTINUOUS_INTEGRATION');
}
