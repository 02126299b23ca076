/** Shared set-up for the service tests: fixture paths, a service config, free ports, event waits. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RestartPolicy } from '../../src/config/types.ts';
import type { SupervisedService, ServiceSupervisor, SupervisorEvent } from '../../src/services/supervisor.ts';
import { getFreePort } from '../../src/util/ports.ts';

export const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/services');

export function fixture(name: string): string[] {
  return [process.execPath, path.join(FIXTURES, name)];
}

export const fastRestart: RestartPolicy = {
  policy: 'always',
  backoffInitialMs: 50,
  backoffMaxMs: 400,
  backoffMultiplier: 2,
  crashLoopRestarts: 5,
  crashLoopWindowMs: 30_000,
};

export function service(overrides: Partial<SupervisedService> = {}): SupervisedService {
  return {
    name: 'svc',
    command: fixture('hello.js'),
    cwd: FIXTURES,
    portEnv: 'PORT',
    healthCheck: { path: '/healthz', intervalMs: 100, timeoutMs: 500, retries: 2, startPeriodMs: 0 },
    restart: fastRestart,
    memoryLimitMb: null,
    startupTimeoutMs: 10_000,
    ...overrides,
  };
}

export async function freePorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < n) ports.add(await getFreePort());
  return [...ports];
}

export function baseEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', ...extra };
}

/** Resolves with the next event of `type` (optionally matching `where`), or rejects after timeoutMs. */
export function nextEvent<T extends SupervisorEvent['type']>(
  sup: ServiceSupervisor,
  type: T,
  timeoutMs = 10_000,
  where: (e: Extract<SupervisorEvent, { type: T }>) => boolean = () => true,
): Promise<Extract<SupervisorEvent, { type: T }>> {
  return new Promise((resolve, reject) => {
    const onEvent = (e: SupervisorEvent): void => {
      if (e.type === type && where(e as Extract<SupervisorEvent, { type: T }>)) {
        clearTimeout(timer);
        sup.off('event', onEvent);
        resolve(e as Extract<SupervisorEvent, { type: T }>);
      }
    };
    const timer = setTimeout(() => {
      sup.off('event', onEvent);
      reject(new Error(`no ${type} event within ${timeoutMs}ms`));
    }, timeoutMs);
    sup.on('event', onEvent);
  });
}

export { isProcessAlive as isAlive } from '../../src/services/process-group.ts';
