import type net from 'node:net';
import { startFaultProxy, type FaultProxyServer } from '../../../src/proxy/index.ts';
import { connect, startEchoServer, type EchoServer } from './echo-server.ts';

/** A fault proxy with one proxy `echo` in front of an echo server, plus cleanup of client sockets. */
export interface Rig {
  server: FaultProxyServer;
  echo: EchoServer;
  listenPort: number;
  connect(): Promise<net.Socket>;
  close(): Promise<void>;
}

export async function startRig(
  options: { seed?: number; onConnection?: (socket: net.Socket) => void } = {},
): Promise<Rig> {
  const echo = await startEchoServer(options.onConnection);
  const server = await startFaultProxy({ port: 0, seed: options.seed });
  const info = await server.engine.createProxy({ name: 'echo', listen: '127.0.0.1:0', upstream: `127.0.0.1:${echo.port}` });
  const listenPort = Number(info.listen.split(':').pop());
  const clients = new Set<net.Socket>();
  return {
    server,
    echo,
    listenPort,
    async connect() {
      const socket = await connect(listenPort);
      socket.on('error', () => {});
      clients.add(socket);
      return socket;
    },
    async close() {
      for (const socket of clients) socket.destroy();
      await server.close();
      await echo.close();
    },
  };
}

/** Sends `message` and resolves with the ms until it came back whole. */
export function roundTripMs(socket: net.Socket, message = 'ping'): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let got = '';
    const onData = (chunk: Buffer): void => {
      got += chunk.toString();
      if (got.length >= message.length) {
        socket.off('data', onData);
        clearTimeout(timer);
        resolve(performance.now() - started);
      }
    };
    const timer = setTimeout(() => {
      socket.off('data', onData);
      reject(new Error(`no echo of ${message.length} bytes after 10000ms (got ${got.length})`));
    }, 10_000);
    socket.on('data', onData);
    socket.write(message);
  });
}
