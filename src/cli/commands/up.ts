import { describeEvent, type SimEvent } from '../../sim/events.ts';
import type { Simulation } from '../../sim/simulation.ts';
import type { Command } from '../main.ts';
import { endpointJson, endpointTable } from '../output/endpoint-table.ts';
import { DEFAULT_ENVIRONMENT } from '../defaults.ts';
import { RUNTIME_HELP, RUNTIME_OPTION, runtimeFlag } from './runtime-flag.ts';
import { runUntilSignal } from '../run-until-signal.ts';


/** Events worth a line while running (start-up chatter is shown only before the table). */
const RUNTIME_EVENTS = new Set<SimEvent['type']>([
  'replica_crashed', 'replica_oom_killed', 'replica_restarting', 'replica_crash_loop', 'replica_unhealthy',
  'replica_healthy', 'replica_paused', 'replica_resumed', 'dependency_exited', 'backend_down', 'simulation_stopping', 'simulation_stopped',
  // Faults and load usually come from a test attached over the control API: show them as they happen.
  'fault_added', 'fault_removed', 'faults_reset', 'load_started', 'load_finished',
]);

export const upCommand: Command = {
  name: 'up',
  summary: 'start an environment and keep it running until Ctrl-C',
  usage: [
    'Usage: agentup up [environment.yaml] [--json] [--logs] [--seed N] [--fault-proxy-port N] [--control-port N] [--runtime R]',
    '',
    `Starts every part of the environment (default ${DEFAULT_ENVIRONMENT}), waits until all are`,
    'healthy, prints the endpoints and runs until Ctrl-C or SIGTERM, then stops everything.',
    '',
    '  --json                print one JSON line with the endpoints once healthy (events go to stderr)',
    '  --logs                also print every replica log line',
    '  --seed N              seed for the fault proxy\'s randomness',
    '  --fault-proxy-port N  preferred port of the fault proxy API (default 8474, a free one when taken)',
    RUNTIME_HELP,
    '  --control-port N      port of the control API on 127.0.0.1 (default a free one); attach with connectSimulation(url)',
  ].join('\n'),
  options: {
    json: { type: 'boolean' },
    logs: { type: 'boolean' },
    seed: { type: 'string' },
    'fault-proxy-port': { type: 'string' },
    ...RUNTIME_OPTION,
    'control-port': { type: 'string' },
  },
  async run({ values, positionals }) {
    const file = positionals[0] ?? DEFAULT_ENVIRONMENT;
    const json = values.json === true;
    const err = (s: string) => process.stderr.write(`${s}\n`);
    const info = json ? err : (s: string) => process.stdout.write(`${s}\n`);
    let ready = false;
    let sim: Simulation | null = null;
    // Loaded here so `agentup validate` and `--help` do not pay for the runtime.
    const { startSimulation } = await import('../../sim/simulation.ts');
    return runUntilSignal({
      start: async () => {
        sim = await startSimulation(file, {
          seed: values.seed === undefined ? undefined : Number(values.seed),
          faultProxyPort: values['fault-proxy-port'] === undefined ? undefined : Number(values['fault-proxy-port']),
          runtime: runtimeFlag(values.runtime),
          // On by default: tests in another terminal attach with connectSimulation(url).
          control: { port: values['control-port'] === undefined ? undefined : Number(values['control-port']) },
          onEvent: (e) => {
            if (!ready || RUNTIME_EVENTS.has(e.type)) (json ? err : info)(`[${new Date(e.ts).toISOString().slice(11, 23)}] ${describeEvent(e)}`);
          },
          onLog: values.logs ? (l) => info(`${l.replica} | ${l.raw}`) : undefined,
        });
        return sim;
      },
      ready: (s) => {
        ready = true;
        const startupMs = Date.now() - s.startedAt;
        if (json) process.stdout.write(`${endpointJson(s, startupMs)}\n`);
        else info(`\n${endpointTable(s, startupMs)}\n\nPress Ctrl-C to stop.`);
      },
    });
  },
};
