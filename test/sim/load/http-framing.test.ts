/**
 * The load engine's own HTTP/1.1 client end to end: each way a real server
 * can frame an answer is counted as a response, and keep-alive connections
 * are reused only when the server allows it.
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad } from '../../../src/sim/load/start-load.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function listen(server: net.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const close = (server: net.Server) =>
  new Promise<void>((resolve) => {
    (server as http.Server).closeAllConnections?.();
    server.close(() => resolve());
  });

describe('load engine against real servers: framing and keep-alive', { timeout: 60_000 }, () => {
  let server: http.Server;
  let url: string;
  let connections = 0;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/chunked') {
        // Three writes 5 ms apart arrive as separate TCP segments.
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('one ');
        void sleep(5).then(() => res.write('two ')).then(() => sleep(5)).then(() => res.end('three'));
      } else if (req.url === '/close') res.writeHead(200, { connection: 'close' }).end('bye');
      else if (req.url === '/early') {
        res.writeEarlyHints({ link: '</a.css>; rel=preload' });
        res.writeHead(202).end('accepted');
      } else res.writeHead(200, { 'content-length': 2 }).end('ok');
    });
    server.on('connection', () => connections++);
    url = await listen(server);
  });
  afterAll(() => close(server));

  const run = async (path: string, extra: { method?: string } = {}) => {
    connections = 0;
    // 40/s for 0.5 s: 20 requests, each answered long before the next is due.
    return { result: await runLoad({ url, path, rate: 40, duration: 500, ...extra }), connections };
  };

  it('chunked answers split across packets complete, on one reused connection', async () => {
    const { result, connections: opened } = await run('/chunked');
    expect(result).toMatchObject({ sent: 20, ok: 20, failed: 0, byStatus: { 200: 20 }, byError: {} });
    expect(result.latency.p50Ms).toBeGreaterThanOrEqual(10); // the answer ends after the second 5 ms pause
    // Keep-alive: one connection, a few more when a busy machine delays answers past the next send (25 ms apart).
    expect(opened).toBeLessThanOrEqual(5);
  });

  it('connection: close answers complete and are never reused', async () => {
    const { result, connections: opened } = await run('/close');
    expect(result).toMatchObject({ sent: 20, ok: 20, failed: 0, byStatus: { 200: 20 } });
    expect(opened).toBe(20);
  });

  it('a 103 before the answer is skipped; HEAD answers (a length, no body) do not hang', async () => {
    const early = await run('/early');
    expect(early.result).toMatchObject({ sent: 20, ok: 20, byStatus: { 202: 20 } });
    const head = await run('/', { method: 'HEAD' });
    expect(head.result).toMatchObject({ method: 'HEAD', sent: 20, ok: 20, failed: 0, byStatus: { 200: 20 } });
    expect(head.result.latency.maxMs).toBeLessThan(1000); // a parser waiting for the 2 declared bytes would time out at 10 s
    expect(head.connections).toBeLessThanOrEqual(5); // reused, as above
  });

  it("stops reusing an idle connection before the server's announced keep-alive timeout", async () => {
    const short = http.createServer((_req, res) => res.end('ok'));
    short.keepAliveTimeout = 1000; // announced as keep-alive: timeout=1, so reuse ends after 500 ms idle
    let opened = 0;
    short.on('connection', () => opened++);
    const shortUrl = await listen(short);
    try {
      // Every 700 ms: past the 500 ms reuse window, before the server closes at 1000 ms.
      const r = await runLoad({ url: shortUrl, rate: 1000 / 700, duration: 2800 });
      expect(r).toMatchObject({ sent: 4, ok: 4, failed: 0 });
      expect(opened).toBe(4);
      // Every 100 ms, well inside the window: one connection carries them all (a few more on a busy machine).
      opened = 0;
      const fast = await runLoad({ url: shortUrl, rate: 10, duration: 1000 });
      expect(fast).toMatchObject({ sent: 10, ok: 10, failed: 0 });
      expect(opened).toBeLessThanOrEqual(3);
    } finally {
      await close(short);
    }
  });
});

describe('request bytes: bodies, headers and what options refuse', { timeout: 60_000 }, () => {
  it('a fixed body, a generated UTF-8 body and custom headers arrive intact', async () => {
    const seen: Array<{ method: string; type: string | undefined; tag: string | undefined; body: string }> = [];
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({ method: req.method!, type: req.headers['content-type'], tag: req.headers['x-tag'] as string | undefined, body: Buffer.concat(chunks).toString() });
        res.end('ok');
      });
    });
    const url = await listen(server);
    try {
      const fixed = await runLoad({ url, rate: 20, duration: 250, body: { name: 'żółw' }, headers: { 'x-tag': 'a' } });
      expect(fixed).toMatchObject({ sent: 5, ok: 5 });
      expect(seen).toEqual(Array(5).fill({ method: 'POST', type: 'application/json', tag: 'a', body: '{"name":"żółw"}' }));
      seen.length = 0;
      const generated = await runLoad({ url, method: 'PUT', rate: 20, duration: 250, body: (i) => `naïve ${i} ✓`, thread: 'inline' });
      expect(generated).toMatchObject({ sent: 5, ok: 5 });
      expect(seen.map((s) => [s.method, s.body])).toEqual([0, 1, 2, 3, 4].map((i) => ['PUT', `naïve ${i} ✓`]));
    } finally {
      await close(server);
    }
  });

  it('refuses a header or path that would break the request line, and headers the engine manages', async () => {
    const base = { url: 'http://127.0.0.1:9', rate: 1, duration: 100 };
    await expect(runLoad({ ...base, headers: { 'x-a': 'one\r\nx-b: two' } })).rejects.toThrow(/header 'x-a' must be a one-line string/);
    await expect(runLoad({ ...base, headers: { connection: 'close' } })).rejects.toThrow(/header 'connection' is managed by the load generator/);
    await expect(runLoad({ ...base, path: '/a b' })).rejects.toThrow(/has spaces, control or non-ASCII characters/);
  });
});

describe('load engine against raw servers: bytes one at a time, body until close, garbage', { timeout: 60_000 }, () => {
  const servers: net.Server[] = [];
  afterAll(() => Promise.all(servers.map(close)));

  /** A server that answers each request with `answer`, written one byte per TCP segment, then maybe closes. */
  let accepted = 0;
  async function rawServer(answer: string, closeAfter: boolean): Promise<string> {
    accepted = 0;
    const server = net.createServer((socket) => {
      accepted++;
      socket.setNoDelay(true);
      socket.on('error', () => {});
      socket.on('data', async () => {
        for (const byte of Buffer.from(answer)) {
          if (socket.destroyed) return;
          socket.write(Buffer.from([byte]));
          await sleep(0);
        }
        if (closeAfter) socket.end();
      });
    });
    servers.push(server);
    return listen(server);
  }

  it('an answer dribbled byte by byte is one response, and the connection is reused', async () => {
    const url = await rawServer('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n0\r\ntrailer: x\r\n\r\n', false);
    const r = await runLoad({ url, rate: 20, duration: 500 });
    expect(r).toMatchObject({ sent: 10, ok: 10, failed: 0, byStatus: { 200: 10 } });
    expect(accepted).toBeLessThanOrEqual(5); // reused (see above for the margin)
  });

  it('an HTTP/1.0 body without a length ends when the server closes', async () => {
    const url = await rawServer('HTTP/1.0 200 OK\r\ncontent-type: text/plain\r\n\r\nuntil the end', true);
    const r = await runLoad({ url, rate: 20, duration: 500 });
    expect(r).toMatchObject({ sent: 10, ok: 10, failed: 0, byStatus: { 200: 10 } });
    expect(accepted).toBe(10); // the close ended each answer, so each request needed a new connection
  });

  it('a server that does not speak HTTP counts as other errors, a close mid-body as econnreset', async () => {
    const garbage = await rawServer('SSH-2.0-OpenSSH_9.6\r\n\r\n', false);
    expect(await runLoad({ url: garbage, rate: 20, duration: 500 })).toMatchObject({ sent: 10, ok: 0, failed: 10, byError: { other: 10 } });
    const cut = await rawServer('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nonly part', true);
    expect(await runLoad({ url: cut, rate: 20, duration: 500 })).toMatchObject({ sent: 10, ok: 0, failed: 10, byError: { econnreset: 10 } });
  });
});
