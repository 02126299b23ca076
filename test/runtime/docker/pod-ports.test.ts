import { describe, expect, test } from 'vitest';
import type { Environment } from '../../../src/config/types.ts';
import { plan, portSlots } from '../../../src/plan/plan.ts';
import { podPorts } from '../../../src/runtime/docker/dependency-containers.ts';
import { proxyUpstream } from '../../../src/runtime/docker/container-env.ts';

// No engine needed: where Redis and Postgres listen inside the Docker
// dependency pod, which they share with the proxy and the port forwarder.
function environment(): Environment {
  return {
    file: '/app/env.yaml',
    dir: '/app',
    name: 'shop',
    services: {
      triage: {
        name: 'triage', command: 'node server.js', cwd: '/app', replicas: 1, portEnv: 'PORT', env: {}, healthCheck: null,
        restart: { policy: 'always', backoffInitialMs: 100, backoffMaxMs: 5000, backoffMultiplier: 2, crashLoopRestarts: 5, crashLoopWindowMs: 30000 },
        memoryLimitMb: null, dependsOn: [], startupTimeoutMs: 30000,
      },
    },
    redis: { port: null, maxmemory: null, maxmemoryPolicy: 'noeviction' },
    postgres: { port: null, maxConnections: 20, databases: [], users: [], initSql: null },
    loadBalancer: { port: null, strategy: 'round_robin', service: 'triage' },
    faultProxy: { engine: 'auto', url: null, port: null },
    upstreams: {},
    apis: {},
    faults: {},
    positions: new Map(),
  } as unknown as Environment;
}

/** Free ports from 40000 up, with some slots pinned. */
function planWith(pinned: Record<string, number>) {
  const env = environment();
  let next = 40000;
  return plan(env, new Map(portSlots(env).map((s) => [s.id, pinned[s.id] ?? next++])));
}

describe('docker dependency pod ports', () => {
  test('Redis and Postgres keep their usual ports, and the proxy dials them on 127.0.0.1', () => {
    const p = planWith({});
    expect(podPorts(p)).toEqual({ redis: 6379, postgres: 5432 });
    expect(p.proxies.map((proxy) => proxyUpstream(p, proxy))).toEqual([{ host: '127.0.0.1', port: 6379 }, { host: '127.0.0.1', port: 5432 }]);
  });

  test('a proxy listening on 6379 or 5432 moves Redis or Postgres to the next free port of the pod', () => {
    const p = planWith({ 'redis.proxy': 5432, 'postgres.proxy': 6379 });
    expect(podPorts(p)).toEqual({ redis: 6380, postgres: 5433 });
  });

  test('two parts of the pod on one port is an error naming both', () => {
    // The load balancer's port is tunnelled into the pod, where sshd listens on 22.
    expect(() => podPorts(planWith({ load_balancer: 22 }))).toThrow(/port 22 is needed twice inside the Docker dependency pod: the port forwarder's sshd and host port 22/);
    expect(() => podPorts(planWith({ 'postgres.proxy': 8474 }))).toThrow(/port 8474 is needed twice .*the fault proxy's API and proxy postgres/);
  });
});
