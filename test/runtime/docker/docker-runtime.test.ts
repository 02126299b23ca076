import { engine, leftovers, runIdOf } from './support/local-images.ts';
import net from 'node:net';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulation } from '../../../src/sim/simulation.ts';

/** One PING over a fresh connection to 127.0.0.1:port; resolves with the round trip in ms, rejects on failure. */
function redisPing(port: number, timeoutMs = 3000): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const socket = net.connect({ host: '127.0.0.1', port });
    const timer = setTimeout(() => finish(new Error(`no PONG within ${timeoutMs}ms`)), timeoutMs);
    let got = '';
    const finish = (err?: Error): void => {
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(performance.now() - t0);
    };
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (d) => {
      got += d.toString();
      if (got.includes('+PONG')) finish();
    });
    socket.on('error', (e) => finish(e));
    socket.on('close', () => finish(new Error('closed before PONG')));
  });
}

async function healthz(url: string, timeoutMs = 1000): Promise<number | string> {
  try {
    const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
    return res.status;
  } catch (err) {
    return (err as Error).name;
  }
}

const ticket = () => JSON.stringify({ customer: `c-${Math.random().toString(36).slice(2)}`, subject: 'refund please', body: 'my order arrived broken' });

describe.skipIf(!engine)('docker runtime: the default environment as containers', { timeout: 180_000 }, () => {
  let sim: Simulation;
  let runId: string;

  beforeAll(async () => {
    const { startSimulation } = await import('../../../src/sim/simulation.ts');
    sim = await startSimulation('environments/support-agent.yaml', { runtime: 'docker', seed: 7, faultProxyPort: 0 });
    runId = runIdOf(sim.endpoints().workDir);
  }, 180_000);

  afterAll(async () => {
    await sim?.stop();
    // Nothing of the run is left: containers, network, the image tag it built.
    if (runId) expect(await leftovers(runId)).toEqual([]);
  }, 60_000);

  it('says why it runs Docker, and serves through the load balancer from every replica with real Redis and Postgres', async () => {
    expect(sim.runtimeChoice).toMatchObject({ name: 'docker', reason: expect.stringContaining('Docker engine at') });
    expect(sim.logs({ replica: 'agentup' }).map((l) => l.msg)).toContainEqual(expect.stringMatching(/^runtime: docker \(asked for/));
    expect(sim.endpoints()).toMatchObject({ runtime: 'docker', faultProxy: { engine: 'agentup' } });
    expect(sim.replicas().map((r) => r.status)).toEqual(['healthy', 'healthy', 'healthy']);
    const lb = sim.endpoints().loadBalancer!;
    const seen = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const res = await fetch(`${lb}/triage`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: ticket() });
      const body = (await res.json()) as { replica: string; stored: boolean; degraded: boolean };
      expect(res.status).toBe(200);
      // stored: Postgres through the proxy container; not degraded: both mock APIs reached from the containers.
      expect(body).toMatchObject({ stored: true, degraded: false });
      seen.add(body.replica);
    }
    expect([...seen].sort()).toEqual(['triage-1', 'triage-2', 'triage-3']);
    // Every published port is on loopback only.
    const { default: Docker } = await import('dockerode');
    const containers = await new Docker(engine!.dockerOptions).listContainers({ filters: { label: [`agentup.run=${runId}`] } });
    const ips = containers.flatMap((c) => c.Ports.filter((p) => p.PublicPort).map((p) => p.IP));
    expect(ips.length).toBeGreaterThan(0);
    expect(new Set(ips)).toEqual(new Set(['127.0.0.1']));
  });

  it('runs Redis, Postgres and the port forwarder in the proxy container\'s pod; a replica reaches the load balancer on the host through it', async () => {
    const { default: Docker } = await import('dockerode');
    const docker = new Docker(engine!.dockerOptions);
    const containers = await docker.listContainers({ filters: { label: [`agentup.run=${runId}`] } });
    const byComponent = new Map(containers.map((c) => [c.Labels['agentup.component'], c]));
    const proxyId = byComponent.get('fault_proxy')!.Id;
    for (const part of ['redis', 'postgres', 'port-forwarder']) {
      expect((await docker.getContainer(byComponent.get(part)!.Id).inspect()).HostConfig.NetworkMode).toBe(`container:${proxyId}`);
    }
    // As a service would with ${load_balancer.url}: host.testcontainers.internal is the pod, whose tunnel ends on 127.0.0.1 here.
    const lbPort = new URL(sim.endpoints().loadBalancer!).port;
    const script = `fetch('http://host.testcontainers.internal:${lbPort}/healthz').then(async (r) => console.log(r.status, (await r.json()).replica), (e) => console.log('failed', e.cause?.code ?? e.message))`;
    // Not execFileSync: the tunnel and the load balancer run on this process's event loop.
    const { stdout } = await promisify(execFile)('docker', ['exec', byComponent.get('triage-1')!.Id, 'node', '-e', script], { encoding: 'utf8', timeout: 20_000 });
    expect(stdout.trim()).toMatch(/^200 triage-[123]$/);
  });

  it('adds latency to Redis through the proxy container, measured from the host', async () => {
    const port = Number(new URL(sim.endpoints().dependencies.find((d) => d.name === 'redis')!.proxiedUrl).port);
    expect(await redisPing(port)).toBeLessThan(250);
    const fault = await sim.dependency('redis').latency(300);
    try {
      const during = await redisPing(port);
      // 300 ms toxic on the response; 5 ms below it for timer granularity (a busy machine only adds).
      expect(during).toBeGreaterThanOrEqual(295);
    } finally {
      await fault.remove();
    }
    expect(await redisPing(port)).toBeLessThan(250);
  });

  it('takes Redis down and brings it back through the proxy container', async () => {
    const port = Number(new URL(sim.endpoints().dependencies.find((d) => d.name === 'redis')!.proxiedUrl).port);
    await sim.dependency('redis').down();
    await expect(redisPing(port, 1500)).rejects.toThrow();
    await sim.dependency('redis').up();
    expect(await redisPing(port)).toBeGreaterThan(0);
  });

  it('routes around a killed replica under load, and the replica restarts', async () => {
    const load = sim.startLoad({ rate: 20, duration: '4s', path: '/triage', method: 'POST', headers: { 'content-type': 'application/json' }, body: ticket });
    await new Promise((r) => setTimeout(r, 800));
    expect(sim.replica('triage-2').kill('SIGKILL')).toBe(true);
    const result = await load.done;
    expect(sim.events()).toContainEqual(expect.objectContaining({ type: 'replica_crashed', replica: 'triage-2', signal: 'SIGKILL', exitCode: 137 }));
    // 80 requests; the LB retries bodiless requests only, so a few in flight on the killed replica may fail: at most 10%.
    expect(result.sent).toBeGreaterThanOrEqual(70);
    expect(result.failed / result.sent).toBeLessThanOrEqual(0.1);
    await expect.poll(() => sim.replicas().find((r) => r.id === 'triage-2')?.status, { timeout: 20_000, interval: 200 }).toBe('healthy');
    expect(sim.replicas().find((r) => r.id === 'triage-2')!.restarts).toBeGreaterThanOrEqual(1);
  });

  it('pauses a replica (docker pause) so it stops answering, and resumes it', async () => {
    const url = sim.endpoints().replicas.find((r) => r.id === 'triage-1')!.url;
    expect(await healthz(url)).toBe(200);
    await sim.replica('triage-1').pause();
    await expect.poll(() => sim.replicas().find((r) => r.id === 'triage-1')?.status, { timeout: 5000 }).toBe('paused');
    expect(await healthz(url, 700)).toBe('TimeoutError');
    await sim.replica('triage-1').resume();
    await expect.poll(() => healthz(url), { timeout: 5000, interval: 100 }).toBe(200);
    // resume() does not wait for docker unpause to answer, and the replica may answer /healthz before it does.
    await expect.poll(() => sim.events().map((e) => e.type), { timeout: 5000 }).toEqual(expect.arrayContaining(['replica_paused', 'replica_resumed']));
  });

  it('disconnects one replica from the network (its dependencies vanish) and connects it again', async () => {
    const url = sim.endpoints().replicas.find((r) => r.id === 'triage-3')!.url;
    const readyz = async () => (await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(3000) }).then((r) => r.status, (e: Error) => e.name));
    expect(await readyz()).toBe(200);
    await sim.replica('triage-3').disconnect();
    try {
      // Off the network, the replica is unreachable or reports Redis/Postgres unreachable: never ready.
      await expect.poll(readyz, { timeout: 10_000, interval: 200 }).not.toBe(200);
    } finally {
      await sim.replica('triage-3').connect();
    }
    await expect.poll(readyz, { timeout: 20_000, interval: 250 }).toBe(200);
  });

  it('stops one replica until it is started again', async () => {
    await sim.replica('triage-3').stop();
    expect(sim.replicas().find((r) => r.id === 'triage-3')?.status).toBe('stopped');
    await new Promise((r) => setTimeout(r, 500));
    // No restart policy applies to a replica stopped on purpose.
    expect(sim.replicas().find((r) => r.id === 'triage-3')?.status).toBe('stopped');
    await sim.replica('triage-3').start();
    await expect.poll(() => sim.replicas().find((r) => r.id === 'triage-3')?.status, { timeout: 20_000, interval: 200 }).toBe('healthy');
  });

  // Last: the run cannot reach its mock APIs afterwards.
  it('reports it when the port forwarder goes away mid-run', async () => {
    await promisify(execFile)('sh', ['-c', `docker ps -q --filter label=agentup.run=${runId} --filter label=agentup.component=port-forwarder | xargs -r docker kill`]);
    await expect.poll(() => sim.logs({ replica: 'agentup' }).map((l) => `${l.level} ${l.msg}`), { timeout: 10_000, interval: 100 })
      .toContainEqual(expect.stringMatching(/^error the port forwarder's ssh connection closed: containers no longer reach the mock APIs/));
  });
});

