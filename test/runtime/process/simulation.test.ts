import pg from 'pg';
import { describe, expect, test } from 'vitest';
import { AgentupError } from '../../../src/errors.ts';
import { startSimulation } from '../../../src/sim/simulation.ts';
import type { SimEvent } from '../../../src/sim/events.ts';
import { REPO_ROOT, waitAllGone } from '../../support/agentup-cli.ts';
import { processTree } from '../../../src/services/process-group.ts';

const ourChildren = () => processTree(process.pid).filter((p) => p !== process.pid);

describe('process runtime through the Simulation library', { timeout: 90_000 }, () => {
  test('a replica over memory_limit_mb is OOMKilled (exit 137) and restarted', async () => {
    await using sim = await startSimulation(
      {
        name: 'leaky',
        services: {
          leaky: {
            command: ['node', 'fixtures/services/leak.js'],
            env: { LEAK_MB_PER_SEC: '60' },
            replicas: 1,
            memory_limit_mb: 120,
            restart: { policy: 'always', backoff: { initial: '50ms', max: '1s' } },
          },
        },
      },
      { dir: REPO_ROOT, faultProxyPort: 0 },
    );
    const oom = await new Promise<Extract<SimEvent, { type: 'replica_oom_killed' }>>((resolve) =>
      sim.on('event', (e) => e.type === 'replica_oom_killed' && resolve(e)),
    );
    expect(oom.replica).toBe('leaky-1');
    expect(oom.exitCode).toBe(137);
    expect(oom.rssBytes).toBeGreaterThan(120 * 1024 * 1024);
    await expect.poll(() => sim.events().filter((e) => e.type === 'replica_healthy').length, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    expect(sim.replicas()[0]!.restarts).toBeGreaterThanOrEqual(1);
  });

  test('Postgres enforces max_connections through the fault proxy: the real "too many clients" error', async () => {
    await using sim = await startSimulation(
      {
        name: 'pool',
        services: { app: { command: ['node', 'fixtures/services/hello.js'], depends_on: ['postgres'] } },
        postgres: { max_connections: 5, databases: ['app'], users: [{ name: 'app', password: 'app-pass-123' }] },
      },
      { dir: REPO_ROOT, faultProxyPort: 0 },
    );
    const url = sim.endpoints().dependencies.find((d) => d.name === 'postgres')!.proxiedUrl;
    const clients: pg.Client[] = [];
    try {
      for (let i = 0; i < 5; i++) {
        const c = new pg.Client({ connectionString: url });
        await c.connect();
        clients.push(c);
      }
      const sixth = new pg.Client({ connectionString: url });
      await expect(sixth.connect()).rejects.toThrow(/sorry, too many clients already/);
      await sixth.end().catch(() => {});
    } finally {
      await Promise.all(clients.map((c) => c.end()));
    }
  });

  test('a service that fails during start-up is reported with its output, and nothing is left running', async () => {
    const before = new Set(ourChildren());
    const err = await startSimulation(
      {
        name: 'broken',
        services: { bad: { command: 'echo "cannot open config: /etc/nope" >&2; exit 3', restart: 'never' } },
        redis: {},
      },
      { dir: REPO_ROOT, faultProxyPort: 0 },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AgentupError);
    expect(String((err as Error).message)).toMatch(/bad-1/);
    expect(String((err as Error).message)).toMatch(/cannot open config/);
    const leftover = ourChildren().filter((p) => !before.has(p));
    expect(await waitAllGone(leftover, 3_000)).toEqual([]);
  });

  test('a missing redis-server says how to install it', async () => {
    const err = await startSimulation(
      { name: 'nored', services: { app: { command: ['node', 'fixtures/services/hello.js'] } }, redis: {} },
      { dir: REPO_ROOT, faultProxyPort: 0, env: { ...process.env, PATH: '/nonexistent', AGENTUP_REDIS_SERVER: '' } },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AgentupError);
    expect((err as AgentupError).message).toMatch(/redis-server was not found/);
    expect((err as AgentupError).hint).toMatch(/apt-get install -y redis-server/);
    expect((err as AgentupError).hint).toMatch(/brew install redis/);
  });
});
