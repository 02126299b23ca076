import { expect as vitestExpect } from 'vitest';
import { describe, errorRateOver, expect, healthyReplicas, replicaStatus, restartsOf, simulationTest, statusOf } from '../../src/vitest/index.ts';
import { asyncFailureOf, failureOf, HELLO_ENV } from './support.ts';

const test = simulationTest(HELLO_ENV, { dir: process.cwd() });
const other = simulationTest({ ...HELLO_ENV, name: 'hello-other', services: { web: { ...HELLO_ENV.services.web, replicas: 1 } } }, { dir: process.cwd() });

describe('the sim fixture and the Simulation matchers', { timeout: 60_000 }, () => {
  let first: unknown;

  test('sim is a running simulation that has recovered from start-up', async ({ sim }) => {
    first = sim;
    expect(sim.replicas().map((r) => r.status)).toEqual(['healthy', 'healthy']);
    await expect(sim).toRecoverWithin('5s');
    // Registered on vitest's own expect too: importing agentup/vitest is enough.
    await vitestExpect(sim).toRecoverWithin(5000);
  });

  test('the same simulation serves every test of the file; another simulationTest has its own', async ({ sim }) => {
    expect(sim).toBe(first);
    expect(sim.name).toBe('hello');
  });

  other('a second simulationTest in the same file starts its own environment', async ({ sim }) => {
    expect(sim).not.toBe(first);
    expect(sim.name).toBe('hello-other');
    expect(sim.replicas()).toHaveLength(1);
  });

  test('a killed replica: toHaveEvent and toHaveRestarted see it, toRecoverWithin waits for it', async ({ sim }) => {
    expect(failureOf(() => expect(sim).toHaveRestarted('web-2'))).toBe('expected web-2 to have restarted, but: web-2 healthy with 0 restarts');
    await sim.replica('web-2').kill();
    await expect.poll(() => sim, { timeout: 5000 }).toHaveEvent('replica_crashed', { replica: 'web-2', signal: 'SIGKILL' });
    expect(sim).toHaveEvent('replica_restarting', (e) => e.replica === 'web-2' && !e.manual);
    expect(failureOf(() => expect(sim).not.toHaveEvent('replica_crashed', { replica: 'web-2' }))).toMatch(/^expected no replica_crashed event with \{"replica":"web-2"\}, but saw 1: web-2: crashed \(signal SIGKILL\)$/);
    expect(failureOf(() => expect(sim).toHaveEvent('replica_crashed', { replica: 'web-1' }))).toMatch(/^expected a replica_crashed event with \{"replica":"web-1"\}, but saw 1 that did not match; recent events:\n/);
    await expect(sim).toRecoverWithin('10s');
    expect(sim).toHaveRestarted('web-2');
    expect(sim).toHaveRestarted(2);
    expect(sim).not.toHaveRestarted('web-1');
    expect(restartsOf(sim, 'web-2')()).toBe(1);
    expect(failureOf(() => expect(sim).toHaveRestarted('web-1'))).toBe('expected web-1 to have restarted, but: web-1 healthy with 0 restarts');
    expect(failureOf(() => expect(sim).toHaveEvent('replica_oom_killed'))).toMatch(/^expected a replica_oom_killed event, but saw none; recent events:\n/);
    expect(() => expect(sim).toHaveRestarted('web-9')).toThrow('no replica "web-9" in hello; replicas: web-1, web-2');
  });

  test('a paused replica is not recovered: the message names it and its state', async ({ sim }) => {
    await sim.replica('web-1').pause();
    try {
      await expect.poll(replicaStatus(sim, 'web-1')).toBe('paused');
      const message = await asyncFailureOf(() => expect(sim).toRecoverWithin('600ms'));
      expect(message).toMatch(/^expected hello to recover within 600ms, but after 0\.\ds: web-1 is paused \(0 restarts\); no probe GET \/healthz through the load balancer was sent \(replicas not healthy\)\nrecent events:\n/);
      expect(message).toContain('web-1: paused (SIGSTOP)');
    } finally {
      await sim.replica('web-1').resume();
    }
    await expect(sim).toRecoverWithin('10s');
    expect(healthyReplicas(sim)()).toBe(2);
  });

  test('a probe that keeps failing: the message gives its last answer and the streak', async ({ sim }) => {
    const message = await asyncFailureOf(() => expect(sim).toRecoverWithin(500, { probe: { path: '/status?code=503' } }));
    expect(message).toMatch(/^expected hello to recover within 500ms, but after 0\.\ds: last probe GET \/status\?code=503 through the load balancer answered 503 \(0 of 2 successes in a row\)\n/);
    await expect(sim).not.toRecoverWithin(300, { probe: { path: '/status?code=503' } });
    await expect(sim).toRecoverWithin('5s', { probe: { path: '/echo', body: { ping: 1 }, expectStatus: [200] }, consecutive: 4 });
    const notMessage = await asyncFailureOf(() => expect(sim).not.toRecoverWithin('5s'));
    expect(notMessage).toMatch(/^expected hello not to recover within 5s, but it recovered after \d+\.\ds$/);
  });

  test('expect.poll helpers read the simulation afresh: error rate over a window, status of a probe', async ({ sim }) => {
    await expect.poll(statusOf(sim, '/healthz')).toBe(200);
    const load = sim.startLoad({ path: '/status?code=500', rate: 30, duration: '4s' });
    try {
      // Metrics arrive once a second; within 4 s at least one full second of only 500s is seen.
      await expect.poll(errorRateOver(sim, '1s'), { timeout: 5000, interval: 250 }).toBeGreaterThan(0.9);
    } finally {
      load.stop();
      await load.done;
    }
    await sim.load({ path: '/healthz', rate: 30, duration: '3s' });
    await expect.poll(errorRateOver(sim, '1s'), { timeout: 5000, interval: 250 }).toBe(0);
  });

  test('a value that is not a Simulation is a TypeError', async () => {
    expect(() => expect({}).toHaveRestarted()).toThrow('toHaveRestarted expects a Simulation (the sim fixture), got object');
    await expect(expect(null).toRecoverWithin('1s')).rejects.toThrow('toRecoverWithin expects a Simulation (the sim fixture), got null');
  });
});
