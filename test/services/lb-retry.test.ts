// Retries through the load balancer against real node:http replicas: one in a
// child process that is SIGKILLed with a POST inside it, one in this process
// that answers, and ports nobody listens on (connection refused).
import { afterEach, describe, expect, it } from 'vitest';
import http from 'node:http';
import readline from 'node:readline';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { startLoadBalancer, type LoadBalancer, type LoadBalancerOptions } from '../../src/services/load-balancer.ts';
import { getFreePort } from '../../src/util/ports.ts';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

const cleanups: Array<() => Promise<unknown>> = [];

function post(lb: LoadBalancer, body: string, headers: http.OutgoingHttpHeaders = {}, chunked = false): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: lb.port, path: '/triage', method: 'POST', agent: false, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (chunked) {
      // Two writes without content-length: node sends transfer-encoding: chunked.
      req.write(body.slice(0, body.length / 2));
      req.end(body.slice(body.length / 2));
    } else {
      req.setHeader('content-length', Buffer.byteLength(body));
      req.end(body);
    }
  });
}

/** Answers every request with what it received: the body, its size and its x-request-id. */
async function echoReplica(): Promise<{ port: number; seen: Array<{ id: string; body: string }> }> {
  const seen: Array<{ id: string; body: string }> = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      const id = String(req.headers['x-request-id']);
      seen.push({ id, body });
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ id, body }));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanups.push(() => new Promise((r) => server.close(r)));
  return { port: (server.address() as { port: number }).port, seen };
}

// Reads the whole request, reports it on stdout, and never answers: the test kills it mid-request.
const HANGING_REPLICA = `
const http = require('node:http');
const server = http.createServer((req) => {
  let bytes = 0;
  req.on('data', (c) => (bytes += c.length));
  req.on('end', () => process.stdout.write(JSON.stringify({ id: req.headers['x-request-id'], bytes }) + '\\n'));
});
server.listen(0, '127.0.0.1', () => process.stdout.write(JSON.stringify({ port: server.address().port }) + '\\n'));
`;

async function hangingReplica(): Promise<{ port: number; child: ChildProcess; received: Promise<{ id: string; bytes: number }> }> {
  const child = spawn(process.execPath, ['-e', HANGING_REPLICA], { stdio: ['ignore', 'pipe', 'inherit'] });
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  });
  const lines = readline.createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const first = await lines.next();
  const { port } = JSON.parse(first.value as string) as { port: number };
  const received = lines.next().then((l) => JSON.parse(l.value as string) as { id: string; bytes: number });
  return { port, child, received };
}

async function balancer(ports: number[], retries: LoadBalancerOptions['retries']): Promise<LoadBalancer> {
  const lb = await startLoadBalancer({ service: 'svc', retries, downProbeMs: 60_000 });
  cleanups.push(() => lb.close());
  // Round robin from the first: the first request goes to ports[0].
  lb.setBackends(ports.map((port, i) => ({ id: `svc-${i + 1}`, host: '127.0.0.1', port })));
  return lb;
}

const ticket = JSON.stringify({ customer: 'acme', subject: 'Charged twice', body: 'x'.repeat(2000) });

// Starts a child process per SIGKILL case.
describe('load balancer retries', { timeout: 30_000 }, () => {
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
  });

  async function killMidRequest(retries: LoadBalancerOptions['retries']) {
    const hanging = await hangingReplica();
    const echo = await echoReplica();
    const lb = await balancer([hanging.port, echo.port], retries);
    const events: unknown[] = [];
    lb.on('retry', (e) => events.push(e));
    const reply = post(lb, ticket);
    // The whole POST is inside the replica when it dies.
    const received = await hanging.received;
    expect(received.bytes).toBe(Buffer.byteLength(ticket));
    hanging.child.kill('SIGKILL');
    return { reply: await reply, received, echo, lb, events };
  }

  it('answers a POST whose replica is SIGKILLed mid-request from another replica, with the same x-request-id', async () => {
    const { reply, received, echo, lb, events } = await killMidRequest({ attempts: 1, on: ['reset'] });
    expect(reply.status).toBe(200);
    expect(reply.headers['x-agentup-replica']).toBe('svc-2');
    expect(JSON.parse(reply.body)).toEqual({ id: received.id, body: ticket });
    expect(received.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(echo.seen).toHaveLength(1);
    expect(lb.stats().retries).toEqual({ refused: 0, reset: 1, bad_response: 0 });
    expect(events).toEqual([{ ts: expect.any(Number), replica: 'svc-1', to: 'svc-2', reason: 'reset', method: 'POST' }]);
  });

  it('answers 502 for the same POST with retries off, and by default', async () => {
    for (const retries of [{ attempts: 0 }, undefined]) {
      const { reply, echo, lb } = await killMidRequest(retries);
      expect(reply.status).toBe(502);
      expect(JSON.parse(reply.body)).toMatchObject({ replica: 'svc-1', status: 502 });
      expect(echo.seen).toHaveLength(0);
      expect(lb.stats().retries).toEqual({ refused: 0, reset: 0, bad_response: 0 });
      for (const c of cleanups.splice(0).reverse()) await c();
    }
  });

  it('does not replay a POST on reset when only refused is retried', async () => {
    const { reply, echo } = await killMidRequest({ on: ['refused'] });
    expect(reply.status).toBe(502);
    expect(echo.seen).toHaveLength(0);
  });

  it('retries a POST whose connection is refused (default policy: 502), with a chunked body too', async () => {
    const echo = await echoReplica();
    const dead = await getFreePort();
    const off = await balancer([dead, echo.port], undefined);
    expect((await post(off, ticket)).status).toBe(502);

    const on = await balancer([dead, echo.port], { attempts: 1, on: ['refused'] });
    const reply = await post(on, ticket, { 'x-request-id': 'client-chose-this' });
    expect(reply.status).toBe(200);
    // A client's own id is kept, not replaced.
    expect(JSON.parse(reply.body)).toEqual({ id: 'client-chose-this', body: ticket });
    expect(on.stats().retries.refused).toBe(1);

    const chunkedOn = await balancer([dead, echo.port], { on: ['refused'] });
    const chunked = await post(chunkedOn, ticket, {}, true);
    expect(chunked.status).toBe(200);
    expect(JSON.parse(chunked.body).body).toBe(ticket);
  });

  it('does not retry a body over the cap (content-length or chunked)', async () => {
    const echo = await echoReplica();
    const dead = await getFreePort();
    for (const chunked of [false, true]) {
      const lb = await balancer([dead, echo.port], { attempts: 1, on: ['refused', 'reset'], maxBodyBytes: 1024 });
      const reply = await post(lb, ticket, {}, chunked);
      expect(reply.status).toBe(502);
      expect(lb.stats().retries.refused).toBe(0);
    }
    expect(echo.seen).toHaveLength(0);
  });

  it('tries a different replica on each attempt, up to attempts', async () => {
    const echo = await echoReplica();
    const [deadA, deadB] = [await getFreePort(), await getFreePort()];
    const two = await balancer([deadA, deadB, echo.port], { attempts: 2, on: ['refused'] });
    const reply = await post(two, ticket);
    expect(reply.status).toBe(200);
    expect(reply.headers['x-agentup-replica']).toBe('svc-3');
    expect(two.stats().retries.refused).toBe(2);

    const one = await balancer([deadA, deadB, echo.port], { attempts: 1, on: ['refused'] });
    expect((await post(one, ticket)).status).toBe(502);
  });
});
