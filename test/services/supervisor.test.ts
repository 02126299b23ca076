import { afterEach, describe, expect, it } from 'vitest';
import http from 'node:http';
import { ServiceSupervisor, type SupervisorEvent } from '../../src/services/supervisor.ts';
import { AgentupError } from '../../src/errors.ts';
import { processTree } from '../../src/services/process-group.ts';
import { baseEnv, fastRestart, fixture, freePorts, isAlive, nextEvent, service } from './service-fixtures.ts';

function get(port: number, path = '/'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

const running: ServiceSupervisor[] = [];
function track(sup: ServiceSupervisor): ServiceSupervisor {
  running.push(sup);
  return sup;
}

describe('ServiceSupervisor', { timeout: 40_000 }, () => {
  afterEach(async () => {
    await Promise.all(running.splice(0).map((s) => s.stop()));
  });

  it('starts replicas on their ports, waits for health, and stops them all', async () => {
    const ports = await freePorts(2);
    const sup = track(new ServiceSupervisor({ service: service(), ports, env: (i) => baseEnv({ REPLICA_NAME: `r${i}` }) }));
    const events: SupervisorEvent[] = [];
    sup.on('event', (e) => events.push(e));
    const logs: string[] = [];
    sup.on('log', (l) => logs.push(`${l.replica}:${l.level}:${l.msg}`));
    await sup.start();
    const snap = sup.replicas();
    expect(snap.map((r) => [r.id, r.port, r.status])).toEqual([
      ['svc-1', ports[0], 'healthy'],
      ['svc-2', ports[1], 'healthy'],
    ]);
    expect(await get(ports[1]!)).toEqual({ status: 200, body: 'hello from r1' });
    expect(events.filter((e) => e.type === 'replica_healthy').map((e) => e.replica).sort()).toEqual(['svc-1', 'svc-2']);
    await expect.poll(() => logs.sort()).toEqual(['svc-1:info:listening', 'svc-2:info:listening']);
    const pids = snap.map((r) => r.pid!);
    await sup.stop();
    expect(pids.filter(isAlive)).toEqual([]);
    expect(sup.replicas().map((r) => r.status)).toEqual(['stopped', 'stopped']);
  });

  it('restarts a SIGKILLed replica on the same port', async () => {
    const ports = await freePorts(1);
    const sup = track(new ServiceSupervisor({ service: service(), ports, env: baseEnv() }));
    await sup.start();
    const oldPid = sup.replicas()[0]!.pid!;
    const crashed = nextEvent(sup, 'replica_crashed');
    const restarting = nextEvent(sup, 'replica_restarting');
    const healthy = nextEvent(sup, 'replica_healthy');
    sup.kill(0, 'SIGKILL');
    expect(await crashed).toMatchObject({ replica: 'svc-1', signal: 'SIGKILL', exitCode: 137, reason: 'crashed' });
    expect(await restarting).toMatchObject({ attempt: 1, delayMs: 50, manual: false });
    const back = await healthy;
    expect(back.pid).not.toBe(oldPid);
    expect(back.port).toBe(ports[0]);
    expect(sup.replicas()[0]).toMatchObject({ status: 'healthy', restarts: 1, lastExit: { reason: 'crashed', exitCode: 137 } });
    expect((await get(ports[0]!)).status).toBe(200);
  });

  it('grows the backoff exponentially and reports a crash loop', async () => {
    const ports = await freePorts(1);
    const sup = track(
      new ServiceSupervisor({
        service: service({
          command: fixture('crash.js'),
          healthCheck: null,
          restart: { ...fastRestart, crashLoopRestarts: 4, crashLoopWindowMs: 60_000 },
        }),
        ports,
        env: baseEnv(),
      }),
    );
    const delays: number[] = [];
    sup.on('replica_restarting', (e) => delays.push(e.delayMs));
    const loop = nextEvent(sup, 'replica_crash_loop', 20_000);
    await sup.start({ waitHealthy: false });
    expect(await loop).toMatchObject({ replica: 'svc-1', restarts: 4, windowMs: 60_000 });
    await expect.poll(() => delays.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(5);
    // 50 * 2^n capped at 400; from the 4th restart in the window on, the cap.
    expect(delays.slice(0, 5)).toEqual([50, 100, 200, 400, 400]);
    expect(sup.replicas()[0]!.inCrashLoop).toBe(true);
  });

  it('on_failure restarts after a non-zero exit but not after exit 0; never does not restart', async () => {
    const ports = await freePorts(3);
    const mk = (policy: 'on_failure' | 'never', code: string, port: number): ServiceSupervisor =>
      track(
        new ServiceSupervisor({
          service: service({ command: fixture('crash.js'), restart: { ...fastRestart, policy } }),
          ports: [port],
          env: baseEnv({ CRASH_AFTER_MS: '400', EXIT_CODE: code }),
        }),
      );
    const failing = mk('on_failure', '3', ports[0]!);
    const clean = mk('on_failure', '0', ports[1]!);
    const never = mk('never', '3', ports[2]!);
    const restarted = nextEvent(failing, 'replica_restarting');
    const cleanExit = nextEvent(clean, 'replica_crashed');
    const neverExit = nextEvent(never, 'replica_crashed');
    await Promise.all([failing.start(), clean.start(), never.start()]);
    expect(await restarted).toMatchObject({ attempt: 1 });
    expect(await cleanExit).toMatchObject({ code: 0, reason: 'exited' });
    expect(await neverExit).toMatchObject({ code: 3, exitCode: 3, reason: 'crashed' });
    expect((await neverExit).lastLines.map((l) => l.msg)).toContain('boom: crashing in 400ms with code 3');
    // Twice the first backoff (50ms) plus slack for a busy machine: a restart would have happened by now.
    await new Promise((r) => setTimeout(r, 500));
    expect(clean.replicas()[0]).toMatchObject({ status: 'crashed', restarts: 0, pid: null });
    expect(never.replicas()[0]).toMatchObject({ status: 'crashed', restarts: 0, pid: null });
  });

  it('fails start-up with the last output of a replica that exits', async () => {
    const ports = await freePorts(1);
    const sup = track(new ServiceSupervisor({ service: service({ command: fixture('crash.js') }), ports, env: baseEnv({ EXIT_CODE: '2' }) }));
    const err = await sup.start().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AgentupError);
    expect((err as Error).message).toBe('replica svc-1 exited with code 2 during start-up\nlast output:\n  boom: crashing in 0ms with code 2');
  });

  it('fails start-up naming the probe and timeout when a replica never becomes ready', async () => {
    const ports = await freePorts(1);
    const sup = track(new ServiceSupervisor({ service: service({ command: 'echo waiting; exec sleep 30', startupTimeoutMs: 600 }), ports, env: baseEnv() }));
    const t0 = Date.now();
    const err = await sup.start().catch((e: unknown) => e);
    expect((err as Error).message).toBe(
      'HTTP /healthz on svc-1 not ready after 600ms (last probe: connection refused)\nlast output:\n  waiting',
    );
    expect((err as AgentupError).hint).toContain('$PORT');
    // 600ms timeout; allow 3s for a busy machine before the stop completes.
    expect(Date.now() - t0).toBeLessThan(3600);
    expect(sup.replicas()[0]!.status).toBe('stopped');
  });

  it('a paused replica fails its health checks, is marked unhealthy, killed and restarted', async () => {
    const ports = await freePorts(1);
    const sup = track(new ServiceSupervisor({ service: service(), ports, env: baseEnv() }));
    await sup.start();
    const pid = sup.replicas()[0]!.pid!;
    const unhealthy = nextEvent(sup, 'replica_unhealthy');
    const crashed = nextEvent(sup, 'replica_crashed');
    const healthy = nextEvent(sup, 'replica_healthy');
    sup.pause(0);
    expect(sup.replicas()[0]!.status).toBe('paused');
    expect(await unhealthy).toMatchObject({ failures: 2, reason: expect.stringMatching(/^HTTP \/healthz failed 2 times: timed out after 500ms$/) });
    expect(await crashed).toMatchObject({ reason: 'health_check_failed', exitCode: 137 });
    expect((await healthy).pid).not.toBe(pid);
    expect(isAlive(pid)).toBe(false);
  });

  it('SIGKILLs a replica that ignores SIGTERM after the grace period', async () => {
    const ports = await freePorts(1);
    const sup = track(new ServiceSupervisor({ service: service({ command: fixture('ignore-sigterm.js') }), ports, env: baseEnv(), stopGraceMs: 700 }));
    await sup.start();
    const pid = sup.replicas()[0]!.pid!;
    const t0 = Date.now();
    await sup.stop();
    const elapsed = Date.now() - t0;
    expect(elapsed).toBeGreaterThanOrEqual(690);
    // Grace 700ms plus up to 2.3s for the kill to land on a busy machine.
    expect(elapsed).toBeLessThan(3000);
    expect(isAlive(pid)).toBe(false);
  });

  it('a shell command with a child: the signal reaches the real process and stop leaves no process', async () => {
    const ports = await freePorts(1);
    const [node, script] = fixture('hello.js');
    const sup = track(new ServiceSupervisor({ service: service({ command: `"${node}" "${script}" & wait` }), ports, env: baseEnv() }));
    await sup.start();
    const body = await get(ports[0]!, '/headers');
    expect(body.status).toBe(200);
    const shellPid = sup.replicas()[0]!.pid!;
    const tree = processTree(shellPid);
    expect(tree).toHaveLength(2); // sh and node: dash does not exec the last command
    const nodePid = tree[1]!;
    const crashed = nextEvent(sup, 'replica_crashed');
    sup.kill(0, 'SIGTERM');
    expect(await crashed).toMatchObject({ reason: 'crashed' });
    expect(isAlive(nodePid)).toBe(false);
    const back = await nextEvent(sup, 'replica_healthy');
    const newTree = processTree(back.pid);
    await sup.stop();
    expect([shellPid, ...newTree].filter(isAlive)).toEqual([]);
  });

  it('restart(i) replaces a replica on the same port without backoff; resume() brings a paused one back', async () => {
    const ports = await freePorts(2);
    const sup = track(new ServiceSupervisor({ service: service(), ports, env: baseEnv() }));
    await sup.start();
    const old = sup.replicas()[0]!.pid!;
    const restarting = nextEvent(sup, 'replica_restarting');
    const healthy = nextEvent(sup, 'replica_healthy');
    await sup.restart(0);
    expect(await restarting).toMatchObject({ replica: 'svc-1', delayMs: 0, manual: true });
    expect((await healthy).port).toBe(ports[0]);
    expect(isAlive(old)).toBe(false);
    expect(sup.replicas()[0]).toMatchObject({ status: 'healthy', restarts: 1 });
    sup.pause(1);
    sup.resume(1);
    expect(sup.replicas()[1]!.status).toBe('healthy');
    expect((await get(ports[1]!)).status).toBe(200);
  });
});
