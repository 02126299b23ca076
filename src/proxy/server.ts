import http from 'node:http';
import type { Socket } from 'node:net';
import { AgentupError } from '../errors.ts';
import { createApiHandler } from './api.ts';
import { FaultEngine } from './engine.ts';

export interface FaultProxyOptions {
  /** API address; default 127.0.0.1. */
  host?: string;
  /** API port; default 8474 (Toxiproxy's). 0 picks a free port. */
  port?: number;
  /** Makes jitter, toxicity rolls and slicer sizes repeat. Default: a random seed (see engine.seed). */
  seed?: number;
  /** Serves Prometheus /metrics. Default false, like toxiproxy-server without -proxy-metrics. */
  metrics?: boolean;
}

export interface FaultProxyServer extends AsyncDisposable {
  /** http://host:port of the API. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** In-process access to proxies and toxics (the same state the API serves). */
  readonly engine: FaultEngine;
  /** Closes the API, every proxy listener and every proxied connection. */
  close(): Promise<void>;
}

/** Starts a Toxiproxy 2.12.0-compatible server. */
export async function startFaultProxy(options: FaultProxyOptions = {}): Promise<FaultProxyServer> {
  const host = options.host ?? '127.0.0.1';
  const requestedPort = options.port ?? 8474;
  const engine = new FaultEngine({ seed: options.seed });
  const server = http.createServer({ keepAliveTimeout: 60_000 }, createApiHandler(engine, { metrics: options.metrics ?? false }));
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') {
        reject(
          new AgentupError(`port ${requestedPort} on ${host} is in use, so the fault proxy API cannot listen there`, {
            hint: `pass --port with a free port (or 0 for any), or stop what listens on ${host}:${requestedPort} (another toxiproxy?)`,
            cause: err,
          }),
        );
      } else {
        reject(new AgentupError(`the fault proxy API cannot listen on ${host}:${requestedPort}: ${err.message}`, { cause: err }));
      }
    });
    server.listen(requestedPort, host, () => resolve());
  });
  const { port } = server.address() as { port: number };
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      for (const socket of sockets) socket.destroy();
      await Promise.all([stopped, engine.close()]);
    })();
    return closing;
  };
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    host,
    port,
    engine,
    close,
    [Symbol.asyncDispose]: close,
  };
}
