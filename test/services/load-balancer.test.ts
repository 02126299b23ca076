import { afterAll, afterEach, describe, expect, it } from 'vitest';
import http from 'node:http';
import { startLoadBalancer, type LoadBalancer } from '../../src/services/load-balancer.ts';
import { ServiceSupervisor } from '../../src/services/supervisor.ts';
import type { LoadBalancerStrategy } from '../../src/config/types.ts';
import { baseEnv, freePorts, nextEvent, service } from './service-fixtures.ts';

interface Reply {
  status: number;
  replica: string | undefined;
  body: string;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

function request(url: string, path = '/', method = 'GET', body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}${path}`, { method, agent }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, replica: res.headers['x-agentup-replica'] as string | undefined, body: text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const cleanups: (() => Promise<void>)[] = [];

async function topology(replicas: number, strategy: LoadBalancerStrategy = 'round_robin'): Promise<{ sup: ServiceSupervisor; lb: LoadBalancer }> {
  const ports = await freePorts(replicas);
  const sup = new ServiceSupervisor({ service: service(), ports, env: (i) => baseEnv({ REPLICA_NAME: `svc-${i + 1}` }) });
  cleanups.push(() => sup.stop());
  await sup.start();
  const lb = await startLoadBalancer({ strategy, service: 'svc' });
  cleanups.push(() => lb.close());
  lb.attach(sup);
  return { sup, lb };
}

describe('load balancer', { timeout: 60_000 }, () => {
  afterAll(() => agent.destroy());
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('round robin spreads 300 requests exactly evenly and counts them per replica', async () => {
    const { lb } = await topology(3);
    const seen: Record<string, number> = {};
    for (let i = 0; i < 300; i++) {
      const r = await request(lb.url);
      expect(r.status).toBe(200);
      expect(r.body).toBe(`hello from ${r.replica}`);
      seen[r.replica!] = (seen[r.replica!] ?? 0) + 1;
    }
    expect(seen).toEqual({ 'svc-1': 100, 'svc-2': 100, 'svc-3': 100 });
    const stats = lb.stats();
    expect(stats.backends.map((b) => [b.id, b.requests, b.byStatus, b.byClass, b.latency.count, b.inflight, b.errors])).toEqual(
      ['svc-1', 'svc-2', 'svc-3'].map((id) => [id, 100, { 200: 100 }, { '2xx': 100 }, 100, 0, 0]),
    );
    for (const b of stats.backends) expect(b.latency.p50Ms).toBeGreaterThan(0);
  });

  it('least_connections sends new requests to the idle replica', async () => {
    const { lb } = await topology(3, 'least_connections');
    const slow = [request(lb.url, '/slow?ms=1500'), request(lb.url, '/slow?ms=1500')];
    await expect.poll(() => lb.stats().backends.map((b) => b.inflight)).toEqual([1, 1, 0]);
    const quick: string[] = [];
    for (let i = 0; i < 5; i++) quick.push((await request(lb.url)).replica!);
    expect(quick).toEqual(['svc-3', 'svc-3', 'svc-3', 'svc-3', 'svc-3']);
    expect((await Promise.all(slow)).map((r) => r.replica)).toEqual(['svc-1', 'svc-2']);
  });

  it('keeps per-status counters, forwards headers and bodies, adds X-Forwarded-For', async () => {
    const { lb } = await topology(1);
    expect((await request(lb.url, '/status?code=404')).status).toBe(404);
    expect((await request(lb.url, '/status?code=503')).status).toBe(503);
    expect((await request(lb.url, '/status?code=503')).status).toBe(503);
    const echoed = await request(lb.url, '/echo', 'POST', 'x'.repeat(100_000));
    expect(echoed.body).toHaveLength(100_000);
    const headers = JSON.parse((await request(lb.url, '/headers')).body) as Record<string, string>;
    expect(headers['x-forwarded-for']).toBe('127.0.0.1');
    const [b] = lb.stats().backends;
    expect(b).toMatchObject({ requests: 5, byStatus: { 200: 2, 404: 1, 503: 2 }, byClass: { '2xx': 2, '4xx': 1, '5xx': 2 } });
  });

  it('takes a SIGKILLed replica out of rotation and keeps serving through its restart', async () => {
    const { sup, lb } = await topology(3);
    let ok = 0;
    const failures: string[] = [];
    const seen = new Set<string>();
    let running = true;
    const deadline = Date.now() + 10_000;
    // 8 clients in a loop, bounded by the flag and a 10s deadline.
    const clients = Array.from({ length: 8 }, async () => {
      while (running && Date.now() < deadline) {
        try {
          const r = await request(lb.url);
          if (r.status === 200) ok += 1;
          else failures.push(`${r.status} ${r.body}`);
          if (r.replica) seen.add(r.replica);
        } catch (err) {
          failures.push(String(err));
        }
      }
    });
    await expect.poll(() => ok, { timeout: 5000 }).toBeGreaterThan(200);
    const back = nextEvent(sup, 'replica_healthy', 10_000, (e) => e.replica === 'svc-2');
    sup.kill(1, 'SIGKILL');
    await expect.poll(() => lb.stats().backends[1]!.healthy, { timeout: 5000 }).toBe(false);
    await back;
    const afterRestart = lb.stats().backends[1]!.requests;
    await expect.poll(() => lb.stats().backends[1]!.requests, { timeout: 5000 }).toBeGreaterThan(afterRestart + 10);
    running = false;
    await Promise.all(clients);
    // Connection errors before any response byte are retried on another replica,
    // so GETs should see no failure; a response cut mid-way is the one way left.
    expect(failures).toEqual([]);
    expect(ok).toBeGreaterThan(300);
    expect(seen).toEqual(new Set(['svc-1', 'svc-2', 'svc-3']));
  });

  it('answers 502 naming the replica for a failed request with a body, and 503 with no healthy replica', async () => {
    const [deadPort] = await freePorts(1);
    const lb = await startLoadBalancer({ service: 'svc' });
    cleanups.push(() => lb.close());
    lb.setBackends([{ id: 'svc-1', host: '127.0.0.1', port: deadPort! }]);
    const downs: string[] = [];
    lb.on('backend_down', (e) => downs.push(`${e.replica}: ${e.reason}`));
    const post = await request(lb.url, '/echo', 'POST', 'payload');
    expect(post.status).toBe(502);
    expect(JSON.parse(post.body)).toEqual({ error: 'replica svc-1 failed: connection refused', replica: 'svc-1', status: 502 });
    expect(downs).toEqual(['svc-1: connection refused']);
    const get = await request(lb.url);
    expect(get.status).toBe(503);
    expect(JSON.parse(get.body)).toEqual({ error: 'no healthy replica of svc', status: 503 });
    expect(lb.stats()).toMatchObject({ rejected: 1, backends: [{ id: 'svc-1', errors: 1, down: true, healthy: false }] });
  });
});
