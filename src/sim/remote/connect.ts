import fs from 'node:fs';
import { AgentupError } from '../../errors.ts';
import { defaultRuntimeDir, findRunning } from '../control/token-file.ts';
import { splitControlUrl, type ControlInfo } from '../control/wire.ts';
import { ControlClient } from './control-client.ts';
import { RemoteSimulation } from './remote-simulation.ts';

export interface ConnectOptions {
  /** The token, when the URL has none (default: from the URL, else the run's token file). */
  token?: string;
  /** Where running simulations leave their token and discovery files; default $XDG_RUNTIME_DIR or ~/.agentup. */
  runtimeDir?: string;
  /** How many log lines to mirror for `logs()`. Default 5000. */
  logBufferLines?: number;
  /** How long to wait for the history replay. Default 10000. */
  syncTimeoutMs?: number;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost']);

/**
 * Attaches to a simulation that `agentup up` / `agentup sim` (or code with
 * `control: true`) is running, by the control URL it printed; with no URL,
 * to the one running simulation found in the runtime dir. Starts nothing;
 * `stop()` on the result only detaches.
 */
export async function connectSimulation(url?: string, options: ConnectOptions = {}): Promise<RemoteSimulation> {
  const dir = options.runtimeDir ?? defaultRuntimeDir();
  const { base, token } = url === undefined ? discover(dir) : fromUrl(url, dir, options.token);
  const client = new ControlClient(base, token);
  const info = await client.json<ControlInfo>('GET', '/info');
  const sim = new RemoteSimulation(client, info, options.logBufferLines ?? 5000);
  try {
    await sim.follow(options.syncTimeoutMs ?? 10_000);
  } catch (err) {
    await sim.stop();
    throw err;
  }
  return sim;
}

function fromUrl(url: string, dir: string, explicitToken: string | undefined): { base: string; token: string } {
  let parts: ReturnType<typeof splitControlUrl>;
  try {
    parts = splitControlUrl(url);
  } catch {
    throw new AgentupError(`control URL ${JSON.stringify(url)} is not a URL`, { hint: 'pass the URL agentup printed, like http://127.0.0.1:PORT/?token=...' });
  }
  const host = new URL(parts.base).hostname;
  if (!LOOPBACK.has(host) || !parts.base.startsWith('http:')) {
    throw new AgentupError(`control URL ${JSON.stringify(parts.base)} is not on this machine`, { hint: 'agentup only attaches to simulations on 127.0.0.1' });
  }
  const token = explicitToken ?? parts.token;
  if (token) return { base: parts.base, token };
  // A URL without its token: the run's own token file has it (same user only).
  const match = findRunning(dir).find((d) => d.url === parts.base.replace('//localhost:', '//127.0.0.1:'));
  if (!match) throw new AgentupError(`control URL ${JSON.stringify(url)} has no token, and no token file in ${dir} matches it`, { hint: 'pass the whole URL agentup printed, including ?token=' });
  return { base: parts.base, token: readToken(match.tokenFile) };
}

function discover(dir: string): { base: string; token: string } {
  const running = findRunning(dir);
  if (running.length === 0) {
    throw new AgentupError(`no running agentup simulation found in ${dir}`, { hint: 'start one with `agentup up`, or pass the control URL it printed' });
  }
  if (running.length > 1) {
    throw new AgentupError(`${running.length} agentup simulations are running (${running.map((d) => `${d.name} pid ${d.pid} at ${d.url}`).join('; ')})`, { hint: 'pass the control URL of the one you mean' });
  }
  return { base: running[0]!.url, token: readToken(running[0]!.tokenFile) };
}

function readToken(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch (err) {
    throw new AgentupError(`cannot read the control token file ${file}: ${(err as Error).message}`, { hint: 'pass the control URL agentup printed instead', cause: err });
  }
}
