import fs from 'node:fs';
import path from 'node:path';
import { AgentupError } from '../../errors.ts';
import { ToxiproxyClient } from '../../proxy/client.ts';
import { startFaultProxy } from '../../proxy/server.ts';
import type { Plan } from '../../plan/types.ts';
import type { ProxyStats } from '../../proxy/types.ts';
import { findBinary } from '../../services/binaries.ts';
import { ServerProcess } from '../../services/server-process.ts';
import type { Reaper } from './reaper.ts';

/** The fault proxy a run uses, whichever engine is behind it. */
export interface RunningFaultProxy {
  url: string;
  /** What the user is shown: `agentup`, `toxiproxy-server 2.12.0`, `toxiproxy 2.12.0 at http://...`. */
  engine: string;
  client: ToxiproxyClient;
  /** Bytes and connections per proxy; only agentup's own engine counts them. */
  stats(): ProxyStats[];
  close(): Promise<void>;
}

const TOXIPROXY_INSTALL = {
  debian: 'download toxiproxy-server from https://github.com/Shopify/toxiproxy/releases',
  macos: 'brew install toxiproxy',
};

function onPath(name: string, env: NodeJS.ProcessEnv): boolean {
  return (env.PATH ?? '').split(path.delimiter).some((dir) => dir !== '' && fs.existsSync(path.join(dir, name)));
}

async function waitForApi(client: ToxiproxyClient, what: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await client.version();
    } catch (err) {
      if (Date.now() > deadline) {
        throw new AgentupError(`${what} not ready after ${timeoutMs}ms: ${(err as Error).message}`, {
          hint: 'check that it is running and listening on 127.0.0.1, or remove fault_proxy.url to use agentup\'s own engine',
        });
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

/**
 * Starts (or connects to) the fault proxy for a plan. The rest of agentup
 * only talks to it through ToxiproxyClient, so a real toxiproxy-server and
 * agentup's own engine are driven by the same code.
 */
export async function startFaultProxyEngine(plan: Plan, options: { seed?: number; env: NodeJS.ProcessEnv; reaper: Reaper }): Promise<RunningFaultProxy> {
  const { api, url, engine } = plan.faultProxy;
  if (url) {
    const client = new ToxiproxyClient(url, { timeoutMs: 5000 });
    const version = await waitForApi(client, `the Toxiproxy at ${url} (fault_proxy.url)`, 2000);
    const ours = plan.proxies.map((p) => p.name);
    return {
      url,
      engine: `toxiproxy ${version} at ${url}`,
      client,
      stats: () => [],
      // Someone else's server: take away only what this run created.
      close: async () => {
        await Promise.allSettled(ours.map((name) => client.deleteProxy(name)));
        client.close();
      },
    };
  }
  const apiUrl = `http://${api.host}:${api.port}`;
  if (engine === 'toxiproxy' || (engine === 'auto' && onPath('toxiproxy-server', options.env))) {
    const binary = findBinary('toxiproxy-server', { envVar: 'AGENTUP_TOXIPROXY_SERVER', install: TOXIPROXY_INSTALL, env: options.env });
    const args = ['-host', api.host, '-port', String(api.port), ...(options.seed === undefined ? [] : ['-seed', String(options.seed)])];
    const server = new ServerProcess('toxiproxy-server', binary, args, { cwd: process.cwd(), env: options.env });
    options.reaper.trackGroup(server.pid);
    const client = new ToxiproxyClient(apiUrl, { timeoutMs: 5000 });
    try {
      const version = await waitForApi(client, `toxiproxy-server on ${api.host}:${api.port}`, 5000);
      return { url: apiUrl, engine: `toxiproxy-server ${version}`, client, stats: () => [], close: async () => (client.close(), void (await server.stop('SIGTERM', 2000))) };
    } catch (err) {
      await server.stop('SIGKILL', 0);
      throw err;
    }
  }
  const server = await startFaultProxy({ host: api.host, port: api.port, seed: options.seed });
  const client = new ToxiproxyClient(server.url, { timeoutMs: 5000 });
  return { url: server.url, engine: 'agentup', client, stats: () => server.engine.allStats(), close: async () => (client.close(), await server.close()) };
}
