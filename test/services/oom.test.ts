import { afterEach, describe, expect, it } from 'vitest';
import { ServiceSupervisor } from '../../src/services/supervisor.ts';
import { treeRssBytes } from '../../src/services/oom-watch.ts';
import { baseEnv, fixture, freePorts, isAlive, nextEvent, service } from './service-fixtures.ts';

const MB = 1024 * 1024;
const running: ServiceSupervisor[] = [];

describe('memory_limit_mb (OOM kill)', { timeout: 40_000 }, () => {
  afterEach(async () => {
    await Promise.all(running.splice(0).map((s) => s.stop()));
  });

  it('kills a leaking replica past its limit, reports OOMKilled with 137, and restarts it', async () => {
    const ports = await freePorts(1);
    const sup = new ServiceSupervisor({
      service: service({ command: fixture('leak.js'), memoryLimitMb: 120 }),
      ports,
      env: baseEnv({ LEAK_MB_PER_SEC: '100' }),
      memoryPollMs: 100,
    });
    running.push(sup);
    await sup.start();
    const pid = sup.replicas()[0]!.pid!;
    const oom = nextEvent(sup, 'replica_oom_killed', 15_000);
    const restarting = nextEvent(sup, 'replica_restarting', 15_000);
    const event = await oom;
    expect(event).toMatchObject({ replica: 'svc-1', exitCode: 137, limitBytes: 120 * MB });
    expect(event.rssBytes).toBeGreaterThan(120 * MB);
    // 100 MB/s sampled every 100ms: the overshoot is about 10MB; allow 60MB for a slow sample.
    expect(event.rssBytes).toBeLessThan(180 * MB);
    expect(isAlive(pid)).toBe(false);
    expect(await restarting).toMatchObject({ attempt: 1, manual: false });
    const back = await nextEvent(sup, 'replica_healthy');
    expect(back.pid).not.toBe(pid);
    expect(sup.replicas()[0]).toMatchObject({ restarts: 1, lastExit: { reason: 'oom_killed', exitCode: 137 } });
  });

  it('with restart never, stays oom_killed', async () => {
    const ports = await freePorts(1);
    const base = service();
    const sup = new ServiceSupervisor({
      service: service({ command: fixture('leak.js'), memoryLimitMb: 100, restart: { ...base.restart, policy: 'never' } }),
      ports,
      env: baseEnv({ LEAK_MB_PER_SEC: '100' }),
      memoryPollMs: 100,
    });
    running.push(sup);
    await sup.start();
    await nextEvent(sup, 'replica_oom_killed', 15_000);
    expect(sup.replicas()[0]).toMatchObject({ status: 'oom_killed', pid: null, restarts: 0 });
  });

  it('measures the resident memory of a process and its children', () => {
    const own = treeRssBytes(process.pid);
    // A Node test worker is well above 20MB and below 2GB resident.
    expect(own).toBeGreaterThan(20 * MB);
    expect(own).toBeLessThan(2048 * MB);
  });
});
