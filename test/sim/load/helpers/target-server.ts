/**
 * A real HTTP server on 127.0.0.1 for load tests: records when each request
 * arrived, and answers by a small routing table (status, delay, stall).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TargetServer {
  url: string;
  port: number;
  /** Arrival times (performance.now()) of every request, in order. */
  arrivals: number[];
  bodies: string[];
  /** While set, responses wait until this performance.now() time. */
  holdUntil: number;
  close(): Promise<void>;
}

export async function startTargetServer(options: { recordBodies?: boolean } = {}): Promise<TargetServer> {
  const target = { arrivals: [] as number[], bodies: [] as string[], holdUntil: 0 } as TargetServer;
  const server = http.createServer((req, res) => {
    target.arrivals.push(performance.now());
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (options.recordBodies) target.bodies.push(Buffer.concat(chunks).toString());
      const url = new URL(req.url ?? '/', 'http://x');
      const status = Number(url.searchParams.get('status') ?? (url.pathname === '/fail' ? 500 : 200));
      const delayMs = Number(url.searchParams.get('delay') ?? 0) + Math.max(0, target.holdUntil - performance.now());
      const answer = () => {
        if (!res.destroyed) res.writeHead(status, { 'content-type': 'text/plain' }).end('ok\n');
      };
      if (url.pathname === '/hang') return; // never answers: for timeouts
      if (url.pathname === '/reset') return req.socket.destroy();
      if (delayMs > 0) setTimeout(answer, delayMs);
      else answer();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  target.port = (server.address() as AddressInfo).port;
  target.url = `http://127.0.0.1:${target.port}`;
  target.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return target;
}
