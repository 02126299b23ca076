import { describe, expect, test } from 'vitest';
import type { Environment, ServiceConfig } from '../../src/config/types.ts';
import { plan, portSlots } from '../../src/plan/plan.ts';
import { startWaves } from '../../src/plan/start-order.ts';

function service(overrides: Partial<ServiceConfig> = {}): ServiceConfig {
  return {
    name: 'triage',
    command: 'node server.js',
    cwd: '/app',
    replicas: 3,
    portEnv: 'PORT',
    env: {
      DATABASE_URL: { value: '${postgres.url}', secret: false },
      REDIS_URL: { value: '${redis.url}', secret: false },
      API_KEY: { value: 'sk-very-secret', secret: true },
      PRICE: { value: 'costs $$5', secret: false },
    },
    healthCheck: null,
    restart: { policy: 'always', backoffInitialMs: 100, backoffMaxMs: 5000, backoffMultiplier: 2, crashLoopRestarts: 5, crashLoopWindowMs: 30000 },
    memoryLimitMb: null,
    dependsOn: [],
    startupTimeoutMs: 30000,
    ...overrides,
  };
}

function environment(): Environment {
  return {
    file: '/app/env.yaml',
    dir: '/app',
    name: 'shop',
    services: { triage: service() },
    redis: { port: null, maxmemory: null, maxmemoryPolicy: 'noeviction' },
    postgres: {
      port: 5999,
      maxConnections: 20,
      databases: ['triage'],
      users: [{ name: 'app', password: { value: 'p@ss/word', secret: true } }],
      initSql: null,
    },
    loadBalancer: { port: 8080, strategy: 'round_robin', service: 'triage' },
    faultProxy: { engine: 'auto', url: null, port: null },
    upstreams: {},
    apis: {},
    faults: {},
    positions: new Map(),
  };
}

function assignPorts(env: Environment): Map<string, number> {
  let next = 40000;
  return new Map(portSlots(env).map((s) => [s.id, s.fixed ?? next++]));
}

describe('plan', () => {
  test('asks for every port once, keeping the fixed ones', () => {
    const slots = portSlots(environment());
    expect(slots.map((s) => s.id)).toEqual([
      'fault_proxy', 'redis', 'redis.proxy', 'postgres', 'postgres.proxy', 'load_balancer', 'triage.1', 'triage.2', 'triage.3',
    ]);
    expect(slots.find((s) => s.id === 'postgres')?.fixed).toBe(5999);
    expect(slots.find((s) => s.id === 'load_balancer')?.fixed).toBe(8080);
  });

  test('replicas get their own port and reach dependencies through the fault proxy', () => {
    const env = environment();
    const ports = assignPorts(env);
    const p = plan(env, ports);
    const triage = p.components.find((c) => c.kind === 'service');
    expect(triage?.kind).toBe('service');
    if (triage?.kind !== 'service') return;
    expect(triage.replicas.map((r) => r.id)).toEqual(['triage-1', 'triage-2', 'triage-3']);
    expect(triage.replicas.map((r) => r.env.PORT)).toEqual([String(ports.get('triage.1')), String(ports.get('triage.2')), String(ports.get('triage.3'))]);
    const r1 = triage.replicas[0]!;
    expect(r1.env.REDIS_URL).toBe(`redis://127.0.0.1:${ports.get('redis.proxy')}`);
    // The password is URL-encoded and the port is the proxy's, not the server's 5999.
    expect(r1.env.DATABASE_URL).toBe(`postgres://app:p%40ss%2Fword@127.0.0.1:${ports.get('postgres.proxy')}/triage`);
    expect(r1.env.PRICE).toBe('costs $5');
    expect(p.proxies).toEqual([
      { name: 'redis', listen: { host: '127.0.0.1', port: ports.get('redis.proxy') }, upstream: { host: '127.0.0.1', port: ports.get('redis') } },
      { name: 'postgres', listen: { host: '127.0.0.1', port: ports.get('postgres.proxy') }, upstream: { host: '127.0.0.1', port: 5999 } },
    ]);
  });

  test('collects secrets: marked env values and role passwords', () => {
    const p = plan(environment(), assignPorts(environment()));
    expect(p.secrets.sort()).toEqual(['p@ss/word', 'sk-very-secret']);
  });

  test('a service that references a dependency starts after it, and the load balancer after the service', () => {
    const p = plan(environment(), assignPorts(environment()));
    expect(p.startOrder).toEqual([['postgres', 'redis'], ['triage'], ['load_balancer']]);
  });

  test('waves keep independent parts together', () => {
    expect(
      startWaves([
        { id: 'a', dependsOn: [] },
        { id: 'b', dependsOn: ['a'] },
        { id: 'c', dependsOn: [] },
        { id: 'd', dependsOn: ['b', 'c'] },
      ]),
    ).toEqual([['a', 'c'], ['b'], ['d']]);
    expect(() => startWaves([{ id: 'a', dependsOn: ['b'] }, { id: 'b', dependsOn: ['a'] }])).toThrow(/cycle among a, b/);
  });
});
