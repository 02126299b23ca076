import { EventEmitter } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AgentupError } from '../../errors.ts';
import type { Simulation } from '../simulation.ts';
import { HANDLED, type ControlContext, type LoadBusEvents } from './context.ts';
import { publishProgress } from './handlers-load.ts';
import { ControlError, sendError, sendJson } from './http-util.ts';
import { matchRoute } from './routes.ts';
import { checkRequest, newToken } from './security.ts';
import { defaultRuntimeDir, removeControlFiles, writeControlFiles } from './token-file.ts';

export interface ControlServerOptions {
  /** Port on 127.0.0.1; default a free one. */
  port?: number;
  /** Where the token and discovery files go; default $XDG_RUNTIME_DIR, else ~/.agentup. */
  runtimeDir?: string;
}

export interface ControlServer {
  /** `http://127.0.0.1:PORT/?token=...`: everything a client needs. */
  readonly url: string;
  readonly port: number;
  readonly token: string;
  /** Holds the token, readable by the user only; removed by close(). */
  readonly tokenFile: string;
  /** Ends every stream and stops listening; safe to call more than once. */
  close(): Promise<void>;
}

/** Idle streams get a comment this often, well inside undici's 300 s body timeout. */
const PING_INTERVAL_MS = 15_000;

/**
 * Starts the control API of a running simulation on 127.0.0.1: what
 * `connectSimulation(url)` drives from another process.
 */
export async function startControlServer(sim: Simulation, options: ControlServerOptions = {}): Promise<ControlServer> {
  if (options.port !== undefined && !(Number.isInteger(options.port) && options.port >= 0 && options.port <= 65535)) {
    throw new AgentupError(`control API port ${JSON.stringify(options.port)} must be a whole number from 0 to 65535`, { hint: 'e.g. --control-port 8475, or leave it out for a free one' });
  }
  const token = newToken();
  const ctx: ControlContext = { sim, faults: new Map(), loads: new Map(), bus: new EventEmitter<LoadBusEvents>(), streams: new Set(), port: 0, startedAt: Date.now() };
  const server = http.createServer((req, res) => void handle(ctx, token, req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE'
        ? new AgentupError(`control API port ${options.port} on 127.0.0.1 is in use`, { hint: 'pick another control port, or leave it out for a free one', cause: err })
        : err));
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  (ctx as { port: number }).port = port;
  const base = `http://127.0.0.1:${port}`;
  let files: ReturnType<typeof writeControlFiles>;
  try {
    files = writeControlFiles(options.runtimeDir ?? defaultRuntimeDir(), { pid: process.pid, name: sim.name, url: base, startedAt: ctx.startedAt }, token, port);
  } catch (err) {
    server.close();
    throw new AgentupError(`cannot write the control API token file: ${(err as Error).message}`, { hint: 'set XDG_RUNTIME_DIR to a directory only you can write', cause: err });
  }
  const onLoad = () => publishProgress(ctx);
  sim.on('load', onLoad);
  const ping = setInterval(() => ctx.streams.forEach((s) => s.ping()), PING_INTERVAL_MS);
  ping.unref();
  let closing: Promise<void> | null = null;
  return {
    url: `${base}/?token=${token}`,
    port,
    token,
    tokenFile: files.tokenFile,
    close: () => (closing ??= (async () => {
      clearInterval(ping);
      sim.off('load', onLoad);
      removeControlFiles(files);
      for (const s of ctx.streams) s.end();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    })()),
  };
}

async function handle(ctx: ControlContext, token: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  try {
    const refusal = checkRequest(req, ctx.port, token);
    if (refusal) {
      if (refusal.status === 401) res.setHeader('www-authenticate', 'Bearer');
      return sendJson(res, refusal.status, refusal);
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let match: ReturnType<typeof matchRoute>;
    try {
      match = matchRoute(req.method ?? 'GET', url.pathname);
    } catch {
      throw new ControlError(400, `path ${JSON.stringify(url.pathname)} is not valid percent-encoding`);
    }
    if ('status' in match) {
      if (match.status === 405) res.setHeader('allow', match.allowed.join(', '));
      throw new ControlError(match.status, match.status === 404 ? 'route not found' : `method ${req.method} not allowed`, match.status === 404 ? 'GET / lists what this simulation has; see src/sim/control/routes.ts for every route' : `use ${match.allowed.join(' or ')}`);
    }
    const body = await match.handler({ ctx, req, res, params: match.params, query: url.searchParams });
    if (body !== HANDLED) sendJson(res, 200, body);
  } catch (err) {
    sendError(res, err);
  }
}
