import { readFile } from 'node:fs/promises';
import { AgentupError } from '../../errors.ts';
import { populateSchema } from '../../proxy/api-schemas.ts';
import { GoDecoder } from '../../proxy/go-json-decode.ts';
import { scanFirstValue } from '../../proxy/go-json-scan.ts';
import { startFaultProxy, TOXIPROXY_VERSION, ToxiproxyApiError, type ProxyInput } from '../../proxy/index.ts';
import type { Command } from '../main.ts';

function integerOption(name: string, value: unknown, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value);
  const number = Number(text);
  if (!/^-?\d+$/.test(text) || number < min || number > max) {
    throw new AgentupError(`--${name} must be a whole number from ${min} to ${max}, got '${text}'`, { exitCode: 2 });
  }
  return number;
}

/** Reads a populate file (the body of POST /populate: a JSON array of proxies). */
async function readConfig(file: string): Promise<ProxyInput[]> {
  let text: Buffer;
  try {
    text = await readFile(file);
  } catch (err) {
    throw new AgentupError(`cannot read --config file ${file}: ${(err as Error).message}`, {
      hint: 'pass a JSON file like [{"name":"redis","listen":"127.0.0.1:26379","upstream":"127.0.0.1:6379"}]',
    });
  }
  const scanned = scanFirstValue(text);
  const decoder = new GoDecoder();
  const value = scanned.ok ? decoder.decode(scanned.raw, populateSchema, undefined) : undefined;
  const problem = scanned.ok ? decoder.error : scanned.error;
  if (problem) {
    throw new AgentupError(`--config file ${file} is not a list of proxies: ${problem}`, {
      hint: 'it must be a JSON array like [{"name":"redis","listen":"127.0.0.1:26379","upstream":"127.0.0.1:6379"}]',
    });
  }
  return ((value as ProxyInput[] | undefined) ?? []).map((p) => p ?? ({} as ProxyInput));
}

export const toxiproxyCommand: Command = {
  name: 'toxiproxy',
  summary: `run a standalone Toxiproxy ${TOXIPROXY_VERSION}-compatible fault proxy server`,
  usage: [
    'Usage: agentup toxiproxy [--host 127.0.0.1] [--port 8474] [--config proxies.json] [--seed N] [--metrics]',
    '',
    `A drop-in toxiproxy-server: the Toxiproxy ${TOXIPROXY_VERSION} HTTP API and every toxic, so`,
    'existing Toxiproxy clients and toxiproxy-cli work unchanged. Runs until Ctrl-C (SIGINT)',
    'or SIGTERM, then closes every listener and connection.',
    '',
    'Options:',
    '  --host HOST     API address (default 127.0.0.1)',
    '  --port PORT     API port (default 8474; 0 picks a free one)',
    '  --config FILE   proxies to create at start: a JSON array, the body of POST /populate',
    '  --seed N        repeat jitter, toxicity rolls and slicer sizes exactly (unlike',
    "                  toxiproxy-server's -seed, which has no effect)",
    '  --metrics       serve Prometheus counters on /metrics (toxiproxy-server -proxy-metrics)',
  ].join('\n'),
  options: {
    host: { type: 'string' },
    port: { type: 'string' },
    config: { type: 'string' },
    seed: { type: 'string' },
    metrics: { type: 'boolean' },
    'proxy-metrics': { type: 'boolean' },
  },
  async run({ values, positionals }) {
    if (positionals.length > 0) {
      throw new AgentupError(`toxiproxy takes no positional arguments, got '${positionals.join(' ')}'`, {
        hint: 'use --config proxies.json for a populate file',
        exitCode: 2,
      });
    }
    const port = integerOption('port', values.port, 0, 65535) ?? 8474;
    const seed = integerOption('seed', values.seed, -(2 ** 53 - 1), 2 ** 53 - 1);
    const config = typeof values.config === 'string' ? await readConfig(values.config) : undefined;
    const server = await startFaultProxy({
      host: typeof values.host === 'string' ? values.host : '127.0.0.1',
      port,
      seed,
      metrics: values.metrics === true || values['proxy-metrics'] === true,
    });
    try {
      process.stdout.write(`agentup toxiproxy: Toxiproxy ${TOXIPROXY_VERSION} API on ${server.url} (seed ${server.engine.seed})\n`);
      if (config) {
        try {
          const proxies = await server.engine.populate(config);
          for (const proxy of proxies) process.stdout.write(`  proxy ${proxy.name}: ${proxy.listen} -> ${proxy.upstream}\n`);
        } catch (err) {
          if (!(err instanceof ToxiproxyApiError)) throw err;
          throw new AgentupError(`--config ${values.config}: ${err.message}`, { hint: err.hint ?? 'fix the file and start again' });
        }
      }
      const signal = await new Promise<string>((resolve) => {
        const stop = (name: string) => () => {
          process.off('SIGINT', onInt);
          process.off('SIGTERM', onTerm);
          resolve(name);
        };
        const onInt = stop('SIGINT');
        const onTerm = stop('SIGTERM');
        process.on('SIGINT', onInt);
        process.on('SIGTERM', onTerm);
      });
      process.stdout.write(`agentup toxiproxy: ${signal}, closing every listener and connection\n`);
      return 0;
    } finally {
      await server.close();
    }
  },
};
