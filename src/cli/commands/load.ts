import { readFile } from 'node:fs/promises';
import { tryParseDurationMs } from '../../config/units.ts';
import { AgentupError } from '../../errors.ts';
import { SECOND_HEADER, secondRow, summaryTable } from '../../sim/load/summary-table.ts';
import type { LoadResult, LoadStage, RunLoadOptions } from '../../sim/load/types.ts';
import type { Command } from '../main.ts';

const usageError = (message: string, hint: string) => new AgentupError(message, { hint, exitCode: 2 });

function numberOption(name: string, value: unknown, whole: boolean): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (String(value).trim() === '' || !Number.isFinite(n) || (whole && !Number.isInteger(n))) {
    throw usageError(`--${name} must be a ${whole ? 'whole ' : ''}number, got '${String(value)}'`, `for example --${name} 100`);
  }
  return n;
}

/** `--stage 50:10s` holds 50/s for 10 s; `--stage ramp:500:20s` ramps to 500/s over 20 s. */
export function parseStage(text: string): LoadStage {
  const match = /^(ramp:)?(\d+(?:\.\d+)?):(.+)$/.exec(text.trim());
  if (!match) throw usageError(`--stage '${text}' is not RATE:DURATION or ramp:RATE:DURATION`, 'write --stage 50:10s --stage ramp:500:20s');
  return match[1] ? { rampTo: Number(match[2]), for: match[3]! } : { rate: Number(match[2]), for: match[3]! };
}

function parseHeaders(list: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const h of list) {
    const at = h.indexOf(':');
    if (at <= 0) throw usageError(`--header '${h}' is not NAME:VALUE`, 'write --header "authorization: Bearer x"');
    headers[h.slice(0, at).trim()] = h.slice(at + 1).trim();
  }
  return headers;
}

async function loadOptions(values: Record<string, unknown>): Promise<Omit<RunLoadOptions, 'url'>> {
  const stages = (values.stage as string[] | undefined)?.map(parseStage);
  if (!stages && (values.rate === undefined || values.duration === undefined)) {
    throw usageError('load needs --rate and --duration (or --stage)', 'agentup load http://127.0.0.1:8080 --rate 100 --duration 10s');
  }
  if (values.body !== undefined && values['body-file'] !== undefined) throw usageError('pass --body or --body-file, not both', 'keep one of them');
  let body: string | undefined = values.body as string | undefined;
  if (typeof values['body-file'] === 'string') {
    try {
      body = await readFile(values['body-file'], 'utf8');
    } catch (err) {
      throw new AgentupError(`cannot read --body-file ${values['body-file']}: ${(err as Error).message}`, { hint: 'check the path' });
    }
  }
  const headers = parseHeaders((values.header as string[] | undefined) ?? []);
  // A JSON-looking body gets a JSON content type unless one was given.
  if (body !== undefined && /^\s*[{[]/.test(body) && !Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
  const arrival = values.arrival as string | undefined;
  return {
    path: values.path as string | undefined,
    method: values.method as string | undefined,
    headers,
    body,
    rate: numberOption('rate', values.rate, false),
    duration: values.duration as string | undefined,
    stages,
    arrival: arrival as RunLoadOptions['arrival'],
    maxInFlight: numberOption('max-in-flight', values['max-in-flight'], true),
    timeoutMs: values.timeout === undefined ? undefined : parseTimeout(String(values.timeout)),
    expectStatus: typeof values['expect-status'] === 'string' ? values['expect-status'].split(',').map((s) => numberOption('expect-status', s, true)!) : undefined,
    seed: numberOption('seed', values.seed, true),
  };
}

function parseTimeout(text: string): number {
  const ms = tryParseDurationMs(text);
  if (ms === null || ms < 1) throw usageError(`--timeout must be a duration like 2s or 500ms, got '${text}'`, 'for example --timeout 5s');
  return Math.round(ms);
}

export const loadCommand: Command = {
  name: 'load',
  summary: 'Send an open-model HTTP load (constant arrival rate) to an environment or a local URL',
  usage: [
    'Usage: agentup load <environment.yaml | http://127.0.0.1:PORT> --rate N --duration 10s [options]',
    '',
    'Sends requests at a fixed arrival rate whatever the service does (an open model), and',
    'measures latency from when each request was due, so a stall shows up in p99 instead of',
    'quietly slowing the load. With an environment file it starts the simulation, loads its',
    'load balancer and stops it. Only 127.0.0.1, localhost and [::1] are accepted.',
    '',
    'Options:',
    '  --rate N              requests per second (up to 100000)',
    "  --duration D          how long: 500ms, 10s, 1m (up to 1h)",
    '  --stage RATE:D        instead of --rate/--duration, repeatable; ramp:RATE:D ramps linearly',
    '  --path P              request path (default /)',
    '  --method M            default GET, or POST with a body',
    '  --body TEXT           request body (JSON bodies get content-type application/json)',
    '  --body-file F         request body from a file',
    '  --header K:V          repeatable',
    '  --max-in-flight N     concurrency cap; arrivals over it are dropped, not delayed (default 1000)',
    '  --timeout D           per request (default 10s)',
    '  --expect-status L     statuses that count as ok, comma-separated (default 200-399)',
    "  --arrival A           'constant' (default) or 'poisson' (seeded exponential gaps)",
    '  --seed N              repeat the random choices of a run',
    '  --json                print one JSON document with the whole result',
  ].join('\n'),
  options: {
    rate: { type: 'string' },
    duration: { type: 'string' },
    stage: { type: 'string', multiple: true },
    path: { type: 'string' },
    method: { type: 'string' },
    body: { type: 'string' },
    'body-file': { type: 'string' },
    header: { type: 'string', multiple: true },
    'max-in-flight': { type: 'string' },
    timeout: { type: 'string' },
    'expect-status': { type: 'string' },
    arrival: { type: 'string' },
    seed: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run({ values, positionals }) {
    const [target, ...extra] = positionals;
    if (!target || extra.length) {
      throw usageError(target ? `load takes one target, got ${positionals.length}` : 'load needs an environment file or a URL', 'agentup load http://127.0.0.1:8080 --rate 100 --duration 10s');
    }
    const options = await loadOptions(values);
    const json = values.json === true;
    const isUrl = /^https?:\/\//i.test(target);
    // Loaded lazily so `--help` does not pay for the engine or the runtime.
    const { startLoad, checkLoopbackUrl } = await import('../../sim/load/index.ts');
    if (isUrl) checkLoopbackUrl(target);
    const { startSimulation } = isUrl ? { startSimulation: null } : await import('../../sim/simulation.ts');
    const sim = startSimulation ? await startSimulation(target, { seed: options.seed }) : null;
    try {
      const url = isUrl ? target : sim!.endpoints().loadBalancer;
      if (!url) throw new AgentupError(`${target} has no load balancer to send load to`, { hint: 'add a load_balancer section, or pass a replica URL from `agentup up`' });
      if (!json) process.stdout.write(`${SECOND_HEADER}\n`);
      const handle = startLoad({ ...options, url, onTick: json ? undefined : (s) => process.stdout.write(`${secondRow(s)}\n`) });
      const onSignal = () => handle.stop();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      let result: LoadResult;
      try {
        result = await handle.done;
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
      const { histogram: _histogram, ...doc } = result;
      process.stdout.write(json ? `${JSON.stringify(doc)}\n` : `\n${summaryTable(result)}\n`);
      return 0;
    } finally {
      await sim?.stop('load finished');
    }
  },
};
