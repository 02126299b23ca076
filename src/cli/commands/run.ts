import path from 'node:path';
import { isAgentupError, AgentupError } from '../../errors.ts';
import type { Journal } from '../../incident/journal.ts';
import type { Progress } from '../../incident/run-incident.ts';
import type { Command } from '../main.ts';
import { RUNTIME_HELP, RUNTIME_OPTION, runtimeFlag } from './runtime-flag.ts';

const usageError = (message: string, hint: string) => new AgentupError(message, { hint, exitCode: 2 });

function parseEnv(list: string[]): Record<string, string> {
  return Object.fromEntries(
    list.map((kv) => {
      const at = kv.indexOf('=');
      if (at <= 0) throw usageError(`--env '${kv}' is not KEY=VALUE`, 'write --env TRIAGE_RESILIENCE=naive');
      return [kv.slice(0, at), kv.slice(at + 1)];
    }),
  );
}

function number(name: string, value: unknown, check: (n: number) => boolean, example: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (String(value).trim() === '' || !Number.isFinite(n) || !check(n)) throw usageError(`--${name} got '${String(value)}'`, `for example --${name} ${example}`);
  return n;
}

const pct = (f: number) => `${(f * 100).toFixed(1)}%`;
const secs = (ms: number) => `${(Math.max(0, ms) / 1000).toFixed(1)}s`;
const progressText = (p: Progress) =>
  `[${p.phases.join(',') || 'idle'}] ${secs(p.tMs)}/${secs(p.totalMs)}  ${p.rps.toFixed(0)} req/s  errors ${pct(p.errorRate)}  p99 ${Math.round(p.p99Ms)}ms`;

export function summary(journal: Journal, reportDir: string): string {
  const lines = journal.objectives.map((o) => `  ${o.passed ? 'PASS' : 'FAIL'}  ${o.id.padEnd(48)} ${o.detail}`);
  const failed = journal.objectives.filter((o) => !o.passed).length;
  const head = journal.outcome === 'passed' ? `PASSED: every objective held (${journal.objectives.length})` : journal.outcome === 'failed' ? `FAILED: ${failed} of ${journal.objectives.length} objectives did not hold` : `ERROR: ${journal.error}`;
  return [`\n${journal.incident.name} (seed ${journal.incident.seed}, time scale ${journal.incident.timeScale})`, ...lines, '', head, `report: ${path.join(reportDir, 'report.html')}`].join('\n');
}

export const runCommand: Command = {
  name: 'run',
  summary: 'replay an incident file headless and say whether every objective held',
  usage: [
    'Usage: agentup run <incident.yaml> [--seed N] [--report-dir D] [--json] [--environment F] [--time-scale X | --quick] [--env K=V] [--runtime R]',
    '',
    'Starts the incident\'s environment, runs its timeline (load, faults, checkpoints), always runs',
    'its rollbacks, stops everything and writes journal.json, junit.xml and report.html.',
    'Exit code: 0 every objective held, 1 one did not, 2 the incident could not be set up.',
    '',
    '  --seed N              replace the file\'s seed (fault proxy, mock APIs and load repeat with it)',
    '  --report-dir D        where the report goes (default agentup-reports/<incident name>)',
    '  --json                print the journal as JSON on stdout (progress goes to stderr)',
    '  --environment F       replay against another environment file',
    '  --time-scale X        multiply every timeline duration by X (0.2 = five times faster)',
    '  --quick               the same as --time-scale 0.25',
    '  --env K=V             repeatable; process env for the environment (e.g. TRIAGE_RESILIENCE=naive)',
    '  --fault-proxy-port N  preferred port of the fault proxy API',
    RUNTIME_HELP,
  ].join('\n'),
  options: {
    seed: { type: 'string' },
    'report-dir': { type: 'string' },
    json: { type: 'boolean' },
    environment: { type: 'string' },
    'time-scale': { type: 'string' },
    quick: { type: 'boolean' },
    env: { type: 'string', multiple: true },
    'fault-proxy-port': { type: 'string' },
    ...RUNTIME_OPTION,
  },
  async run({ values, positionals }) {
    const [file, ...extra] = positionals;
    if (!file || extra.length) throw usageError(file ? `run takes one incident file, got ${positionals.length}` : 'run needs an incident file', 'agentup run environments/incidents/redis-latency-spike.yaml');
    if (values.quick && values['time-scale'] !== undefined) throw usageError('pass --quick or --time-scale, not both', 'keep one of them');
    const timeScale = values.quick ? 0.25 : number('time-scale', values['time-scale'], (n) => n > 0 && n <= 10, '0.2');
    const seed = number('seed', values.seed, (n) => Number.isInteger(n) && n >= 0 && n < 2 ** 31, '42');
    // The flag wins over the environment file's runtime: and AGENTUP_RUNTIME, as on sim and up.
    const runtime = runtimeFlag(values.runtime);
    const faultProxyPort = number('fault-proxy-port', values['fault-proxy-port'], (n) => Number.isInteger(n) && n > 0 && n < 65536, '8474');
    const env = { ...process.env, ...parseEnv((values.env as string[] | undefined) ?? []) };
    const json = values.json === true;
    const out = (s: string) => (json ? process.stderr : process.stdout).write(`${s}\n`);
    const tty = !json && process.stdout.isTTY === true;
    // Loaded here so `agentup --help` does not pay for the loader or the runtime.
    const { loadIncidentFile } = await import('../../incident/load-incident.ts');
    const { runIncident } = await import('../../incident/run-incident.ts');
    const { writeReport } = await import('../../incident/write-report.ts');
    let incident;
    try {
      ({ incident } = await loadIncidentFile(file, { environment: values.environment as string | undefined, timeScale, seed, env }));
    } catch (err) {
      if (isAgentupError(err)) throw new AgentupError(err.message, { hint: err.hint, exitCode: 2, cause: err });
      throw err;
    }
    const reportDir = path.resolve((values['report-dir'] as string | undefined) ?? path.join('agentup-reports', incident.name));
    out(`replaying ${incident.name} against ${path.relative(process.cwd(), incident.environment)} (seed ${incident.seed}, ${secs(incident.totalMs)} timeline)`);
    const abort = new AbortController();
    const onSignal = () => abort.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    let lastPlain = -Infinity;
    let journal: Journal;
    try {
      journal = await runIncident(incident, {
        env, faultProxyPort, signal: abort.signal, runtime,
        onLine: (t, text) => {
          if (tty) process.stdout.write('\r\x1b[2K');
          out(`[${secs(t).padStart(6)}] ${text}`);
        },
        onProgress: (p) => {
          if (tty) process.stdout.write(`\r\x1b[2K${progressText(p)}`);
          else if (p.tMs - lastPlain >= 5000) {
            lastPlain = p.tMs;
            out(progressText(p));
          }
        },
      });
    } catch (err) {
      // The environment did not start: a setup error.
      if (isAgentupError(err)) throw new AgentupError(err.message, { hint: err.hint, exitCode: 2, cause: err });
      throw err;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    if (tty) process.stdout.write('\r\x1b[2K');
    await writeReport(reportDir, journal);
    if (json) process.stdout.write(`${JSON.stringify(journal)}\n`);
    out(summary(journal, reportDir));
    return journal.outcome === 'passed' ? 0 : journal.outcome === 'failed' ? 1 : 2;
  },
};
