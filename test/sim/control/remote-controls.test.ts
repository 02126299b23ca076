import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { AgentupError } from '../../../src/errors.ts';
import { connectSimulation } from '../../../src/sim/remote/connect.ts';
import type { RemoteSimulation } from '../../../src/sim/remote/remote-simulation.ts';
import type { SimulationApi } from '../../../src/sim/simulation-api.ts';
import { startSimulation, type Simulation } from '../../../src/sim/simulation.ts';
import { REPO_ROOT } from '../../support/agentup-cli.ts';

describe('the whole SimulationApi through an attached simulation', { timeout: 60_000 }, () => {
  let sim: Simulation;
  let remote: RemoteSimulation;
  let runtimeDir: string;

  beforeAll(async () => {
    runtimeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'agentup-remote-'));
    sim = await startSimulation(
      { name: 'remote-apis', services: { app: { command: ['node', 'fixtures/services/hello.js'], replicas: 2 } }, apis: { tickets: { fixture: 'fixtures/apis/tickets.yaml' } } },
      { dir: REPO_ROOT, faultProxyPort: 0, seed: 1, control: { runtimeDir } },
    );
    remote = await connectSimulation(sim.controlUrl!, { runtimeDir });
  });

  afterAll(async () => {
    await remote?.stop();
    await sim?.stop();
    fs.rmSync(runtimeDir, { recursive: true, force: true });
  });

  test('mock API outage, error rate and rate limit from the remote side apply in the running simulation', async () => {
    const api = remote.endpoints().apis[0]!;
    const get = async () => {
      const res = await fetch(`${api.proxiedUrl}/tickets/T-1`, { headers: { 'x-api-key': 'tk_test_alpha' } });
      await res.body?.cancel();
      return res.status;
    };
    expect(await get()).toBe(200);
    const outage = await remote.api('tickets').outage();
    expect(await get()).toBe(503);
    await outage.remove();
    expect(await get()).toBe(200);
    await remote.withFault(remote.api('tickets').errorRate(1, 502), async () => expect(await get()).toBe(502));
    await remote.withFault(() => remote.api('tickets').rateLimit('per_key', { limit: 1 }), async () => {
      expect(await get()).toBe(200);
      expect(await get()).toBe(429);
    });
    expect(await get()).toBe(200);
    const counters = await remote.api('tickets').counters();
    expect(counters.requests).toBe(sim.api('tickets').counters().requests);
    expect((await remote.api('tickets').journal({ limit: 1 }))[0]?.headers['x-api-key']).toBe('***');
    await remote.api('tickets').resetCounters();
    expect(sim.api('tickets').counters().requests).toBe(0);
    const added = sim.events().flatMap((e) => (e.type === 'fault_added' ? [e.fault] : []));
    expect(added).toEqual(['outage', 'error_rate', 'rate_limit_per_key']);
    expect(() => remote.api('nope')).toThrow(/no mock API named "nope"/);
    expect(() => remote.dependency('nope')).toThrow(AgentupError);
  });

  test('down, resetFaults, and a refused toxic keep the fault proxy\'s status and message', async () => {
    await remote.dependency('tickets').down();
    await remote.dependency('tickets').latency(50);
    // Rate-limit summaries of the previous test may still arrive, so look for the last fault, not the last event.
    expect(sim.events().findLast((e) => e.type === 'fault_added')).toMatchObject({ type: 'fault_added', target: 'tickets', kind: 'latency' });
    await remote.resetFaults();
    expect(remote.events().findLast((e) => e.type === 'fault_added' || e.type === 'faults_reset')?.type).toBe('faults_reset');
    expect(await sim.dependency('tickets').toxics()).toEqual([]);
    const res = await fetch(`${remote.endpoints().apis[0]!.proxiedUrl}/tickets/T-1`, { headers: { 'x-api-key': 'tk_test_alpha' } });
    expect(res.status).toBe(200);
    await res.body?.cancel();
    const err = await remote.dependency('tickets').toxic({ type: 'no_such_toxic' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AgentupError);
    expect((err as { status: number }).status).toBe(400);
  });

  test('pause and resume a replica remotely', async () => {
    await remote.replica('app-1').pause();
    expect(sim.replicas().find((r) => r.id === 'app-1')?.status).toBe('paused');
    await remote.replica('app-1').resume();
    const pauses = remote.events().filter((e) => e.type === 'replica_paused' || e.type === 'replica_resumed');
    expect(pauses.slice(-2).map((e) => e.type)).toEqual(['replica_paused', 'replica_resumed']);
    await expect(remote.replica('app-9').pause()).rejects.toThrow(/no replica named app-9/);
  });

  test('logs are mirrored with the same filters', async () => {
    const local = sim.logs({ text: 'listening' });
    expect(local.length).toBeGreaterThanOrEqual(2);
    expect(remote.logs({ text: 'listening' }).map((l) => l.raw)).toEqual(local.map((l) => l.raw));
    expect(remote.logs({ replica: 'app-2', level: 'info' }).length).toBe(sim.logs({ replica: 'app-2', level: 'info' }).length);
  });

  test('a remote load handle: snapshot, setRate and stop act on the run in the simulation', async () => {
    const handle = remote.startLoad({ path: '/healthz', rate: 20, duration: '20s' });
    await expect.poll(() => handle.snapshot().sent, { timeout: 5_000 }).toBeGreaterThan(0);
    handle.setRate(100);
    await expect.poll(() => handle.snapshot().currentRate, { timeout: 5_000 }).toBe(100);
    handle.stop();
    const result = await handle.done;
    expect(result.stoppedEarly).toBe(true);
    // Stopped within a few seconds of a 20 s plan: far fewer than 20 s at even the low rate.
    expect(result.sendDurationMs).toBeLessThan(15_000);
    expect(() => handle.setRate(-1)).toThrow(/setRate needs/);
  });

  test('code written against SimulationApi runs the same on a local and an attached simulation', async () => {
    const probe = async (s: SimulationApi) => {
      const replicas = await s.replicas();
      const text = await s.metricsText();
      return { name: s.name, ids: replicas.map((r) => r.id), up: /agentup_replica_up\{replica="app-1"/.test(text), lb: s.endpoints().loadBalancer };
    };
    expect(await probe(remote)).toEqual(await probe(sim));
  });
});