describe.skipIf(!engine)('docker runtime: memory_limit_mb is the container limit', { timeout: 120_000 }, () => {
  it('reads OOMKilled from the container state and restarts the replica', async () => {
    const { startSimulation } = await import('../../../src/sim/simulation.ts');
    const sim = await startSimulation({
      name: 'leak',
      services: {
        leak: {
          build: { context: 'fixtures/services', dockerfile: 'leak.Dockerfile' },
          replicas: 1,
          memory_limit_mb: 64,
          health_check: false,
          env: { LEAK_MB_PER_SEC: 40 },
          restart: { policy: 'always', backoff: { initial: '100ms', max: '1s' } },
        },
      },
    }, { runtime: 'docker', faultProxyPort: 0 });
    const runId = runIdOf(sim.endpoints().workDir);
    try {
      // 40 MB/s against 64 MB: killed by the kernel within a few seconds.
      await expect.poll(() => sim.events().find((e) => e.type === 'replica_oom_killed'), { timeout: 30_000, interval: 200 }).toMatchObject({ replica: 'leak-1', exitCode: 137, limitBytes: 64 * 1024 * 1024 });
      await expect.poll(() => sim.events().filter((e) => e.type === 'replica_starting').length, { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
    } finally {
      await sim.stop();
    }
    expect(await leftovers(runId)).toEqual([]);
  });
});
