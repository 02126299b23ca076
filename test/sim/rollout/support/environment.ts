import path from 'node:path';

const SERVER = path.resolve(import.meta.dirname, 'versioned-server.mjs');

const base = {
  command: [process.execPath, SERVER],
  health_check: { path: '/healthz', interval: '200ms', timeout: '500ms', retries: 2 },
};

/** `web` with 2 stable replicas and 1 canary; `canaryEnv` is the release's env (e.g. FAIL_RATE). */
export function canaryEnvironment(canaryEnv: Record<string, string> = {}): object {
  return { name: 'rollout-canary', services: { web: { ...base, replicas: 2, canary: { replicas: 1, env: canaryEnv } } } };
}

/** `web` as blue and green, 2 replicas each; `green` adds keys to the green version (e.g. command, env). */
export function blueGreenEnvironment(green: Record<string, unknown> = {}): object {
  return { name: 'rollout-blue-green', services: { web: { ...base, replicas: 2, versions: { blue: {}, green: { env: { RELEASE: '2' }, ...green } } } } };
}
