// HTTP/1.1 framing through the load balancer, against a real node:http replica
// in this process: the cases a byte-forwarding proxy can get wrong.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import net from 'node:net';
import { startLoadBalancer, type LoadBalancer } from '../../src/services/load-balancer.ts';

let backend: http.Server;
let lb: LoadBalancer;
const upgraded = new Set<net.Socket>();

function rawExchange(port: number, payload: string, until: (text: string) => boolean, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete answer within ${timeoutMs}ms; got ${JSON.stringify(text)}`));
    }, timeoutMs);
    socket.on('data', (c) => {
      text += c.toString('latin1');
      if (until(text)) {
        clearTimeout(timer);
        socket.destroy();
        resolve(text);
      }
    });
    socket.on('error', reject);
    socket.write(payload);
  });
}

function get(path: string, options: http.RequestOptions = {}, body?: string[]): Promise<{ res: http.IncomingMessage; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: lb.port, path, agent: false, ...options }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ res, body: text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    for (const piece of body ?? []) req.write(piece);
    req.end();
  });
}

beforeAll(async () => {
  backend = http.createServer((req, res) => {
    if (req.url === '/stream') {
      res.write('a');
      setTimeout(() => res.end('b'), 50);
    } else if (req.url === '/count') {
      let n = 0;
      req.on('data', (c: Buffer) => (n += c.length));
      req.on('end', () => res.end(`got ${n} ${req.headers['transfer-encoding'] ?? 'length'}`));
    } else if (req.url === '/empty') {
      res.writeHead(204).end();
    } else if (req.url === '/cut') {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial');
      setTimeout(() => res.socket?.destroy(), 20);
    } else {
      res.end(`path ${req.url}`);
    }
  });
  backend.on('upgrade', (req, socket: net.Socket) => {
    socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n');
    // Upgraded sockets are not the server's to close any more.
    upgraded.add(socket);
    socket.on('data', (c) => socket.write(`echo:${c.toString()}`));
  });
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
  lb = await startLoadBalancer({ service: 'svc' });
  lb.setBackends([{ id: 'svc-1', host: '127.0.0.1', port: (backend.address() as net.AddressInfo).port }]);
});

afterAll(async () => {
  await lb.close();
  for (const s of upgraded) s.destroy();
  backend.closeAllConnections();
  await new Promise((r) => backend.close(r));
});

describe('load balancer HTTP/1.1 relay', { timeout: 20_000 }, () => {
  it('streams a chunked response as it comes', async () => {
    const { res, body } = await get('/stream');
    expect(res.headers['transfer-encoding']).toBe('chunked');
    expect(res.headers['x-agentup-replica']).toBe('svc-1');
    expect(body).toBe('ab');
  });

  it('relays a chunked request body and a 100-continue exchange', async () => {
    const chunked = await get('/count', { method: 'POST' }, ['x'.repeat(1000), 'y'.repeat(70_000)]);
    expect(chunked.body).toBe('got 71000 chunked');
    const cont = await get('/count', { method: 'PUT', headers: { expect: '100-continue', 'content-length': '5' } }, ['hello']);
    expect(cont.body).toBe('got 5 length');
  });

  it('serves pipelined requests, HEAD and 204 in order on one connection', async () => {
    const text = await rawExchange(
      lb.port,
      'HEAD /one HTTP/1.1\r\nHost: x\r\n\r\nGET /empty HTTP/1.1\r\nHost: x\r\n\r\nGET /two HTTP/1.1\r\nHost: x\r\n\r\n',
      (t) => t.includes('path /two'),
    );
    const statuses = [...text.matchAll(/^HTTP\/1\.1 (\d+)/gm)].map((m) => m[1]);
    expect(statuses).toEqual(['200', '204', '200']);
    expect(text.endsWith('path /two')).toBe(true);
    expect(text).not.toContain('path /one');
  });

  it('tunnels an upgraded connection', async () => {
    const text = await rawExchange(lb.port, 'GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\nping', (t) => t.includes('echo:ping'));
    expect(text).toMatch(/^HTTP\/1\.1 101 /);
    expect(text.toLowerCase()).toContain('x-agentup-replica: svc-1');
  });

  it('answers 400 to a malformed request and closes', async () => {
    const text = await rawExchange(lb.port, 'NONSENSE\r\n\r\n', (t) => t.includes('}'));
    expect(text).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(text.slice(text.indexOf('\r\n\r\n') + 4)).toBe('{"error":"malformed request line","status":400}');
  });

  it('cuts the client off when the replica dies mid-response, and counts the error', async () => {
    const before = lb.stats().backends[0]!.errors;
    await expect(get('/cut')).rejects.toThrow();
    await expect.poll(() => lb.stats().backends[0]!).toMatchObject({ errors: before + 1, inflight: 0 });
  });

  it('frees the replica slot when the client goes away mid-response', async () => {
    const socket = net.connect(lb.port, '127.0.0.1');
    socket.write('GET /stream HTTP/1.1\r\nHost: x\r\n\r\n');
    await expect.poll(() => lb.stats().backends[0]!.inflight).toBe(1);
    socket.destroy();
    await expect.poll(() => lb.stats().backends[0]!.inflight).toBe(0);
  });
});
