import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { connectSimulation } from '../../../src/sim/remote/connect.ts';
import { startSimulation, type Simulation } from '../../../src/sim/simulation.ts';
import type { SimEvent } from '../../../src/sim/events.ts';
import { REPO_ROOT } from '../../support/agentup-cli.ts';

/** Round trip of one Redis PING through `url` (redis://host:port), in ms. */
async function pingMs(url: string): Promise<number> {
  const { hostname, port } = new URL(url);
  const socket = net.connect(Number(port), hostname);
  try {
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const t0 = performance.now();
    socket.write('PING\r\n');
    await new Promise<void>((resolve, reject) => {
      let got = '';
      socket.on('data', (d) => {
        got += d.toString();
        if (got.includes('+PONG\r\n')) resolve();
      });
      socket.once('error', reject);
    });
    return performance.now() - t0;
  } finally {
    socket.destroy();
  }
}

describe('attach to a running simulation over its control API', { timeout: 60_000 }, () => {
  let sim: Simulation;
  let runtimeDir: string;
  const localEvents: SimEvent[] = [];

  beforeAll(async () => {
    runtimeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'agentup-attach-'));
    sim = await startSimulation(
      { name: 'attach', services: { web: { command: ['node', 'fixtures/services/hello.js'], replicas: 2 } }, redis: {} },
      { dir: REPO_ROOT, faultProxyPort: 0, seed: 7, control: { runtimeDir }, onEvent: (e) => localEvents.push(e) },
    );
  });

  afterAll(async () => {
    await sim?.stop();
    fs.rmSync(runtimeDir, { recursive: true, force: true });
  });

  test('the control URL is printed with a token, and the token file is the user\'s alone', () => {
    expect(sim.controlUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}$/);
    const file = sim.controlTokenFile!;
    expect(path.dirname(file)).toBe(runtimeDir);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(file, 'utf8').trim()).toBe(new URL(sim.controlUrl!).searchParams.get('token'));
  });

  test('a latency fault injected remotely is an event of the running simulation and in effect on its link', async () => {
    await using remote = await connectSimulation(sim.controlUrl!);
    const redis = sim.endpoints().dependencies.find((d) => d.kind === 'redis')!;
    const handle = await remote.dependency('redis').latency(300);
    try {
      expect(handle.name).toBe('latency_downstream');
      const local = localEvents.find((e) => e.type === 'fault_added' && e.target === 'redis');
      expect(local).toMatchObject({ type: 'fault_added', target: 'redis', kind: 'latency', description: 'latency 300ms' });
      // Read-your-writes: the remote mirror has the event when the call returns.
      expect(remote.events().some((e) => e.type === 'fault_added' && e.target === 'redis')).toBe(true);
      expect((await remote.dependency('redis').toxics()).map((t) => [t.type, t.attributes.latency])).toEqual([['latency', 300]]);
      // The toxic delays the reply by 300 ms; 10 ms margin for timer granularity.
      expect(await pingMs(redis.proxiedUrl)).toBeGreaterThanOrEqual(290);
    } finally {
      await handle.remove();
    }
    expect(localEvents.some((e) => e.type === 'fault_removed' && e.target === 'redis')).toBe(true);
    expect(await sim.dependency('redis').toxics()).toEqual([]);
  });

  test('killing a replica remotely: the running simulation restarts it and the remote sees the events live', async () => {
    await using remote = await connectSimulation(sim.controlUrl!);
    const seen: SimEvent[] = [];
    remote.on('event', (e) => seen.push(e));
    const before = (await remote.replicas()).find((r) => r.id === 'web-2')!;
    expect(before.status).toBe('healthy');
    expect(await remote.replica(2).kill()).toBe(true);
    await expect.poll(() => seen.map((e) => e.type), { timeout: 20_000 }).toContain('replica_healthy');
    expect(seen.map((e) => e.type)).toEqual(expect.arrayContaining(['replica_crashed', 'replica_restarting']));
    const after = (await remote.replicas()).find((r) => r.id === 'web-2')!;
    expect(after.restarts).toBe(before.restarts + 1);
    expect(after.pid).not.toBe(before.pid);
  });

  test('stopping an attached simulation only detaches', async () => {
    const remote = await connectSimulation(sim.controlUrl!);
    expect(remote.events().length).toBe(sim.events().length);
    const load = remote.startLoad({ path: '/healthz', rate: 5, duration: '30s' });
    await expect.poll(() => remote.events().some((e) => e.type === 'load_started')).toBe(true);
    await remote.stop();
    // The load this client started is stopped with it (well before its 30 s); the simulation runs on.
    await expect.poll(() => sim.events().some((e) => e.type === 'load_finished'), { timeout: 15_000 }).toBe(true);
    await expect(load.done).rejects.toThrow(/detached before the load finished/);
    expect(sim.replicas().every((r) => r.status === 'healthy' || r.status === 'starting' || r.status === 'restarting')).toBe(true);
    expect(sim.events().some((e) => e.type === 'simulation_stopping')).toBe(false);
    const res = await fetch(`${sim.endpoints().loadBalancer}/healthz`);
    expect(res.status).toBe(200);
    expect(() => remote.startLoad({ rate: 1, duration: '1s' })).toThrow(/detached/);
  });

  test('metrics: Prometheus text over HTTP and the per-second series streamed', async () => {
    await using remote = await connectSimulation(sim.controlUrl!);
    const text = await remote.metricsText();
    expect(text).toMatch(/^# TYPE agentup_replica_up gauge$/m);
    expect(text).toMatch(/^agentup_replica_up\{replica="web-1",service="web"\} 1$/m);
    const res = await fetch(new URL('/metrics', sim.controlUrl!).href + `?token=${new URL(sim.controlUrl!).searchParams.get('token')}`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const count = remote.metrics().length;
    expect(count).toBe(sim.metrics().length);
    await expect.poll(() => remote.metrics().length, { timeout: 5_000 }).toBeGreaterThan(count);
  });

  test('load from the attached side runs in the simulation: its events and figures show there', async () => {
    await using remote = await connectSimulation(sim.controlUrl!);
    const finishedBefore = sim.events().filter((e) => e.type === 'load_finished').length;
    const ticks: number[] = [];
    remote.on('load', (s) => ticks.push(s.sent));
    const result = await remote.load({ path: '/healthz', rate: 50, duration: '2s' });
    // 50/s for 2 s: 100 arrivals; 5% for the schedule's edges on a busy machine.
    expect(result.sent).toBeGreaterThanOrEqual(95);
    expect(result.failed).toBe(0);
    expect(ticks.length).toBeGreaterThanOrEqual(2);
    expect(sim.events().filter((e) => e.type === 'load_finished').length).toBe(finishedBefore + 1);
    expect(sim.events().findLast((e) => e.type === 'load_finished')).toMatchObject({ sent: result.sent, ok: result.ok });
    expect(() => remote.startLoad({ rate: 1, duration: '1s', body: () => 'x' })).toThrow(/cannot be sent to an attached simulation/);
  });

  test('connectSimulation() with no URL finds the one running simulation; stop removes the files', async () => {
    const remote = await connectSimulation(undefined, { runtimeDir });
    expect(remote.name).toBe('attach');
    expect(remote.pid).toBe(process.pid);
    await remote.stop();
    expect(fs.readdirSync(runtimeDir).sort()).toEqual([path.basename(sim.controlTokenFile!), path.basename(sim.controlTokenFile!).replace(/\.token$/, '.json')].sort());
  });
});
