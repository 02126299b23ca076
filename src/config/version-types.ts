import type { EnvValue } from './types.ts';

/**
 * A service with two versions running side by side behind the load balancer
 * (`canary:` or `versions:`). The current version takes every request until a
 * rollout moves traffic to the next one.
 */
export interface ServiceVersion {
  /** `stable` / `canary`, or the key under `versions:` (`blue`, `green`). */
  name: string;
  /** The service's own command unless the version sets one. */
  command: string | string[];
  /** The service's env with the version's entries on top. */
  env: Record<string, EnvValue>;
  replicas: number;
}

export interface ServiceVersions {
  /** How the file declared them: `canary:` or `versions:`. */
  declaredAs: 'canary' | 'versions';
  /** Serves all traffic at start. */
  current: ServiceVersion;
  /** Takes traffic only during a rollout. */
  next: ServiceVersion;
}
