import { describe, expect, test } from 'vitest';
import { loadEnvironmentFromObject } from '../../src/config/load.ts';
import { plan, portSlots } from '../../src/plan/plan.ts';
import type { PlannedService } from '../../src/plan/types.ts';

/** Every slot gets a distinct fake port, as the runtime would. */
function planOf(source: object) {
  const env = loadEnvironmentFromObject(source, { dir: process.cwd(), env: {} });
  const ports = new Map(portSlots(env).map((s, i) => [s.id, 20_000 + i]));
  return { slots: portSlots(env).map((s) => s.id), plan: plan(env, ports) };
}

const web = (extra: object) => ({ services: { web: { command: 'node server.js', replicas: 2, env: { A: '1', R: '${redis.url}' }, ...extra } }, redis: {} });

describe('plan: two versions of a service', () => {
  test('canary: stable keeps the plain replica ids, the canary adds its own with its env on top', () => {
    const { slots, plan: p } = planOf(web({ canary: { env: { FAIL_RATE: 0.1 }, command: 'node v2.js' } }));
    expect(slots.filter((s) => s.startsWith('web'))).toEqual(['web.1', 'web.2', 'web.canary.1']);
    const svc = p.components.find((c) => c.kind === 'service') as PlannedService;
    expect(svc.replicas.map((r) => [r.id, r.version])).toEqual([['web-1', 'stable'], ['web-2', 'stable'], ['web-canary-1', 'canary']]);
    expect(svc.versions!.map((v) => [v.name, v.role, v.config.name, v.config.command, v.replicas.length])).toEqual([
      ['stable', 'current', 'web', 'node server.js', 2],
      ['canary', 'next', 'web-canary', 'node v2.js', 1],
    ]);
    const canary = svc.versions![1]!.replicas[0]!.env;
    expect(canary).toMatchObject({ A: '1', FAIL_RATE: '0.1', AGENTUP_VERSION: 'canary', AGENTUP_REPLICA_ID: 'web-canary-1', PORT: String(svc.versions![1]!.replicas[0]!.address.port) });
    expect(canary.R).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    expect(svc.versions![0]!.replicas[0]!.env.FAIL_RATE).toBeUndefined();
    expect(svc.dependsOn).toEqual(['redis']);
  });

  test('versions: both named, each with the service replicas unless it sets its own', () => {
    const { plan: p } = planOf(web({ versions: { blue: {}, green: { replicas: 3 } } }));
    const svc = p.components.find((c) => c.kind === 'service') as PlannedService;
    expect(svc.replicas.map((r) => r.id)).toEqual(['web-blue-1', 'web-blue-2', 'web-green-1', 'web-green-2', 'web-green-3']);
    expect(new Set(svc.replicas.map((r) => r.address.port)).size).toBe(5);
  });

  test('a service with one version plans as before', () => {
    const svc = planOf(web({})).plan.components.find((c) => c.kind === 'service') as PlannedService;
    expect(svc.versions).toBeUndefined();
    expect(svc.replicas.map((r) => [r.id, r.version, r.env.AGENTUP_VERSION])).toEqual([['web-1', undefined, undefined], ['web-2', undefined, undefined]]);
  });
});
